"""One finding per event inside the trade window: how hard it stops the structure, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workstation.domain.event_calendar import CalendarEvent, EventKind, EventStatus
from workstation.domain.strategies import StrategyKind
from workstation.engines.guardrails.policy import GuardrailPolicy, Severity
from workstation.engines.guardrails.window import et_label, event_label


@dataclass(frozen=True, slots=True)
class Finding:
    """An event inside the trade window and what it means for the structure."""

    event: CalendarEvent
    severity: Severity
    message: str


def concerns(event: CalendarEvent, underlying: str, policy: GuardrailPolicy) -> bool:
    """True when ``event`` counts for a trade on ``underlying`` under ``policy``."""
    if event.is_cancelled:
        return False
    if event.kind is EventKind.EARNINGS:
        return event.symbol == underlying
    return event.kind in policy.macro_kinds and event.symbol in (None, underlying)


def finding_for(
    kind: StrategyKind, event: CalendarEvent, window_end: datetime, policy: GuardrailPolicy
) -> Finding:
    """Return the finding for structure ``kind`` with ``event`` before ``window_end``."""
    head = f"{event_label(event)} is inside the trade window (ends {et_label(window_end)})"
    severity, consequence = _judge(kind, event, policy)
    return Finding(event, severity, f"{head}: {consequence}")


def _judge(
    kind: StrategyKind, event: CalendarEvent, policy: GuardrailPolicy
) -> tuple[Severity, str]:
    earnings = event.kind is EventKind.EARNINGS
    if kind in policy.blocked:
        return _short_premium(kind, event, policy)
    if kind in policy.long_premium:
        if earnings:
            return Severity.WARN, (
                f"IV-crush risk for the {kind}: implied volatility usually drops "
                "right after the report"
            )
        return Severity.NOTE, (
            f"the {kind} holds premium through the release; implied volatility "
            "often eases once it is out"
        )
    if kind in policy.warned:
        return Severity.WARN, f"{kind} allowed with a warning: {_exposure(kind)}"
    return Severity.WARN, f"check how the {kind} position is exposed to the event"


def _short_premium(
    kind: StrategyKind, event: CalendarEvent, policy: GuardrailPolicy
) -> tuple[Severity, str]:
    if event.kind is EventKind.EARNINGS and not policy.block_on_earnings:
        return Severity.WARN, f"{kind} sells premium into the report (earnings blocks are off)"
    if event.status is EventStatus.TENTATIVE and not policy.tentative_blocks:
        return Severity.WARN, f"{kind} at risk (a warning only: the date is tentative)"
    return Severity.BLOCK, f"{kind} blocked"


def _exposure(kind: StrategyKind) -> str:
    if kind is StrategyKind.COVERED_CALL:
        return "a gap down hits the shares while the short call caps the rebound"
    return "risk is defined, but a move through a short strike can take the maximum loss"
