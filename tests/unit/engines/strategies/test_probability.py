"""Probability of profit (lognormal and delta proxy), touching, expected value."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from tests.unit.engines.strategies.conftest import DEC, MARKET, C, P, model, sheet, years
from workstation.engines.strategies import (
    LegArrays,
    analyze,
    prob_above,
    probability_in,
    touch_probability,
)
from workstation.engines.strategies import templates as t
from workstation.engines.strategies.probability import _closed_form, _quadrature


def test_prob_above_is_n_of_d2_and_the_proxy_n_of_d1():
    # Hull's example inputs: S=42, K=40, r=10 %, sigma=20 %, T=0.5
    d1 = (math.log(42 / 40) + (0.10 + 0.02) * 0.5) / (0.2 * math.sqrt(0.5))
    d2 = d1 - 0.2 * math.sqrt(0.5)
    assert prob_above(40.0, 42.0, 0.5, 0.10, 0.0, 0.2)[()] == pytest.approx(norm.cdf(d2), 1e-14)
    proxy = prob_above(40.0, 42.0, 0.5, 0.10, 0.0, 0.2, delta_proxy=True)
    assert proxy[()] == pytest.approx(norm.cdf(d1), rel=1e-14)
    assert prob_above([0.0, math.inf], 42.0, 0.5, 0.1, 0.0, 0.2).tolist() == [1.0, 0.0]


def test_pop_of_a_long_call_is_the_chance_of_ending_above_its_breakeven(market):
    call = analyze(t.long_option("SPY", sheet, C, DEC, 500), market)
    expected = prob_above(506.0, 500.0, years(DEC), 0.04, 0.0, 0.2)[()]
    assert call.pop == pytest.approx(expected, rel=1e-12)


def test_long_and_short_of_the_same_trade_share_the_probability_space(market):
    long = analyze(t.strangle("SPY", sheet, DEC, 480, 520), market)
    short = analyze(t.strangle("SPY", sheet, DEC, 480, 520, long=False), market)
    assert long.pop + short.pop == pytest.approx(1.0, abs=1e-12)
    assert long.pop_delta_proxy + short.pop_delta_proxy == pytest.approx(1.0, abs=1e-12)


def test_touch_without_drift_is_twice_the_chance_of_finishing_beyond():
    sigma, t_years = 0.25, 0.3
    r = 0.5 * sigma**2  # log drift r - q - sigma^2/2 = 0: the reflection principle is exact
    b = math.log(560 / 500)
    expected = 2 * norm.cdf(-b / (sigma * math.sqrt(t_years)))
    got = touch_probability([560.0, 500 * 500 / 560], 500.0, t_years, r, 0.0, sigma)
    assert got == pytest.approx([expected, expected], rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0.5, 2.0),
    st.floats(0.01, 2.0),
    st.floats(-0.02, 0.1),
    st.floats(0.0, 0.05),
    st.floats(0.05, 1.5),
)
def test_touching_is_at_least_as_likely_as_finishing_beyond(moneyness, t_years, r, q, sigma):
    level, spot = 100.0 * moneyness, 100.0
    touch = touch_probability(level, spot, t_years, r, q, sigma)[()]
    above = prob_above(level, spot, t_years, r, q, sigma)[()]
    beyond = above if level > spot else 1.0 - above
    assert 0.0 <= touch <= 1.0
    assert touch >= beyond - 1e-12


def test_expected_value_closed_form_matches_quadrature():
    for build in (
        lambda: t.iron_condor("SPY", sheet, DEC, (460, 470, 530, 540)),
        lambda: t.covered_call("SPY", sheet, 500, DEC, 520),
        lambda: t.ratio_spread("SPY", sheet, P, DEC, 500, 480),
    ):
        legs = LegArrays.of(build())
        exact = _closed_form(legs, MARKET, years(DEC))
        assert _quadrature(legs, MARKET, years(DEC)) == pytest.approx(exact, abs=0.05)


def test_fairly_priced_trades_have_an_expected_value_of_the_carry_only(market):
    call = analyze(t.long_option("SPY", model, C, DEC, 500), market)
    carry = call.net_premium * (math.exp(0.04 * years(DEC)) - 1.0)
    assert call.expected_value == pytest.approx(carry, abs=0.01)


def test_probability_in_adds_disjoint_ranges():
    args = (500.0, 0.1, 0.04, 0.0, 0.2)
    whole = probability_in([(0.0, math.inf)], *args)
    split = probability_in([(0.0, 480.0), (480.0, 520.0), (520.0, math.inf)], *args)
    assert whole == pytest.approx(1.0)
    assert split == pytest.approx(1.0)
    assert np.isclose(probability_in([], *args), 0.0)
