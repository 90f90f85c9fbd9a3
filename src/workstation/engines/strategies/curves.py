"""The series a payoff chart draws: P/L at the front expiration, today and at a date between.

Prices are dollars per share on a grid spanning spot ± 3 standard deviations
of the move to the front expiration, widened to show every breakeven and
strike; P/L is dollars for the whole position.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from workstation.domain.strategies import Strategy
from workstation.engines.strategies.legs import FloatArray, LegArrays, MarketContext
from workstation.engines.strategies.payoff import horizon, horizon_pnl, pnl_at, years_to_front
from workstation.engines.strategies.profile import payoff_profile

SPAN_SD = 3.0
POINTS = 241


@dataclass(frozen=True, slots=True, eq=False)
class PayoffCurves:
    """P/L curves over ``prices``; ``band`` is the 1σ expected move to the front expiration."""

    prices: FloatArray
    at_expiry: FloatArray
    today: FloatArray
    midway: FloatArray
    midway_at: datetime
    expiry_at: datetime
    spot: float
    breakevens: tuple[float, ...]
    band: tuple[float, float]


def payoff_curves(strategy: Strategy, market: MarketContext, points: int = POINTS) -> PayoffCurves:
    """Return the expiry, today and halfway P/L of ``strategy`` around the spot."""
    legs = LegArrays.of(strategy)
    years = max(years_to_front(legs, market), 1.0 / 365.0)
    move = market.spot * market.sigma * math.sqrt(years)
    profile = payoff_profile(legs, market)
    lo, hi = (
        market.spot * math.exp(-SPAN_SD * market.sigma * math.sqrt(years)),
        market.spot * math.exp(SPAN_SD * market.sigma * math.sqrt(years)),
    )
    shown = [*legs.strike.tolist(), *profile.breakevens]
    lo = min(lo, *(0.97 * x for x in shown)) if shown else lo
    hi = max(hi, *(1.03 * x for x in shown)) if shown else hi
    prices: FloatArray = np.unique(np.append(np.linspace(max(lo, 0.0), hi, points), market.spot))
    front = horizon(legs, market) if legs.count else market.as_of
    midway = market.as_of + (front - market.as_of) / 2
    return PayoffCurves(
        prices=prices,
        at_expiry=horizon_pnl(legs, market, prices),
        today=pnl_at(legs, market, prices, market.as_of),
        midway=pnl_at(legs, market, prices, midway),
        midway_at=midway,
        expiry_at=front,
        spot=market.spot,
        breakevens=profile.breakevens,
        band=(market.spot - move, market.spot + move),
    )
