"""Builders for the common structures, priced from a quote source.

Every builder takes the underlying, a ``Quoter`` that returns the premium
(dollars per share, usually the mid) and IV of a contract, and the strikes
(dollars per share) and expirations; ``quantity`` is the number of units of
the structure (one unit = one contract on each one-lot leg). Strikes must be
given in the order the structure needs; a builder raises StrategyError
saying which strike is out of order.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from workstation.domain.occ import OptionRight
from workstation.domain.strategies import (
    OptionLeg,
    StockLeg,
    Strategy,
    StrategyError,
    StrategyKind,
)

CALL, PUT = OptionRight.CALL, OptionRight.PUT


class LegQuote(NamedTuple):
    """A contract's premium (dollars per share) and implied volatility (decimal, or None)."""

    price: float
    iv: float | None


Quoter = Callable[[OptionRight, float, date], LegQuote]


def leg(quote: Quoter, right: OptionRight, strike: float, expiry: date, quantity: int) -> OptionLeg:
    """Return one leg priced by ``quote``: ``quantity`` signed contracts."""
    found = quote(right, strike, expiry)
    if not found.price >= 0:
        raise StrategyError(f"{right.name.lower()} {strike:g} {expiry}: no price ({found.price})")
    return OptionLeg(right, _strike(strike), expiry, quantity, _price(found.price), found.iv)


def _strike(value: float) -> Decimal:
    """Return an OCC-exact strike (at most 3 decimals), without trailing zeros."""
    exact = Decimal(f"{value:.3f}")
    return exact.quantize(Decimal(1)) if exact == exact.to_integral_value() else exact.normalize()


def _price(value: float) -> Decimal:
    return Decimal(f"{value:.4f}")


def _ordered(kind: StrategyKind, *strikes: float) -> None:
    if any(lo >= hi for lo, hi in itertools.pairwise(strikes)):
        shown = " < ".join(f"{k:g}" for k in strikes)
        raise StrategyError(f"{kind}: strikes must rise strictly: expected {shown}")


def _make(underlying: str, kind: StrategyKind, *legs: OptionLeg | StockLeg) -> Strategy:
    return Strategy(underlying, kind, tuple(legs))


# ---------------------------------------------------------------- single options
def long_option(
    underlying: str,
    quote: Quoter,
    right: OptionRight,
    expiry: date,
    strike: float,
    quantity: int = 1,
) -> Strategy:
    """A long call or put."""
    kind = StrategyKind.LONG_CALL if right is CALL else StrategyKind.LONG_PUT
    return _make(underlying, kind, leg(quote, right, strike, expiry, quantity))


def short_option(
    underlying: str,
    quote: Quoter,
    right: OptionRight,
    expiry: date,
    strike: float,
    quantity: int = 1,
) -> Strategy:
    """A naked short call or put."""
    kind = StrategyKind.SHORT_CALL if right is CALL else StrategyKind.SHORT_PUT
    return _make(underlying, kind, leg(quote, right, strike, expiry, -quantity))


def cash_secured_put(
    underlying: str, quote: Quoter, expiry: date, strike: float, quantity: int = 1
) -> Strategy:
    """A short put with the strike's cash set aside."""
    return _make(
        underlying, StrategyKind.CASH_SECURED_PUT, leg(quote, PUT, strike, expiry, -quantity)
    )


def covered_call(
    underlying: str,
    quote: Quoter,
    stock_price: float,
    expiry: date,
    strike: float,
    quantity: int = 1,
) -> Strategy:
    """100 shares per unit bought at ``stock_price`` and one call sold against them."""
    shares = StockLeg(100 * quantity, _price(stock_price))
    return _make(
        underlying, StrategyKind.COVERED_CALL, shares, leg(quote, CALL, strike, expiry, -quantity)
    )


# ---------------------------------------------------------------- verticals
def vertical(
    underlying: str,
    quote: Quoter,
    right: OptionRight,
    expiry: date,
    long_strike: float,
    short_strike: float,
    quantity: int = 1,
) -> Strategy:
    """A vertical spread; its kind (bull/bear, debit/credit) follows from the strikes."""
    if long_strike == short_strike:
        raise StrategyError(f"vertical: long and short strike are both {long_strike:g}")
    bullish = long_strike < short_strike  # call debit or put credit
    kinds = {
        (CALL, True): StrategyKind.BULL_CALL_DEBIT,
        (CALL, False): StrategyKind.BEAR_CALL_CREDIT,
        (PUT, True): StrategyKind.BULL_PUT_CREDIT,
        (PUT, False): StrategyKind.BEAR_PUT_DEBIT,
    }
    return _make(
        underlying,
        kinds[(right, bullish)],
        leg(quote, right, long_strike, expiry, quantity),
        leg(quote, right, short_strike, expiry, -quantity),
    )


# ---------------------------------------------------------------- neutral structures
def iron_condor(
    underlying: str,
    quote: Quoter,
    expiry: date,
    strikes: tuple[float, float, float, float],
    quantity: int = 1,
) -> Strategy:
    """Short put spread + short call spread.

    ``strikes`` = (long put, short put, short call, long call), rising.
    """
    _ordered(StrategyKind.IRON_CONDOR, *strikes)
    long_put, short_put, short_call, long_call = strikes
    return _make(
        underlying,
        StrategyKind.IRON_CONDOR,
        leg(quote, PUT, long_put, expiry, quantity),
        leg(quote, PUT, short_put, expiry, -quantity),
        leg(quote, CALL, short_call, expiry, -quantity),
        leg(quote, CALL, long_call, expiry, quantity),
    )


