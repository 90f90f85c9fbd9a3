"""Defensive alternatives to a blocked structure, as data the planner can build from.

``shorter_dte``: the same structure on the last listed expiration that settles
before the first blocking event; ``neutral``: an iron condor (defined risk on
both sides); ``debit``: a debit structure with the same bias (it can lose only
what it paid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from workstation.domain.strategies import StrategyKind
from workstation.engines.guardrails.findings import Finding
from workstation.engines.guardrails.policy import DEFINED_NEUTRAL_KINDS, Bias, bias_of
from workstation.engines.guardrails.window import et_label, event_label
from workstation.engines.pricing.expiry import expiry_instant
from workstation.engines.sessions import EXCHANGE_TZ, TradingCalendar

DEBIT_BY_BIAS = {
    Bias.BULLISH: StrategyKind.BULL_CALL_DEBIT,
    Bias.BEARISH: StrategyKind.BEAR_PUT_DEBIT,
    Bias.NEUTRAL: StrategyKind.CALL_BUTTERFLY,
}


class AlternativeKind(StrEnum):
    """The way an alternative avoids the event."""

    SHORTER_DTE = "shorter_dte"
    NEUTRAL = "neutral"
    DEBIT = "debit"


@dataclass(frozen=True, slots=True)
class Alternative:
    """A structure to suggest instead: ``strategy`` (on ``expiry`` for shorter_dte,
    whose value is fixed at ``settles_at``), with a one-line reason."""

    kind: AlternativeKind
    strategy: StrategyKind
    reason: str
    expiry: date | None = None
    settles_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ListedExpirations:
    """The underlying's listed expirations and the calendar that fixes their instants."""

    underlying: str
    expirations: tuple[date, ...]
    calendar: TradingCalendar


def alternatives_for(
    kind: StrategyKind,
    first_block: Finding,
    window_start: datetime,
    listed: ListedExpirations | None,
) -> tuple[Alternative, ...]:
    """Return the defensive alternatives to ``kind``, blocked first by ``first_block``."""
    found = [] if listed is None else [_shorter(kind, first_block, window_start, listed)]
    if kind not in DEFINED_NEUTRAL_KINDS:
        found.append(_neutral())
    found.append(_debit(kind))
    return tuple(alternative for alternative in found if alternative is not None)


def _shorter(
    kind: StrategyKind, block: Finding, window_start: datetime, listed: ListedExpirations
) -> Alternative | None:
    first_day = window_start.astimezone(EXCHANGE_TZ).date()
    days = sorted(d for d in set(listed.expirations) if first_day <= d <= block.event.day)
    settlements = [(expiry_instant(listed.underlying, d, listed.calendar), d) for d in days]
    before = [(at, d) for at, d in settlements if window_start < at < block.event.at]
    if not before:
        return None
    settles_at, expiry = before[-1]
    reason = f"expires {et_label(settles_at)}, before the {event_label(block.event)}"
    return Alternative(AlternativeKind.SHORTER_DTE, kind, reason, expiry, settles_at)


def _neutral() -> Alternative:
    reason = "defined risk on both sides; still warned while the event is in the window"
    return Alternative(AlternativeKind.NEUTRAL, StrategyKind.IRON_CONDOR, reason)


def _debit(kind: StrategyKind) -> Alternative:
    bias = bias_of(kind)
    reason = f"a {bias} debit structure: the most it can lose is the premium paid"
    return Alternative(AlternativeKind.DEBIT, DEBIT_BY_BIAS[bias], reason)
