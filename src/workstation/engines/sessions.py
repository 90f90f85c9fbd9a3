"""NYSE trading sessions (XNYS) from exchange_calendars: holidays, half days, market status.

Dates are exchange dates (America/New_York); instants are aware UTC datetimes or
epoch seconds (UTC). exchange_calendars (and pandas under it) is imported on
first use only, because it costs ~0.4 s at start-up.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

EXCHANGE_TZ = ZoneInfo("America/New_York")
CALENDAR_FIRST = date(2015, 1, 2)
CALENDAR_YEARS_AHEAD = 2
PRE_MARKET_OPENS = time(4, 0)
AFTER_HOURS_MINUTES = 240  # extended trading runs 4 hours past the close (20:00 ET normally)
FULL_SESSION_SECONDS = 6 * 3600 + 30 * 60

# exchange_calendars' rule names, in the words traders use.
_HOLIDAY_NAMES = {
    "July 4th": "Independence Day",
    "President's Day": "Presidents' Day",
    "Dr. Martin Luther King Jr. Day": "Martin Luther King Jr. Day",
    "Juneteenth National Independence Day": "Juneteenth",
}

DayArray = npt.NDArray[np.datetime64]
EpochArray = npt.NDArray[np.int64]


class MarketState(StrEnum):
    """Where the US equity market is in its day."""

    PRE_MARKET = "pre_market"
    OPEN = "open"
    AFTER_HOURS = "after_hours"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class MarketStatus:
    """The market's state at one instant, with a short label for the status bar.

    ``session`` is today's exchange date when today is a session, else None;
    ``opens_at``/``closes_at`` are that session's bounds (aware UTC) or None;
    ``next_open`` is the first regular open strictly after the instant.
    """

    state: MarketState
    session: date | None
    is_half_day: bool
    opens_at: datetime | None
    closes_at: datetime | None
    next_open: datetime
    label: str

    @property
    def is_open(self) -> bool:
        """True during the regular session."""
        return self.state is MarketState.OPEN


@dataclass(frozen=True, slots=True, eq=False)
class SessionSchedule:
    """Sessions with their regular open and close (epoch seconds UTC), oldest first."""

    days: DayArray
    opens: EpochArray
    closes: EpochArray

    def __len__(self) -> int:
        return len(self.days)

    @property
    def minutes(self) -> npt.NDArray[np.int64]:
        """Length of each session in minutes (390 full day, 210 half day)."""
        return (self.closes - self.opens) // 60


class TradingCalendar:
    """NYSE sessions between ``first`` and ``last`` (inclusive exchange dates).

    Build it once (``xnys()`` caches the default one); every query is a numpy
    search over the precomputed session table.
    """

    def __init__(self, first: date = CALENDAR_FIRST, last: date | None = None) -> None:
        if last is None:
            # The wall clock only sets how far ahead the table reaches.
            last = datetime.now(UTC).date() + timedelta(days=366 * CALENDAR_YEARS_AHEAD)
        self.first = first
        self.last = last
        raw = _load_xnys(first, last)
        self._days: DayArray = raw["days"]
        self._opens: EpochArray = raw["opens"]
        self._closes: EpochArray = raw["closes"]
        self._holidays: dict[date, str] = raw["holidays"]

    # ------------------------------------------------------------ sessions
    def sessions(self, start: date, end: date) -> list[date]:
        """Return the sessions from ``start`` to ``end``, both inclusive."""
        lo, hi = self._slice(start, end)
        return _to_dates(self._days[lo:hi])

    def schedule(self, start: date, end: date) -> SessionSchedule:
        """Return sessions in [start, end] with their open and close instants."""
        lo, hi = self._slice(start, end)
        return SessionSchedule(self._days[lo:hi], self._opens[lo:hi], self._closes[lo:hi])

    def is_session(self, day: date) -> bool:
        """Tell whether the exchange has a regular session on ``day``."""
        return self._index(day) is not None

    def is_half_day(self, day: date) -> bool:
        """Tell whether ``day`` is a session that closes early (13:00 ET)."""
        i = self._index(day)
        return i is not None and bool(self._closes[i] - self._opens[i] < FULL_SESSION_SECONDS)

    def session_bounds(self, day: date) -> tuple[datetime, datetime]:
        """Return the regular open and close of session ``day`` as aware UTC datetimes."""
        i = self._index(day)
        if i is None:
            raise ValueError(f"{day} is not an NYSE session")
        return _utc(int(self._opens[i])), _utc(int(self._closes[i]))

    def previous_session(self, day: date) -> date:
        """Return the last session strictly before ``day``."""
        i = int(np.searchsorted(self._days, self._check(day), side="left")) - 1
        if i < 0:
            raise ValueError(f"no session before {day} in the calendar (starts {self.first})")
        return _to_date(self._days[i])

    def next_session(self, day: date) -> date:
        """Return the first session strictly after ``day``."""
        i = int(np.searchsorted(self._days, self._check(day), side="right"))
        if i >= len(self._days):
            raise ValueError(f"no session after {day} in the calendar (ends {self.last})")
        return _to_date(self._days[i])

    def sessions_back(self, end: date, count: int) -> list[date]:
        """Return the last ``count`` sessions ending at or before ``end``, oldest first."""
        hi = int(np.searchsorted(self._days, self._check(end), side="right"))
        return _to_dates(self._days[max(0, hi - count) : hi])

    def holiday_name(self, day: date) -> str | None:
        """Return the name of the exchange holiday on ``day``, if it is one."""
        return self._holidays.get(day)

    def last_open_at_or_before(self, instant: datetime) -> date | None:
        """Return the latest session whose regular open is at or before ``instant``."""
        i = int(np.searchsorted(self._opens, _epoch(instant), side="right")) - 1
        return _to_date(self._days[i]) if i >= 0 else None

    # ------------------------------------------------------------ status
    def status(self, now: datetime) -> MarketStatus:
        """Return the market's state at ``now`` (an aware datetime)."""
        today = now.astimezone(EXCHANGE_TZ).date()
        self._check(today)
        next_open = self._next_open_after(now)
        holiday = self.holiday_name(today)
        if not self.is_session(today):
            label = _join("Closed", holiday, _opens_phrase(next_open, now))
            return MarketStatus(MarketState.CLOSED, None, False, None, None, next_open, label)
        opens_at, closes_at = self.session_bounds(today)
        half = self.is_half_day(today)
        state = _state_on_session_day(now, opens_at, closes_at)
        label = _status_label(state, now, closes_at, next_open, half)
        return MarketStatus(state, today, half, opens_at, closes_at, next_open, label)

    def _next_open_after(self, now: datetime) -> datetime:
        i = int(np.searchsorted(self._opens, _epoch(now), side="right"))
        if i >= len(self._opens):
            raise ValueError(f"{now} is past the calendar's last session ({self.last})")
        return _utc(int(self._opens[i]))

    # ------------------------------------------------------------ internals
    def _check(self, day: date) -> np.datetime64:
        if not self.first <= day <= self.last:
            raise ValueError(
                f"{day} is outside the trading calendar ({self.first} to {self.last}); "
                "build a TradingCalendar with a wider range"
            )
        return np.datetime64(day, "D")

    def _index(self, day: date) -> int | None:
        key = self._check(day)
        i = int(np.searchsorted(self._days, key))
        return i if i < len(self._days) and self._days[i] == key else None

    def _slice(self, start: date, end: date) -> tuple[int, int]:
        lo = int(np.searchsorted(self._days, self._check(start), side="left"))
        hi = int(np.searchsorted(self._days, self._check(end), side="right"))
        return lo, max(lo, hi)


