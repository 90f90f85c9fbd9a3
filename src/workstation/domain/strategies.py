"""Strategies: a set of option legs and stock legs on one underlying.

Quantities are signed: positive is long (bought), negative is short (sold).
Option quantities are contracts, stock quantities shares. ``price`` is the
premium per share of one leg, always >= 0: paid for a long leg, received for
a short one. Strikes and prices are Decimal dollars per share (index points
for indices); ``iv`` is the leg's implied volatility as a decimal (0.2 = 20 %).
A contract controls ``multiplier`` shares (100 for standard options).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from workstation.domain.occ import OccSymbol, OptionRight

STANDARD_MULTIPLIER = 100


def strike_text(strike: Decimal) -> str:
    """Return a strike without trailing zeros or exponent: 7350, 512.5, 0.5."""
    text = f"{strike.normalize():f}"
    return text


class StrategyError(ValueError):
    """A strategy or leg that cannot exist; the message says which leg and why."""


class StrategyKind(StrEnum):
    """The structure a strategy was built as (what a trader would call it)."""

    LONG_CALL = "long call"
    LONG_PUT = "long put"
    SHORT_CALL = "short call"
    SHORT_PUT = "short put"
    BULL_CALL_DEBIT = "bull call debit spread"
    BEAR_PUT_DEBIT = "bear put debit spread"
    BULL_PUT_CREDIT = "bull put credit spread"
    BEAR_CALL_CREDIT = "bear call credit spread"
    IRON_CONDOR = "iron condor"
    IRON_BUTTERFLY = "iron butterfly"
    CALL_BUTTERFLY = "call butterfly"
    PUT_BUTTERFLY = "put butterfly"
    LONG_STRADDLE = "long straddle"
    SHORT_STRADDLE = "short straddle"
    LONG_STRANGLE = "long strangle"
    SHORT_STRANGLE = "short strangle"
    CALL_CALENDAR = "call calendar"
    PUT_CALENDAR = "put calendar"
    CALL_DIAGONAL = "call diagonal"
    PUT_DIAGONAL = "put diagonal"
    COVERED_CALL = "covered call"
    CASH_SECURED_PUT = "cash-secured put"
    CALL_RATIO_SPREAD = "call ratio spread"
    PUT_RATIO_SPREAD = "put ratio spread"
    JADE_LIZARD = "jade lizard"  # short put + short call spread, credit > call width
    CUSTOM = "custom"


@dataclass(frozen=True, slots=True)
class OptionLeg:
    """One option position: ``quantity`` contracts (signed) of a call or put.

    ``price`` is the premium per share (>= 0); ``iv`` the implied volatility
    the leg is valued with before expiry (decimal), None when unknown.
    """

    right: OptionRight
    strike: Decimal
    expiry: date
    quantity: int
    price: Decimal
    iv: float | None = None
    multiplier: int = STANDARD_MULTIPLIER

    def __post_init__(self) -> None:
        where = f"{self.right.name.lower()} {self.strike} {self.expiry}"
        if self.quantity == 0:
            raise StrategyError(f"option leg {where}: quantity is zero")
        if not self.strike > 0:
            raise StrategyError(f"option leg {where}: strike must be positive")
        if not self.price.is_finite() or self.price < 0:
            raise StrategyError(f"option leg {where}: price {self.price} must be >= 0 per share")
        if self.multiplier <= 0:
            raise StrategyError(f"option leg {where}: multiplier {self.multiplier} must be > 0")
        if self.iv is not None and not (math.isfinite(self.iv) and self.iv > 0):
            raise StrategyError(f"option leg {where}: IV {self.iv} must be a positive decimal")

    @property
    def is_call(self) -> bool:
        """True for calls."""
        return self.right is OptionRight.CALL

    @property
    def is_long(self) -> bool:
        """True when bought (quantity > 0)."""
        return self.quantity > 0

    @property
    def cost(self) -> Decimal:
        """Premium of the whole leg in dollars: positive paid (long), negative received."""
        return self.price * self.quantity * self.multiplier

    def occ(self, root: str) -> OccSymbol:
        """Return the OCC symbol of this contract on option root ``root``."""
        return OccSymbol(root, self.expiry, self.right, self.strike)

    def describe(self) -> str:
        """Return e.g. ``-1 P 510 2026-12-18 @ 1.32``."""
        strike = strike_text(self.strike)
        return f"{self.quantity:+d} {self.right.value} {strike} {self.expiry} @ {self.price}"


@dataclass(frozen=True, slots=True)
class StockLeg:
    """Shares of the underlying (signed) bought or sold at ``price`` per share."""

    quantity: int
    price: Decimal

    def __post_init__(self) -> None:
        if self.quantity == 0:
            raise StrategyError("stock leg: quantity is zero")
        if not self.price.is_finite() or self.price <= 0:
            raise StrategyError(f"stock leg: price {self.price} must be > 0 per share")

    @property
    def cost(self) -> Decimal:
        """Dollars paid (positive) or received (negative) for the shares."""
        return self.price * self.quantity

    def describe(self) -> str:
        """Return e.g. ``+100 shares @ 512.40``."""
        return f"{self.quantity:+d} shares @ {self.price}"


Leg = OptionLeg | StockLeg


@dataclass(frozen=True, slots=True)
class Strategy:
    """Legs on one underlying traded together as one position."""

    underlying: str
    kind: StrategyKind
    legs: tuple[Leg, ...]

    def __post_init__(self) -> None:
        if not self.underlying:
            raise StrategyError("strategy: the underlying symbol is empty")
        if not self.legs:
            raise StrategyError(f"{self.kind} on {self.underlying}: a strategy needs a leg")

    @property
    def option_legs(self) -> tuple[OptionLeg, ...]:
        """The option legs, in the order given."""
        return tuple(leg for leg in self.legs if isinstance(leg, OptionLeg))

    @property
    def stock_legs(self) -> tuple[StockLeg, ...]:
        """The stock legs, in the order given."""
        return tuple(leg for leg in self.legs if isinstance(leg, StockLeg))

    @property
    def expiries(self) -> tuple[date, ...]:
        """Distinct option expirations, nearest first."""
        return tuple(sorted({leg.expiry for leg in self.option_legs}))

    @property
    def front_expiry(self) -> date | None:
        """The nearest expiration (None for a stock-only strategy)."""
        return self.expiries[0] if self.option_legs else None

    @property
    def net_premium(self) -> Decimal:
        """Dollars paid to open (positive: a debit) or received (negative: a credit)."""
        return sum((leg.cost for leg in self.legs), Decimal(0))

    @property
    def is_credit(self) -> bool:
        """True when opening the position takes in money."""
        return self.net_premium < 0

    def scaled(self, times: int) -> Strategy:
        """Return the same structure with every quantity multiplied by ``times`` (>= 1)."""
        if times < 1:
            raise StrategyError(f"{self.kind}: cannot scale by {times}; use 1 or more")
        return replace(
            self, legs=tuple(replace(leg, quantity=leg.quantity * times) for leg in self.legs)
        )

    def describe(self) -> str:
        """Return the kind and every leg on one line."""
        legs = "; ".join(leg.describe() for leg in self.legs)
        return f"{self.underlying} {self.kind}: {legs}"
