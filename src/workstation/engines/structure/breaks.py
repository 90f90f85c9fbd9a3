"""Displacement candles and breaks of structure / changes of character.

Displacement: a bar whose range (high - low) is at least ``k`` times the mean
true range of the ``window`` bars before it, with a body (close != open) that
gives its side. Bars without ``window`` bars before them are never
displacements. The window sum is a difference of running totals of true
range, the same additions in batch and live.

Structure break: a close strictly beyond the latest confirmed swing (above
the latest swing high, side +1; below the latest swing low, side -1). Each
swing breaks at most once, and only while it is the latest of its side: once
a newer swing of that side is confirmed, the older one no longer counts. The
first break, or one in the direction of the previous break, is a break of
structure (BOS); one against it is a change of character (CHOCH). On a bar
that breaks both ways (possible when the latest swing high is below the
latest swing low) the upside break is taken first.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import numpy.typing as npt

from workstation.domain.structure import EVENT_DTYPE, EventKind, StructArray
from workstation.engines.structure.reach import PriceReach

FloatArray = npt.NDArray[np.float64]
SideArray = npt.NDArray[np.int8]

EventRow = tuple[int, int, int, float, int]  # bar, kind, side, price, ref


def displacement_side(
    open: FloatArray,
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    k: float,
    window: int,
) -> SideArray:
    """Return per bar +1 (bullish) / -1 (bearish) for displacement candles, 0 otherwise."""
    n = len(high)
    out = np.zeros(n, dtype=np.int8)
    if n <= window:
        return out
    true_range = np.empty(n)
    true_range[0] = high[0] - low[0]
    true_range[1:] = np.maximum(high[1:], close[:-1]) - np.minimum(low[1:], close[:-1])
    total = np.r_[0.0, np.cumsum(true_range)]
    bars = np.arange(window, n)
    mean = (total[bars] - total[bars - window]) / window
    big = high[bars] - low[bars] >= k * mean
    out[bars] = np.where(big, np.sign(close[bars] - open[bars]), 0)
    return out


def structure_breaks(close: FloatArray, swings: StructArray, reach: PriceReach) -> StructArray:
    """Return BOS / CHOCH events (EVENT_DTYPE, ``ref`` = swing index) in bar order."""
    parts = []
    for side in (1, -1):
        mine = np.flatnonzero(swings["side"] == side)
        confirmed = swings["confirmed"][mine]
        replaced = np.r_[confirmed[1:], len(close)]
        price = swings["price"][mine]
        hit = reach.close_beyond(np.full(len(mine), side, np.int8), confirmed, price)
        ok = (hit >= 0) & (hit < replaced)
        rows = np.zeros(int(ok.sum()), dtype=EVENT_DTYPE)
        rows["bar"], rows["side"], rows["price"], rows["ref"] = hit[ok], side, price[ok], mine[ok]
        parts.append(rows)
    events = np.concatenate(parts)
    events = events[np.lexsort((-events["side"], events["bar"]))]
    previous = np.r_[0, events["side"][:-1]]
    against = previous == -events["side"]
    events["kind"] = np.where(against, EventKind.CHANGE_OF_CHARACTER, EventKind.BREAK_OF_STRUCTURE)
    return events


class DisplacementWatch:
    """Incremental displacement_side."""

    def __init__(self, k: float, window: int) -> None:
        self.k, self.window = k, window
        self._totals: deque[float] = deque([0.0], maxlen=window + 1)
        self._previous_close: float | None = None

    def update(self, open: float, high: float, low: float, close: float) -> int:
        """Take the next bar; return its displacement side (0 for none)."""
        side = 0
        if len(self._totals) == self.window + 1:
            mean = (self._totals[-1] - self._totals[0]) / self.window
            if high - low >= self.k * mean:
                side = (close > open) - (close < open)
        previous = self._previous_close
        true_range = high - low if previous is None else max(high, previous) - min(low, previous)
        self._totals.append(self._totals[-1] + true_range)
        self._previous_close = close
        return side


class BreakWatch:
    """Incremental structure_breaks: the latest swing of each side and the trend."""

    def __init__(self) -> None:
        self._latest: dict[int, tuple[int, float] | None] = {1: None, -1: None}  # (ref, price)
        self._trend = 0

    def update(
        self, bar: int, close: float, swings: list[tuple[int, int, float]]
    ) -> list[EventRow]:
        """Take this bar's close and newly confirmed swings (ref, side, price); return breaks."""
        for ref, side, price in swings:
            self._latest[side] = (ref, price)
        found: list[EventRow] = []
        for side in (1, -1):
            latest = self._latest[side]
            if latest is None or not (close > latest[1] if side > 0 else close < latest[1]):
                continue
            kind = (
                EventKind.CHANGE_OF_CHARACTER
                if self._trend == -side
                else EventKind.BREAK_OF_STRUCTURE
            )
            found.append((bar, int(kind), side, latest[1], latest[0]))
            self._latest[side] = None
            self._trend = side
        return found
