"""Maximum profit and loss at expiration of an open position, from its legs.

At one expiration a position's P/L is piecewise linear in the underlying's
price with kinks at the strikes, so its extremes are at a strike, at zero, or
unbounded in the direction the slope keeps going. Positions whose options
expire on different dates (calendars, diagonals) have no single expiry
payoff: their extremes depend on the volatility left in the far leg, so
they are reported as unknown rather than guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PayoffLeg:
    """One open leg: ``is_call`` None for stock; ``strike`` dollars per share (options).

    ``quantity`` signed (+ long, - short) contracts or shares; ``multiplier``
    shares per contract (1 for stock); ``expiry`` None for stock.
    """

    is_call: bool | None
    strike: Decimal | None
    quantity: Decimal
    multiplier: Decimal
    expiry: date | None = None


@dataclass(frozen=True, slots=True)
class Extremes:
    """Maximum profit and maximum loss at expiration, positive dollars (None: unbounded).

    ``known`` is False when the legs expire on different dates; then both are None.
    """

    max_profit: Decimal | None
    max_loss: Decimal | None
    known: bool = True


def expiry_extremes(legs: Sequence[PayoffLeg], opening_cash: Decimal) -> Extremes:
    """Return the extremes of P/L at expiration for ``legs`` opened for ``opening_cash``.

    ``opening_cash`` is the signed cash of the open quantity (credit +, debit -,
    dollars), so P/L(S) = value of the legs at price S + opening_cash.
    """
    expiries = {leg.expiry for leg in legs if leg.is_call is not None}
    if len(expiries) > 1:
        return Extremes(None, None, known=False)
    prices = sorted({ZERO, *(leg.strike for leg in legs if leg.strike is not None)})
    values = [_value_at(legs, price) + opening_cash for price in prices]
    slope = sum((_slope_above(leg) for leg in legs), ZERO)
    best, worst = max(values), min(values)
    max_profit = None if slope > 0 else max(best, ZERO)
    max_loss = None if slope < 0 else max(-worst, ZERO)
    return Extremes(max_profit, max_loss)


def _value_at(legs: Sequence[PayoffLeg], price: Decimal) -> Decimal:
    total = ZERO
    for leg in legs:
        size = leg.quantity * leg.multiplier
        if leg.is_call is None:
            total += size * price
        elif leg.strike is not None:
            intrinsic = price - leg.strike if leg.is_call else leg.strike - price
            total += size * max(intrinsic, ZERO)
    return total


def _slope_above(leg: PayoffLeg) -> Decimal:
    """Dollars of P/L per dollar of price above every strike."""
    if leg.is_call is None or leg.is_call:
        return leg.quantity * leg.multiplier
    return ZERO
