"""Tastytrade (tastyworks) legacy desktop transaction exports.

``Date/Time`` is the exporter's local time without an offset
(``04/01/2026 9:16 AM``), read as America/New_York. The option's terms sit in
``Expiration Date``/``Strike``/``Call/Put`` next to the root in ``Symbol``.
``Price`` is per share and unsigned, ``Fees`` an unsigned cost that folds
commission and exchange fees together (it lands in ``clearing_fee``),
``Amount`` the signed cash before fees. The account is in ``Account Reference``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from workstation.adapters.csv.cells import (
    RowError,
    amount,
    month_day_year,
    new_york_time,
    optional_number,
    unsigned,
)
from workstation.adapters.csv.contracts import (
    CASH,
    Contract,
    equity,
    future,
    future_option,
    listed_option,
    option_from_parts,
    right_of,
)
from workstation.adapters.csv.detect import TASTYTRADE, Layout
from workstation.adapters.csv.rows import PENDING_KEY, check_trade_cash
from workstation.adapters.csv.tastytrade_kinds import (
    CLOSE,
    OPEN,
    Direction,
    check_type,
    inferred_kind,
    kind_of_sub_type,
)
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import (
    PositionEffect,
    Transaction,
    TransactionKind,
    TransactionSource,
    build_transaction,
)

_ACCOUNT = "Account Reference"
_SIDES = {"buy": 1, "sell": -1}
_EFFECTS = {"open": OPEN, "close": CLOSE}
_OCC_LENGTH = 15  # the shortest OCC symbol: 1-letter root + YYMMDD + C/P + 8 digits


class LegacyCells(NamedTuple):
    """The cells of one legacy row, in the parser's order."""

    date_time: str
    code: str
    subcode: str
    symbol: str
    buy_sell: str
    open_close: str
    quantity: str
    expiration: str
    strike: str
    call_put: str
    price: str
    fees: str
    amount: str
    description: str
    account: str


COLUMNS = LegacyCells(
    "Date/Time",
    "Transaction Code",
    "Transaction Subcode",
    "Symbol",
    "Buy/Sell",
    "Open/Close",
    "Quantity",
    "Expiration Date",
    "Strike",
    "Call/Put",
    "Price",
    "Fees",
    "Amount",
    "Description",
    _ACCOUNT,
)


class TastytradeLegacyParser:
    """Turn rows of a legacy desktop export into Transactions (account from each row)."""

    def __init__(self, header: Sequence[str], account: str | None) -> None:
        self._layout = Layout(header, COLUMNS)
        self._account = account
        self._contracts: dict[tuple[str, str, str, str], Contract] = {}

    def __call__(self, cells: list[str]) -> Transaction:
        """Parse one record; RowError names the column when a cell is wrong."""
        row = LegacyCells._make(self._layout.pick(cells))
        direction = _direction(row)
        value = amount(row.amount, "Amount")
        kind, sub_type = _kind(row, direction, value)
        contract = self._contract(row)
        quantity = unsigned(row.quantity, "Quantity")
        if quantity and direction is None:
            raise RowError("Buy/Sell", "a row with a Quantity needs Buy or Sell")
        signed = -quantity if direction is not None and direction.sign < 0 else quantity
        check_trade_cash(kind, contract.instrument, signed, value, "Amount")
        price = optional_number(row.price, "Price")
        return build_transaction(
            broker=TASTYTRADE,
            account=self._account_of(row),
            key=PENDING_KEY,
            kind=kind,
            executed_at=new_york_time(row.date_time, "Date/Time"),
            sub_type=sub_type,
            instrument=contract.instrument,
            symbol=contract.symbol,
            underlying=contract.underlying,
            expiry=contract.expiry,
            strike=contract.strike,
            right=contract.right,
            multiplier=contract.multiplier,
            deliverable=contract.deliverable,
            quantity=signed,
            price=abs(price) if price is not None and contract.instrument else None,
            value=value,
            clearing_fee=abs(amount(row.fees, "Fees")),
            effect=direction.effect if direction else None,
            description=row.description.strip(),
            source=TransactionSource.CSV,
        )

    def _account_of(self, row: LegacyCells) -> str:
        account = row.account.strip()
        if not account:
            if self._account is None:
                raise RowError(_ACCOUNT, "the row names no account: pass --account")
            return self._account
        if self._account is not None and account != self._account:
            raise RowError(
                _ACCOUNT,
                f"the row is for account {account!r} but --account "
                f"{self._account!r} was given; leave --account out for this file",
            )
        return account

    def _contract(self, row: LegacyCells) -> Contract:
        key = (row.symbol, row.expiration, row.strike, row.call_put)
        contract = self._contracts.get(key)
        if contract is None:
            contract = self._contracts[key] = _resolve(row)
        return contract


def _direction(row: LegacyCells) -> Direction | None:
    side = row.buy_sell.strip().lower()
    if not side:
        return None
    sign = _SIDES.get(side)
    if sign is None:
        raise RowError("Buy/Sell", f"{row.buy_sell!r} is not Buy or Sell")
    effect = _effect(row.open_close)
    label = f"{side.title()} to {effect.value.title()}" if effect else side.title()
    return Direction(sign, effect, label)


def _effect(text: str) -> PositionEffect | None:
    word = text.strip().lower()
    if not word:
        return None
    effect = _EFFECTS.get(word)
    if effect is None:
        raise RowError("Open/Close", f"{text!r} is not Open or Close")
    return effect


def _kind(
    row: LegacyCells, direction: Direction | None, value: Decimal
) -> tuple[TransactionKind, str]:
    type_ = check_type(row.code, "Transaction Code")
    subcode = row.subcode.strip()
    if subcode:
        return kind_of_sub_type(subcode, "Transaction Subcode"), subcode
    return inferred_kind(type_, direction, row.description, value)


def _resolve(row: LegacyCells) -> Contract:
    symbol = row.symbol.strip()
    has_terms = bool(row.expiration.strip() or row.strike.strip() or row.call_put.strip())
    if not symbol:
        return CASH
    if symbol.startswith("/"):
        if not has_terms:
            return future(symbol, "", None)
        expiry, strike, right = _terms(row)
        # Legacy files give only the future's symbol; name the option by its terms.
        name = f".{symbol} {expiry:%y%m%d}{right.value}{strike.normalize():f}"
        return future_option(name, symbol, (expiry, strike, right), None)
    if has_terms:
        expiry, strike, right = _terms(row)
        return option_from_parts(symbol, expiry, right, strike, "Symbol")
    if len(symbol) >= _OCC_LENGTH and symbol[-9] in "CP" and symbol[-8:].isdigit():
        return listed_option(symbol, "Symbol")
    return equity(symbol)


def _terms(row: LegacyCells) -> tuple[date, Decimal, OptionRight]:
    for text, column in ((row.expiration, "Expiration Date"), (row.strike, "Strike")):
        if not text.strip():
            raise RowError(column, "an option row needs Expiration Date, Strike and Call/Put")
    strike = optional_number(row.strike, "Strike")
    if strike is None or strike <= 0:
        raise RowError("Strike", f"{row.strike!r} is not a strike price")
    return (
        month_day_year(row.expiration, "Expiration Date"),
        strike,
        right_of(row.call_put, "Call/Put"),
    )
