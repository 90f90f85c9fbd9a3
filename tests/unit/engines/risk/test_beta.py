"""Beta to the benchmark from daily log returns on constructed series."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.engines.risk.beta import MIN_RETURNS, beta


def closes_from(log_returns: np.ndarray, start: float = 100.0) -> np.ndarray:
    """Closes whose day-over-day log returns are exactly ``log_returns``."""
    return start * np.exp(np.concatenate([[0.0], np.cumsum(log_returns)]))


def benchmark_returns(count: int, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, 0.01, count)


def test_twice_the_benchmark_returns_is_beta_two():
    returns = benchmark_returns(300)
    assert beta(closes_from(2 * returns, 50.0), closes_from(returns)) == pytest.approx(
        2.0, abs=1e-9
    )


def test_independent_noise_is_near_zero():
    spy = closes_from(benchmark_returns(252, seed=1))
    noise = closes_from(benchmark_returns(252, seed=2))
    # One year of returns: the standard error of the estimate is about 1 / sqrt(252) = 0.06.
    assert abs(beta(noise, spy)) < 0.2


def test_only_the_last_lookback_returns_count():
    returns = benchmark_returns(400)
    # Beta 1 for the first 148 returns, then 3 for the last 252.
    asset = np.concatenate([returns[:148], 3 * returns[148:]])
    assert beta(closes_from(asset), closes_from(returns)) == pytest.approx(3.0, abs=1e-9)
    blended = beta(closes_from(asset), closes_from(returns), lookback=400)
    assert 1.0 < blended < 3.0


def test_too_few_returns_is_unknown():
    returns = benchmark_returns(MIN_RETURNS)
    assert math.isnan(beta(closes_from(returns[:-1]), closes_from(returns[:-1])))
    assert beta(closes_from(returns), closes_from(returns)) == pytest.approx(1.0)


def test_missing_closes_drop_the_returns_that_touch_them():
    returns = benchmark_returns(60)
    asset, spy = closes_from(-0.5 * returns), closes_from(returns)
    asset[10], spy[30] = np.nan, 0.0
    assert beta(asset, spy) == pytest.approx(-0.5, abs=1e-9)


def test_flat_benchmark_is_unknown():
    assert math.isnan(beta(closes_from(benchmark_returns(40)), np.full(41, 500.0)))


def test_misaligned_series_are_refused():
    with pytest.raises(ValueError, match="aligned"):
        beta(np.ones(30), np.ones(31))
    with pytest.raises(ValueError, match="shorter than"):
        beta(np.ones(30), np.ones(30), lookback=5)


@settings(max_examples=50, deadline=None)
@given(slope=st.floats(-3.0, 3.0), drift=st.floats(-0.002, 0.002), seed=st.integers(0, 1000))
def test_a_linear_map_of_the_benchmark_returns_has_its_slope(slope, drift, seed):
    returns = benchmark_returns(120, seed)
    asset = closes_from(slope * returns + drift)
    assert beta(asset, closes_from(returns)) == pytest.approx(slope, abs=1e-9)
