"""Trend indicators on price series: exponential moving average and session VWAP.

Prices are dollars per share, volumes shares; arrays are oldest first.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def ema(closes: npt.ArrayLike, span: int) -> FloatArray:
    """Return the exponential moving average with alpha = 2 / (span + 1), seeded by the first close.

    The first ``span - 1`` values are NaN (not enough history to speak of a
    ``span``-period average). Raises ValueError for a span below 1.
    """
    if span < 1:
        raise ValueError(f"EMA span must be at least 1, got {span}")
    x = np.asarray(closes, dtype=float)
    out = np.empty_like(x)
    alpha = 2.0 / (span + 1.0)
    level = float(x[0]) if x.size else 0.0
    for i, close in enumerate(x.tolist()):  # recursive by nature; a few hundred daily closes
        level += alpha * (close - level)
        out[i] = level
    out[: span - 1] = np.nan
    return out


def vwap(prices: npt.ArrayLike, volumes: npt.ArrayLike) -> float:
    """Return the volume-weighted average price (NaN when there is no volume)."""
    p = np.asarray(prices, dtype=float)
    v = np.asarray(volumes, dtype=float)
    total = float(v.sum())
    return float(p @ v) / total if total > 0 else float("nan")


def typical_price(high: npt.ArrayLike, low: npt.ArrayLike, close: npt.ArrayLike) -> FloatArray:
    """Return (high + low + close) / 3 per bar, the price VWAP weights by volume."""
    typical: FloatArray = (
        np.asarray(high, float) + np.asarray(low, float) + np.asarray(close, float)
    ) / 3.0
    return typical
