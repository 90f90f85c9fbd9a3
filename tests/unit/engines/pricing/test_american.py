"""Bjerksund–Stensland (2002) American values, greeks and implied volatility.

The approximation is checked against a slow binomial reference (see
``reference_american``) over moneyness 0.8-1.2, maturities of a week to two
years, rates 0-8 %, dividend yields 0-6 % and volatilities 10-80 %. Its
documented accuracy is a few tenths of a percent typically and a few percent
at worst (low volatility with long maturities, or high volatility with
long maturities); the bounds below record what it achieves here.
"""

import itertools
import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import ndtr

from tests.unit.engines.pricing.reference_american import american_tree_price
from workstation.engines.pricing import american as am
from workstation.engines.pricing import bsm
from workstation.engines.pricing.american import american_greeks, american_price
from workstation.engines.pricing.american_implied import (
    american_implied_volatility,
    american_implied_volatility_status,
)
from workstation.engines.pricing.implied import IvStatus, implied_volatility

K = 100.0
GREEKS = ("delta", "gamma", "theta", "vega", "rho", "vanna", "charm")


def random_book(n: int, seed: int) -> dict[str, np.ndarray]:
    """Options around a spot of 100: strikes lognormal, a day to 3 years, realistic r, q, vol."""
    rng = np.random.default_rng(seed)
    return {
        "is_call": rng.random(n) < 0.5,
        "spot": np.full(n, 100.0),
        "strike": 100.0 * np.exp(rng.normal(0.0, 0.25, n)),
        "t": np.exp(rng.uniform(math.log(1 / 365), math.log(3.0), n)),
        "r": rng.uniform(0.0, 0.09, n),
        "sigma": rng.uniform(0.05, 1.2, n),
        "q": rng.uniform(0.0, 0.07, n),
    }


def european(book):
    return bsm.price(**book)


# --------------------------------------------------------------------------- reference grid
@pytest.fixture(scope="module")
def grid():
    rows = list(
        itertools.product(
            [True, False],
            [0.8, 0.9, 1.0, 1.1, 1.2],
            [1 / 52, 1 / 12, 0.25, 1.0, 2.0],
            [0.0, 0.04, 0.08],
            [0.0, 0.03, 0.06],
            [0.1, 0.3, 0.8],
        )
    )
    call, moneyness, t, r, q, sigma = (np.array(column) for column in zip(*rows, strict=True))
    spot = K * moneyness.astype(float)
    call = call.astype(bool)
    args = (call, spot, K, t, r, sigma, q)
    return {
        "call": call,
        "sigma": sigma,
        "t": t,
        "early": np.where(call, q > 0.0, r > 0.0),
        "reference": american_tree_price(*args, steps=800),
        "value": american_price(*args),
        "european": bsm.price(*args),
    }


def test_the_reference_tree_prices_european_options_to_2e_4():
    call, s, t, r, q, sigma = (np.array(c) for c in zip(*itertools.product(
        [True, False], [80.0, 100.0, 120.0], [1 / 52, 0.5, 2.0], [0.0, 0.08], [0.03], [0.1, 0.8]
    ), strict=True))  # fmt: skip
    tree = american_tree_price(call.astype(bool), s, K, t, r, sigma, q, steps=800, american=False)
    exact = bsm.price(call.astype(bool), s, K, t, r, sigma, q)
    assert np.max(np.abs(tree - exact)) < 2e-4


def test_bs2002_is_within_its_known_accuracy_of_the_reference(grid):
    error = grid["value"] - grid["reference"]
    priced = grid["reference"] >= 0.05
    relative = np.abs(error[priced]) / grid["reference"][priced]
    assert np.max(np.abs(error)) < 0.01 * K  # worst: 0.98 at 80 % vol, two years
    assert np.max(relative) < 0.035  # worst: 3.2 % at 10 % vol, one year, out of the money
    assert np.median(relative[grid["early"][priced]]) < 0.002
    assert np.quantile(relative, 0.95) < 0.015


def test_short_dated_moderate_volatility_is_accurate_to_a_few_cents(grid):
    region = (grid["t"] <= 0.25) & (grid["sigma"] <= 0.3)
    assert np.max(np.abs(grid["value"] - grid["reference"])[region]) < 0.1


def test_bs2002_is_a_lower_bound_and_never_worse_than_european(grid):
    tree_accuracy = 1e-3  # see reference_american
    assert np.all(grid["value"] <= grid["reference"] + tree_accuracy)
    european_error = np.abs(grid["european"] - grid["reference"])
    assert np.all(np.abs(grid["value"] - grid["reference"]) <= european_error + tree_accuracy)


