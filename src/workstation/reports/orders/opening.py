"""An opening order built from a Strategy: checked legs, the net limit and its effect.

The broker formats (Tastytrade, Schwab, the plain ticket) all render this one
validated object, so every check lives here once. Every leg opens a position
(Buy to Open / Sell to Open); closing and rolling orders are not built here.

``limit`` is the net price per share of one unit of the structure (what a
broker's ticket shows, e.g. 1.25 for a spread worth $125), always > 0; the
effect (debit or credit) says whether it is paid or received. A unit is the
smallest whole copy of the legs: the order trades ``units`` of them, so the
total is ``limit x multiplier x units`` dollars.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from workstation.domain.instruments import INDEX_SYMBOLS
from workstation.domain.occ import InvalidOccSymbol, OccSymbol
from workstation.domain.strategies import Leg, OptionLeg, StockLeg, Strategy

# Option roots that list under a different name than the index itself.
INDEX_OPTION_ROOTS: Mapping[str, frozenset[str]] = {
    "SPX": frozenset({"SPX", "SPXW"}),
    "NDX": frozenset({"NDX", "NDXP"}),
    "RUT": frozenset({"RUT", "RUTW"}),
    "VIX": frozenset({"VIX", "VIXW"}),
}
MAX_LIMIT_DECIMALS = 4

RootChoice = str | Mapping[date, str]


class TimeInForce(StrEnum):
    """How long an unfilled order stays working."""

    DAY = "Day"
    GTC = "GTC"


class PriceEffect(StrEnum):
    """Whether the net limit is paid (debit) or received (credit)."""

    DEBIT = "Debit"
    CREDIT = "Credit"


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One leg as a broker sees it: symbol, side and a positive quantity.

    ``symbol`` is the padded 21-character OCC symbol for options and the
    ticker for stock; ``quantity`` is contracts or shares (> 0).
    """

    leg: Leg
    symbol: str
    occ: OccSymbol | None
    quantity: int

    @property
    def is_buy(self) -> bool:
        """True when the leg is bought (opens a long position)."""
        return self.leg.quantity > 0

    @property
    def is_option(self) -> bool:
        """True for option legs, False for stock."""
        return self.occ is not None


@dataclass(frozen=True, slots=True)
class OpeningOrder:
    """A validated opening order, ready to render for a broker or as a ticket."""

    strategy: Strategy
    lines: tuple[OrderLine, ...]
    limit: Decimal
    effect: PriceEffect
    units: int
    multiplier: int
    time_in_force: TimeInForce

    @property
    def total(self) -> Decimal:
        """Dollars paid (debit) or received (credit) at the limit: limit x multiplier x units."""
        return self.limit * self.multiplier * self.units

    @property
    def limit_text(self) -> str:
        """The limit as brokers take it: a string with at least two decimals (1.5 -> ``1.50``)."""
        cents = self.limit.quantize(Decimal("0.01"))
        return f"{cents:f}" if cents == self.limit else f"{self.limit:f}"

    @property
    def is_single_leg(self) -> bool:
        """True for a one-leg order (a plain limit order at Schwab)."""
        return len(self.lines) == 1


def opening_order(
    strategy: Strategy,
    root: RootChoice,
    limit: Decimal,
    *,
    quantity: int = 1,
    time_in_force: TimeInForce | str = TimeInForce.DAY,
    effect: PriceEffect | str | None = None,
) -> OpeningOrder:
    """Check ``strategy`` and the order terms; return the order or raise ValueError saying why.

    ``root`` is the OCC option root (``SPXW``), or a mapping from expiration
    to root when a strategy spans roots (an SPX calendar of a weekly and a
    monthly). ``limit`` is the net price per share (> 0, at most 4 decimals).
    ``quantity`` multiplies every leg (>= 1). ``effect`` defaults to what the
    legs imply: all bought is a debit, all sold a credit, otherwise the sign
    of the legs' net premium.
    """
    _check_limit(limit)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValueError(f"quantity must be a whole number of 1 or more, got {quantity!r}")
    _check_underlying(strategy)
    scaled = strategy.scaled(quantity)
    lines = tuple(_line(scaled, leg, root, n) for n, leg in enumerate(scaled.legs, start=1))
    _check_distinct(lines)
    return OpeningOrder(
        strategy=scaled,
        lines=lines,
        limit=limit,
        effect=_effect(scaled, effect),
        units=math.gcd(*(line.quantity for line in lines)),
        multiplier=_multiplier(scaled),
        time_in_force=_time_in_force(time_in_force),
    )