def iron_butterfly(
    underlying: str, quote: Quoter, expiry: date, center: float, wing: float, quantity: int = 1
) -> Strategy:
    """Short straddle at ``center`` with long wings ``wing`` dollars away on each side."""
    if wing <= 0:
        raise StrategyError(f"iron butterfly: wing width {wing:g} must be positive")
    return _make(
        underlying,
        StrategyKind.IRON_BUTTERFLY,
        leg(quote, PUT, center - wing, expiry, quantity),
        leg(quote, PUT, center, expiry, -quantity),
        leg(quote, CALL, center, expiry, -quantity),
        leg(quote, CALL, center + wing, expiry, quantity),
    )


def butterfly(
    underlying: str,
    quote: Quoter,
    right: OptionRight,
    expiry: date,
    strikes: tuple[float, float, float],
    quantity: int = 1,
) -> Strategy:
    """Long 1 lower, short 2 middle, long 1 upper (a long butterfly, bought for a debit)."""
    kind = StrategyKind.CALL_BUTTERFLY if right is CALL else StrategyKind.PUT_BUTTERFLY
    _ordered(kind, *strikes)
    lower, middle, upper = strikes
    return _make(
        underlying,
        kind,
        leg(quote, right, lower, expiry, quantity),
        leg(quote, right, middle, expiry, -2 * quantity),
        leg(quote, right, upper, expiry, quantity),
    )


def straddle(
    underlying: str,
    quote: Quoter,
    expiry: date,
    strike: float,
    quantity: int = 1,
    long: bool = True,
) -> Strategy:
    """A call and a put at one strike, bought (long) or sold."""
    kind = StrategyKind.LONG_STRADDLE if long else StrategyKind.SHORT_STRADDLE
    n = quantity if long else -quantity
    return _make(
        underlying, kind, leg(quote, PUT, strike, expiry, n), leg(quote, CALL, strike, expiry, n)
    )


def strangle(
    underlying: str,
    quote: Quoter,
    expiry: date,
    put_strike: float,
    call_strike: float,
    quantity: int = 1,
    long: bool = True,
) -> Strategy:
    """An out-of-the-money put and call, bought (long) or sold."""
    kind = StrategyKind.LONG_STRANGLE if long else StrategyKind.SHORT_STRANGLE
    _ordered(kind, put_strike, call_strike)
    n = quantity if long else -quantity
    return _make(
        underlying,
        kind,
        leg(quote, PUT, put_strike, expiry, n),
        leg(quote, CALL, call_strike, expiry, n),
    )


# ---------------------------------------------------------------- time spreads
def calendar(
    underlying: str,
    quote: Quoter,
    right: OptionRight,
    strike: float,
    near: date,
    far: date,
    quantity: int = 1,
) -> Strategy:
    """Sell the near expiration, buy the far one, same strike (a long calendar)."""
    kind = StrategyKind.CALL_CALENDAR if right is CALL else StrategyKind.PUT_CALENDAR
    return _time_spread(underlying, quote, kind, right, (near, strike), (far, strike), quantity)


def diagonal(
    underlying: str,
    quote: Quoter,
    right: OptionRight,
    near: tuple[date, float],
    far: tuple[date, float],
    quantity: int = 1,
) -> Strategy:
    """Sell ``near`` = (expiry, strike), buy ``far`` = (expiry, strike) (a long diagonal)."""
    kind = StrategyKind.CALL_DIAGONAL if right is CALL else StrategyKind.PUT_DIAGONAL
    return _time_spread(underlying, quote, kind, right, near, far, quantity)


def _time_spread(
    underlying: str,
    quote: Quoter,
    kind: StrategyKind,
    right: OptionRight,
    near: tuple[date, float],
    far: tuple[date, float],
    quantity: int,
) -> Strategy:
    if near[0] >= far[0]:
        raise StrategyError(f"{kind}: the far expiration {far[0]} must be after {near[0]}")
    return _make(
        underlying,
        kind,
        leg(quote, right, near[1], near[0], -quantity),
        leg(quote, right, far[1], far[0], quantity),
    )


# ---------------------------------------------------------------- ratios
def ratio_spread(
    underlying: str,
    quote: Quoter,
    right: OptionRight,
    expiry: date,
    long_strike: float,
    short_strike: float,
    ratio: tuple[int, int] = (1, 2),
    quantity: int = 1,
) -> Strategy:
    """Buy ``ratio[0]`` at the long strike, sell ``ratio[1]`` further out of the money."""
    kind = StrategyKind.CALL_RATIO_SPREAD if right is CALL else StrategyKind.PUT_RATIO_SPREAD
    further = short_strike > long_strike if right is CALL else short_strike < long_strike
    if not further:
        raise StrategyError(f"{kind}: the short strike {short_strike:g} must be further OTM")
    bought, sold = ratio
    if bought < 1 or sold <= bought:
        raise StrategyError(f"{kind}: ratio {bought}x{sold} must sell more than it buys")
    return _make(
        underlying,
        kind,
        leg(quote, right, long_strike, expiry, bought * quantity),
        leg(quote, right, short_strike, expiry, -sold * quantity),
    )
