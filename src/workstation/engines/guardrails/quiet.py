"""Macro quiet mode: the sessions around a macro release when new short premium waits.

A quiet window opens at 00:00 ET of the session ``quiet_sessions_before``
sessions ahead of the event's session (the whole trading day, pre-market
included) and closes at the close of the session ``quiet_sessions_after``
after it. The event's session is the first one whose close comes after the
release: the same day for an 08:30 ET or 14:00 ET release on a trading day,
the next session for one on a holiday or after the close.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from workstation.domain.event_calendar import CalendarEvent
from workstation.engines.guardrails.policy import DEFAULT_POLICY, GuardrailPolicy
from workstation.engines.sessions import EXCHANGE_TZ, TradingCalendar

MAX_DAYS_PER_SESSION = 5  # calendar days between sessions, with margin for long closures


@dataclass(frozen=True, slots=True)
class QuietWindow:
    """Quiet mode for ``event`` from ``starts`` until ``ends`` (aware UTC, [starts, ends))."""

    event: CalendarEvent
    starts: datetime
    ends: datetime

    def contains(self, instant: datetime) -> bool:
        """True when ``instant`` is inside the window."""
        return self.starts <= instant < self.ends


def quiet_window(
    event: CalendarEvent, calendar: TradingCalendar, policy: GuardrailPolicy = DEFAULT_POLICY
) -> QuietWindow:
    """Return the quiet window around ``event``."""
    session = event_session(event, calendar)
    first = calendar.sessions_back(session, policy.quiet_sessions_before + 1)[0]
    last = session
    for _ in range(policy.quiet_sessions_after):
        last = calendar.next_session(last)
    starts = datetime.combine(first, time(0), EXCHANGE_TZ).astimezone(UTC)
    return QuietWindow(event, starts, calendar.session_bounds(last)[1])


def macro_quiet(
    now: datetime,
    events: Iterable[CalendarEvent],
    calendar: TradingCalendar,
    policy: GuardrailPolicy = DEFAULT_POLICY,
) -> QuietWindow | None:
    """Return the quiet window active at ``now`` (aware), or None.

    Only the policy's macro kinds count; cancelled events do not. When windows
    overlap, the one that ends first (the nearest release) is returned.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now: {now.isoformat()} has no time zone")
    reach = timedelta(days=MAX_DAYS_PER_SESSION * (_sessions_spanned(policy) + 1))
    nearby = (
        event
        for event in events
        if event.kind in policy.macro_kinds
        and not event.is_cancelled
        and now - reach <= event.at <= now + reach
    )
    active = [w for w in (quiet_window(e, calendar, policy) for e in nearby) if w.contains(now)]
    return min(active, key=lambda w: (w.ends, w.event.at), default=None)


def event_session(event: CalendarEvent, calendar: TradingCalendar) -> date:
    """Return the first session whose regular close is after the release."""
    day = event.day
    if calendar.is_session(day) and event.at < calendar.session_bounds(day)[1]:
        return day
    return calendar.next_session(day)


def _sessions_spanned(policy: GuardrailPolicy) -> int:
    return policy.quiet_sessions_before + policy.quiet_sessions_after + 1
