"""Properties of payoffs: additivity, parity, breakevens are roots, convergence to expiry."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.engines.strategies.conftest import DEC, JAN, MARKET, NOW, C, P, model
from workstation.domain.strategies import OptionLeg, StockLeg, Strategy, StrategyKind
from workstation.engines.pricing.models import ExerciseStyle
from workstation.engines.strategies import LegArrays, analyze, expiry_pnl, payoff_curves, pnl_at
from workstation.engines.strategies import templates as t

GRID = np.linspace(1.0, 1000.0, 2001)

strikes = st.integers(min_value=40, max_value=120).map(lambda k: 5.0 * k)  # 200..600
quantities = st.integers(min_value=-5, max_value=5).filter(bool)
prices = st.decimals(min_value=0, max_value=50, places=2)
rights = st.sampled_from([C, P])


@st.composite
def option_legs(draw):
    return OptionLeg(
        draw(rights), Decimal(str(draw(strikes))), DEC, draw(quantities), draw(prices), 0.2
    )


def _single(leg) -> Strategy:
    return Strategy("SPY", StrategyKind.CUSTOM, (leg,))


@settings(max_examples=200, deadline=None)
@given(st.lists(option_legs(), min_size=1, max_size=6))
def test_payoff_of_a_combination_is_the_sum_of_its_legs(legs):
    combined = expiry_pnl(LegArrays.of(Strategy("SPY", StrategyKind.CUSTOM, tuple(legs))), GRID)
    parts = sum(expiry_pnl(LegArrays.of(_single(leg)), GRID) for leg in legs)
    assert combined == pytest.approx(parts, abs=1e-7)


@settings(max_examples=200, deadline=None)
@given(st.lists(option_legs(), min_size=1, max_size=6), st.integers(0, 3))
def test_breakevens_are_roots_and_the_extremes_bound_the_pnl(legs, stock_lots):
    stock = (StockLeg(100 * stock_lots, Decimal("500")),) if stock_lots else ()
    strategy = Strategy("SPY", StrategyKind.CUSTOM, (*legs, *stock))
    arrays = LegArrays.of(strategy)
    profile = analyze(strategy, MARKET).profile
    scale = 1.0 + float(np.abs(expiry_pnl(arrays, GRID)).max())
    assert np.all(np.abs(expiry_pnl(arrays, list(profile.breakevens))) <= 1e-9 * scale)
    pnl = expiry_pnl(arrays, GRID)
    assert pnl.max() <= profile.max_profit + 1e-6 * scale
    assert -pnl.min() <= profile.max_loss + 1e-6 * scale
    inside = [(lo + min(hi, lo + 1.0)) / 2 for lo, hi in profile.profitable]
    assert np.all(expiry_pnl(arrays, inside) > 0)


@settings(max_examples=100, deadline=None)
@given(strikes, prices, prices)
def test_long_call_short_put_is_synthetic_stock(strike, call, put):
    k = Decimal(str(strike))
    synthetic = Strategy(
        "SPY",
        StrategyKind.CUSTOM,
        (OptionLeg(C, k, DEC, 1, call), OptionLeg(P, k, DEC, -1, put)),
    )
    expected = 100.0 * (GRID - strike) - 100.0 * float(call - put)
    assert expiry_pnl(LegArrays.of(synthetic), GRID) == pytest.approx(expected, abs=1e-7)


def test_pnl_before_expiry_converges_to_the_expiry_payoff(market):
    condor = t.iron_condor("SPY", model, DEC, (460, 470, 530, 540))
    legs = LegArrays.of(condor)
    close = market.instants(legs.expiry).min().astype("datetime64[s]").item()
    last_second = close.replace(tzinfo=NOW.tzinfo) - timedelta(seconds=1)
    grid = np.linspace(420.0, 580.0, 161)  # time value left at the strikes: ~0.7 $
    assert pnl_at(legs, market, grid, last_second) == pytest.approx(expiry_pnl(legs, grid), abs=1.0)


def test_pnl_now_is_zero_when_legs_are_bought_at_model_value(market):
    cal = t.calendar("SPY", model, C, 500, DEC, JAN)
    value_now = float(pnl_at(LegArrays.of(cal), market, 500.0, NOW))
    assert value_now == pytest.approx(0.0, abs=0.01)  # premiums are kept to 4 decimals


def test_iv_crush_lowers_a_long_calendar_before_expiry(market):
    cal = LegArrays.of(t.calendar("SPY", model, C, 500, DEC, JAN))
    as_is = float(pnl_at(cal, market, 500.0, NOW + timedelta(days=7)))
    crushed = float(pnl_at(cal, market, 500.0, NOW + timedelta(days=7), iv_shift=-0.05))
    assert crushed < as_is


def test_payoff_curves_span_the_breakevens_and_meet_at_expiry(market):
    condor = t.iron_condor("SPY", model, DEC, (460, 470, 530, 540))
    market = replace(market, style=ExerciseStyle.EUROPEAN)  # the quotes are BSM values
    curves = payoff_curves(condor, market)
    low, high = curves.breakevens
    assert curves.prices[0] < low < high < curves.prices[-1]
    assert curves.band[0] < market.spot < curves.band[1]
    assert curves.today[np.argmin(np.abs(curves.prices - market.spot))] == pytest.approx(
        0, abs=0.05
    )
    assert NOW < curves.midway_at < curves.expiry_at
    # midway the position's time value sits between today's and the expiry payoff at the spot
    i = np.argmin(np.abs(curves.prices - market.spot))
    assert curves.today[i] < curves.midway[i] < curves.at_expiry[i]
