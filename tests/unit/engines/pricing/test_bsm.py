import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.engines.pricing import delta, forward, price

spots = st.floats(1.0, 10_000.0)
moneyness = st.floats(0.2, 5.0)
years = st.floats(1e-3, 5.0)
rates = st.floats(-0.01, 0.15)
yields = st.floats(0.0, 0.10)
vols = st.floats(0.01, 3.0)


def test_hull_call_and_put_on_a_stock_at_42():
    # Hull, Options, Futures and Other Derivatives, example 15.6
    call, put = price([True, False], 42.0, 40.0, 0.5, 0.10, 0.20)
    assert round(float(call), 4) == 4.7594
    assert round(float(put), 4) == 0.8086


def test_hull_delta_of_a_call_on_a_stock_at_49():
    # Hull, example 19.1
    assert round(float(price(True, 49.0, 50.0, 0.3846, 0.05, 0.20)), 4) == 2.4005
    assert round(float(delta(True, 49.0, 50.0, 0.3846, 0.05, 0.20)), 4) == 0.5216


def test_inputs_broadcast_together():
    strikes = np.array([90.0, 100.0, 110.0])
    values = price(np.array([[True], [False]]), 100.0, strikes, 0.25, 0.04, 0.2, 0.01)
    assert values.shape == (2, 3)
    assert np.all(np.diff(values[0]) < 0)  # calls cheaper as the strike rises
    assert np.all(np.diff(values[1]) > 0)


def test_expired_options_are_worth_intrinsic():
    values = price([True, True, False, False], 100.0, [90.0, 110.0, 90.0, 110.0], 0.0, 0.05, 0.3)
    assert list(values) == [10.0, 0.0, 0.0, 10.0]
    assert list(delta([True, False], 100.0, [90.0, 90.0], -1.0, 0.05, 0.3)) == [1.0, 0.0]


def test_zero_volatility_is_the_discounted_forward_intrinsic():
    s, k, t, r, q = 100.0, 95.0, 0.5, 0.05, 0.02
    call, put = price([True, False], s, k, t, r, 0.0, q)
    assert call == pytest.approx(s * np.exp(-q * t) - k * np.exp(-r * t), rel=1e-14)
    assert put == 0.0
    assert float(delta(True, s, k, t, r, 0.0, q)) == pytest.approx(np.exp(-q * t))


def test_forward_grows_at_carry():
    assert float(forward(100.0, 2.0, 0.05, 0.01)) == pytest.approx(100.0 * np.exp(0.08))


def test_put_delta_is_call_delta_less_the_dividend_discount():
    args = (100.0, 105.0, 0.75, 0.04, 0.3, 0.015)
    assert float(delta(True, *args) - delta(False, *args)) == pytest.approx(np.exp(-0.015 * 0.75))


def test_delta_matches_a_finite_difference():
    s, h = 100.0, 1e-4
    for is_call in (True, False):
        up = price(is_call, s + h, 97.0, 0.4, 0.03, 0.25, 0.01)
        down = price(is_call, s - h, 97.0, 0.4, 0.03, 0.25, 0.01)
        slope = (up - down) / (2 * h)
        assert float(delta(is_call, s, 97.0, 0.4, 0.03, 0.25, 0.01)) == pytest.approx(
            float(slope), abs=1e-7
        )


@settings(max_examples=300)
@given(spots, moneyness, years, rates, yields, vols)
def test_put_call_parity_with_dividend_yield(s, m, t, r, q, sigma):
    k = s * m
    call, put = price([True, False], s, k, t, r, sigma, q)
    parity = s * np.exp(-q * t) - k * np.exp(-r * t)
    assert abs((call - put) - parity) <= 1e-10 * (s + k)


@settings(max_examples=300)
@given(spots, moneyness, years, rates, yields, vols, st.floats(1.001, 3.0), st.booleans())
def test_value_rises_with_volatility(s, m, t, r, q, sigma, bump, is_call):
    low = price(is_call, s, s * m, t, r, sigma, q)
    high = price(is_call, s, s * m, t, r, sigma * bump, q)
    assert high >= low - 1e-12 * s


@settings(max_examples=300)
@given(spots, moneyness, years, rates, yields, vols)
def test_call_within_no_arbitrage_bounds(s, m, t, r, q, sigma):
    k = s * m
    call = float(price(True, s, k, t, r, sigma, q))
    lower = max(0.0, s * np.exp(-q * t) - k * np.exp(-r * t))
    upper = s * np.exp(-q * t)
    tol = 1e-12 * (s + k)
    assert lower - tol <= call <= upper + tol


@settings(max_examples=200)
@given(spots, moneyness, years, rates, yields, vols)
def test_deltas_stay_in_range(s, m, t, r, q, sigma):
    call, put = delta([True, False], s, s * m, t, r, sigma, q)
    assert 0.0 <= call <= 1.0
    assert -1.0 <= put <= 0.0
