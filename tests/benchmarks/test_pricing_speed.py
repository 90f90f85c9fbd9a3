"""Price + all greeks for 10,000 options: against a plain numpy implementation and
against the transcendental functions the formulas cannot avoid.

Run on demand: .venv/bin/pytest -m benchmark -s tests/benchmarks/test_pricing_speed.py

Inputs are cycled over many different arrays (not one array repeated), so
caches and branch predictors see fresh data as in a live chain.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from scipy.special import ndtr

from workstation.engines.pricing import price_and_greeks

N = 10_000
SETS = 24
REPEATS = 7
MIN_SPEEDUP = 2.5
MAX_FLOOR_RATIO = 1.5


def _inputs(seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    spot = np.full(N, 100.0) * rng.uniform(0.5, 2.0)
    strike = spot * np.exp(rng.normal(0.0, 0.3, N))
    t = rng.uniform(1 / 365, 2.0, N)
    sigma = rng.uniform(0.05, 1.0, N)
    is_call = rng.random(N) < 0.5
    return is_call, spot, strike, t, sigma


def plain_numpy(is_call, spot, strike, t, r, sigma, q):
    """A textbook implementation: one function per greek, each recomputing d1 and d2."""

    def d1d2():
        d1 = (np.log(spot / strike) + (r - q + 0.5 * sigma**2) * t) / (sigma * np.sqrt(t))
        return d1, d1 - sigma * np.sqrt(t)

    def pdf(x):
        return np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi)

    def value():
        d1, d2 = d1d2()
        call = spot * np.exp(-q * t) * ndtr(d1) - strike * np.exp(-r * t) * ndtr(d2)
        put = strike * np.exp(-r * t) * ndtr(-d2) - spot * np.exp(-q * t) * ndtr(-d1)
        return np.where(is_call, call, put)

    def delta():
        d1, _ = d1d2()
        return np.where(is_call, np.exp(-q * t) * ndtr(d1), -np.exp(-q * t) * ndtr(-d1))

    def gamma():
        d1, _ = d1d2()
        return np.exp(-q * t) * pdf(d1) / (spot * sigma * np.sqrt(t))

    def vega():
        d1, _ = d1d2()
        return spot * np.exp(-q * t) * pdf(d1) * np.sqrt(t) / 100

    def theta():
        d1, d2 = d1d2()
        common = -spot * np.exp(-q * t) * pdf(d1) * sigma / (2 * np.sqrt(t))
        call = (
            common - r * strike * np.exp(-r * t) * ndtr(d2) + q * spot * np.exp(-q * t) * ndtr(d1)
        )
        put = (
            common + r * strike * np.exp(-r * t) * ndtr(-d2) - q * spot * np.exp(-q * t) * ndtr(-d1)
        )
        return np.where(is_call, call, put) / 365

    def rho():
        _, d2 = d1d2()
        call = strike * t * np.exp(-r * t) * ndtr(d2)
        put = -strike * t * np.exp(-r * t) * ndtr(-d2)
        return np.where(is_call, call, put) / 100

    def vanna():
        d1, d2 = d1d2()
        return -np.exp(-q * t) * pdf(d1) * d2 / sigma / 100

    def charm():
        d1, d2 = d1d2()
        sign = np.where(is_call, 1.0, -1.0)
        core = (
            np.exp(-q * t)
            * pdf(d1)
            * (2 * (r - q) * t - d2 * sigma * np.sqrt(t))
            / (2 * t * sigma * np.sqrt(t))
        )
        return (sign * q * np.exp(-q * t) * ndtr(sign * d1) - core) / 365

    return value(), delta(), gamma(), vega(), theta(), rho(), vanna(), charm()


def floor_arguments(is_call, spot, strike, t, sigma, r=0.04, q=0.01):
    """The arguments the transcendental calls see (prepared outside the timing)."""
    sd = sigma * np.sqrt(t)
    d1 = (np.log(spot / strike) + (r - q + 0.5 * sigma**2) * t) / sd
    sign = np.where(is_call, 1.0, -1.0)
    return spot / strike, t, -q * t, -r * t, -0.5 * d1 * d1, sign * d1, sign * (d1 - sd)


def transcendental_floor(moneyness, t, q_t, r_t, half_d1_squared, d1, d2):
    """Only the transcendental evaluations the formulas need: log, sqrt, 3 exp, 2 ndtr."""
    np.log(moneyness)
    np.sqrt(t)
    np.exp(q_t)
    np.exp(r_t)
    np.exp(half_d1_squared)
    ndtr(d1)
    ndtr(d2)


def _best(fn: Callable[..., object], argument_sets) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for arguments in argument_sets:
            fn(*arguments)
        best = min(best, (time.perf_counter() - start) / len(argument_sets))
    return best


@pytest.mark.benchmark
def test_price_and_greeks_speed():
    sets = [_inputs(seed) for seed in range(SETS)]
    calls = [(c, s, k, t, 0.04, v, 0.01) for c, s, k, t, v in sets]
    ours = _best(price_and_greeks, calls)
    plain = _best(plain_numpy, calls)
    floor = _best(transcendental_floor, [floor_arguments(*inputs) for inputs in sets])
    value, g = price_and_greeks(*sets[0][:4], 0.04, sets[0][4], 0.01)
    reference = plain_numpy(*sets[0][:4], 0.04, sets[0][4], 0.01)
    np.testing.assert_allclose(value, reference[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g.theta, reference[4], rtol=1e-10, atol=1e-14)
    print(
        f"\nprice + 7 greeks, {N:,} options: ours {ours * 1e3:.3f} ms, plain numpy "
        f"{plain * 1e3:.3f} ms ({plain / ours:.2f}x faster), transcendental floor "
        f"{floor * 1e3:.3f} ms (ours = {ours / floor:.2f}x floor)"
    )
    assert plain / ours >= MIN_SPEEDUP
    assert ours / floor <= MAX_FLOOR_RATIO
