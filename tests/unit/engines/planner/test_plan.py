"""The planner on a controlled market: structures, strike rules, reasons, ranking, guardrails."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import pytest

from tests.unit.engines.planner.market import (
    FRIDAYS,
    NOW,
    SPOT,
    planning_market,
    widen,
)
from workstation.domain.event_calendar import CalendarEvent, EventKind, EventStatus
from workstation.domain.occ import OptionRight
from workstation.domain.strategies import StrategyKind
from workstation.engines.guardrails import DEFAULT_POLICY
from workstation.engines.planner import (
    Bias,
    Family,
    PlannerRules,
    Regime,
    TrendEvidence,
    contract_plan,
    expirations_needed,
    plan_trade,
    primary_expirations,
)
from workstation.engines.sessions import xnys
from workstation.engines.strategies import LegArrays, expiry_pnl

EASY_CREDIT = PlannerRules(min_credit_fraction=0.10)
FOMC = CalendarEvent(
    "fomc-2026-12",
    EventKind.FOMC,
    "FOMC decision",
    datetime(2026, 12, 9, 19, 0, tzinfo=UTC),
    EventStatus.SCHEDULED,
    first_day=date(2026, 12, 8),
)


def test_high_iv_and_a_bull_bias_recommend_a_bull_put_credit_spread():
    plan = plan_trade(planning_market(Regime.HIGH), Bias.BULL, 30, EASY_CREDIT)
    best = plan.recommended
    assert best is not None
    assert best.strategy.kind is StrategyKind.BULL_PUT_CREDIT
    assert plan.decision.reasons[0] == (
        "IV rank 72 ≥ 50: high → credit structures preferred (premium is rich)"
    )
    expiry = next(e for e in planning_market().expiries if e.expiry == best.expiry)
    short = next(leg for leg in best.strategy.option_legs if leg.quantity < 0)
    assert float(short.strike) <= SPOT - expiry.expected_move(SPOT)
    assert any("is outside the expected move" in note for note in best.notes)
    assert any("≥ 10%" in note for note in best.notes)


def test_low_iv_prefers_debit_structures():
    plan = plan_trade(planning_market(Regime.LOW), Bias.BULL, 30, EASY_CREDIT)
    assert plan.recommended is not None
    assert plan.recommended.family is Family.DEBIT
    assert "debit structures preferred" in plan.decision.reasons[0]


def test_credit_minimum_rejects_with_the_numbers_and_says_where_it_would_be_met():
    plan = plan_trade(planning_market(Regime.HIGH), Bias.BULL, 30)  # default 25 %
    credit = [r for r in plan.rejected if r.structure.startswith("bull put credit spread")]
    assert credit
    assert any("< 25% minimum" in r.reason for r in credit)
    hint = [r for r in credit if "first met at short" in r.reason]
    assert hint
    assert "× the expected move" in hint[0].reason
    assert all(c.strategy.kind is not StrategyKind.BULL_PUT_CREDIT for c in plan.candidates)


def test_a_wide_market_on_a_leg_is_rejected_as_illiquid():
    market = planning_market(Regime.HIGH)
    first = plan_trade(market, Bias.BULL, 30, EASY_CREDIT).recommended
    assert first is not None
    short = next(leg for leg in first.strategy.option_legs if leg.quantity < 0)
    wide = widen(market, short.expiry, float(short.strike), 1.50)
    plan = plan_trade(wide, Bias.BULL, 30, EASY_CREDIT)
    illiquid = [r for r in plan.rejected if r.reason.startswith("illiquid")]
    assert illiquid
    assert "wide >" in illiquid[0].reason
    assert all(c.strategy != first.strategy for c in plan.candidates)


def test_every_candidate_is_internally_consistent():
    plan = plan_trade(planning_market(Regime.NEUTRAL), Bias.BULL, 30, EASY_CREDIT)
    assert len(plan.candidates) >= 3
    for c in plan.candidates:
        legs = LegArrays.of(c.strategy)
        profile = c.metrics.profile
        assert np.abs(expiry_pnl(legs, list(profile.breakevens))).max() < 1e-6
        if c.strategy.kind is StrategyKind.BULL_PUT_CREDIT:
            credit = -c.metrics.net_premium
            assert profile.max_profit == pytest.approx(credit)
            assert profile.max_loss == pytest.approx(100 * c.width - credit)
        assert c.mid == pytest.approx(c.metrics.net_premium / 100, abs=1e-9)
        assert c.natural >= c.mid - 1e-9  # paying more or collecting less than the mid


def test_ranking_is_by_score_with_blocked_trades_last():
    plan = plan_trade(planning_market(Regime.HIGH), Bias.BULL, 30, EASY_CREDIT, [FOMC])
    blocked = [c.blocked for c in plan.candidates]
    assert blocked == sorted(blocked)
    allowed = [c.score.total for c in plan.candidates if not c.blocked]
    assert allowed == sorted(allowed, reverse=True)


def test_fomc_in_the_window_blocks_credit_spreads_and_offers_defences():
    plan = plan_trade(planning_market(Regime.HIGH), Bias.BULL, 30, EASY_CREDIT, [FOMC])
    assert FOMC in plan.events
    credit = [c for c in plan.candidates if c.strategy.kind is StrategyKind.BULL_PUT_CREDIT]
    blocked = [c for c in credit if c.blocked]
    assert blocked
    assert "FOMC decision Wed 09 Dec 2026 14:00 ET" in blocked[0].verdict.blocking[0].message
    defensive = [c for c in plan.candidates if c.defensive]
    shorter = [c for c in defensive if c.expiry < date(2026, 12, 9)]
    assert shorter, "an expiration settling before the FOMC is offered"
    assert all(not c.blocked for c in shorter)
    assert plan.recommended is not None
    assert not plan.recommended.blocked


def test_neutral_bias_builds_condors_butterflies_and_calendars():
    plan = plan_trade(planning_market(Regime.NEUTRAL), Bias.NEUTRAL, 30, EASY_CREDIT)
    kinds = {c.strategy.kind for c in plan.candidates}
    assert {StrategyKind.IRON_CONDOR, StrategyKind.CALL_BUTTERFLY} <= kinds
    assert StrategyKind.CALL_CALENDAR in kinds


def test_trend_against_the_bias_scores_zero_and_says_so():
    down = TrendEvidence(price=SPOT, ema200=110.0, vwap=101.0)
    plan = plan_trade(planning_market(Regime.HIGH, trend=down), Bias.BULL, 30, EASY_CREDIT)
    assert plan.decision.trend_fit == 0.0
    assert any("against the trend" in r for r in plan.decision.reasons)
    assert any("below the 200-day EMA 110.00 (-9.1%)" in r for r in plan.decision.reasons)


def test_dte_window_picks_the_nearest_expirations_or_the_nearest_outside():
    market = planning_market()
    assert [e.expiry for e in primary_expirations(market.expiries, 30, PlannerRules())] == [
        date(2026, 12, 24),
        date(2026, 12, 18),
    ]
    far = primary_expirations(market.expiries, 300, PlannerRules())
    assert [e.expiry for e in far] == [FRIDAYS[-1]]


def test_expirations_needed_adds_the_calendar_leg_and_the_one_before_the_event():
    listed = [(e.expiry, e.days) for e in planning_market().expiries]
    needed = expirations_needed(
        listed, "XYZ", NOW, 30, PlannerRules(), [FOMC], DEFAULT_POLICY, xnys()
    )
    assert date(2026, 12, 4) in needed  # settles before the FOMC statement
    assert date(2026, 12, 18) in needed
    assert date(2026, 12, 24) in needed
    assert any((d - date(2026, 12, 18)).days >= 21 for d in needed)


def test_strike_notes_quote_the_expected_move_arithmetic():
    plan = plan_trade(planning_market(Regime.HIGH), Bias.BULL, 30, EASY_CREDIT)
    note = plan.recommended.notes[0]
    assert "S·IV·√(days/365)" in note
    assert "ATM IV 30.0%" in note
    assert math.isfinite(plan.recommended.score.total)


def test_a_chain_contract_becomes_a_one_trade_plan():
    market = planning_market(Regime.LOW)
    call = contract_plan(market, OptionRight.CALL, date(2026, 12, 18), 100.0, False, EASY_CREDIT)
    assert call.bias is Bias.BULL
    assert [c.strategy.kind for c in call.candidates] == [StrategyKind.LONG_CALL]
    put = contract_plan(market, OptionRight.PUT, date(2026, 12, 18), 100.0, True, EASY_CREDIT)
    (spread,) = put.candidates
    assert spread.strategy.kind is StrategyKind.BEAR_PUT_DEBIT
    assert [float(leg.strike) for leg in spread.strategy.option_legs] == [
        100.0,
        95.0,
    ]  # widest width for a $100 stock: 5
    with pytest.raises(ValueError, match="not an analysed expiration"):
        contract_plan(market, OptionRight.PUT, date(2026, 12, 19), 100.0, False, EASY_CREDIT)
    with pytest.raises(ValueError, match="no strike 5 or more beyond 60"):
        contract_plan(market, OptionRight.PUT, date(2026, 12, 18), 60.0, True, EASY_CREDIT)
