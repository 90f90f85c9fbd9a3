"""Everything a trader reads about one strategy, computed in one call.

Dollars are for the whole position; prices dollars per share; probabilities
0-1. The P/L horizon is the front expiration's settlement instant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from workstation.domain.strategies import Strategy
from workstation.engines.strategies.greeks import PositionGreeks, position_greeks
from workstation.engines.strategies.legs import LegArrays, MarketContext
from workstation.engines.strategies.margin import BuyingPower, buying_power
from workstation.engines.strategies.payoff import years_to_front
from workstation.engines.strategies.probability import (
    expected_pnl,
    probability_in,
    touch_probability,
)
from workstation.engines.strategies.profile import PayoffProfile, payoff_profile


@dataclass(frozen=True, slots=True)
class Touch:
    """Probability (0-1) that the price trades at ``level`` before the front expiration."""

    level: float
    probability: float


@dataclass(frozen=True, slots=True)
class StrategyMetrics:
    """The numbers of one strategy.

    ``net_premium`` dollars paid (+, a debit) or received (−, a credit);
    ``pop`` the lognormal probability of profit at the front expiration and
    ``pop_delta_proxy`` the same from N(d1) (the delta proxy);
    ``expected_value`` the lognormal mean P/L at the front expiration;
    ``touches`` the probability of touching each short strike;
    ``return_on_risk`` max profit / buying power.
    """

    net_premium: float
    profile: PayoffProfile
    pop: float
    pop_delta_proxy: float
    expected_value: float
    touches: tuple[Touch, ...]
    greeks: PositionGreeks
    buying_power: BuyingPower
    years_to_front: float
    sigma: float

    @property
    def is_credit(self) -> bool:
        """True when the trade is opened for a credit."""
        return self.net_premium < 0

    @property
    def return_on_risk(self) -> float:
        """Max profit per dollar of buying power (inf/NaN where undefined)."""
        if self.buying_power.amount <= 0:
            return math.nan
        return self.profile.max_profit / self.buying_power.amount


def analyze(strategy: Strategy, market: MarketContext) -> StrategyMetrics:
    """Return the metrics of ``strategy`` valued in ``market``."""
    legs = LegArrays.of(strategy)
    profile = payoff_profile(legs, market)
    t = years_to_front(legs, market)
    args = (market.spot, t, market.rate, market.dividend_yield, market.sigma)
    shorts = np.unique(legs.strike[legs.units < 0])
    touches = touch_probability(shorts, *args) if shorts.size else np.zeros(0)
    return StrategyMetrics(
        net_premium=legs.premium,
        profile=profile,
        pop=probability_in(profile.profitable, *args),
        pop_delta_proxy=probability_in(profile.profitable, *args, delta_proxy=True),
        expected_value=expected_pnl(legs, market),
        touches=tuple(Touch(float(k), float(p)) for k, p in zip(shorts, touches, strict=True)),
        greeks=position_greeks(legs, market),
        buying_power=buying_power(strategy.kind, legs, market),
        years_to_front=t,
        sigma=market.sigma,
    )
