"""Prior day and week, overnight and opening-range highs and lows (session clock in sessions.py).

- Prior day: the high and low of a session day's regular session (all of the
  day's bars when it has no regular-session bar, e.g. daily bars), confirmed
  at the first bar of the next session day in the data.
- Prior week: the same over a Monday-based week, confirmed at the first bar of
  the next week.
- Overnight: the high and low of the day's bars before 09:30 ET (from 16:00
  ET the evening before), confirmed at the day's first regular-session bar.
- Opening range: the high and low of the bars opening in the first
  ``opening_minutes`` after 09:30 ET, confirmed at the first bar after them.

Each level's ``first``/``last`` is the bar that made the extreme (the first
such bar on a tie), ``touches`` is 1. Highs are buy-side (+1), lows sell-side
(-1).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from workstation.domain.structure import LEVEL_DTYPE, NOT_YET, LevelKind, StructArray
from workstation.engines.structure.sessions import REGULAR_OPEN_MINUTE, SessionClock

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

LevelRow = list[float]  # kind, side, price, first, last, confirmed, touches, swept
Range = list[float]  # high, bar of the high, low, bar of the low


def session_levels(
    clock: SessionClock, high: FloatArray, low: FloatArray, opening_minutes: int
) -> StructArray:
    """Return prior-day, prior-week, overnight and opening-range levels (unsorted, unswept)."""
    n = len(high)
    if n == 0:
        return np.zeros(0, dtype=LEVEL_DTYPE)
    regular = clock.regular
    days = _starts(clock.day)
    weeks = _starts(clock.week)
    has_regular = np.logical_or.reduceat(regular, days)
    counted = regular | ~np.repeat(has_regular, np.diff(np.r_[days, n]))
    opening = regular & (clock.minute < REGULAR_OPEN_MINUTE + opening_minutes)
    first_regular = _first_in_segment(regular, days)
    last_opening = _last_in_segment(opening, days, n)
    parts = [
        _levels(LevelKind.PRIOR_DAY, high, low, counted, days, np.r_[days[1:], NOT_YET]),
        _levels(LevelKind.PRIOR_WEEK, high, low, counted, weeks, np.r_[weeks[1:], NOT_YET]),
        _levels(LevelKind.OVERNIGHT, high, low, ~regular, days, first_regular),
        _levels(LevelKind.OPENING_RANGE, high, low, opening, days, last_opening + 1),
    ]
    return np.concatenate(parts)


def _levels(
    kind: LevelKind,
    high: FloatArray,
    low: FloatArray,
    mask: BoolArray,
    starts: IndexArray,
    confirmed: IndexArray,
) -> StructArray:
    """Highs and lows of the masked bars of each segment, kept where confirmed in the data."""
    present = np.logical_or.reduceat(mask, starts)
    keep = present & (confirmed >= 0) & (confirmed < len(high))
    top, top_bar = _segment_max(high, mask, starts)
    bottom, bottom_bar = _segment_max(-low, mask, starts)
    out = np.zeros(2 * int(keep.sum()), dtype=LEVEL_DTYPE)
    out["kind"] = kind
    out["side"] = np.repeat(np.array([-1, 1], dtype=np.int8), keep.sum())
    out["price"] = np.r_[-bottom[keep], top[keep]]
    out["first"] = out["last"] = np.r_[bottom_bar[keep], top_bar[keep]]
    out["confirmed"] = np.tile(confirmed[keep], 2)
    out["touches"] = 1
    out["swept"] = NOT_YET
    return out


def _starts(key: IndexArray) -> IndexArray:
    return np.flatnonzero(np.r_[True, key[1:] != key[:-1]])


def _segment_max(
    values: FloatArray, mask: BoolArray, starts: IndexArray
) -> tuple[FloatArray, IndexArray]:
    """Per segment: the max of the masked values and the first bar holding it (-inf, 0 if none)."""
    masked = np.where(mask, values, -np.inf)
    best = np.maximum.reduceat(masked, starts)
    segment = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(values)]))
    holders = np.flatnonzero(mask & (masked == best[segment]))
    if holders.size == 0:
        return best, np.zeros(len(starts), dtype=np.int64)
    at = np.searchsorted(segment[holders], np.arange(len(starts)))
    return best, holders[np.minimum(at, len(holders) - 1)]


def _first_in_segment(mask: BoolArray, starts: IndexArray) -> IndexArray:
    """First masked bar at or after each segment start (-1 where the segment has none)."""
    where = np.flatnonzero(mask)
    at = np.searchsorted(where, starts)
    ends = np.r_[starts[1:], len(mask)]
    first = where[np.minimum(at, len(where) - 1)] if where.size else np.full(len(starts), -1)
    return np.where((at < len(where)) & (first < ends), first, NOT_YET)


def _last_in_segment(mask: BoolArray, starts: IndexArray, n: int) -> IndexArray:
    """Last masked bar of each segment (-2 where the segment has none, so last + 1 < 0)."""
    where = np.flatnonzero(mask)
    ends = np.r_[starts[1:], n]
    at = np.searchsorted(where, ends) - 1
    last = where[np.maximum(at, 0)] if where.size else np.full(len(starts), -2)
    return np.where((at >= 0) & (last >= starts), last, -2)


class SessionLevels:
    """Incremental session_levels: returns each bar's newly confirmed levels.

    Each new level comes with the session day during which a close beyond it
    counts as a range break (prior day: the day it is confirmed on; opening
    range: its own day).
    """

    def __init__(self, opening_minutes: int) -> None:
        self._opening_end = REGULAR_OPEN_MINUTE + opening_minutes
        self._day: int | None = None
        self._week: int | None = None
        self._all: Range | None = None
        self._regular: Range | None = None
        self._overnight: Range | None = None
        self._week_range: Range | None = None
        self._opening: Range | None = None
        self._opening_day = 0
        self._regular_seen = False

    def update(
        self, bar: int, day: int, minute: int, week: int, high: float, low: float
    ) -> list[tuple[LevelRow, int]]:
        """Take one bar with its session clock; return (level row, break-window day) pairs."""
        new: list[tuple[LevelRow, int]] = []
        if self._day is not None and day != self._day:
            self._close_day(bar, day, week, new)
        self._day, self._week = day, week
        opening = REGULAR_OPEN_MINUTE <= minute < self._opening_end
        if self._opening is not None and not (opening and day == self._opening_day):
            new += _rows(LevelKind.OPENING_RANGE, self._opening, bar, self._opening_day)
            self._opening = None
        regular = minute >= REGULAR_OPEN_MINUTE
        if regular and not self._regular_seen:
            self._regular_seen = True
            if self._overnight is not None:
                new += _rows(LevelKind.OVERNIGHT, self._overnight, bar, day)
        self._all = _widen(self._all, high, bar, low, bar)
        if regular:
            self._regular = _widen(self._regular, high, bar, low, bar)
        else:
            self._overnight = _widen(self._overnight, high, bar, low, bar)
        if opening:
            self._opening = _widen(self._opening, high, bar, low, bar)
            self._opening_day = day
        return new

    def _close_day(self, bar: int, day: int, week: int, new: list[tuple[LevelRow, int]]) -> None:
        counted = self._regular or self._all
        assert counted is not None  # a day exists only once a bar arrived
        new += _rows(LevelKind.PRIOR_DAY, counted, bar, day)
        self._week_range = _widen(self._week_range, *counted)
        if week != self._week:
            new += _rows(LevelKind.PRIOR_WEEK, self._week_range, bar, day)
            self._week_range = None
        self._all = self._regular = self._overnight = None
        self._regular_seen = False


def _widen(span: Range | None, high: float, high_bar: float, low: float, low_bar: float) -> Range:
    """Extend a range with a new high/low; a tie keeps the earlier bar."""
    if span is None:
        return [high, high_bar, low, low_bar]
    if high > span[0]:
        span[0], span[1] = high, high_bar
    if low < span[2]:
        span[2], span[3] = low, low_bar
    return span


def _rows(kind: LevelKind, span: Range, confirmed: int, day: int) -> list[tuple[LevelRow, int]]:
    low = [float(kind), -1.0, span[2], span[3], span[3], confirmed, 1, NOT_YET]
    high = [float(kind), 1.0, span[0], span[1], span[1], confirmed, 1, NOT_YET]
    return [(low, day), (high, day)]
