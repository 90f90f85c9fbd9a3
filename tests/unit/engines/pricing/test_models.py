"""Exercise style per underlying, the model name shown with a number, and the dispatching facade."""

import numpy as np
import pytest

from workstation.domain.instruments import EUROPEAN_INDEX_ROOTS
from workstation.engines.pricing import bsm
from workstation.engines.pricing.american import american_greeks, american_price
from workstation.engines.pricing.american_implied import american_implied_volatility_status
from workstation.engines.pricing.implied import implied_volatility_status
from workstation.engines.pricing.models import (
    ExerciseStyle,
    PricingModel,
    exercise_style,
    implied_volatilities,
    model_for,
    theoretical_prices,
    theoretical_prices_and_greeks,
)

CHAIN = (
    np.array([True, False, True, False]),
    100.0,
    np.array([95.0, 95.0, 110.0, 110.0]),
    0.4,
    0.05,
)


@pytest.mark.parametrize("root", sorted(EUROPEAN_INDEX_ROOTS))
def test_cash_settled_index_roots_are_european(root):
    assert exercise_style(root) is ExerciseStyle.EUROPEAN


@pytest.mark.parametrize("symbol", ["SPY", "QQQ", "AAPL", "IWM", "BRK.B", "DJI"])
def test_equities_and_etfs_are_american(symbol):
    assert exercise_style(symbol) is ExerciseStyle.AMERICAN


def test_style_ignores_case_and_padding():
    assert exercise_style(" spxw ") is ExerciseStyle.EUROPEAN
    assert exercise_style("spy") is ExerciseStyle.AMERICAN


def test_each_style_names_its_model_for_the_ui():
    assert model_for(ExerciseStyle.EUROPEAN) is PricingModel.BSM
    assert model_for(ExerciseStyle.AMERICAN) is PricingModel.BS2002
    assert str(PricingModel.BSM) == "BSM (European)"
    assert str(PricingModel.BS2002) == "Bjerksund–Stensland 2002 (American)"


def test_theoretical_prices_dispatch_on_style():
    call, spot, strike, t, r = CHAIN
    european = theoretical_prices(ExerciseStyle.EUROPEAN, call, spot, strike, t, r, 0.3, 0.02)
    american = theoretical_prices(ExerciseStyle.AMERICAN, call, spot, strike, t, r, 0.3, 0.02)
    assert np.array_equal(european, bsm.price(call, spot, strike, t, r, 0.3, 0.02))
    assert np.array_equal(american, american_price(call, spot, strike, t, r, 0.3, 0.02))
    assert np.all(american >= european)
    assert np.any(american > european)


def test_prices_and_greeks_dispatch_on_style():
    call, spot, strike, t, r = CHAIN
    value, found = theoretical_prices_and_greeks(
        ExerciseStyle.AMERICAN, call, spot, strike, t, r, 0.3
    )
    expected_value, expected = american_greeks(call, spot, strike, t, r, 0.3)
    assert np.array_equal(value, expected_value)
    assert np.array_equal(found.gamma, expected.gamma)
    value, found = theoretical_prices_and_greeks(
        ExerciseStyle.EUROPEAN, call, spot, strike, t, r, 0.3
    )
    expected_value, expected = bsm.price_and_greeks(call, spot, strike, t, r, 0.3)
    assert np.array_equal(value, expected_value)
    assert np.array_equal(found.vega, expected.vega)


def test_implied_volatilities_dispatch_on_style():
    call, spot, strike, t, r = CHAIN
    value = american_price(call, spot, strike, t, r, 0.3, 0.02)
    american = implied_volatilities(ExerciseStyle.AMERICAN, value, call, spot, strike, t, r, 0.02)
    european = implied_volatilities(ExerciseStyle.EUROPEAN, value, call, spot, strike, t, r, 0.02)
    expected = american_implied_volatility_status(value, call, spot, strike, t, r, 0.02)
    assert np.array_equal(american.sigma, expected.sigma)
    assert np.allclose(american.sigma, 0.3, rtol=1e-9)
    same = implied_volatility_status(value, call, spot, strike, t, r, 0.02)
    assert np.array_equal(european.sigma, same.sigma, equal_nan=True)
