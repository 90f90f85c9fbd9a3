"""Saving a planned trade: guardrail overrides need a reason and are recorded."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.fakes.clock import FixedClock
from tests.unit.engines.planner.market import planning_market
from tests.unit.engines.planner.test_plan import EASY_CREDIT, FOMC
from workstation.domain.plans import GuardrailOutcome, PriceEffect
from workstation.engines.planner import Bias, Regime, plan_trade
from workstation.services.blocking import run_in_thread
from workstation.services.plans import GuardrailBlocked, PlanBook
from workstation.storage.database import open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.plans import PlanStore

SAVED_AT = datetime(2026, 11, 23, 15, 5, tzinfo=UTC)


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "workstation.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


@pytest.fixture
def book(db):
    return PlanBook(PlanStore(db), FixedClock(SAVED_AT), run_in_thread)


@pytest.fixture(scope="module")
def plan():
    return plan_trade(planning_market(Regime.HIGH), Bias.BULL, 30, EASY_CREDIT, [FOMC])


def test_a_blocked_trade_needs_a_reason(book, plan):
    blocked = next(c for c in plan.candidates if c.blocked)
    with pytest.raises(GuardrailBlocked, match="Give a reason to override"):
        asyncio.run(book.save(plan, blocked, override_reason="   "))


def test_an_override_is_saved_with_its_reason_time_and_findings(book, plan):
    blocked = next(c for c in plan.candidates if c.blocked)
    saved = asyncio.run(book.save(plan, blocked, 2, "FOMC is priced in; half size"))
    assert saved.guardrail.outcome is GuardrailOutcome.OVERRIDDEN
    assert saved.guardrail.override_reason == "FOMC is priced in; half size"
    assert saved.guardrail.decided_at == SAVED_AT
    assert any("FOMC decision" in f for f in saved.guardrail.findings)
    assert saved.price_effect is PriceEffect.CREDIT
    assert saved.limit_price == Decimal(f"{abs(blocked.mid):.2f}")
    assert saved.quantity == 2
    assert saved.reasons[0].startswith("IV rank 72")
    assert saved.summary["max_loss"] == pytest.approx(blocked.metrics.profile.max_loss)


def test_a_clear_trade_saves_without_a_reason(book, plan):
    clear = plan.recommended
    saved = asyncio.run(book.save(plan, clear))
    assert saved.guardrail.outcome is GuardrailOutcome.CLEAR
    assert asyncio.run(book.recent("XYZ"))[0].id == saved.id