def test_without_early_exercise_value_the_value_is_european(grid):
    never = ~grid["early"]
    assert np.array_equal(grid["value"][never], grid["european"][never])


# --------------------------------------------------------------------------- the formula's parts
def test_the_two_period_barrier_claim_matches_numerical_integration():
    """psi: condition on the log price at t1, reflect at I2 before and at I1 after."""
    s, t, r, b, sigma, h, i1, i2 = 100.0, 1.0, 0.05, -0.02, 0.3, 105.0, 120.0, 130.0
    var, t1, tau = sigma * sigma, am.GOLDEN * t, (1 - am.GOLDEN) * t
    u1, u2, x = math.log(i1 / s), math.log(i2 / s), math.log(h / s)

    def density(y, mean, v):
        return math.exp(-((y - mean) ** 2) / (2 * v)) / math.sqrt(2 * math.pi * v)

    def integrand(y, mu):
        alive = density(y, mu * t1, var * t1)
        alive -= math.exp(2 * mu * u2 / var) * density(y - 2 * u2, mu * t1, var * t1)
        sd = sigma * math.sqrt(tau)
        stays = ndtr((x - y - mu * tau) / sd)
        stays -= math.exp(2 * mu * (u1 - y) / var) * ndtr((x - 2 * u1 + y - mu * tau) / sd)
        return alive * stays

    for gamma in (0.0, 1.0, 1.7):
        mu = b + (gamma - 0.5) * var
        lam = -r + gamma * b + 0.5 * gamma * (gamma - 1) * var
        integral, _ = quad(integrand, -12 * sigma, u1, args=(mu,), epsabs=1e-14, epsrel=1e-12)
        expected = math.exp(lam * t) * s**gamma * integral
        logs = [np.array([math.log(v)]) for v in (s, K, i1, i2)]
        strategy = am._Strategy(*logs, *(np.array([v]) for v in (t, r, b, var)))
        one = np.array([1.0])
        found = am._psi(strategy, one * gamma, one * math.log(h), one * 0.0)[0]
        assert found == pytest.approx(expected, rel=1e-12)


def test_the_flat_trigger_special_case_reproduces_published_1993_values():
    """With one flat trigger (I1 = I2 = X, the 1993 method) the phi claims give Haug's values."""
    for call_args, expected in (((42.0, 40.0, 0.75, 0.04, -0.04, 0.35), 5.2704),
                                ((40.0, 36.0, 1.0, 0.0, -0.06, 0.20), 4.4531)):  # fmt: skip
        s, k, t, r, b, sigma = call_args
        var = sigma * sigma
        beta = (0.5 - b / var) + math.sqrt((b / var - 0.5) ** 2 + 2 * r / var)
        b_inf, b_0 = beta / (beta - 1) * k, max(k, r / (r - b) * k)
        trigger = b_0 + (b_inf - b_0) * (
            1 - math.exp(-(b * t + 2 * sigma * math.sqrt(t)) * b_0 / (b_inf - b_0))
        )
        # phi's first period ends at GOLDEN * t; stretch time so it ends at t.
        logs = [np.array([math.log(v)]) for v in (s, k, trigger, trigger)]
        strategy = am._Strategy(*logs, *(np.array([v]) for v in (t / am.GOLDEN, r, b, var)))
        lx, lk = math.log(trigger), math.log(k)
        claims = am._phi(strategy, np.array([beta, 1, 1, 0, 0]), np.array([lx, lx, lk, lx, lk]),
                         np.array([lx, 0, 0, 0, 0]))  # fmt: skip
        weights = np.array([k - trigger, 1, -1, -k, k])
        value = (trigger - k) * (s / trigger) ** beta + np.sum(weights * claims)
        assert value == pytest.approx(expected, abs=5e-5)


# --------------------------------------------------------------------------- properties
def test_american_is_at_least_european_and_intrinsic():
    book = random_book(20_000, 1)
    value = american_price(**book)
    sign = np.where(book["is_call"], 1.0, -1.0)
    assert np.all(value >= european(book))
    assert np.all(value >= sign * (book["spot"] - book["strike"]))


def test_american_value_rises_with_volatility():
    book = random_book(2_000, 2)
    del book["sigma"]
    sigma = np.linspace(0.02, 2.0, 200)[:, None]
    value = american_price(sigma=sigma, **book)
    noise = 1e-13 * np.maximum(book["spot"], book["strike"])
    assert np.all(np.diff(value, axis=0) >= -noise)


