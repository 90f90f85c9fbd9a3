"""Position greeks: each leg's model greeks at its own IV, times its signed shares.

Units for the whole position: delta in shares of the underlying (a long
call of delta 0.50 is +50), gamma in shares per $1 move, theta in dollars
per calendar day, vega in dollars per volatility point, rho in dollars per
rate point. Stock legs add their shares to delta.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workstation.engines.pricing.models import theoretical_prices_and_greeks
from workstation.engines.strategies.legs import FloatArray, LegArrays, MarketContext


@dataclass(frozen=True, slots=True)
class PositionGreeks:
    """Greeks of the whole position (units in the module docstring) and its model value.

    ``value`` is the theoretical value of the options now in dollars
    (positive when the position is net long premium) plus the stock at spot.
    """

    delta: float
    gamma: float
    theta: float
    vega: float
    rho: float
    value: float


def position_greeks(legs: LegArrays, market: MarketContext) -> PositionGreeks:
    """Return the greeks of the position at ``market.as_of`` and ``market.spot``."""
    stock_value = legs.stock_shares * market.spot
    if legs.count == 0:
        return PositionGreeks(legs.stock_shares, 0.0, 0.0, 0.0, 0.0, stock_value)
    t = np.maximum(market.years_left(legs.expiry), 0.0)
    sigma = np.where(np.isnan(legs.iv), market.sigma, legs.iv)
    prices, g = theoretical_prices_and_greeks(
        market.exercise,
        legs.is_call,
        market.spot,
        legs.strike,
        t,
        market.rate,
        sigma,
        market.dividend_yield,
    )

    def total(values: FloatArray) -> float:
        return float(np.asarray(values) @ legs.units)

    return PositionGreeks(
        delta=total(g.delta) + legs.stock_shares,
        gamma=total(g.gamma),
        theta=total(g.theta),
        vega=total(g.vega),
        rho=total(g.rho),
        value=total(prices) + stock_value,
    )
