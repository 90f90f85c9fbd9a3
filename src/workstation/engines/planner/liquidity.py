"""Whether each leg of a trade can be filled near its mid, and the trade's prices.

Spreads and prices are dollars per share; open interest and volume are
contracts. A trade's ``mid`` and ``natural`` prices are per unit of the
structure, positive for a debit and negative for a credit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from workstation.domain.strategies import OptionLeg, Strategy, strike_text
from workstation.engines.planner.market import PlanningMarket
from workstation.engines.planner.rules import LiquidityRule


@dataclass(frozen=True, slots=True)
class LegMarket:
    """The quote of one leg's contract."""

    bid: float
    ask: float
    open_interest: float
    volume: float

    @property
    def mid(self) -> float:
        """Halfway between bid and ask."""
        return 0.5 * (self.bid + self.ask)

    @property
    def spread(self) -> float:
        """Ask minus bid."""
        return self.ask - self.bid


def leg_market(market: PlanningMarket, leg: OptionLeg) -> LegMarket | None:
    """Return the quote of ``leg``'s contract (None when it is not in the analysed chain)."""
    expiry = market.expiry(leg.expiry)
    row = None if expiry is None else expiry.index(float(leg.strike))
    if expiry is None or row is None:
        return None
    side = expiry.side(leg.right)
    return LegMarket(
        float(side.bid[row]),
        float(side.ask[row]),
        float(side.open_interest[row]),
        float(side.volume[row]),
    )


def _name(leg: OptionLeg) -> str:
    side = "call" if leg.is_call else "put"
    return (
        f"{'long' if leg.is_long else 'short'} {side} {strike_text(leg.strike)} {leg.expiry:%b %d}"
    )


def liquidity_problem(
    market: PlanningMarket, strategy: Strategy, rule: LiquidityRule
) -> str | None:
    """Return why a leg fails the liquidity rule (with its numbers), or None when all pass."""
    for leg in strategy.option_legs:
        quote = leg_market(market, leg)
        if quote is None or not math.isfinite(quote.mid):
            return f"{_name(leg)}: no two-sided quote"
        allowed = max(rule.spread_floor, rule.max_spread_fraction * quote.mid)
        if quote.spread > allowed + 1e-9:
            return (
                f"{_name(leg)}: bid/ask {quote.bid:.2f}/{quote.ask:.2f} is {quote.spread:.2f} wide "
                f"> {allowed:.2f} allowed ({rule.max_spread_fraction:.0%} of mid, "
                f"at least {rule.spread_floor:.2f})"
            )
        if quote.open_interest < rule.min_open_interest:
            oi, least = quote.open_interest, rule.min_open_interest
            return f"{_name(leg)}: open interest {oi:,.0f} < {least:,}"
        if quote.volume < rule.min_volume:
            return f"{_name(leg)}: volume {quote.volume:,.0f} < {rule.min_volume:,}"
    return None


def liquidity_score(market: PlanningMarket, strategy: Strategy, rule: LiquidityRule) -> float:
    """Return 0-1: 1 when every leg trades at a penny wide with deep open interest.

    Per leg: 0.7 × (1 - spread / allowed spread) + 0.3 × min(1, OI / (5 × minimum OI));
    the trade scores the mean over its legs.
    """
    scores = []
    for leg in strategy.option_legs:
        quote = leg_market(market, leg)
        if quote is None or not math.isfinite(quote.mid):
            return 0.0
        allowed = max(rule.spread_floor, rule.max_spread_fraction * quote.mid)
        tight = min(max(1.0 - quote.spread / allowed, 0.0), 1.0)
        deep = min(quote.open_interest / max(5.0 * rule.min_open_interest, 1.0), 1.0)
        scores.append(0.7 * tight + 0.3 * deep)
    return sum(scores) / len(scores) if scores else 0.0


def trade_prices(market: PlanningMarket, strategy: Strategy) -> tuple[float, float]:
    """Return (mid, natural) per unit: buying at the ask and selling at the bid for natural."""
    units = min(abs(leg.quantity) for leg in strategy.option_legs) if strategy.option_legs else 1
    mid = natural = 0.0
    for leg in strategy.option_legs:
        quote = leg_market(market, leg)
        if quote is None:
            return math.nan, math.nan
        mid += leg.quantity * quote.mid
        natural += leg.quantity * (quote.ask if leg.is_long else quote.bid)
    return mid / units, natural / units
