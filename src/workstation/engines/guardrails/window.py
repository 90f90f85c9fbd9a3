"""The trade window and the events inside it, and how they are named in messages.

The window runs from now to the instant the last leg's value is fixed (its
expiry instant: the close for PM-settled options, the open for AM-settled
ones). Instants are aware datetimes; messages show exchange time (ET).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from workstation.domain.event_calendar import CalendarEvent, EventKind, EventStatus
from workstation.domain.strategies import Strategy
from workstation.engines.pricing.expiry import expiry_instant
from workstation.engines.sessions import EXCHANGE_TZ, TradingCalendar

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NAMES = {
    EventKind.FOMC: "FOMC decision",
    EventKind.CPI: "CPI release",
    EventKind.JOBS: "Jobs report",
}


def events_in_window(
    events: Iterable[CalendarEvent], start: datetime, end: datetime
) -> list[CalendarEvent]:
    """Return the events whose release instant is in [start, end], both ends included,
    sorted by instant."""
    check_window(start, end)
    inside = (event for event in events if start <= event.at <= end)
    return sorted(inside, key=lambda event: (event.at, event.id))


def trade_window(
    strategy: Strategy, now: datetime, calendar: TradingCalendar
) -> tuple[datetime, datetime]:
    """Return (now, the last leg's expiry instant) for ``strategy``.

    Raise ValueError for a strategy without options or one already expired.
    """
    if not strategy.expiries:
        raise ValueError(f"{strategy.kind} on {strategy.underlying}: no option legs, no window")
    end = expiry_instant(strategy.underlying, strategy.expiries[-1], calendar)
    check_window(now, end)
    return now, end


def check_window(start: datetime, end: datetime) -> None:
    """Refuse naive instants and a window that ends before it starts."""
    for name, instant in (("window start", start), ("window end", end)):
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError(f"{name} {instant.isoformat()} has no time zone")
    if end < start:
        raise ValueError(f"window end {et_label(end)} is before its start {et_label(start)}")


def et_label(instant: datetime) -> str:
    """Return e.g. ``Wed 09 Dec 2026 14:00 ET`` (exchange time)."""
    local = instant.astimezone(EXCHANGE_TZ)
    day, month = _DAYS[local.weekday()], _MONTHS[local.month - 1]
    return f"{day} {local.day:02d} {month} {local.year} {local:%H:%M} ET"


def event_label(event: CalendarEvent) -> str:
    """Return e.g. ``FOMC decision Wed 09 Dec 2026 14:00 ET`` (``(tentative date)`` if so)."""
    if event.kind is EventKind.EARNINGS:
        name = f"{event.symbol} earnings"
    else:
        name = _NAMES.get(event.kind, event.title)
    tentative = " (tentative date)" if event.status is EventStatus.TENTATIVE else ""
    return f"{name} {et_label(event.at)}{tentative}"
