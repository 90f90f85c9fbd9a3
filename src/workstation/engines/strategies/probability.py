"""Probabilities and expected value under a lognormal price at the front expiration.

The underlying follows geometric Brownian motion with the risk-neutral drift
r - q and volatility ``sigma`` (the ATM IV of the front expiration). The
probability that the price ends above a level K is N(d2); the "delta proxy"
many platforms show instead is N(d1), the undiscounted call delta at K, and
is named as such wherever it appears. Probability of touching uses the
first-passage law of a drifting Brownian motion in log price (exact, not the
"twice the probability of expiring beyond" rule of thumb). Probabilities are
0-1; expected value is dollars at the front expiration (not discounted).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
from scipy.special import log_ndtr, ndtr

from workstation.engines.pricing import bsm
from workstation.engines.strategies.legs import FloatArray, LegArrays, MarketContext
from workstation.engines.strategies.payoff import horizon_pnl, is_single_expiry, years_to_front

QUADRATURE_SD = 9.0
QUADRATURE_POINTS = 4001


def prob_above(
    levels: npt.ArrayLike,
    spot: float,
    t: float,
    r: float,
    q: float,
    sigma: float,
    *,
    delta_proxy: bool = False,
) -> FloatArray:
    """Return P(S_T > level): N(d2) lognormal, or N(d1) with ``delta_proxy``.

    ``levels`` dollars per share (0 gives 1, inf gives 0); ``t`` years.
    """
    k = np.asarray(levels, dtype=float)
    vol = sigma * math.sqrt(max(t, 0.0))
    with np.errstate(divide="ignore"):
        log_moneyness = np.log(spot / k)
    if vol == 0.0:
        forward = spot * math.exp((r - q) * max(t, 0.0))
        return np.where(forward > k, 1.0, 0.0)
    d2 = (log_moneyness + (r - q) * t) / vol - 0.5 * vol
    p: FloatArray = ndtr(d2 + vol if delta_proxy else d2)
    return p


def probability_in(
    ranges: Iterable[tuple[float, float]],
    spot: float,
    t: float,
    r: float,
    q: float,
    sigma: float,
    *,
    delta_proxy: bool = False,
) -> float:
    """Return the probability that S_T ends inside any of ``ranges`` (0-1)."""
    total = 0.0
    for lo, hi in ranges:
        above = prob_above([lo, hi], spot, t, r, q, sigma, delta_proxy=delta_proxy)
        total += float(above[0] - above[1])
    return min(max(total, 0.0), 1.0)


def touch_probability(
    levels: npt.ArrayLike, spot: float, t: float, r: float, q: float, sigma: float
) -> FloatArray:
    """Return the probability that the price trades at ``levels`` before ``t`` years pass.

    Exact for GBM with drift r - q: with b = |ln(K/S)| and ν the log drift
    toward the level, P = N((-b + νt)/σ√t) + exp(2νb/σ²)·N((-b - νt)/σ√t).
    A level at the spot has probability 1.
    """
    k = np.asarray(levels, dtype=float)
    x = np.log(k / spot)
    b = np.abs(x)
    nu = (r - q - 0.5 * sigma**2) * np.sign(x)
    vol = sigma * math.sqrt(max(t, 1e-12))
    first = ndtr((-b + nu * t) / vol)
    second = np.exp(2.0 * nu * b / sigma**2 + log_ndtr((-b - nu * t) / vol))
    p: FloatArray = np.where(b == 0.0, 1.0, np.minimum(first + second, 1.0))
    return p


def expected_pnl(legs: LegArrays, market: MarketContext) -> float:
    """Return the expected P/L (dollars) at the front expiration under the lognormal.

    Closed form when every leg shares the expiration (E[(S-K)+] = F·N(d1) -
    K·N(d2)); otherwise a trapezoid quadrature over ±9 standard deviations.
    """
    t = years_to_front(legs, market)
    if is_single_expiry(legs):
        return _closed_form(legs, market, t)
    return _quadrature(legs, market, t)


def _closed_form(legs: LegArrays, market: MarketContext, t: float) -> float:
    r, q = market.rate, market.dividend_yield
    growth = math.exp(r * t)
    value = bsm.price(legs.is_call, market.spot, legs.strike, t, r, market.sigma, q) * growth
    forward = market.spot * math.exp((r - q) * t)
    stock = legs.stock_shares * (forward - legs.stock_price)
    return float(value @ legs.units) + stock - float(legs.price @ legs.units)


def _quadrature(legs: LegArrays, market: MarketContext, t: float) -> float:
    vol = market.sigma * math.sqrt(t)
    z = np.linspace(-QUADRATURE_SD, QUADRATURE_SD, QUADRATURE_POINTS)
    drift = (market.rate - market.dividend_yield) * t - 0.5 * vol**2
    prices = market.spot * np.exp(drift + vol * z)
    density = np.exp(-0.5 * z**2) / math.sqrt(2.0 * math.pi)
    return float(np.trapezoid(horizon_pnl(legs, market, prices) * density, z))