def test_calls_without_dividends_and_puts_without_rates_are_european():
    book = random_book(5_000, 3)
    book["q"] = np.where(book["is_call"], 0.0, book["q"])
    book["r"] = np.where(book["is_call"], book["r"], 0.0)
    assert np.array_equal(american_price(**book), european(book))


def test_put_equals_the_call_with_spot_and_strike_and_rate_and_yield_swapped():
    book = random_book(5_000, 4)
    puts = american_price(False, book["spot"], book["strike"], book["t"], book["r"],
                          book["sigma"], book["q"])  # fmt: skip
    calls = american_price(True, book["strike"], book["spot"], book["t"], book["q"],
                           book["sigma"], book["r"])  # fmt: skip
    assert np.allclose(puts, calls, rtol=1e-12, atol=1e-12)


def test_deep_in_the_money_put_is_exercised_now():
    assert american_price(False, 50.0, 100.0, 1.0, 0.05, 0.2) == 50.0


def test_edge_cases_are_defined():
    assert american_price(True, 110.0, 100.0, 0.0, 0.05, 0.2, 0.03) == 10.0
    assert american_price(False, 90.0, 100.0, -1.0, 0.05, 0.2) == 10.0
    # no volatility: the larger of exercising now and the discounted forward payoff
    forward = 110.0 * math.exp(-0.01 * 0.5) - 100.0 * math.exp(-0.08 * 0.5)
    assert american_price(True, 110.0, 100.0, 0.5, 0.08, 0.0, 0.01) == pytest.approx(forward)
    assert american_price(False, 90.0, 100.0, 0.5, 0.08, 0.0, 0.01) == 10.0
    assert np.isnan(american_price(False, np.nan, 100.0, 0.5, 0.05, 0.2, 0.01))
    assert np.isnan(american_price(False, 100.0, 100.0, 0.5, 0.05, np.nan, 0.01))


def test_inputs_broadcast():
    value = american_price([[True], [False]], 100.0, [90.0, 100.0, 110.0], 0.5, 0.05, 0.3, 0.02)
    assert value.shape == (2, 3)
    assert american_price(True, 100.0, 100.0, 0.5, 0.05, 0.3, 0.02).shape == ()
    single = american_price(False, 100.0, 110.0, 0.5, 0.05, 0.3, 0.02)
    assert value[1, 2] == single


def test_empty_inputs_give_empty_outputs():
    empty = np.array([])
    assert american_price(True, empty, 100.0, 0.5, 0.05, 0.2).shape == (0,)
    value, found = american_greeks(True, empty, 100.0, 0.5, 0.05, 0.2)
    assert value.shape == found.delta.shape == found.charm.shape == (0,)
    assert american_implied_volatility_status(empty, True, 100.0, 100.0, 0.5, 0.05).sigma.shape == (
        0,
    )


# --------------------------------------------------------------------------- greeks
def test_greeks_are_exact_bsm_where_the_option_is_european():
    value, found = american_greeks(True, 100.0, [90.0, 100.0, 120.0], 0.5, 0.05, 0.25, 0.0)
    exact_value, exact = bsm.price_and_greeks(True, 100.0, [90.0, 100.0, 120.0], 0.5, 0.05, 0.25)
    assert np.array_equal(value, exact_value)
    for name in GREEKS:
        assert np.array_equal(getattr(found, name), getattr(exact, name)), name


@pytest.mark.parametrize(
    "args",
    [
        (False, 100.0, 100.0, 0.5, 0.05, 0.25, 0.0),
        (False, 90.0, 100.0, 1.0, 0.06, 0.2, 0.0),
        (True, 110.0, 100.0, 0.25, 0.03, 0.3, 0.05),
        (False, 100.0, 100.0, 5 / 365, 0.05, 0.4, 0.01),
    ],
)
def test_greeks_match_independent_differences_in_trader_units(args):
    call, s, k, t, r, sigma, q = args
    _, found = american_greeks(*args)

    def v(**bump):
        base = {"spot": s, "t": t, "r": r, "sigma": sigma}
        base.update(bump)
        return float(american_price(call, base["spot"], k, base["t"], base["r"], base["sigma"], q))

    h, dv, dt, dr = 0.02 * s * sigma * math.sqrt(t), 2e-3 * sigma, 2e-3 * t, 2e-5
    expected = {
        "delta": (v(spot=s + h) - v(spot=s - h)) / (2 * h),
        "gamma": (v(spot=s + h) - 2 * v() + v(spot=s - h)) / h**2,
        "theta": (v(t=t - dt) - v(t=t + dt)) / (2 * dt) / 365,
        "vega": (v(sigma=sigma + dv) - v(sigma=sigma - dv)) / (2 * dv) / 100,
        "rho": (v(r=r + dr) - v(r=r - dr)) / (2 * dr) / 100,
    }
    for name, value in expected.items():
        assert float(getattr(found, name)) == pytest.approx(value, rel=2e-3, abs=1e-6), name


