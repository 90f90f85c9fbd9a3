"""Save the trade the trader picked from a plan, with its reasons and guardrail decision.

A blocked candidate is saved only with an override reason; the override is
recorded (reason, time, the blocking findings) so a later trade can be linked
to the plan and the decision behind it.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from workstation.domain.plans import (
    GuardrailOutcome,
    GuardrailRecord,
    PlanStatus,
    PriceEffect,
    SavedPlan,
    SummaryValue,
)
from workstation.engines.guardrails import override
from workstation.engines.planner import Candidate, TradePlan
from workstation.ports.clock import Clock
from workstation.services.blocking import BlockingRunner
from workstation.storage.plans import PlanStore

CENT = Decimal("0.01")


class GuardrailBlocked(ValueError):
    """The chosen trade is blocked by an event and no override reason was given."""


class PlanBook:
    """The trader's saved plans."""

    def __init__(self, store: PlanStore, clock: Clock, run: BlockingRunner) -> None:
        self._store = store
        self._clock = clock
        self._run = run

    async def save(
        self,
        plan: TradePlan,
        candidate: Candidate,
        quantity: int = 1,
        override_reason: str = "",
        limit: Decimal | None = None,
    ) -> SavedPlan:
        """Save ``candidate`` of ``plan``; raise GuardrailBlocked if blocked without a reason."""
        record = self._guardrail(candidate, override_reason)
        mid = Decimal(str(abs(candidate.mid))).quantize(CENT, rounding=ROUND_HALF_UP)
        saved = SavedPlan(
            created_at=self._clock.now(),
            underlying=plan.underlying,
            bias=plan.bias.value,
            dte=plan.dte,
            spot=plan.spot,
            strategy=candidate.strategy,
            limit_price=limit if limit is not None else max(mid, CENT),
            price_effect=PriceEffect.CREDIT if candidate.mid < 0 else PriceEffect.DEBIT,
            quantity=quantity,
            reasons=(
                *plan.decision.reasons,
                *candidate.notes,
                candidate.score.explain(plan.rules.weights),
            ),
            guardrail=record,
            summary=summary_of(candidate),
            status=PlanStatus.PLANNED,
        )
        plan_id = await self._run(self._store.save, saved)
        return await self._run(self._store.get, plan_id)

    async def recent(self, underlying: str | None = None, limit: int = 20) -> list[SavedPlan]:
        """Return the newest saved plans (of ``underlying`` when given)."""
        return await self._run(self._store.list, underlying, limit)

    def _guardrail(self, candidate: Candidate, reason: str) -> GuardrailRecord:
        verdict = candidate.verdict
        messages = tuple(f"{f.severity}: {f.message}" for f in verdict.findings)
        if not verdict.blocked:
            return GuardrailRecord(GuardrailOutcome.CLEAR, messages)
        if not reason.strip():
            first = verdict.blocking[0].message
            raise GuardrailBlocked(
                f"{candidate.label} is blocked: {first}. Give a reason to override "
                "(it is saved with the plan)."
            )
        decision = override(verdict, reason, self._clock.now())
        return GuardrailRecord(
            GuardrailOutcome.OVERRIDDEN, messages, decision.reason, decision.decided_at
        )


def summary_of(candidate: Candidate) -> dict[str, SummaryValue]:
    """Return the numbers of a candidate as saved (dollars, 0-1, per-share prices)."""
    m = candidate.metrics
    values: dict[str, SummaryValue] = {
        "mid": candidate.mid,
        "natural": candidate.natural,
        "net_premium": m.net_premium,
        "max_profit": m.profile.max_profit,
        "max_loss": m.profile.max_loss,
        "breakevens": tuple(m.profile.breakevens),
        "pop": m.pop,
        "pop_delta_proxy": m.pop_delta_proxy,
        "expected_value": m.expected_value,
        "buying_power": m.buying_power.amount,
        "delta": m.greeks.delta,
        "theta": m.greeks.theta,
        "vega": m.greeks.vega,
        "score": candidate.score.total,
        "width": None if math.isnan(candidate.width) else candidate.width,
    }
    return values
