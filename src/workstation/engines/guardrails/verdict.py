"""Check a planned trade against the events inside its window.

``check_trade`` returns a verdict: one finding per counted event (block, warn
or note, with the event's time and the window's end in exchange time), and,
when something blocks, defensive alternatives the planner can build.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from workstation.domain.event_calendar import CalendarEvent
from workstation.domain.strategies import StrategyKind
from workstation.engines.guardrails.alternatives import (
    Alternative,
    ListedExpirations,
    alternatives_for,
)
from workstation.engines.guardrails.findings import Finding, concerns, finding_for
from workstation.engines.guardrails.policy import DEFAULT_POLICY, GuardrailPolicy, Severity
from workstation.engines.guardrails.window import events_in_window
from workstation.engines.sessions import TradingCalendar, xnys


@dataclass(frozen=True, slots=True)
class GuardrailVerdict:
    """What the guardrails say about ``strategy`` on ``underlying`` over [window_start,
    window_end] (aware instants): findings sorted by event time, and alternatives."""

    strategy: StrategyKind
    underlying: str
    window_start: datetime
    window_end: datetime
    findings: tuple[Finding, ...]
    alternatives: tuple[Alternative, ...]

    @property
    def blocked(self) -> bool:
        """True when at least one finding blocks the trade (an override needs a reason)."""
        return any(finding.severity is Severity.BLOCK for finding in self.findings)

    @property
    def blocking(self) -> tuple[Finding, ...]:
        """The findings that block, earliest event first."""
        return tuple(f for f in self.findings if f.severity is Severity.BLOCK)


def check_trade(
    kind: StrategyKind,
    window_start: datetime,
    window_end: datetime,
    events: Iterable[CalendarEvent],
    policy: GuardrailPolicy = DEFAULT_POLICY,
    *,
    underlying: str,
    expirations: Iterable[date] = (),
    calendar: TradingCalendar | None = None,
) -> GuardrailVerdict:
    """Check structure ``kind`` on ``underlying`` held from ``window_start`` to ``window_end``.

    ``events`` are calendar events (macro releases and earnings; cancelled ones
    and other symbols' earnings are ignored). ``expirations`` are the
    underlying's listed expiration dates, used to suggest a shorter expiry that
    settles before the first blocking event; ``calendar`` fixes their
    settlement instants (the shared NYSE calendar when None).
    """
    symbol = underlying.strip().upper()
    if not symbol:
        raise ValueError("underlying: the symbol is empty")
    inside = events_in_window(events, window_start, window_end)
    findings = tuple(
        finding_for(kind, event, window_end, policy)
        for event in inside
        if concerns(event, symbol, policy)
    )
    verdict = GuardrailVerdict(kind, symbol, window_start, window_end, findings, ())
    if not verdict.blocked:
        return verdict
    listed = _listed(symbol, expirations, calendar)
    found = alternatives_for(kind, verdict.blocking[0], window_start, listed)
    return GuardrailVerdict(kind, symbol, window_start, window_end, findings, found)


def _listed(
    underlying: str, expirations: Iterable[date], calendar: TradingCalendar | None
) -> ListedExpirations | None:
    days = tuple(expirations)
    if not days:
        return None
    return ListedExpirations(underlying, days, calendar or xnys())