def test_greeks_in_the_exercise_region_are_those_of_the_payoff():
    value, found = american_greeks(False, 60.0, 100.0, 0.5, 0.06, 0.2)
    assert value == 40.0
    assert found.delta == pytest.approx(-1.0, abs=1e-9)
    for name in GREEKS[1:]:
        assert getattr(found, name) == pytest.approx(0.0, abs=1e-9), name


def test_greeks_without_time_or_volatility_are_limits():
    value, found = american_greeks([True, False, True], 100.0, [90.0, 110.0, 90.0], [0.0, 0.5, 0.5],
                                   0.05, [0.2, 0.0, 0.0], 0.01)  # fmt: skip
    assert np.allclose(value, [10.0, 10.0, 100 * math.exp(-0.005) - 90 * math.exp(-0.025)])
    assert np.allclose(found.delta, [1.0, -1.0, math.exp(-0.005)])
    for name in GREEKS[1:]:
        assert np.all(getattr(found, name) == 0.0), name


def test_greeks_are_nan_without_a_volatility():
    value, found = american_greeks([True, False], 100.0, 105.0, 0.5, 0.05, [np.nan, 0.3], 0.02)
    assert np.isnan(value[0])
    assert np.isfinite(value[1])
    for name in GREEKS:
        assert np.isnan(getattr(found, name)[0]), name
        assert np.isfinite(getattr(found, name)[1]), name


def test_greeks_keep_the_broadcast_shape():
    value, found = american_greeks([[True], [False]], 100.0, [90.0, 110.0], 0.5, 0.05, 0.3, 0.02)
    assert value.shape == (2, 2)
    for name in GREEKS:
        assert getattr(found, name).shape == (2, 2)
        assert np.all(np.isfinite(getattr(found, name)))


# --------------------------------------------------------------------------- implied volatility
def test_round_trip_reproduces_the_price_to_1e_9():
    book = random_book(20_000, 5)
    value = american_price(**book)
    floor = american_price(**{**book, "sigma": 0.0})
    del book["sigma"]
    found = american_implied_volatility_status(value, **book)
    # well posed: a price well above rounding noise with some time value left
    posed = (value >= 1e-5 * book["strike"]) & (value - floor >= 1e-6 * book["strike"])
    assert posed.sum() > 15_000
    assert np.all(found.status[posed] == IvStatus.OK)
    back = american_price(sigma=found.sigma, **book)
    assert np.max(np.abs(back - value)[posed] / value[posed]) < 1e-9


def test_round_trip_recovers_the_volatility_where_the_price_depends_on_it():
    book = random_book(20_000, 6)
    sigma = book.pop("sigma")
    value = american_price(sigma=sigma, **book)
    found = american_implied_volatility(value, **book)
    _, greeks = american_greeks(sigma=sigma, **book)
    floor = american_price(sigma=0.0, **book)
    # a 1e-9 relative price error moves sigma by less than 1e-6 relative
    sensitive = (value - floor > 1e-6 * book["strike"]) & (
        greeks.vega * 100 * sigma >= 1e-3 * value
    )
    assert sensitive.sum() > 15_000
    assert np.max(np.abs(found - sigma)[sensitive] / sigma[sensitive]) < 1e-6


