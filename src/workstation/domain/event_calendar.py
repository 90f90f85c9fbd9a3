"""Scheduled market events: FOMC decisions, CPI and jobs releases, earnings reports.

An event is one instant: the moment the news reaches the market (the FOMC
statement at 14:00 ET on the meeting's second day, CPI and the Employment
Situation at 08:30 ET, an earnings report after the close). ``at`` is an aware
UTC datetime; exchange dates and clock times are America/New_York.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")
MAX_MEETING_DAYS = 3  # an FOMC meeting spans two days (three at most, historically)

_E = TypeVar("_E", bound=StrEnum)


class EventKind(StrEnum):
    """What kind of news an event is."""

    FOMC = "fomc"
    CPI = "cpi"
    JOBS = "jobs"
    EARNINGS = "earnings"
    OTHER = "other"

    @property
    def is_macro(self) -> bool:
        """True for the scheduled macro releases that move the whole market."""
        return self in MACRO_KINDS


MACRO_KINDS = frozenset({EventKind.FOMC, EventKind.CPI, EventKind.JOBS})


class EventStatus(StrEnum):
    """How firm an event's date is.

    ``confirmed``: the official source has confirmed the date (or it happened as
    published); ``scheduled``: on the official published schedule, which can
    still move; ``tentative``: a best estimate not verified from an official
    source; ``cancelled``: it will not happen.
    """

    CONFIRMED = "confirmed"
    SCHEDULED = "scheduled"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


class CalendarEventError(ValueError):
    """An event that cannot exist; ``field`` names the offending field."""

    def __init__(self, event_id: str, field: str, problem: str) -> None:
        self.event_id = event_id
        self.field = field
        self.problem = problem
        super().__init__(f"calendar event {event_id!r}: {field}: {problem}")


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One scheduled event.

    ``at`` is the release instant (aware; stored as UTC). ``symbol`` is the
    underlying of an earnings report (required for earnings, refused for macro
    releases). ``first_day`` is day 1 of an FOMC meeting (exchange date), None
    otherwise. ``source`` says where the date comes from (a URL, or the
    provider's name); ``note`` is free text (why a date moved, who added it).
    """

    id: str
    kind: EventKind
    title: str
    at: datetime
    status: EventStatus = EventStatus.SCHEDULED
    source: str = ""
    symbol: str | None = None
    first_day: date | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _require_text(self.id or "?", "id", self.id)
        object.__setattr__(self, "kind", _member(self, "kind", EventKind, self.kind))
        object.__setattr__(self, "status", _member(self, "status", EventStatus, self.status))
        _require_text(self.id, "title", self.title)
        object.__setattr__(self, "at", _utc(self.id, self.at))
        _check_symbol(self)
        _check_first_day(self)
        for name in ("source", "note"):
            if not isinstance(getattr(self, name), str):
                raise CalendarEventError(self.id, name, "must be text")

    @property
    def is_macro(self) -> bool:
        """True for FOMC, CPI and jobs releases."""
        return self.kind.is_macro

    @property
    def is_cancelled(self) -> bool:
        """True when the event will not happen."""
        return self.status is EventStatus.CANCELLED

    @property
    def eastern(self) -> datetime:
        """The release instant in exchange time (America/New_York)."""
        return self.at.astimezone(EASTERN)

    @property
    def day(self) -> date:
        """The exchange date (America/New_York) of the release."""
        return self.eastern.date()


def eastern_instant(day: date, clock: time) -> datetime:
    """Return the aware UTC instant of ``clock`` (wall time, America/New_York) on ``day``."""
    return datetime.combine(day, clock, EASTERN).astimezone(UTC)


def _require_text(event_id: str, field: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise CalendarEventError(event_id, field, "must be non-empty text")
    if value != value.strip():
        raise CalendarEventError(event_id, field, f"{value!r} has surrounding spaces")


def _member(event: CalendarEvent, field: str, enum: type[_E], value: object) -> _E:
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise CalendarEventError(event.id, field, f"{value!r} is not one of {allowed}") from None


def _utc(event_id: str, at: object) -> datetime:
    if not isinstance(at, datetime):
        raise CalendarEventError(event_id, "at", f"{at!r} is not a datetime")
    if at.tzinfo is None or at.utcoffset() is None:
        raise CalendarEventError(event_id, "at", f"{at.isoformat()} has no time zone")
    return at.astimezone(UTC)


def _check_symbol(event: CalendarEvent) -> None:
    symbol = event.symbol
    if symbol is None:
        if event.kind is EventKind.EARNINGS:
            raise CalendarEventError(event.id, "symbol", "an earnings event needs the symbol")
        return
    if event.kind.is_macro:
        raise CalendarEventError(event.id, "symbol", f"a {event.kind} release has no symbol")
    if not isinstance(symbol, str) or not symbol or symbol != symbol.strip().upper():
        raise CalendarEventError(
            event.id, "symbol", f"{symbol!r} must be an upper-case symbol without spaces"
        )


def _check_first_day(event: CalendarEvent) -> None:
    first = event.first_day
    if first is None:
        return
    if event.kind is not EventKind.FOMC:
        raise CalendarEventError(event.id, "first_day", "only FOMC meetings have a first day")
    if not isinstance(first, date) or isinstance(first, datetime):
        raise CalendarEventError(event.id, "first_day", f"{first!r} is not a date")
    decision = event.at.astimezone(EASTERN).date()
    if not decision - timedelta(days=MAX_MEETING_DAYS - 1) <= first < decision:
        raise CalendarEventError(
            event.id,
            "first_day",
            f"{first} must fall 1-{MAX_MEETING_DAYS - 1} days before the decision day {decision}",
        )
