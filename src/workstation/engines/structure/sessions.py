"""Session clock of US equity bars: which session day a bar belongs to and where in it.

Times are America/New_York. The regular session runs 09:30-16:00 ET. A
session day holds the overnight before it (from 16:00 ET of the previous
calendar day, and over a weekend from Friday 16:00 ET) and then its regular
session: a bar at or after 16:00 ET, or on a Saturday or Sunday, belongs to
the next weekday's session day. There is no holiday calendar here (engines
stay free of exchange_calendars): a holiday with no bars simply does not
appear, and one with only extended-hours bars is a session day without a
regular session.

``day`` is the session day as days since 1970-01-01 (its local date),
``minute`` the minutes since that date's local midnight, negative for the
overnight bars of the evening (or weekend) before, and ``week`` counts
Monday-based weeks since the epoch. Daily bars stamped at 00:00 UTC fall on
the evening before their date and so get that date as their session day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

IndexArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

EXCHANGE_TZ = ZoneInfo("America/New_York")
REGULAR_OPEN_MINUTE = 9 * 60 + 30
REGULAR_CLOSE_MINUTE = 16 * 60
DAY_SECONDS = 86_400
_SATURDAY, _SUNDAY = 5, 6


@dataclass(frozen=True, slots=True, eq=False)
class SessionClock:
    """Session day, session minute and week of each bar (see the module docstring)."""

    day: IndexArray
    minute: IndexArray
    week: IndexArray

    @property
    def regular(self) -> BoolArray:
        """True for bars of the regular session (09:30-16:00 ET)."""
        regular: BoolArray = self.minute >= REGULAR_OPEN_MINUTE
        return regular


def session_clock(ts: npt.ArrayLike) -> SessionClock:
    """Return the session clock of bars opening at ``ts`` (epoch seconds UTC, sorted)."""
    stamps = np.asarray(ts, dtype=np.int64)
    local = stamps + _utc_offsets(stamps)
    day = local // DAY_SECONDS
    minute = local % DAY_SECONDS // 60
    late = minute >= REGULAR_CLOSE_MINUTE
    day += late
    minute -= late * 1440
    weekday = (day + 3) % 7
    roll = np.where(weekday == _SATURDAY, 2, np.where(weekday == _SUNDAY, 1, 0))
    day += roll
    minute -= roll * 1440
    return SessionClock(day, minute, (day + 3) // 7)


def bar_clock(ts: int) -> tuple[int, int, int]:
    """Return (session day, session minute, week) of one bar opening at ``ts`` (epoch s UTC)."""
    local = ts + _offset_at(ts)
    day, minute = local // DAY_SECONDS, local % DAY_SECONDS // 60
    if minute >= REGULAR_CLOSE_MINUTE:
        day, minute = day + 1, minute - 1440
    weekday = (day + 3) % 7
    roll = 2 if weekday == _SATURDAY else 1 if weekday == _SUNDAY else 0
    day, minute = day + roll, minute - roll * 1440
    return day, minute, (day + 3) // 7


def _utc_offsets(stamps: IndexArray) -> IndexArray:
    """New York's UTC offset (seconds) at each instant: one zoneinfo lookup per UTC day.

    Only on the two days a year the offset changes is each bar looked up.
    """
    if stamps.size == 0:
        return np.zeros(0, dtype=np.int64)
    utc_day = stamps // DAY_SECONDS
    starts = np.flatnonzero(np.r_[True, utc_day[1:] != utc_day[:-1]])
    lengths = np.diff(np.r_[starts, len(stamps)])
    bounds = np.array([_day_offsets(int(d)) for d in utc_day[starts]], dtype=np.int64)
    offsets = np.repeat(bounds[:, 0], lengths)
    for run in np.flatnonzero(bounds[:, 0] != bounds[:, 1]):
        lo, hi = starts[run], starts[run] + lengths[run]
        offsets[lo:hi] = [_exact_offset(int(t)) for t in stamps[lo:hi]]
    return offsets


def _offset_at(ts: int) -> int:
    start, end = _day_offsets(ts // DAY_SECONDS)
    return start if start == end else _exact_offset(ts)


@lru_cache(maxsize=8192)
def _day_offsets(utc_day: int) -> tuple[int, int]:
    """UTC offset at the first and the last second of a UTC day."""
    first = utc_day * DAY_SECONDS
    return _exact_offset(first), _exact_offset(first + DAY_SECONDS - 1)


def _exact_offset(ts: int) -> int:
    offset = datetime.fromtimestamp(ts, EXCHANGE_TZ).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0
