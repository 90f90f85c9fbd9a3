"""Structure events, each at the bar whose close made it knowable (EVENT_DTYPE rows).

- SWEEP: a bar trades beyond a liquidity level and closes back inside it on
  the same bar (close at or below a buy-side level, at or above a sell-side
  one). A later bar closing back does not make it a sweep: the level is then
  just ``swept`` (taken) with no event. ``side`` is the level's side (+1 =
  buy-side liquidity above highs was taken), ``ref`` the level.
- FVG_TAG: the first bar trading into a gap; ``price`` is the edge it reached
  (top of a bullish gap, bottom of a bearish one), ``ref`` the gap.
- DISPLACEMENT: see breaks.py; ``price`` is the close.
- RANGE_BREAK_OPENING / RANGE_BREAK_PRIOR_DAY: the first close beyond an
  opening-range (prior-day) high or low within the same session day (for the
  prior day: the day the level was confirmed on); ``ref`` the level.
- BREAK_OF_STRUCTURE / CHANGE_OF_CHARACTER: see breaks.py; ``ref`` the swing.
- VWAP_RECLAIM: a close back above session VWAP after the previous bar of the
  same session closed below it (side +1), or back below after closing above
  (side -1, VWAP lost). VWAP_REJECT: a bar trades through VWAP but closes on
  the side it came from, as did the previous bar: high above and close below
  (side -1), low below and close above (side +1). ``price`` is VWAP.

Events are ordered by (bar, kind, ref).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from workstation.domain.structure import EVENT_DTYPE, NOT_YET, EventKind, LevelKind, StructArray
from workstation.engines.structure.breaks import EventRow
from workstation.engines.structure.reach import PriceReach
from workstation.engines.structure.session_levels import LevelRow
from workstation.engines.structure.sessions import SessionClock

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]
SideArray = npt.NDArray[np.int8]

_RANGE_KINDS = {
    LevelKind.PRIOR_DAY: EventKind.RANGE_BREAK_PRIOR_DAY,
    LevelKind.OPENING_RANGE: EventKind.RANGE_BREAK_OPENING,
}


def sort_events(parts: list[StructArray]) -> StructArray:
    """Concatenate event arrays and order them by (bar, kind, ref)."""
    events = np.concatenate(parts) if parts else np.zeros(0, dtype=EVENT_DTYPE)
    return events[np.lexsort((events["ref"], events["kind"], events["bar"]))]


def _events(
    kind: EventKind, bar: IndexArray, side: npt.ArrayLike, price: npt.ArrayLike, ref: npt.ArrayLike
) -> StructArray:
    out = np.zeros(len(bar), dtype=EVENT_DTYPE)
    out["bar"], out["kind"], out["side"], out["price"], out["ref"] = bar, kind, side, price, ref
    return out


def sweeps(levels: StructArray, close: FloatArray) -> StructArray:
    """SWEEP events: levels swept by a bar that closed back inside them."""
    taken = np.flatnonzero(levels["swept"] >= 0)
    at, side, price = levels["swept"][taken], levels["side"][taken], levels["price"][taken]
    inside = np.where(side > 0, close[at] <= price, close[at] >= price)
    return _events(EventKind.SWEEP, at[inside], side[inside], price[inside], taken[inside])


def gap_tags(gaps: StructArray) -> StructArray:
    """FVG_TAG events at each gap's first tag."""
    tagged = np.flatnonzero(gaps["tagged"] >= 0)
    side = gaps["side"][tagged]
    edge = np.where(side > 0, gaps["top"][tagged], gaps["bottom"][tagged])
    return _events(EventKind.FVG_TAG, gaps["tagged"][tagged], side, edge, tagged)


def displacements(displacement: SideArray, close: FloatArray) -> StructArray:
    """DISPLACEMENT events from per-bar displacement sides."""
    at = np.flatnonzero(displacement)
    return _events(EventKind.DISPLACEMENT, at, displacement[at], close[at], NOT_YET)


