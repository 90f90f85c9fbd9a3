"""Strategy engines: payoff, P/L before expiry, breakevens, probabilities, greeks, buying power.

A ``Strategy`` (domain.strategies) is analysed in a ``MarketContext``
(spot, instant, rate, dividend yield, volatility for probabilities).
Dollars are for the whole position, prices dollars per share, probabilities
0-1, time in years of 365 days.
"""

from workstation.engines.strategies.analysis import StrategyMetrics, Touch, analyze
from workstation.engines.strategies.curves import PayoffCurves, payoff_curves
from workstation.engines.strategies.greeks import PositionGreeks, position_greeks
from workstation.engines.strategies.legs import LegArrays, MarketContext
from workstation.engines.strategies.margin import BuyingPower, buying_power
from workstation.engines.strategies.payoff import (
    expiry_pnl,
    horizon,
    horizon_pnl,
    pnl_at,
    years_to_front,
)
from workstation.engines.strategies.probability import (
    expected_pnl,
    prob_above,
    probability_in,
    touch_probability,
)
from workstation.engines.strategies.profile import PayoffProfile, payoff_profile
from workstation.engines.strategies.templates import LegQuote, Quoter

__all__ = [
    "BuyingPower",
    "LegArrays",
    "LegQuote",
    "MarketContext",
    "PayoffCurves",
    "PayoffProfile",
    "PositionGreeks",
    "Quoter",
    "StrategyMetrics",
    "Touch",
    "analyze",
    "buying_power",
    "expected_pnl",
    "expiry_pnl",
    "horizon",
    "horizon_pnl",
    "payoff_curves",
    "payoff_profile",
    "pnl_at",
    "position_greeks",
    "prob_above",
    "probability_in",
    "touch_probability",
    "years_to_front",
]
