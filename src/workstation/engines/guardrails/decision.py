"""The trader's decision on a verdict: allowed as is, or a block overridden with a reason.

The decision is recorded with the plan: which blocks were overridden, why,
and when (an aware instant, kept in UTC).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from workstation.engines.guardrails.findings import Finding
from workstation.engines.guardrails.verdict import GuardrailVerdict


class DecisionOutcome(StrEnum):
    """Whether the trade went ahead without a block, or over one."""

    ALLOWED = "allowed"
    OVERRIDDEN = "overridden"


@dataclass(frozen=True, slots=True)
class GuardrailDecision:
    """The recorded decision: ``overridden`` lists the blocking findings the trader
    overrode (empty when allowed), ``reason`` their words, ``decided_at`` when (UTC)."""

    outcome: DecisionOutcome
    verdict: GuardrailVerdict
    overridden: tuple[Finding, ...]
    reason: str
    decided_at: datetime


def override(verdict: GuardrailVerdict, reason: str, at: datetime) -> GuardrailDecision:
    """Record going ahead with ``verdict``'s trade at ``at`` (aware).

    A blocked verdict needs a reason (raise ValueError when it is empty or
    blank); an unblocked one is simply recorded as allowed, with the reason
    if one was given.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"at: {at.isoformat()} has no time zone")
    text = reason.strip()
    if not verdict.blocked:
        return GuardrailDecision(DecisionOutcome.ALLOWED, verdict, (), text, at.astimezone(UTC))
    if not text:
        first = verdict.blocking[0].message
        raise ValueError(f"reason: a reason is required to override the block ({first})")
    decided = at.astimezone(UTC)
    return GuardrailDecision(DecisionOutcome.OVERRIDDEN, verdict, verdict.blocking, text, decided)
