"""The shape of a strategy's P/L at the front expiration: breakevens, max profit and loss.

When every option leg settles on the same day the P/L is piecewise linear
in the underlying price with kinks at the strikes: breakevens, extremes and
whether they are unlimited are found exactly from the kinks and the slope
beyond the last strike. Calendars and diagonals (later legs still alive at
the front expiration, priced with their own IV) are solved numerically:
every sign change on a fine grid is refined with Brent's method to 1e-10 of
spot, and the extremes are refined around the best grid point.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from workstation.engines.pricing.models import ExerciseStyle
from workstation.engines.strategies.legs import FloatArray, LegArrays, MarketContext
from workstation.engines.strategies.payoff import (
    expiry_pnl,
    horizon,
    horizon_pnl,
    is_single_expiry,
    years_to_front,
)

GRID_SD = 10.0  # the numeric search spans spot ± this many standard deviations
GRID_POINTS = 2001
FLAT = 1e-9  # dollars of P/L per dollar of price treated as no slope

_Scalar = Callable[[float], float]  # P/L (dollars) at one price
_Curve = Callable[[FloatArray], FloatArray]  # P/L (dollars) at an array of prices


@dataclass(frozen=True, slots=True)
class PayoffProfile:
    """P/L shape at the front expiration (dollars for the whole position).

    ``max_loss`` is a positive magnitude (0 when the trade cannot lose);
    either extreme is ``math.inf`` when unlimited. ``profitable`` lists the
    price ranges (dollars per share) where the P/L is above zero; the last
    upper bound may be ``math.inf``. ``exact`` says the profile was solved
    in closed form (all legs share one expiration).
    """

    breakevens: tuple[float, ...]
    max_profit: float
    max_loss: float
    max_profit_at: float
    max_loss_at: float
    profitable: tuple[tuple[float, float], ...]
    exact: bool

    @property
    def unlimited_profit(self) -> bool:
        """True when the profit grows without bound."""
        return math.isinf(self.max_profit)

    @property
    def unlimited_loss(self) -> bool:
        """True when the loss grows without bound."""
        return math.isinf(self.max_loss)

    @property
    def risk_reward(self) -> float:
        """Max profit over max loss (inf when the loss is zero or the profit unlimited)."""
        if self.max_loss == 0 or self.unlimited_profit:
            return math.inf
        return self.max_profit / self.max_loss


def payoff_profile(legs: LegArrays, market: MarketContext) -> PayoffProfile:
    """Return breakevens, extremes and profitable ranges of the P/L at the front expiration."""
    if is_single_expiry(legs):
        return _linear_profile(legs)
    return _numeric_profile(legs, market)


# ------------------------------------------------------------------ piecewise linear
def _linear_profile(legs: LegArrays) -> PayoffProfile:
    knots = np.unique(np.concatenate([[0.0], legs.strike]))
    pnl = expiry_pnl(legs, knots)
    slope = float(legs.units[legs.is_call].sum()) + legs.stock_shares
    roots = _linear_roots(knots, pnl, slope)
    best, worst = int(np.argmax(pnl)), int(np.argmin(pnl))
    max_profit = math.inf if slope > FLAT else float(pnl[best])
    max_loss = math.inf if slope < -FLAT else max(0.0, -float(pnl[worst]))
    return PayoffProfile(
        breakevens=roots,
        max_profit=max_profit,
        max_loss=max_loss,
        max_profit_at=math.inf if slope > FLAT else float(knots[best]),
        max_loss_at=math.inf if slope < -FLAT else float(knots[worst]),
        profitable=_profitable(roots, lambda x: expiry_pnl(legs, x)),
        exact=True,
    )


def _linear_roots(knots: FloatArray, pnl: FloatArray, slope: float) -> tuple[float, ...]:
    """Return every price where the piecewise-linear P/L crosses or touches zero."""
    scale = max(1.0, float(np.abs(pnl).max()))
    zero = np.abs(pnl) <= 1e-12 * scale
    y = np.where(zero, 0.0, pnl)
    x0, x1, y0, y1 = knots[:-1], knots[1:], y[:-1], y[1:]
    crossing = y0 * y1 < 0
    inner = x0[crossing] - y0[crossing] * (x1 - x0)[crossing] / (y1 - y0)[crossing]
    roots = [*inner.tolist(), *knots[zero & (knots > 0)].tolist()]
    if abs(slope) > FLAT and not zero[-1]:
        tail = float(knots[-1] - y[-1] / slope)
        if tail > knots[-1]:
            roots.append(tail)
    return tuple(sorted(roots))


# ------------------------------------------------------------------ numeric (calendars)
def _numeric_profile(legs: LegArrays, market: MarketContext) -> PayoffProfile:
    years = max(years_to_front(legs, market), 1e-6)
    grid = _search_grid(legs, market, years)

    def pnl(x: FloatArray) -> FloatArray:
        return horizon_pnl(legs, market, x)

    def at(x: float) -> float:
        return float(horizon_pnl(legs, market, x))

    values = pnl(grid)
    roots = _numeric_roots(grid, values, at, market.spot)
    slope = _far_slope(legs, market)
    profit_at = _refine(grid, lambda x: -at(x), int(np.argmax(values)))
    loss_at = _refine(grid, at, int(np.argmin(values)))
    max_profit = math.inf if slope > FLAT else max(at(profit_at), float(values.max()))
    max_loss = math.inf if slope < -FLAT else max(0.0, -min(at(loss_at), float(values.min())))
    return PayoffProfile(
        breakevens=roots,
        max_profit=max_profit,
        max_loss=max_loss,
        max_profit_at=math.inf if slope > FLAT else profit_at,
        max_loss_at=math.inf if slope < -FLAT else loss_at,
        profitable=_profitable(roots, pnl),
        exact=False,
    )


def _search_grid(legs: LegArrays, market: MarketContext, years: float) -> FloatArray:
    sd = market.sigma * math.sqrt(years)
    spread = market.spot * np.exp(np.linspace(-GRID_SD, GRID_SD, GRID_POINTS) * max(sd, 0.01))
    floor = np.array([1e-6 * market.spot])
    grid: FloatArray = np.unique(np.concatenate([floor, spread, legs.strike]))
    return grid


def _numeric_roots(
    grid: FloatArray, values: FloatArray, f: _Scalar, spot: float
) -> tuple[float, ...]:
    roots = grid[values == 0.0].tolist()
    for i in np.flatnonzero(values[:-1] * values[1:] < 0):
        roots.append(brentq(f, grid[i], grid[i + 1], xtol=1e-10 * spot, rtol=1e-14))
    return tuple(sorted(float(r) for r in roots))


def _refine(grid: FloatArray, f: _Scalar, i: int) -> float:
    """Return the price minimising ``f`` near grid point ``i`` (bounded Brent)."""
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    if hi <= lo:
        return float(grid[i])
    found = minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": 1e-9 * hi})
    return float(found.x) if found.fun <= f(float(grid[i])) else float(grid[i])


def _far_slope(legs: LegArrays, market: MarketContext) -> float:
    """Return dP/L per $1 as the price goes to infinity (calls fully in the money).

    A deep in-the-money European call still alive moves e^(-q·t) per $1; an
    American one is worth exercising, so it moves $1 per $1.
    """
    t = market.years_left(legs.expiry, horizon(legs, market))
    european = market.exercise is ExerciseStyle.EUROPEAN
    held = np.exp(-market.dividend_yield * np.maximum(t, 0.0)) if european else 1.0
    carry = np.where(t > 0, held, 1.0)
    return float((legs.units * carry)[legs.is_call].sum()) + legs.stock_shares


# ------------------------------------------------------------------ shared
def _profitable(roots: tuple[float, ...], pnl: _Curve) -> tuple[tuple[float, float], ...]:
    """Return the price ranges between consecutive roots where the P/L is positive."""
    edges = [0.0, *roots, math.inf]
    ranges = []
    for lo, hi in itertools.pairwise(edges):
        probe = 2.0 * lo + 1.0 if math.isinf(hi) else 0.5 * (lo + hi)
        if hi > lo and float(pnl(np.array([probe]))[0]) > 0:
            ranges.append((lo, hi))
    return _merged(ranges)


def _merged(ranges: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Join ranges that touch (a root where the P/L only touches zero)."""
    out: list[tuple[float, float]] = []
    for lo, hi in ranges:
        if out and out[-1][1] == lo:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)
