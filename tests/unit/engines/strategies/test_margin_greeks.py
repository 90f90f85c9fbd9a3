"""Buying-power estimates and position greeks."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from tests.unit.engines.strategies.conftest import (
    DEC,
    JAN,
    MARKET,
    NOW,
    SPOT,
    C,
    P,
    model,
    sheet,
    years,
)
from workstation.domain.strategies import OptionLeg, Strategy, StrategyKind
from workstation.engines.pricing import bsm
from workstation.engines.pricing.models import ExerciseStyle
from workstation.engines.strategies import MarketContext, analyze
from workstation.engines.strategies import templates as t


def bp(strategy, market=MARKET):
    return analyze(strategy, market).buying_power


def test_defined_risk_needs_its_max_loss():
    assert bp(t.vertical("SPY", sheet, P, DEC, 470, 480)).amount == pytest.approx(900)
    condor = bp(t.iron_condor("SPY", sheet, DEC, (460, 470, 530, 540)))
    assert condor.amount == pytest.approx(910)
    assert condor.naked_contracts == 0
    assert "defined risk" in condor.method


def test_naked_put_is_reg_t_twenty_percent_less_otm_plus_premium():
    # max(20 % x 500 - 20 OTM, 10 % x 480) + 2.00 premium = 82.00 per share
    naked = bp(t.short_option("SPY", sheet, P, DEC, 480))
    assert naked.amount == pytest.approx(8200)
    assert naked.naked_contracts == 1
    assert "Reg-T estimate" in naked.method


def test_far_otm_naked_call_falls_to_the_ten_percent_floor():
    far = Strategy(
        "SPY", StrategyKind.SHORT_CALL, (OptionLeg(C, Decimal(620), DEC, -1, Decimal("0.10")),)
    )
    # 20 % x 500 - 120 OTM < 10 % x 500 = 50; plus 0.10 premium
    assert bp(far).amount == pytest.approx(5010)


def test_short_strangle_needs_the_larger_side_plus_the_other_premium():
    # put side 80 + 2.00, call side 100 - 20 = 80 + 1.50; larger = put 82.00, plus call 1.50
    assert bp(t.strangle("SPY", sheet, DEC, 480, 520, long=False)).amount == pytest.approx(8350)


def test_ratio_spread_margins_the_extra_short_as_naked():
    # one 520 call covered by the 500 call (debit 6.00 - 1.50 = 4.50 -> $450),
    # one naked: max(100 - 20, 50) + 1.50 = 81.50 -> $8,150
    ratio = bp(t.ratio_spread("SPY", sheet, C, DEC, 500, 520))
    assert ratio.amount == pytest.approx(8600)
    assert ratio.naked_contracts == 1


def test_cash_secured_put_sets_aside_the_strike():
    assert bp(t.cash_secured_put("SPY", sheet, DEC, 480)).amount == pytest.approx(47800)


def test_covered_call_is_covered_by_the_shares():
    covered = bp(t.covered_call("SPY", sheet, 500, DEC, 520))
    assert covered.naked_contracts == 0
    assert covered.amount == pytest.approx(49850)


def test_a_long_call_expiring_first_does_not_cover_a_later_short_call():
    legs = (
        OptionLeg(C, Decimal(500), DEC, 1, Decimal("6.00")),
        OptionLeg(C, Decimal(510), JAN, -1, Decimal("5.00")),
    )
    assert bp(Strategy("SPY", StrategyKind.CUSTOM, legs)).naked_contracts == 1
    calendar = t.calendar("SPY", model, C, 500, DEC, JAN)  # short near, long far: covered
    assert bp(calendar).naked_contracts == 0


def test_broad_index_naked_rate_is_fifteen_percent():
    spx = MarketContext("SPX", 5000.0, NOW, 0.04, 0.0, 0.2, MARKET.calendar)
    put = Strategy(
        "SPX", StrategyKind.SHORT_PUT, (OptionLeg(P, Decimal(4800), DEC, -1, Decimal(20)),)
    )
    # max(15 % x 5000 - 200, 10 % x 4800) + 20 = 570 per unit
    assert analyze(put, spx).buying_power.amount == pytest.approx(57000)


def test_position_greeks_sum_leg_greeks_times_shares():
    spread = t.vertical("SPY", model, C, DEC, 500, 510)
    eu = MarketContext("SPY", SPOT, NOW, 0.04, 0.0, 0.2, MARKET.calendar, ExerciseStyle.EUROPEAN)
    g = analyze(spread, eu).greeks
    leg = bsm.greeks(True, SPOT, np.array([500.0, 510.0]), years(DEC), 0.04, 0.2)
    assert g.delta == pytest.approx(100 * (leg.delta[0] - leg.delta[1]), rel=1e-12)
    assert g.gamma == pytest.approx(100 * (leg.gamma[0] - leg.gamma[1]), rel=1e-12)
    assert g.theta == pytest.approx(100 * (leg.theta[0] - leg.theta[1]), rel=1e-12)
    assert g.vega == pytest.approx(100 * (leg.vega[0] - leg.vega[1]), rel=1e-12)


def test_hull_delta_in_shares():
    # Hull: S=49, K=50, r=5 %, sigma=20 %: call delta 0.5216 at T=0.3846
    legs = (OptionLeg(C, Decimal(50), DEC, 1, Decimal("2.40"), 0.2),)
    t_dec = years(DEC)
    eu = MarketContext("SPY", 49.0, NOW, 0.05, 0.0, 0.2, MARKET.calendar, ExerciseStyle.EUROPEAN)
    g = analyze(Strategy("SPY", StrategyKind.LONG_CALL, legs), eu).greeks
    assert g.delta == pytest.approx(100 * bsm.greeks(True, 49.0, 50.0, t_dec, 0.05, 0.2).delta)
    assert bsm.greeks(True, 49.0, 50.0, 0.3846, 0.05, 0.2).delta == pytest.approx(0.5216, abs=5e-5)


def test_stock_adds_its_shares_to_delta():
    g = analyze(t.covered_call("SPY", model, SPOT, DEC, 520), MARKET).greeks
    call_delta = analyze(t.short_option("SPY", model, C, DEC, 520), MARKET).greeks.delta
    assert g.delta == pytest.approx(100 + call_delta)
