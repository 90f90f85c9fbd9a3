"""The ledger's working records: one book of open lots per account and symbol.

These are mutable on purpose and private to the engine: a rebuild touches
every lot many times, and the frozen :mod:`workstation.domain.lots` types are
built once, for the result.
"""

from __future__ import annotations

from collections import deque
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from workstation.domain.instruments import InstrumentKind
from workstation.domain.lots import Lot
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import ZERO, Transaction

CENT = Decimal("0.01")
# Prices derived by the engine (averages, split-adjusted) are informational:
# P&L comes from cash, so six places are plenty and keep them readable.
PRICE_STEP = Decimal("0.000001")


class Contract(NamedTuple):
    """What a book holds: the instrument's identity and size, shared by its lots.

    ``multiplier`` is the units per contract used to value a lot at a mark.
    For futures options the broker's multiplier column can say 1 while the
    row's value already includes the real size, so it is taken from
    ``value / (price * quantity)`` when the row allows.

    A NamedTuple rather than a frozen dataclass: a rebuild creates one per
    book (40,000 on a busy options account) and a tuple is built about twice
    as fast, while staying immutable.
    """

    account: str
    symbol: str
    underlying: str
    instrument: InstrumentKind | None
    multiplier: Decimal
    expiry: date | None
    strike: Decimal | None
    right: OptionRight | None

    @classmethod
    def of(cls, row: Transaction) -> Contract:
        """Return the contract a position row trades."""
        return cls(
            row.account,
            row.symbol,
            row.underlying,
            row.instrument,
            _multiplier(row),
            row.expiry,
            row.strike,
            row.right,
        )

    @property
    def is_future(self) -> bool:
        """True for futures, whose cash is realized P/L rather than a price paid."""
        return self.instrument is InstrumentKind.FUTURE


def _multiplier(row: Transaction) -> Decimal:
    if row.instrument is not InstrumentKind.FUTURE_OPTION or not row.price or not row.quantity:
        return row.multiplier
    implied = abs(row.value) / (abs(row.price) * abs(row.quantity))
    # The value is rounded to the cent, so the implied size is near, not at,
    # the real one; exchange contract sizes are whole units.
    return implied.to_integral_value() if implied >= 1 else row.multiplier


class OpenLot:
    """An open lot while the ledger is being rebuilt (see :class:`workstation.domain.lots.Lot`)."""

    __slots__ = (
        "adjustment",
        "contract",
        "cost",
        "fees",
        "open_key",
        "opened_at",
        "price",
        "quantity",
    )

    def __init__(
        self,
        quantity: Decimal,
        cost: Decimal,
        fees: Decimal,
        adjustment: Decimal,
        open_key: str,
        opened_at: datetime,
        price: Decimal,
        contract: Contract,
    ) -> None:
        self.quantity = quantity
        self.cost = cost
        self.fees = fees
        self.adjustment = adjustment
        self.open_key = open_key
        self.opened_at = opened_at
        self.price = price
        self.contract = contract

    def frozen(self) -> Lot:
        """Return the lot as the domain type."""
        c = self.contract
        return Lot(
            c.account,
            c.symbol,
            c.underlying,
            c.instrument,
            self.open_key,
            self.opened_at,
            self.quantity,
            self.price,
            c.multiplier,
            self.cost,
            self.fees,
            self.adjustment,
            c.expiry,
            c.strike,
            c.right,
        )


# A part of a lot taken by a close or a corporate action:
# (the lot it came from, signed quantity, cost, open fees, basis adjustment).
Piece = tuple[OpenLot, Decimal, Decimal, Decimal, Decimal]


class Book:
    """The open lots of one account and symbol, oldest first, and their signed total."""

    __slots__ = ("contract", "lots", "position")

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.lots: deque[OpenLot] = deque()
        self.position = ZERO


def split_off(lot: OpenLot, part: Decimal) -> Piece:
    """Take ``part`` (signed like the lot, smaller in size) out of ``lot``, pro rata.

    Cost, fees and adjustment shares are rounded to the cent and the lot keeps
    the rest, so the pieces of a lot always add back to it exactly.
    """
    whole = lot.quantity
    cost = (lot.cost * part / whole).quantize(CENT)
    fees = (lot.fees * part / whole).quantize(CENT) if lot.fees else ZERO
    adjustment = (lot.adjustment * part / whole).quantize(CENT) if lot.adjustment else ZERO
    lot.quantity = whole - part
    lot.cost -= cost
    lot.fees -= fees
    lot.adjustment -= adjustment
    return lot, part, cost, fees, adjustment