def range_breaks(levels: StructArray, clock: SessionClock, reach: PriceReach) -> StructArray:
    """RANGE_BREAK_* events: first close beyond opening-range and prior-day levels that day."""
    day_end = _day_ends(clock.day)
    parts = []
    for level_kind, event_kind in _RANGE_KINDS.items():
        mine = np.flatnonzero(levels["kind"] == level_kind)
        row = levels[mine]
        own_day = row["first"] if level_kind == LevelKind.OPENING_RANGE else row["confirmed"]
        hit = reach.close_beyond(row["side"], row["confirmed"], row["price"])
        ok = (hit >= 0) & (hit < day_end[own_day])
        parts.append(_events(event_kind, hit[ok], row["side"][ok], row["price"][ok], mine[ok]))
    return np.concatenate(parts)


def _day_ends(day: IndexArray) -> IndexArray:
    """Per bar, the index of the first bar of the next session day (n on the last day)."""
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    ends = np.r_[starts[1:], len(day)]
    return np.repeat(ends, ends - starts)


def vwap_events(
    vwap: FloatArray, high: FloatArray, low: FloatArray, close: FloatArray, day: IndexArray
) -> StructArray:
    """VWAP_RECLAIM and VWAP_REJECT events (see the module notes)."""
    if len(close) < 2:
        return np.zeros(0, dtype=EVENT_DTYPE)
    known = np.isfinite(vwap)
    paired = known[1:] & known[:-1] & (day[1:] == day[:-1])
    above, below = close > vwap, close < vwap
    now_above, now_below, was_above, was_below = above[1:], below[1:], above[:-1], below[:-1]
    cases = [
        (EventKind.VWAP_RECLAIM, 1, now_above & was_below),
        (EventKind.VWAP_RECLAIM, -1, now_below & was_above),
        (EventKind.VWAP_REJECT, -1, now_below & was_below & (high[1:] > vwap[1:])),
        (EventKind.VWAP_REJECT, 1, now_above & was_above & (low[1:] < vwap[1:])),
    ]
    parts = []
    for kind, side, hit in cases:
        at = np.flatnonzero(paired & hit) + 1
        parts.append(_events(kind, at, side, vwap[at], NOT_YET))
    return np.concatenate(parts)


class RangeWatch:
    """Incremental range_breaks: the day's opening-range and prior-day levels not yet broken."""

    def __init__(self) -> None:
        self._open: list[
            tuple[int, int, float, int, int]
        ] = []  # event kind, side, price, level, day

    def add(self, levels: list[tuple[int, LevelRow, int]]) -> None:
        """Watch newly confirmed levels (index, row, session day of their break window)."""
        for index, row, day in levels:
            event = _RANGE_KINDS.get(LevelKind(int(row[0])))
            if event is not None:
                self._open.append((int(event), int(row[1]), row[2], index, day))

    def update(self, bar: int, day: int, close: float) -> list[EventRow]:
        """Take this bar's close; return the range breaks it makes."""
        found: list[EventRow] = []
        still: list[tuple[int, int, float, int, int]] = []
        for kind, side, price, level, own_day in self._open:
            if own_day != day:
                continue
            if close > price if side > 0 else close < price:
                found.append((bar, kind, side, price, level))
            else:
                still.append((kind, side, price, level, own_day))
        self._open = still
        return found


class VwapWatch:
    """Incremental vwap_events: remembers how the previous bar closed against VWAP."""

    def __init__(self) -> None:
        self._day: int | None = None
        self._side = 0  # +1 closed above, -1 below, 0 on it or no VWAP

    def update(
        self, bar: int, day: int, vwap: float, high: float, low: float, close: float
    ) -> list[EventRow]:
        """Take this bar and its VWAP; return the reclaim / reject it makes."""
        known = not math.isnan(vwap)
        was, same = self._side, known and self._day == day
        now = (close > vwap) - (close < vwap) if known else 0
        self._day, self._side = (day if known else None), now
        if not same or now == 0 or was == 0:
            return []
        if now != was:
            return [(bar, int(EventKind.VWAP_RECLAIM), now, vwap, NOT_YET)]
        through = high > vwap if now < 0 else low < vwap
        return [(bar, int(EventKind.VWAP_REJECT), now, vwap, NOT_YET)] if through else []
