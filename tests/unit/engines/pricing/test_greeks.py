"""Greeks: Hull's reference values, finite differences, and the trader's units."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.engines.pricing import greeks, price, price_and_greeks

HULL = dict(is_call=True, spot=49.0, strike=50.0, t=0.3846, r=0.05, sigma=0.20)


def test_hull_example_greeks_in_trader_units():
    # Hull, Options, Futures and Other Derivatives, ch. 19 (call on a non-dividend stock)
    g = greeks(**HULL)
    assert round(float(g.delta), 4) == 0.5216
    assert round(float(g.gamma), 4) == 0.0655
    assert float(g.theta) * 365 == pytest.approx(-4.31, abs=0.005)  # -4.31 per year
    assert float(g.vega) * 100 == pytest.approx(12.1, abs=0.05)  # 12.1 per unit sigma
    assert float(g.rho) * 100 == pytest.approx(8.91, abs=0.005)  # 8.91 per unit rate


def _bump(field, h, **kw):
    up = dict(kw, **{field: kw[field] + h})
    down = dict(kw, **{field: kw[field] - h})
    return up, down


CASES = [
    dict(is_call=True, spot=100.0, strike=95.0, t=0.25, r=0.04, sigma=0.3, q=0.02),
    dict(is_call=False, spot=100.0, strike=110.0, t=0.08, r=0.04, sigma=0.5, q=0.01),
    dict(is_call=False, spot=4500.0, strike=4400.0, t=1.5, r=0.05, sigma=0.18, q=0.015),
]


@pytest.mark.parametrize("case", CASES)
def test_greeks_match_finite_differences(case):
    g = greeks(**case)
    h = 1e-4
    up, down = _bump("spot", h * case["spot"], **case)
    ds = 2 * h * case["spot"]
    assert float(g.delta) == pytest.approx(float(price(**up) - price(**down)) / ds, rel=1e-6)
    d_up, d_down = greeks(**up).delta, greeks(**down).delta
    assert float(g.gamma) == pytest.approx(float(d_up - d_down) / ds, rel=1e-5)
    up, down = _bump("sigma", 1e-5, **case)
    assert float(g.vega) == pytest.approx(
        float(price(**up) - price(**down)) / 2e-5 * 0.01, rel=1e-6
    )
    assert float(g.vanna) == pytest.approx(
        float(greeks(**up).delta - greeks(**down).delta) / 2e-5 * 0.01, rel=1e-5
    )
    up, down = _bump("r", 1e-5, **case)
    assert float(g.rho) == pytest.approx(float(price(**up) - price(**down)) / 2e-5 * 0.01, rel=1e-6)
    day = 1.0 / 365
    later = dict(case, t=case["t"] - 1e-3 * day)
    earlier = dict(case, t=case["t"] + 1e-3 * day)
    theta = float(price(**later) - price(**earlier)) / 2e-3  # per calendar day passing
    assert float(g.theta) == pytest.approx(theta, rel=1e-5)
    charm = float(greeks(**later).delta - greeks(**earlier).delta) / 2e-3
    assert float(g.charm) == pytest.approx(charm, rel=1e-4)


@settings(max_examples=200)
@given(
    spot=st.floats(1, 5000),
    m=st.floats(0.5, 2.0),
    t=st.floats(1e-3, 3.0),
    r=st.floats(-0.01, 0.1),
    q=st.floats(0.0, 0.08),
    sigma=st.floats(0.02, 2.0),
)
def test_call_put_relations(spot, m, t, r, q, sigma):
    k = spot * m
    (c, p), g = price_and_greeks([True, False], spot, k, t, r, sigma, q)
    assert c - p == pytest.approx(spot * np.exp(-q * t) - k * np.exp(-r * t), abs=1e-9 * spot)
    assert g.delta[0] - g.delta[1] == pytest.approx(np.exp(-q * t), abs=1e-12)
    assert g.gamma[0] == pytest.approx(g.gamma[1], rel=1e-12)
    assert g.vega[0] == pytest.approx(g.vega[1], rel=1e-12)
    assert g.vanna[0] == pytest.approx(g.vanna[1], rel=1e-9, abs=1e-15)
    assert g.gamma[0] >= 0
    assert g.vega[0] >= 0


def test_price_and_greeks_agree_with_the_separate_functions():
    strikes = np.linspace(80, 120, 9)
    value, g = price_and_greeks(True, 100.0, strikes, 0.2, 0.03, 0.25, 0.01)
    np.testing.assert_array_equal(value, price(True, 100.0, strikes, 0.2, 0.03, 0.25, 0.01))
    np.testing.assert_array_equal(
        g.delta, greeks(True, 100.0, strikes, 0.2, 0.03, 0.25, 0.01).delta
    )


def test_expired_and_zero_volatility_rows_have_limit_greeks():
    g = greeks(
        [True, False, True], 100.0, [90.0, 90.0, 110.0], [0.0, 0.5, 0.5], 0.05, [0.3, 0.0, 0.0], 0.0
    )
    assert list(g.delta) == [1.0, 0.0, 0.0]
    for field in ("gamma", "theta", "vega", "rho", "vanna", "charm"):
        assert list(getattr(g, field)) == [0.0, 0.0, 0.0]


def test_nan_volatility_gives_nan_not_a_limit_and_empty_inputs_work():
    value, g = price_and_greeks([True, False], 100.0, 100.0, 0.5, 0.03, [np.nan, 0.2])
    assert np.isnan(value[0])
    assert np.isfinite(value[1])
    assert np.isnan(g.delta[0])
    assert np.isnan(g.theta[0])
    empty = np.zeros(0)
    assert price(True, 100.0, empty, 0.5, 0.03, 0.2).shape == (0,)