@lru_cache(maxsize=1)
def xnys() -> TradingCalendar:
    """Return the shared NYSE calendar (2015 to two years ahead), built on first call."""
    return TradingCalendar()


def _load_xnys(first: date, last: date) -> dict[str, Any]:
    """Read the XNYS session table and holiday names from exchange_calendars."""
    with warnings.catch_warnings():
        # exchange_calendars 4.x trips pandas 3 deprecation warnings while building.
        warnings.simplefilter("ignore")
        import exchange_calendars

        cal = exchange_calendars.get_calendar("XNYS", start=first, end=last)
        names = cal.regular_holidays.holidays(first, last, return_name=True)
        holiday_days = names.index.to_numpy().astype("M8[D]")
        days = cal.sessions.to_numpy().astype("M8[D]")
    holidays = {
        _to_date(d): _HOLIDAY_NAMES.get(str(n), str(n))
        for d, n in zip(holiday_days, names.to_numpy(), strict=True)
    }
    return {
        "days": days,
        "opens": np.asarray(cal.opens_nanos, np.int64) // 10**9,
        "closes": np.asarray(cal.closes_nanos, np.int64) // 10**9,
        "holidays": holidays,
    }


def _state_on_session_day(now: datetime, opens_at: datetime, closes_at: datetime) -> MarketState:
    pre_open = datetime.combine(
        opens_at.astimezone(EXCHANGE_TZ).date(), PRE_MARKET_OPENS, EXCHANGE_TZ
    )
    if now < pre_open:
        return MarketState.CLOSED
    if now < opens_at:
        return MarketState.PRE_MARKET
    if now < closes_at:
        return MarketState.OPEN
    if now < closes_at + timedelta(minutes=AFTER_HOURS_MINUTES):
        return MarketState.AFTER_HOURS
    return MarketState.CLOSED


def _status_label(
    state: MarketState, now: datetime, closes_at: datetime, next_open: datetime, half: bool
) -> str:
    if state is MarketState.OPEN:
        return _join("Half day" if half else "Open", f"closes {_et_clock(closes_at)} ET")
    head = {MarketState.PRE_MARKET: "Pre-market", MarketState.AFTER_HOURS: "After hours"}
    return _join(
        head.get(state, "Closed"),
        "half day" if half and state is MarketState.PRE_MARKET else None,
        _opens_phrase(next_open, now),
    )


def _opens_phrase(next_open: datetime, now: datetime) -> str:
    """Say when the market opens next: 'opens 09:30 ET' today, else with the weekday."""
    local = next_open.astimezone(EXCHANGE_TZ)
    days_away = (local.date() - now.astimezone(EXCHANGE_TZ).date()).days
    if days_away == 0:
        return f"opens {_et_clock(next_open)} ET"
    day = local.strftime("%a") if days_away < 7 else f"{local:%a %b} {local.day}"
    return f"opens {day} {_et_clock(next_open)} ET"


def _join(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def _et_clock(instant: datetime) -> str:
    return instant.astimezone(EXCHANGE_TZ).strftime("%H:%M")


def _epoch(instant: datetime) -> int:
    if instant.tzinfo is None:
        raise ValueError(f"{instant} has no time zone; pass an aware datetime")
    return int(instant.timestamp())


def _utc(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, UTC)


def _to_date(day: np.datetime64) -> date:
    value: date = day.astype("M8[D]").astype(object)
    return value


def _to_dates(days: DayArray) -> list[date]:
    values: list[date] = days.astype("M8[D]").tolist()
    return values
