"""A saved trade plan: the trade the trader chose, why, and what the guardrails said.

Plans are kept so a later trade can be linked to the plan that preceded it.
``limit_price`` is the net price per share the trader intends to pay (debit)
or collect (credit), always > 0; ``summary`` holds the planner's numbers at
the time (dollars, 0-1 probabilities, prices per share) keyed by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from workstation.domain.strategies import Strategy

SummaryValue = float | str | None | tuple[float, ...]


class PlanStatus(StrEnum):
    """Where a plan stands."""

    PLANNED = "planned"
    ORDERED = "ordered"  # an order template was exported
    TRADED = "traded"  # linked to the trade that followed
    ABANDONED = "abandoned"


class PriceEffect(StrEnum):
    """Whether the limit price is paid or collected."""

    DEBIT = "debit"
    CREDIT = "credit"


class GuardrailOutcome(StrEnum):
    """What happened at the guardrails when the plan was saved."""

    CLEAR = "clear"  # nothing blocked (warnings may exist)
    OVERRIDDEN = "overridden"  # blocked, and the trader overrode it with a reason


@dataclass(frozen=True, slots=True)
class GuardrailRecord:
    """The guardrail verdict as saved: its messages, the outcome and any override reason."""

    outcome: GuardrailOutcome
    findings: tuple[str, ...]
    override_reason: str = ""
    decided_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.outcome is GuardrailOutcome.OVERRIDDEN and not self.override_reason.strip():
            raise ValueError("guardrail override: a reason is required to override a block")


@dataclass(frozen=True, slots=True)
class SavedPlan:
    """One plan as stored (``id`` is None until saved)."""

    created_at: datetime
    underlying: str
    bias: str
    dte: int
    spot: float
    strategy: Strategy
    limit_price: Decimal
    price_effect: PriceEffect
    quantity: int
    reasons: tuple[str, ...]
    guardrail: GuardrailRecord
    summary: Mapping[str, SummaryValue] = field(default_factory=dict)
    status: PlanStatus = PlanStatus.PLANNED
    note: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        where = f"plan {self.underlying} {self.strategy.kind}"
        if self.created_at.tzinfo is None:
            raise ValueError(f"{where}: created_at needs a time zone")
        if not (self.limit_price.is_finite() and self.limit_price > 0):
            raise ValueError(f"{where}: limit price {self.limit_price} must be > 0 per share")
        if self.quantity < 1:
            raise ValueError(f"{where}: quantity {self.quantity} must be at least 1")
        if self.dte < 0:
            raise ValueError(f"{where}: DTE {self.dte} must be 0 or more")
