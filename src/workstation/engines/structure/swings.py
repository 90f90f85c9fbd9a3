"""Swing highs and lows: fractals of ``length`` bars on each side.

A swing high at bar ``i`` has a high strictly above the highs of the
``length`` bars before it and at or above the highs of the ``length`` bars
after it; a swing low mirrors this with lows. Strict on the left and
non-strict on the right makes a flat top (two or more equal highs in a row)
exactly one swing, at its first bar. A swing needs its full window, so it is
confirmed ``length`` bars later, at ``bar + length``. Swings are ordered by
confirmation bar, a swing low before a swing high on the same bar.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from workstation.domain.structure import SWING_DTYPE, StructArray, empty

FloatArray = npt.NDArray[np.float64]

SwingRow = tuple[int, int, int, float]  # bar, confirmed, side, price


def swing_points(high: npt.ArrayLike, low: npt.ArrayLike, length: int) -> StructArray:
    """Return confirmed swing highs (side +1) and lows (side -1) as a SWING_DTYPE array.

    ``high`` and ``low`` are per-bar prices (dollars per share), oldest first.
    """
    if length < 1:
        raise ValueError(f"swing length must be at least 1 bar, got {length}")
    highs = np.asarray(high, dtype=np.float64)
    lows = np.asarray(low, dtype=np.float64)
    n = len(highs)
    if n < 2 * length + 1:
        return empty(SWING_DTYPE)
    bars = np.arange(length, n - length)
    top = _window_extreme(highs, length, np.maximum)
    bottom = _window_extreme(lows, length, np.minimum)
    is_high = (highs[bars] > top[bars - length]) & (highs[bars] >= top[bars + 1])
    is_low = (lows[bars] < bottom[bars - length]) & (lows[bars] <= bottom[bars + 1])
    at = np.concatenate([bars[is_low], bars[is_high]])
    side = np.repeat(np.array([-1, 1], dtype=np.int8), [is_low.sum(), is_high.sum()])
    price = np.where(side > 0, highs[at], lows[at])
    order = np.lexsort((side, at))
    out = np.zeros(len(at), dtype=SWING_DTYPE)
    out["bar"] = at[order]
    out["confirmed"] = at[order] + length
    out["side"] = side[order]
    out["price"] = price[order]
    return out


def _window_extreme(values: FloatArray, length: int, pick: np.ufunc) -> FloatArray:
    """``pick`` (maximum or minimum) of ``values[t : t + length]`` for every full window.

    Windows double in size (1, 2, 4 ...) and two overlapping ones cover any
    length: O(n log length) instead of O(n · length).
    """
    span, extreme = 1, values
    while 2 * span <= length:
        extreme = pick(extreme[:-span], extreme[span:])
        span *= 2
    count, rest = len(values) - length + 1, length - span
    out: FloatArray = pick(extreme[:count], extreme[rest : rest + count])
    return out


class SwingWatch:
    """Incremental swing_points: feed bars one by one, get the swings each one confirms."""

    def __init__(self, length: int) -> None:
        self.length = length
        self._highs: list[float] = []
        self._lows: list[float] = []

    def update(self, bar: int, high: float, low: float) -> list[SwingRow]:
        """Take bar ``bar`` and return the swings it confirms (low first), as rows."""
        self._highs.append(high)
        self._lows.append(low)
        window = 2 * self.length + 1
        if len(self._highs) > window:
            del self._highs[0], self._lows[0]
        if len(self._highs) < window:
            return []
        k = self.length
        found: list[SwingRow] = []
        lows, highs = self._lows, self._highs
        if lows[k] < min(lows[:k]) and lows[k] <= min(lows[k + 1 :]):
            found.append((bar - k, bar, -1, lows[k]))
        if highs[k] > max(highs[:k]) and highs[k] >= max(highs[k + 1 :]):
            found.append((bar - k, bar, 1, highs[k]))
        return found
