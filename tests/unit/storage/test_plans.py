"""Saved plans round-trip through a real SQLite file with their legs, reasons and guardrails."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from workstation.domain.occ import OptionRight
from workstation.domain.plans import (
    GuardrailOutcome,
    GuardrailRecord,
    PlanStatus,
    PriceEffect,
    SavedPlan,
)
from workstation.domain.strategies import OptionLeg, StockLeg, Strategy, StrategyKind
from workstation.storage.plans import PlanStore

NOW = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)
DEC = date(2026, 12, 18)


def _plan(**changes) -> SavedPlan:
    spread = Strategy(
        "SPY",
        StrategyKind.BULL_PUT_CREDIT,
        (
            OptionLeg(OptionRight.PUT, Decimal("695"), DEC, 1, Decimal("0.8500"), 0.171),
            OptionLeg(OptionRight.PUT, Decimal("700"), DEC, -1, Decimal("1.2200"), 0.165),
        ),
    )
    fields = {
        "created_at": NOW,
        "underlying": "SPY",
        "bias": "bull",
        "dte": 30,
        "spot": 733.41,
        "strategy": spread,
        "limit_price": Decimal("0.37"),
        "price_effect": PriceEffect.CREDIT,
        "quantity": 2,
        "reasons": ("short put 700 is outside the expected move", "credit 0.37 = 7% of width"),
        "guardrail": GuardrailRecord(
            GuardrailOutcome.OVERRIDDEN,
            ("FOMC decision Wed 09 Dec 2026 14:00 ET is inside the trade window",),
            "sized down to one unit; FOMC is priced in",
            NOW,
        ),
        "summary": {"pop": 0.81, "max_profit": 37.0, "max_loss": 463.0, "breakevens": (699.63,)},
    }
    fields.update(changes)
    return SavedPlan(**fields)


def test_a_plan_round_trips_with_its_guardrail_override(db):
    store = PlanStore(db)
    plan_id = store.save(_plan())
    saved = store.get(plan_id)
    assert saved.id == plan_id
    assert saved.strategy == _plan().strategy
    assert saved.limit_price == Decimal("0.37")
    assert saved.guardrail.override_reason == "sized down to one unit; FOMC is priced in"
    assert saved.guardrail.decided_at == NOW
    assert saved.summary["breakevens"] == (699.63,)
    assert saved.reasons == _plan().reasons


def test_unlimited_amounts_and_stock_legs_survive(db):
    covered = Strategy(
        "AAPL",
        StrategyKind.COVERED_CALL,
        (
            StockLeg(100, Decimal("272.03")),
            OptionLeg(OptionRight.CALL, Decimal("290"), DEC, -1, Decimal("1.10")),
        ),
    )
    plan = _plan(
        underlying="AAPL",
        strategy=covered,
        price_effect=PriceEffect.DEBIT,
        limit_price=Decimal("270.93"),
        summary={"max_profit": 1907.0, "max_loss": math.inf},
        guardrail=GuardrailRecord(GuardrailOutcome.CLEAR, ()),
    )
    saved = PlanStore(db).get(PlanStore(db).save(plan))
    assert saved.strategy == covered
    assert saved.summary["max_loss"] == math.inf


def test_plans_list_newest_first_and_statuses_move(db):
    store = PlanStore(db)
    first = store.save(_plan(created_at=datetime(2026, 11, 20, tzinfo=UTC)))
    second = store.save(_plan())
    assert [p.id for p in store.list("spy")] == [second, first]
    store.set_status(first, PlanStatus.TRADED, trade_ref="tastytrade:order:123")
    assert store.get(first).status is PlanStatus.TRADED
    with pytest.raises(LookupError, match="no saved plan with id 999"):
        store.set_status(999, PlanStatus.ABANDONED)


def test_an_override_without_a_reason_is_refused_before_and_at_the_database(db):
    with pytest.raises(ValueError, match="a reason is required"):
        GuardrailRecord(GuardrailOutcome.OVERRIDDEN, ("FOMC",), "  ")
    with db.engine.begin() as connection, pytest.raises(sa.exc.IntegrityError):
        connection.exec_driver_sql(
            "INSERT INTO plans (created_at, underlying, bias, dte, spot, structure, legs, "
            "limit_price, price_effect, quantity, guardrail_outcome, override_reason) "
            "VALUES (1, 'SPY', 'bull', 30, 500, 'custom', '[]', '1', 'debit', 1, 'overridden', ' ')"
        )


def test_missing_plan_is_named(db):
    with pytest.raises(LookupError, match="id 42"):
        PlanStore(db).get(42)


def test_bad_plans_are_refused_before_writing():
    with pytest.raises(ValueError, match="limit price"):
        _plan(limit_price=Decimal(0))
    with pytest.raises(ValueError, match="quantity"):
        _plan(quantity=0)
