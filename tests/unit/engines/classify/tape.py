"""A hand-written fill recorder for classify tests: realistic broker rows plus the ledger's closes.

``Tape`` writes rows the way a broker reports them (signed quantities,
credit-positive values, fees, order ids, expirations, assignments with the
delivered stock) and ``closes()`` matches lots first-in-first-out the way
the ledger engine does, so tests feed ``classify`` what production feeds it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OccSymbol, OptionRight
from workstation.domain.transactions import (
    PositionEffect,
    Transaction,
    TransactionKind,
    ledger_order,
)

NY = ZoneInfo("America/New_York")
C, P = OptionRight.CALL, OptionRight.PUT
HUNDRED = Decimal(100)


def at(day: date, clock: str) -> datetime:
    """Return ``day`` at ``clock`` (HH:MM or HH:MM:SS) New York time."""
    return datetime.combine(day, time.fromisoformat(clock), NY)


@dataclass(frozen=True, slots=True)
class Leg:
    """One fill to make: ``quantity`` signed (+ buy, - sell) at ``price`` per share."""

    underlying: str
    quantity: int
    price: Decimal
    right: OptionRight | None = None
    strike: Decimal | None = None
    expiry: date | None = None

    @property
    def symbol(self) -> str:
        """Return the ledger symbol: padded OCC for options, the ticker for stock."""
        if self.right is None:
            return self.underlying
        assert self.strike is not None
        assert self.expiry is not None
        return str(OccSymbol(self.underlying, self.expiry, self.right, self.strike))


def opt(
    underlying: str, right: OptionRight, strike: float, expiry: date, qty: int, price: float
) -> Leg:
    """Return an option fill: ``qty`` contracts (signed) at ``price`` per share."""
    return Leg(underlying, qty, Decimal(str(price)), right, Decimal(str(strike)), expiry)


def shares(underlying: str, qty: int, price: float) -> Leg:
    """Return a stock fill of ``qty`` shares (signed) at ``price``."""
    return Leg(underlying, qty, Decimal(str(price)))


@dataclass(slots=True)
class Tape:
    """Rows of one account in the order written; positions tracked to label open/close."""

    account: str = "5WT00001"
    rows: list[Transaction] = field(default_factory=list)
    held: dict[str, Decimal] = field(default_factory=dict)
    legs: dict[str, Leg] = field(default_factory=dict)
    _ids: count[int] = field(default_factory=lambda: count(1))
    _orders: count[int] = field(default_factory=lambda: count(90001))

    def trade(self, when: datetime, *legs: Leg, order: str | None = None) -> list[Transaction]:
        """Fill ``legs`` as one order (a fresh order id unless given; ``""`` for none)."""
        order_id = str(next(self._orders)) if order is None else order
        return [self._fill(when, leg, order_id) for leg in legs]

    def expire(self, when: datetime, *legs: Leg) -> list[Transaction]:
        """Remove every contract still held of ``legs``' symbols at ``when``, worthless."""
        made = []
        for leg in legs:
            held = self.held.get(leg.symbol, Decimal(0))
            if held:
                made.append(self._event(when, leg, -held, TransactionKind.EXPIRATION))
        return made

    def assign(self, when: datetime, leg: Leg, *, stock_kind: TransactionKind) -> list[Transaction]:
        """Assign (short) or exercise (long) every held contract of ``leg`` and deliver the stock.

        ``stock_kind`` is how the broker labels the delivered-stock row.
        """
        assert leg.strike is not None
        held = self.held[leg.symbol]
        kind = TransactionKind.ASSIGNMENT if held < 0 else TransactionKind.EXERCISE
        option_row = self._event(when, leg, -held, kind)
        moved = int(-held * HUNDRED) * (1 if leg.right is P else -1)
        delivered = shares(leg.underlying, moved, float(leg.strike))
        stock_row = self._fill(when, delivered, "", stock_kind)
        return [option_row, stock_row]

    def closes(self) -> dict[str, list[str]]:
        """Return close key -> open keys consumed, first in first out per symbol."""
        return fifo_closes(self.rows)

    def _fill(
        self,
        when: datetime,
        leg: Leg,
        order_id: str,
        kind: TransactionKind = TransactionKind.TRADE,
    ) -> Transaction:
        multiplier = HUNDRED if leg.right is not None else Decimal(1)
        value = -leg.quantity * leg.price * multiplier
        fee = Decimal("0.14") * abs(leg.quantity) if leg.right is not None else Decimal("0.01")
        return self._record(when, leg, Decimal(leg.quantity), kind, order_id, value, fee)

    def _event(
        self, when: datetime, leg: Leg, quantity: Decimal, kind: TransactionKind
    ) -> Transaction:
        return self._record(when, leg, quantity, kind, "", Decimal(0), Decimal(0))

    def _record(
        self,
        when: datetime,
        leg: Leg,
        quantity: Decimal,
        kind: TransactionKind,
        order_id: str,
        value: Decimal,
        fee: Decimal,
    ) -> Transaction:
        held = self.held.get(leg.symbol, Decimal(0))
        closing = held and (held > 0) != (quantity > 0)
        option = leg.right is not None
        row = Transaction(
            broker="tastytrade",
            account=self.account,
            key=f"{self.account}:{next(self._ids):06d}",
            kind=kind,
            executed_at=when,
            instrument=InstrumentKind.EQUITY_OPTION if option else InstrumentKind.EQUITY,
            symbol=leg.symbol,
            underlying=leg.underlying,
            expiry=leg.expiry,
            strike=leg.strike,
            right=leg.right,
            multiplier=HUNDRED if option else Decimal(1),
            quantity=quantity,
            price=leg.price if kind is TransactionKind.TRADE else None,
            value=value,
            clearing_fee=fee,
            effect=PositionEffect.CLOSE if closing else PositionEffect.OPEN,
            order_id=order_id,
        )
        self.rows.append(row)
        self.held[leg.symbol] = held + quantity
        self.legs[leg.symbol] = leg
        return row


@dataclass(slots=True)
class _Lot:
    key: str
    size: Decimal  # signed: contracts or shares still open


def fifo_closes(rows: list[Transaction]) -> dict[str, list[str]]:
    """Match lots first in first out per account and symbol, as the ledger engine does."""
    lots: dict[tuple[str, str], deque[_Lot]] = {}
    matched: dict[str, list[str]] = {}
    for row in sorted(rows, key=ledger_order):
        if not row.kind.moves_position or not row.quantity:
            continue
        queue = lots.setdefault((row.account, row.symbol), deque())
        left = row.quantity
        while left and queue and (queue[0].size > 0) != (left > 0):
            lot = queue[0]
            take = min(abs(lot.size), abs(left))
            matched.setdefault(row.key, []).append(lot.key)
            lot.size += take if lot.size < 0 else -take
            left += take if left < 0 else -take
            if not lot.size:
                queue.popleft()
        if left:
            queue.append(_Lot(row.key, left))
    return matched


def keys(rows: list[Transaction]) -> tuple[str, ...]:
    """Return the rows' keys in order."""
    return tuple(row.key for row in rows)


def later(when: datetime, seconds: float) -> datetime:
    """Return ``when`` plus ``seconds``."""
    return when + timedelta(seconds=seconds)
