"""Hand-written broker rows for ledger tests: one builder per instrument, signed as brokers sign.

``value`` defaults to ``-quantity x price x multiplier`` (buying pays), fees
are one commission figure in dollars. Times are minutes after a Monday
10:00 New York open.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OccSymbol, OptionRight
from workstation.domain.transactions import PositionEffect, Transaction, TransactionKind

D = Decimal
T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # Monday 2 March 2026, 10:00 New York
EXPIRY = date(2026, 3, 20)
ACCOUNT = "5WT00001"


def at(minutes: float = 0, *, days: int = 0) -> datetime:
    """Return T0 plus ``days`` and ``minutes``."""
    return T0 + timedelta(days=days, minutes=minutes)


def stock(
    key: str,
    quantity: str | int,
    price: str | None,
    *,
    when: datetime = T0,
    fees: str = "0",
    symbol: str = "XYZ",
    value: str | None = None,
    kind: TransactionKind = TransactionKind.TRADE,
    effect: PositionEffect | None = None,
    account: str = ACCOUNT,
    reverses: str = "",
) -> Transaction:
    """Return a stock row (multiplier 1)."""
    q = D(quantity)
    cash = D(value) if value is not None else -q * D(price or "0")
    return Transaction(
        "tastytrade",
        account,
        key,
        kind,
        when,
        instrument=InstrumentKind.EQUITY,
        symbol=symbol,
        underlying=symbol,
        quantity=q,
        price=D(price) if price is not None else None,
        value=cash,
        commission=D(fees),
        effect=effect,
        reverses_key=reverses,
    )


def option_symbol(root: str, right: OptionRight, strike: str, expiry: date = EXPIRY) -> str:
    """Return the padded OCC symbol."""
    return str(OccSymbol(root, expiry, right, D(strike)))


def option(
    key: str,
    quantity: str | int,
    price: str | None,
    *,
    right: OptionRight = OptionRight.PUT,
    strike: str = "50",
    root: str = "XYZ",
    underlying: str | None = None,
    when: datetime = T0,
    fees: str = "0",
    value: str | None = None,
    kind: TransactionKind = TransactionKind.TRADE,
    instrument: InstrumentKind = InstrumentKind.EQUITY_OPTION,
    multiplier: str = "100",
    deliverable: str | None = None,
    effect: PositionEffect | None = None,
    expiry: date = EXPIRY,
    account: str = ACCOUNT,
) -> Transaction:
    """Return an equity (or index) option row; price per share, value per the multiplier."""
    q, m = D(quantity), D(multiplier)
    cash = D(value) if value is not None else -q * D(price or "0") * m
    return Transaction(
        "tastytrade",
        account,
        key,
        kind,
        when,
        instrument=instrument,
        symbol=option_symbol(root, right, strike, expiry),
        underlying=underlying if underlying is not None else root,
        expiry=expiry,
        strike=D(strike),
        right=right,
        multiplier=m,
        deliverable=D(deliverable) if deliverable is not None else None,
        quantity=q,
        price=D(price) if price is not None else None,
        value=cash,
        commission=D(fees),
        effect=effect,
    )


def future(
    key: str,
    quantity: str | int,
    price: str,
    *,
    value: str = "0",
    fees: str = "0",
    when: datetime = T0,
    symbol: str = "/ESH6",
) -> Transaction:
    """Return a futures row: ``value`` is the realized P/L the broker reports (0 on opens)."""
    return Transaction(
        "tastytrade",
        ACCOUNT,
        key,
        TransactionKind.TRADE,
        when,
        instrument=InstrumentKind.FUTURE,
        symbol=symbol,
        underlying="/ES",
        multiplier=D(50),
        quantity=D(quantity),
        price=D(price),
        value=D(value),
        commission=D(fees),
    )


def cash_row(
    key: str, kind: TransactionKind, value: str, *, symbol: str = "", when: datetime = T0
) -> Transaction:
    """Return a cash-only row (dividend, deposit, balance adjustment...)."""
    return Transaction("tastytrade", ACCOUNT, key, kind, when, symbol=symbol, value=D(value))