def _check_limit(limit: Decimal) -> None:
    if not isinstance(limit, Decimal) or not limit.is_finite() or limit <= 0:
        raise ValueError(
            f"limit must be a positive net price per share (Decimal), got {limit!r}; "
            "say debit or credit with the effect, not the sign"
        )
    if limit != limit.quantize(Decimal(1).scaleb(-MAX_LIMIT_DECIMALS)):
        raise ValueError(f"limit {limit} has more than {MAX_LIMIT_DECIMALS} decimals")


def _check_underlying(strategy: Strategy) -> None:
    if not strategy.option_legs:
        raise ValueError(
            f"{strategy.underlying} {strategy.kind}: no option legs; an order template needs one"
        )
    if strategy.stock_legs and strategy.underlying in INDEX_SYMBOLS:
        raise ValueError(f"{strategy.underlying} is an index: it has no shares to trade")


def _line(strategy: Strategy, leg: Leg, root: RootChoice, number: int) -> OrderLine:
    if isinstance(leg, StockLeg):
        return OrderLine(leg, strategy.underlying, None, abs(leg.quantity))
    occ = _occ(strategy.underlying, leg, _root_for(root, leg, number), number)
    return OrderLine(leg, str(occ), occ, abs(leg.quantity))


def _root_for(root: RootChoice, leg: OptionLeg, number: int) -> str:
    if isinstance(root, str):
        return root
    if leg.expiry not in root:
        raise ValueError(f"leg {number}: no option root given for the {leg.expiry} expiration")
    return root[leg.expiry]


def _occ(underlying: str, leg: OptionLeg, root: str, number: int) -> OccSymbol:
    name = f"leg {number} ({leg.right.name.lower()} {leg.strike} {leg.expiry})"
    if root not in roots_of(underlying):
        raise ValueError(
            f"{name}: option root {root!r} is not an option root of {underlying}; "
            "every leg must be on the strategy's underlying"
        )
    try:
        return leg.occ(root)
    except InvalidOccSymbol as exc:
        raise ValueError(f"{name}: not a valid OCC contract: {exc}") from None


def roots_of(underlying: str) -> frozenset[str]:
    """Return the option roots that may carry options on ``underlying``.

    The index roots (SPX/SPXW, NDX/NDXP, RUT/RUTW, VIX/VIXW), else the
    symbol without punctuation (BRK.B -> BRKB) plus adjusted roots after a
    corporate action (``AAPL1`` ... ``AAPL9``).
    """
    if underlying in INDEX_OPTION_ROOTS:
        return INDEX_OPTION_ROOTS[underlying]
    base = underlying.replace(".", "").replace("/", "")
    return frozenset({base, *(f"{base}{digit}" for digit in range(1, 10))})


def _check_distinct(lines: tuple[OrderLine, ...]) -> None:
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if line.symbol in seen:
            raise ValueError(
                f"legs {seen[line.symbol]} and {number} are the same contract "
                f"({line.symbol.strip()}); combine them into one leg"
            )
        seen[line.symbol] = number


def _multiplier(strategy: Strategy) -> int:
    multipliers = {leg.multiplier for leg in strategy.option_legs}
    if len(multipliers) > 1:
        shown = ", ".join(str(m) for m in sorted(multipliers))
        raise ValueError(f"option legs have different multipliers ({shown}); trade them apart")
    return multipliers.pop()


def _effect(strategy: Strategy, given: PriceEffect | str | None) -> PriceEffect:
    bought = all(leg.quantity > 0 for leg in strategy.legs)
    sold = all(leg.quantity < 0 for leg in strategy.legs)
    effect = _price_effect(given) if given is not None else None
    if (bought and effect is PriceEffect.CREDIT) or (sold and effect is PriceEffect.DEBIT):
        side = "buys" if bought else "sells"
        raise ValueError(f"an order that only {side} cannot be a {effect}")
    if effect is not None:
        return effect
    if bought or strategy.net_premium > 0:
        return PriceEffect.DEBIT
    if sold or strategy.net_premium < 0:
        return PriceEffect.CREDIT
    raise ValueError(
        f"{strategy.kind}: the leg prices net to zero, so debit or credit is unknown; "
        "give the effect (Debit or Credit)"
    )


def _time_in_force(value: TimeInForce | str) -> TimeInForce:
    for tif in TimeInForce:
        if str(value).lower() == tif.value.lower():
            return tif
    raise ValueError(f"time in force must be Day or GTC, got {value!r}")


def _price_effect(value: PriceEffect | str) -> PriceEffect:
    for effect in PriceEffect:
        if str(value).lower() == effect.value.lower():
            return effect
    raise ValueError(f"effect must be Debit or Credit, got {value!r}")
