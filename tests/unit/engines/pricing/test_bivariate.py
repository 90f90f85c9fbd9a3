"""Bivariate normal CDF: against scipy, against an independent integral, and its identities."""

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import ndtr
from scipy.stats import multivariate_normal

from workstation.engines.pricing.bivariate import bivariate_normal_cdf

GRID = np.linspace(-4.0, 4.0, 9)
RHOS = [-0.95, -0.786, -0.5, 0.0, 0.3, 0.786, 0.95]


def one_dimensional(a: float, b: float, rho: float) -> float:
    """P(X <= a, Y <= b) as the integral of phi(x) N((b - rho x) / sqrt(1 - rho^2)) over x <= a."""
    spread = math.sqrt(1.0 - rho * rho)

    def integrand(x: float) -> float:
        return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi) * ndtr((b - rho * x) / spread)

    value, _ = quad(integrand, -40.0, a, epsabs=1e-16, epsrel=1e-13, limit=400)
    return value


@pytest.mark.parametrize("rho", RHOS)
def test_matches_scipy_on_a_grid(rho):
    a, b = np.meshgrid(GRID, GRID)
    cov = [[1.0, rho], [rho, 1.0]]
    expected = np.array(
        [
            multivariate_normal.cdf([x, y], cov=cov)
            for x, y in zip(a.ravel(), b.ravel(), strict=True)
        ]
    )
    assert np.max(np.abs(bivariate_normal_cdf(a, b, rho).ravel() - expected)) < 1e-7


@pytest.mark.parametrize("rho", [-0.95, -0.786, 0.5, 0.786, 0.95, 0.99])
def test_is_accurate_to_1e_14_against_the_one_dimensional_integral(rho):
    points = np.linspace(-6.0, 6.0, 7)
    a, b = np.meshgrid(points, points)
    expected = np.array(
        [one_dimensional(x, y, rho) for x, y in zip(a.ravel(), b.ravel(), strict=True)]
    )
    assert np.max(np.abs(bivariate_normal_cdf(a, b, rho).ravel() - expected)) < 1e-14


def test_is_symmetric_in_its_arguments():
    rng = np.random.default_rng(3)
    a, b = rng.normal(0, 2, 500), rng.normal(0, 2, 500)
    rho = rng.uniform(-0.95, 0.95, 500)
    assert np.allclose(bivariate_normal_cdf(a, b, rho), bivariate_normal_cdf(b, a, rho), atol=1e-15)


def test_zero_correlation_is_the_product_of_the_margins():
    a, b = np.meshgrid(GRID, GRID)
    assert np.allclose(bivariate_normal_cdf(a, b, 0.0), ndtr(a) * ndtr(b), atol=1e-16)


@pytest.mark.parametrize("rho", RHOS)
def test_flipping_b_and_rho_completes_the_margin(rho):
    a, b = np.meshgrid(GRID, GRID)
    total = bivariate_normal_cdf(a, b, rho) + bivariate_normal_cdf(a, -b, -rho)
    assert np.max(np.abs(total - ndtr(a))) < 1e-15


def test_perfect_correlation_limits():
    a, b = np.array([-1.0, 0.5, 2.0]), np.array([0.3, 0.5, -1.0])
    assert np.array_equal(bivariate_normal_cdf(a, b, 1.0), ndtr(np.minimum(a, b)))
    assert np.allclose(bivariate_normal_cdf(a, b, -1.0), np.maximum(ndtr(a) + ndtr(b) - 1, 0))


def test_infinite_arguments_reduce_to_one_margin():
    assert bivariate_normal_cdf(np.inf, 0.3, 0.5) == pytest.approx(ndtr(0.3), abs=1e-16)
    assert bivariate_normal_cdf(-np.inf, 0.3, 0.5) == 0.0
    assert bivariate_normal_cdf(0.7, np.inf, -0.9) == pytest.approx(ndtr(0.7), abs=1e-16)


def test_a_correlation_per_element_matches_one_correlation_at_a_time():
    rng = np.random.default_rng(5)
    a, b = rng.normal(0, 2, 300), rng.normal(0, 2, 300)
    rho = rng.choice(np.array([-0.9, -0.3, 0.4, 0.786]), 300)
    together = bivariate_normal_cdf(a, b, rho)
    apart = np.array([bivariate_normal_cdf(x, y, p) for x, y, p in zip(a, b, rho, strict=True)])
    assert np.max(np.abs(together - apart)) < 1e-15


def test_inputs_broadcast_and_keep_their_shape():
    a = np.zeros((2, 3))
    assert bivariate_normal_cdf(a, np.zeros(3), 0.5).shape == (2, 3)
    assert bivariate_normal_cdf(0.0, 0.0, 0.5).shape == ()
    assert bivariate_normal_cdf(0.0, 0.0, 0.5) == pytest.approx(
        1 / 4 + math.asin(0.5) / (2 * math.pi)
    )
    assert bivariate_normal_cdf(np.array([]), 0.0, 0.5).shape == (0,)


def test_nan_propagates():
    assert np.isnan(bivariate_normal_cdf(np.nan, 0.0, 0.5))
    assert np.isnan(bivariate_normal_cdf(0.0, 0.0, np.nan))
