"""Saved trade plans (the ``plans`` table): the chosen trade, its reasons and guardrail record.

Legs are stored as JSON with strikes and prices as Decimal text; summary
numbers as JSON where an unlimited amount is the string "unlimited".
"""

from __future__ import annotations

import builtins
import json
import math
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from workstation.domain.occ import OptionRight
from workstation.domain.plans import (
    GuardrailOutcome,
    GuardrailRecord,
    PlanStatus,
    PriceEffect,
    SavedPlan,
    SummaryValue,
)
from workstation.domain.strategies import Leg, OptionLeg, StockLeg, Strategy, StrategyKind
from workstation.storage.database import Database
from workstation.storage.tables import plans

UNLIMITED = "unlimited"


class PlanStore:
    """Plans the trader saved from the planner, newest first when listed."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def save(self, plan: SavedPlan) -> int:
        """Insert ``plan`` in one transaction and return its id."""
        if plan.id is not None:
            raise ValueError(f"plan {plan.id} is already saved; change its status instead")
        with self._db.engine.begin() as connection:
            result = connection.execute(plans.insert().values(**_row(plan)))
            key = result.inserted_primary_key
            assert key is not None  # an INSERT always has one
            return int(key[0])

    def get(self, plan_id: int) -> SavedPlan:
        """Return plan ``plan_id``; raise LookupError naming it when there is none."""
        with self._db.engine.connect() as connection:
            row = connection.execute(select(plans).where(plans.c.id == plan_id)).first()
        if row is None:
            raise LookupError(f"no saved plan with id {plan_id}")
        return _plan(row)

    def list(self, underlying: str | None = None, limit: int = 50) -> builtins.list[SavedPlan]:
        """Return up to ``limit`` plans, newest first (only ``underlying``'s when given)."""
        query = select(plans).order_by(plans.c.created_at.desc(), plans.c.id.desc()).limit(limit)
        if underlying:
            query = query.where(plans.c.underlying == underlying.upper())
        with self._db.engine.connect() as connection:
            return [_plan(row) for row in connection.execute(query)]

    def set_status(self, plan_id: int, status: PlanStatus, trade_ref: str | None = None) -> None:
        """Move plan ``plan_id`` to ``status`` (and link ``trade_ref`` when given)."""
        values: dict[str, Any] = {"status": PlanStatus(status).value}
        if trade_ref is not None:
            values["trade_ref"] = trade_ref
        with self._db.engine.begin() as connection:
            done = connection.execute(update(plans).where(plans.c.id == plan_id).values(**values))
            if done.rowcount == 0:
                raise LookupError(f"no saved plan with id {plan_id}")


# ---------------------------------------------------------------- to and from rows
def _row(plan: SavedPlan) -> dict[str, Any]:
    return {
        "created_at": plan.created_at,
        "underlying": plan.underlying.upper(),
        "bias": plan.bias,
        "dte": plan.dte,
        "spot": plan.spot,
        "structure": plan.strategy.kind.value,
        "legs": json.dumps([_leg_json(leg) for leg in plan.strategy.legs]),
        "limit_price": plan.limit_price,
        "price_effect": plan.price_effect.value,
        "quantity": plan.quantity,
        "summary": json.dumps({k: _summary_json(v) for k, v in plan.summary.items()}),
        "reasons": json.dumps(list(plan.reasons)),
        "guardrail_outcome": plan.guardrail.outcome.value,
        "guardrail_findings": json.dumps(list(plan.guardrail.findings)),
        "override_reason": plan.guardrail.override_reason,
        "decided_at": plan.guardrail.decided_at,
        "status": plan.status.value,
        "note": plan.note,
    }


def _plan(row: Any) -> SavedPlan:
    legs = tuple(_leg(item) for item in json.loads(row.legs))
    guardrail = GuardrailRecord(
        GuardrailOutcome(row.guardrail_outcome),
        tuple(json.loads(row.guardrail_findings)),
        row.override_reason,
        row.decided_at,
    )
    return SavedPlan(
        created_at=row.created_at,
        underlying=row.underlying,
        bias=row.bias,
        dte=row.dte,
        spot=row.spot,
        strategy=Strategy(row.underlying, StrategyKind(row.structure), legs),
        limit_price=row.limit_price,
        price_effect=PriceEffect(row.price_effect),
        quantity=row.quantity,
        reasons=tuple(json.loads(row.reasons)),
        guardrail=guardrail,
        summary={k: _summary_value(v) for k, v in json.loads(row.summary).items()},
        status=PlanStatus(row.status),
        note=row.note,
        id=row.id,
    )


def _leg_json(leg: Leg) -> dict[str, Any]:
    if isinstance(leg, StockLeg):
        return {"type": "stock", "quantity": leg.quantity, "price": str(leg.price)}
    return {
        "type": "option",
        "right": leg.right.value,
        "strike": str(leg.strike),
        "expiry": leg.expiry.isoformat(),
        "quantity": leg.quantity,
        "price": str(leg.price),
        "iv": leg.iv,
        "multiplier": leg.multiplier,
    }


def _leg(item: dict[str, Any]) -> Leg:
    if item["type"] == "stock":
        return StockLeg(int(item["quantity"]), Decimal(item["price"]))
    return OptionLeg(
        OptionRight(item["right"]),
        Decimal(item["strike"]),
        date.fromisoformat(item["expiry"]),
        int(item["quantity"]),
        Decimal(item["price"]),
        item["iv"],
        int(item["multiplier"]),
    )


def _summary_json(value: SummaryValue) -> Any:
    if isinstance(value, float) and math.isinf(value):
        return UNLIMITED if value > 0 else f"-{UNLIMITED}"
    if isinstance(value, float) and math.isnan(value):
        return None
    return list(value) if isinstance(value, tuple) else value


def _summary_value(value: Any) -> SummaryValue:
    if value == UNLIMITED:
        return math.inf
    if value == f"-{UNLIMITED}":
        return -math.inf
    return tuple(value) if isinstance(value, list) else value
