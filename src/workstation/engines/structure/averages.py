"""Exponential moving averages of close, vectorised, on whatever bars they are given.

The convention is engines.indicators.ema's: alpha = 2 / (span + 1), seeded
by the first close, the first ``span - 1`` values NaN. The recursion
``level = alpha · close + (1 - alpha) · level`` runs in scipy's lfilter here
and in plain Python in EmaLine, with the same operations in the same order, so
the batch and live values agree to the last bit.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def ema(close: npt.ArrayLike, span: int) -> FloatArray:
    """Return the ``span``-bar EMA of ``close`` ($/share); the first span-1 values are NaN."""
    if span < 1:
        raise ValueError(f"EMA span must be at least 1, got {span}")
    # scipy.signal costs ~0.6 s to import: load it when the first EMA is asked for.
    from scipy.signal import lfilter

    x = np.asarray(close, dtype=np.float64)
    out = np.empty_like(x)
    if x.size:
        alpha = 2.0 / (span + 1.0)
        out[0] = x[0]
        out[1:] = lfilter([alpha], [1.0, alpha - 1.0], x[1:], zi=[(1.0 - alpha) * x[0]])[0]
    out[: span - 1] = np.nan
    return out


class EmaLine:
    """Incremental ema: one close at a time."""

    def __init__(self, span: int) -> None:
        if span < 1:
            raise ValueError(f"EMA span must be at least 1, got {span}")
        self.span = span
        self._alpha = 2.0 / (span + 1.0)
        self._level: float | None = None
        self._count = 0

    def update(self, close: float) -> float:
        """Take the next close; return the EMA after it (NaN until ``span`` closes are in)."""
        if self._level is None:
            self._level = close
        else:
            self._level = self._alpha * close + (1.0 - self._alpha) * self._level
        self._count += 1
        return self._level if self._count >= self.span else float("nan")
