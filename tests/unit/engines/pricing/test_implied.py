"""Implied volatility: exact round trips where the problem is well posed, NaN with a reason
everywhere else, never a zero."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.engines.pricing.well_posed import well_posed
from workstation.engines.pricing import price
from workstation.engines.pricing.implied import (
    IvStatus,
    implied_volatility,
    implied_volatility_status,
)

HOUR = 1.0 / (365 * 24)


def _round_trip(is_call, spot, strike, t, r, sigma, q):
    value = price(is_call, spot, strike, t, r, sigma, q)
    implied = implied_volatility(value, is_call, spot, strike, t, r, q)
    return implied, well_posed(is_call, spot, strike, t, r, sigma, q)


def test_hull_price_implies_its_volatility():
    assert float(implied_volatility(4.7594, True, 42.0, 40.0, 0.5, 0.10)) == pytest.approx(
        0.20, abs=5e-5
    )  # the price is rounded to 4 decimals


def test_wide_random_grid_round_trips_to_1e_12():
    rng = np.random.default_rng(20261121)
    n = 200_000
    spot = np.exp(rng.uniform(np.log(1.0), np.log(10_000.0), n))
    strike = spot * np.exp(rng.normal(0.0, 0.6, n))
    t = np.exp(rng.uniform(np.log(HOUR), np.log(5.0), n))
    sigma = np.exp(rng.uniform(np.log(0.01), np.log(4.0), n))
    r = rng.uniform(-0.01, 0.10, n)
    q = rng.uniform(0.0, 0.08, n)
    is_call = rng.random(n) < 0.5
    implied, well_posed = _round_trip(is_call, spot, strike, t, r, sigma, q)
    assert well_posed.sum() > 60_000  # the rest have no time value left in double precision
    error = np.abs(implied - sigma)[well_posed]
    assert np.all(np.isfinite(error))
    assert error.max() <= 1e-12


@pytest.mark.parametrize(
    ("label", "is_call", "strike", "t", "sigma"),
    [
        ("deep OTM call", True, 300.0, 0.25, 0.5),
        ("deep OTM put", False, 30.0, 0.5, 0.6),
        ("deep ITM call", True, 70.0, 0.25, 0.8),
        ("deep ITM put", False, 160.0, 0.08, 0.9),
        ("ATM, one hour left", True, 100.0, HOUR, 0.15),
        ("just OTM, 15 minutes left", False, 99.9, HOUR / 4, 0.12),
        ("far OTM, two hours left", True, 101.5, 2 * HOUR, 0.25),
        ("long dated wings", True, 400.0, 5.0, 0.35),
        ("very high volatility", False, 100.0, 1.0, 3.5),
        ("very low volatility", True, 102.0, 0.5, 0.005),
    ],
)
def test_hard_cases(label, is_call, strike, t, sigma):
    implied, well_posed = _round_trip(is_call, 100.0, strike, t, 0.045, sigma, 0.013)
    assert bool(well_posed), f"{label}: test case should be well posed"
    assert float(implied) == pytest.approx(sigma, abs=1e-12), label


@settings(max_examples=300, deadline=None)
@given(
    spot=st.floats(0.5, 20_000),
    log_m=st.floats(-2.5, 2.5),
    t=st.floats(HOUR, 10.0),
    r=st.floats(-0.02, 0.2),
    q=st.floats(0.0, 0.1),
    sigma=st.floats(0.005, 5.0),
    is_call=st.booleans(),
)
def test_round_trip_property(spot, log_m, t, r, q, sigma, is_call):
    implied, well_posed = _round_trip(is_call, spot, spot * np.exp(log_m), t, r, sigma, q)
    if well_posed:
        assert float(implied) == pytest.approx(sigma, abs=1e-12)
    else:
        # ill-posed (no time value left in double precision): NaN with a reason or close
        assert np.isnan(implied) or float(implied) > 0


def test_iv_is_monotone_in_price():
    strikes = np.full(50, 100.0)
    values = np.linspace(2.0, 20.0, 50)  # above the forward intrinsic value (about 1.49)
    implied = implied_volatility(values, True, 100.0, strikes, 0.5, 0.03)
    assert np.all(np.diff(implied) > 0)


def test_every_nan_has_a_reason_and_nothing_is_zero():
    cases = [
        (np.nan, True, 100.0, 100.0, 0.5, IvStatus.NOT_FINITE),
        (5.0, True, 100.0, 100.0, 0.0, IvStatus.NO_TIME),
        (5.0, True, 100.0, 100.0, -0.1, IvStatus.NO_TIME),
        (5.0, True, -1.0, 100.0, 0.5, IvStatus.BAD_UNDERLYING),
        (5.0, True, 100.0, 0.0, 0.5, IvStatus.BAD_UNDERLYING),
        (4.0, True, 105.0, 100.0, 0.5, IvStatus.BELOW_INTRINSIC),
        (0.0, True, 90.0, 100.0, 0.5, IvStatus.NO_TIME_VALUE),
        (100.0, True, 100.0, 100.0, 0.5, IvStatus.ABOVE_MAXIMUM),
        (120.0, False, 100.0, 100.0, 0.5, IvStatus.ABOVE_MAXIMUM),
        (-1.0, False, 100.0, 100.0, 0.5, IvStatus.BELOW_INTRINSIC),
    ]
    values, calls, spots, strikes, times, expected = (list(c) for c in zip(*cases, strict=True))
    result = implied_volatility_status(values, calls, spots, strikes, times, 0.0)
    assert list(result.status) == [int(e) for e in expected]
    assert np.all(np.isnan(result.sigma))
    assert result.reasons()[5] == "price is below intrinsic value"


def test_forward_bounds_use_rates_and_dividends():
    # With r = 10 % over a year, the put's upper bound is the discounted strike, not the strike.
    bound = 100.0 * np.exp(-0.10)
    result = implied_volatility_status(
        [bound * 0.999, bound * 1.0001], False, 100.0, 100.0, 1.0, 0.10
    )
    assert result.status[0] == IvStatus.OK
    assert result.status[1] == IvStatus.ABOVE_MAXIMUM


def test_shapes_broadcast_and_are_kept():
    strikes = np.array([[90.0, 100.0, 110.0]])
    values = price(True, 100.0, strikes, 0.3, 0.02, np.array([[0.2], [0.4]]))
    implied = implied_volatility(values, True, 100.0, strikes, 0.3, 0.02)
    assert implied.shape == (2, 3)
    np.testing.assert_allclose(implied, [[0.2] * 3, [0.4] * 3], atol=1e-12)
