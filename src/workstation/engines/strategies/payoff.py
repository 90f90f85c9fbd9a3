"""Profit and loss of a strategy over a grid of underlying prices.

All P/L is in dollars for the whole position (premiums included), against
prices of the underlying in dollars per share. ``expiry_pnl`` treats every
option as expired (intrinsic value); ``pnl_at`` values the legs still alive
at an instant with the pricing model and each leg's own IV, so calendars
and diagonals are valued correctly at the front expiration and any date
before it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from workstation.engines.pricing.models import theoretical_prices
from workstation.engines.strategies.legs import FloatArray, LegArrays, MarketContext

SECONDS_PER_YEAR = 365.0 * 86_400.0


def expiry_pnl(legs: LegArrays, prices: npt.ArrayLike) -> FloatArray:
    """Return the P/L in dollars with every option at intrinsic value, per price."""
    options = legs.intrinsic(prices) @ legs.units
    pnl: FloatArray = options + legs.stock_pnl(prices) - _option_premium(legs)
    return pnl


def pnl_at(
    legs: LegArrays,
    market: MarketContext,
    prices: npt.ArrayLike,
    at: datetime,
    iv_shift: float = 0.0,
) -> FloatArray:
    """Return the P/L in dollars at instant ``at`` for each underlying price.

    Legs settled at or before ``at`` count at intrinsic value; the others are
    priced with the model of ``market`` at their own IV plus ``iv_shift``
    (decimal, e.g. -0.05 for a five-point IV crush), or ``market.sigma`` when
    a leg has no IV. Rate and dividend yield are those of ``market``.
    """
    s = np.atleast_1d(np.asarray(prices, dtype=float))
    t = market.years_left(legs.expiry, at)
    alive = t > 0
    values = legs.intrinsic(s)
    if alive.any():
        sigma = np.where(np.isnan(legs.iv), market.sigma, legs.iv)[alive] + iv_shift
        values[:, alive] = theoretical_prices(
            market.exercise,
            legs.is_call[alive],
            s[:, None],
            legs.strike[alive],
            t[alive],
            market.rate,
            np.maximum(sigma, 1e-4),
            market.dividend_yield,
        )
    pnl: FloatArray = values @ legs.units + legs.stock_pnl(s) - _option_premium(legs)
    return pnl.reshape(np.shape(prices))


def horizon(legs: LegArrays, market: MarketContext) -> datetime:
    """Return the front expiration's settlement instant (aware UTC), the P/L horizon."""
    front: datetime = market.instants(legs.expiry).min().astype("datetime64[us]").item()
    return front.replace(tzinfo=UTC)


def years_to_front(legs: LegArrays, market: MarketContext) -> float:
    """Return years (365-day) from ``market.as_of`` to the front settlement (0 if none/past)."""
    if legs.count == 0:
        return 0.0
    return max((horizon(legs, market) - market.as_of).total_seconds() / SECONDS_PER_YEAR, 0.0)


def is_single_expiry(legs: LegArrays) -> bool:
    """True when every option leg settles on the same day (P/L piecewise linear)."""
    return legs.count == 0 or bool((legs.expiry == legs.expiry[0]).all())


def horizon_pnl(legs: LegArrays, market: MarketContext, prices: npt.ArrayLike) -> FloatArray:
    """Return the P/L at the front expiration (exact intrinsic when all legs share it)."""
    if is_single_expiry(legs):
        return expiry_pnl(legs, prices)
    return pnl_at(legs, market, prices, horizon(legs, market))


def _option_premium(legs: LegArrays) -> float:
    """Dollars paid (+) or received (-) for the option legs alone."""
    return float(legs.price @ legs.units) if legs.count else 0.0
