"""The structure a group holds: contracts, net quantities, and the strategy kind they form.

Quantities are reduced to their smallest ratio before classifying (a 4-lot
iron condor is an iron condor; 300 shares under 3 short calls is 100 under
1). Stock legs count as shares of the underlying; futures and other
non-option legs make a structure CUSTOM.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.strategies import StrategyKind
from workstation.domain.transactions import Transaction
from workstation.engines.strategies.classify import kind_of_shape

_SHARES = frozenset({InstrumentKind.EQUITY, InstrumentKind.ETF, None})


class _OptionTerms(NamedTuple):
    """An option contract's terms as classification reads them, worked out once per contract.

    ``multiplier`` is the whole shares one contract delivers.
    """

    right: OptionRight
    strike: Decimal
    expiry: date
    multiplier: int


@dataclass(frozen=True, slots=True)
class Contract:
    """What one symbol is: an option (right, strike per share, expiry), shares, or other.

    ``shares_per_contract`` is what one unit delivers (1 for stock); ``option``
    repeats an option's terms, None for anything else.
    """

    symbol: str
    right: OptionRight | None
    strike: Decimal | None
    expiry: date | None
    shares_per_contract: Decimal
    is_shares: bool
    option: _OptionTerms | None = None

    @property
    def is_option(self) -> bool:
        """True for an option contract (right, strike and expiry known)."""
        return self.right is not None


class _Shape(NamedTuple):
    """An option leg as classification sees it (a named tuple: one is made per leg per group)."""

    right: OptionRight
    strike: Decimal
    expiry: date
    quantity: int
    multiplier: int


def contract_of(row: Transaction) -> Contract:
    """Return the contract ``row`` trades."""
    right, strike, expiry = row.right, row.strike, row.expiry
    if row.is_option and right is not None and strike is not None:
        assert expiry is not None  # Transaction guarantees an expiry on option rows
        per_contract = row.shares_per_contract
        terms = _OptionTerms(right, strike, expiry, int(per_contract))
        return Contract(row.symbol, right, strike, expiry, per_contract, False, terms)
    return Contract(row.symbol, None, None, None, Decimal(1), row.instrument in _SHARES)


Position = Mapping[int, Decimal]  # contract number -> signed contracts or shares


def kind_of_position(position: Position, contracts: Sequence[Contract]) -> StrategyKind:
    """Return the strategy kind of ``position`` (contract number -> signed quantity)."""
    options: list[tuple[_OptionTerms, int]] = []
    shares: Decimal | None = None
    for number, quantity in position.items():
        if not quantity:
            continue
        contract = contracts[number]
        if contract.is_shares:
            shares = quantity + (shares or 0)
        elif contract.option is not None and quantity == quantity.to_integral_value():
            options.append((contract.option, int(quantity)))
        else:  # futures, or a fraction of a contract
            return StrategyKind.CUSTOM
    if not options and shares is None:
        return StrategyKind.CUSTOM
    ratio = math.gcd(*[quantity for _, quantity in options]) or 1
    shapes = [
        _Shape(terms.right, terms.strike, terms.expiry, quantity // ratio, terms.multiplier)
        for terms, quantity in options
    ]
    return kind_of_shape(shapes, None if shares is None else shares / ratio)