def test_extreme_inputs_stay_bounded_and_round_trip():
    """Spots 1-5,000, strikes far away, an hour to 30 years, rates and yields -2..20 %,
    volatilities 0.1-1,000 %."""
    rng = np.random.default_rng(11)
    n = 30_000
    spot = np.exp(rng.uniform(0.0, math.log(5_000.0), n))
    book = {
        "is_call": rng.random(n) < 0.5,
        "spot": spot,
        "strike": spot * np.exp(rng.normal(0.0, 0.7, n)),
        "t": np.exp(rng.uniform(math.log(1 / 8760), math.log(30.0), n)),
        "r": rng.uniform(-0.02, 0.2, n),
        "q": rng.uniform(-0.02, 0.2, n),
    }
    sigma = np.exp(rng.uniform(math.log(1e-3), math.log(10.0), n))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = american_price(sigma=sigma, **book)
    assert np.all(np.isfinite(value))
    assert np.all(value >= bsm.price(sigma=sigma, **book))
    found = american_implied_volatility_status(value, **book)
    assert not np.any(found.status == IvStatus.NO_SOLUTION)
    assert not np.any(found.status == IvStatus.BELOW_INTRINSIC)
    floor = american_price(sigma=0.0, **book)
    posed = (value >= 1e-5 * book["strike"]) & (value - floor >= 1e-6 * book["strike"])
    # huge volatility over decades: the price sits on its upper bound (S e^-qt, K e^-rt)
    upper = np.where(book["is_call"], book["spot"], book["strike"])
    upper *= np.exp(-np.minimum(np.where(book["is_call"], book["q"], book["r"]), 0) * book["t"])
    posed &= value < upper * (1 - 1e-9)
    assert np.all(found.status[posed] == IvStatus.OK)
    back = american_price(sigma=found.sigma, **book)
    assert np.max(np.abs(back - value)[posed] / value[posed]) < 1e-9


def test_status_codes_say_why_there_is_no_volatility():
    cases = [
        (np.nan, True, 100.0, 100.0, 0.5, IvStatus.NOT_FINITE),
        (5.0, True, 100.0, 100.0, 0.0, IvStatus.NO_TIME),
        (5.0, True, 0.0, 100.0, 0.5, IvStatus.BAD_UNDERLYING),
        (9.99, False, 100.0, 110.0, 0.5, IvStatus.BELOW_INTRINSIC),  # a European put may
        (10.0, False, 100.0, 110.0, 0.5, IvStatus.NO_TIME_VALUE),
        (100.0, True, 100.0, 90.0, 0.5, IvStatus.ABOVE_MAXIMUM),
        (110.0, False, 100.0, 110.0, 0.5, IvStatus.ABOVE_MAXIMUM),
        (12.0, False, 100.0, 110.0, 0.5, IvStatus.OK),
    ]
    price, call, spot, strike, t, expected = (np.array(c) for c in zip(*cases, strict=True))
    found = american_implied_volatility_status(
        price, call.astype(bool), spot, strike, t, 0.05, 0.01
    )
    assert [IvStatus(int(code)) for code in found.status] == list(expected)
    assert np.isnan(found.sigma[:-1]).all()
    assert found.sigma[-1] > 0.0
    assert found.reasons()[3] == "price is below intrinsic value"


def test_a_european_put_price_below_intrinsic_has_no_american_volatility():
    european_put = float(bsm.price(False, 80.0, 100.0, 1.0, 0.08, 0.2))
    assert european_put < 20.0
    assert np.isnan(american_implied_volatility(european_put, False, 80.0, 100.0, 1.0, 0.08))
    assert np.isfinite(implied_volatility(european_put, False, 80.0, 100.0, 1.0, 0.08))


def test_calls_without_dividends_imply_the_european_volatility():
    book = random_book(2_000, 7)
    book["is_call"] = np.ones(2_000, dtype=bool)
    book["q"] = np.zeros(2_000)
    value = european(book)
    del book["sigma"]
    american = american_implied_volatility_status(value, **book)
    solved = american.status == IvStatus.OK
    assert solved.sum() > 1_800
    assert np.allclose(american.sigma[solved], implied_volatility(value, **book)[solved], rtol=1e-9)
    # the rest are deep in the money: the price carries no time value a double can hold
    floor = np.maximum(book["spot"] - book["strike"] * np.exp(-book["r"] * book["t"]), 0.0)
    rounding = {IvStatus.NO_TIME_VALUE, IvStatus.BELOW_INTRINSIC}
    assert {IvStatus(int(code)) for code in american.status[~solved]} <= rounding
    assert np.all(np.abs(value - floor)[~solved] <= 1e-14 * book["strike"][~solved])


def test_american_volatility_of_a_put_is_below_the_european_one():
    value = np.array([4.0, 6.0, 12.0, 21.0])
    strike = np.array([90.0, 100.0, 110.0, 120.0])
    args = (False, 100.0, strike, 1.0, 0.06, 0.01)
    american = american_implied_volatility(value, *args)
    assert np.all(american < implied_volatility(value, *args))


def test_implied_volatility_keeps_the_broadcast_shape():
    found = american_implied_volatility_status(
        [[5.0], [6.0]], False, 100.0, [100.0, 105.0, 110.0], 0.5, 0.05
    )
    assert found.sigma.shape == found.status.shape == (2, 3)
    assert american_implied_volatility(5.0, False, 100.0, 100.0, 0.5, 0.05).shape == ()
