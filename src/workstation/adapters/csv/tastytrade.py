"""Tastytrade web (2021-2024) and current transaction-history CSV exports.

Both generations share their columns; the current one adds ``Sub Type``,
``Total`` (not in every file) and ``Currency``. Neither names the account,
so the caller must. Signs as exported: ``Value`` is signed credit-positive,
``Commissions`` and ``Fees`` are negative costs, ``Quantity`` is unsigned
with the direction in ``Action``, ``Average Price`` is per contract and
signed like ``Value``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from workstation.adapters.csv.cells import (
    ZERO,
    ParsedColumn,
    RowError,
    amount,
    iso_timestamp,
    month_day_year,
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
    right_of,
)
from workstation.adapters.csv.detect import TASTYTRADE, Layout
from workstation.adapters.csv.rows import PENDING_KEY, check_trade_cash
from workstation.adapters.csv.tastytrade_kinds import (
    TRADE,
    Direction,
    check_type,
    direction_of,
    effect_of_label,
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

NO_ACCOUNT = "this export has no account column: pass --account (the tastytrade account number)"


class WebCells(NamedTuple):
    """The cells of one web/current row that the parser reads (absent ones are empty)."""

    date: str
    type: str
    sub_type: str
    action: str
    symbol: str
    instrument_type: str
    description: str
    value: str
    quantity: str
    average_price: str
    commissions: str
    fees: str
    multiplier: str
    root: str
    underlying: str
    expiration: str
    strike: str
    call_put: str
    order: str
    total: str
    currency: str


COLUMNS = WebCells(
    "Date",
    "Type",
    "Sub Type",
    "Action",
    "Symbol",
    "Instrument Type",
    "Description",
    "Value",
    "Quantity",
    "Average Price",
    "Commissions",
    "Fees",
    "Multiplier",
    "Root Symbol",
    "Underlying Symbol",
    "Expiration Date",
    "Strike Price",
    "Call or Put",
    "Order #",
    "Total",
    "Currency",
)
_OPTION_TYPES = frozenset({"Equity Option", "Index Option"})


@dataclass(frozen=True, slots=True)
class Meaning:
    """What a row's Type, Sub Type and Action say together.

    ``sign`` is +1 when the account receives the instrument, -1 when it
    delivers it, 0 for rows without an action (cash only).
    """

    kind: TransactionKind
    sub_type: str
    sign: int
    effect: PositionEffect | None


class TastytradeWebParser:
    """Turn rows of a web or current tastytrade export into Transactions.

    Fees: the export folds clearing, regulatory and index-option fees into one
    ``Fees`` column, so all of it lands in ``clearing_fee``; ``Commissions``
    becomes ``commission``. Both are flipped to positive amounts paid.

    Cells with few distinct values (type/sub type/action, the symbol's
    cells, quantity, fees, and the amounts and prices fills repeat) are
    parsed once per distinct text and cached for the file: a 100,000-row
    export repeats them constantly.
    """

    def __init__(self, header: Sequence[str], account: str | None) -> None:
        if account is None:
            raise RowError("", NO_ACCOUNT)
        self._layout = Layout(header, COLUMNS)
        self._account = account
        self._contracts: dict[tuple[str, ...], Contract] = {}
        self._meanings: dict[tuple[str, str, str], Meaning] = {}
        self._values = ParsedColumn(amount, "Value")
        self._quantities = ParsedColumn(unsigned, "Quantity")
        self._prices = ParsedColumn(optional_number, "Average Price")
        self._commissions = ParsedColumn(_paid, "Commissions")
        self._fees = ParsedColumn(_paid, "Fees")
        self._totals = ParsedColumn(optional_number, "Total")
        self._columns = _ContractColumns()

    def __call__(self, cells: list[str]) -> Transaction:
        """Parse one record; RowError names the column when a cell is wrong."""
        row = WebCells._make(self._layout.pick(cells))
        value = self._values[row.value]
        meaning = self._meanings.get((row.type, row.sub_type, row.action))
        if meaning is None:
            meaning = self._meaning(row, value)
        contract = self._contract(row)
        quantity = self._quantity(row.quantity, meaning.sign)
        commission = self._commissions[row.commissions]
        clearing_fee = self._fees[row.fees]
        _check_total(self._totals[row.total], row.total, value - commission - clearing_fee)
        check_trade_cash(meaning.kind, contract.instrument, quantity, value, "Value")
        return build_transaction(
            broker=TASTYTRADE,
            account=self._account,
            key=PENDING_KEY,
            kind=meaning.kind,
            executed_at=iso_timestamp(row.date, "Date"),
            sub_type=meaning.sub_type,
            instrument=contract.instrument,
            symbol=contract.symbol,
            underlying=contract.underlying,
            expiry=contract.expiry,
            strike=contract.strike,
            right=contract.right,
            multiplier=contract.multiplier,
            deliverable=contract.deliverable,
            quantity=quantity,
            price=_price(self._prices[row.average_price], contract),
            value=value,
            commission=commission,
            clearing_fee=clearing_fee,
            effect=meaning.effect,
            order_id=row.order.strip(),
            description=row.description.strip(),
            currency=row.currency.strip().upper() or "USD",
            source=TransactionSource.CSV,
        )

    def _meaning(self, row: WebCells, value: Decimal) -> Meaning:
        direction = direction_of(row.action)
        kind, sub_type = _kind(row, direction, value)
        sign = direction.sign if direction is not None else 0
        meaning = Meaning(kind, sub_type, sign, _effect(direction, sub_type))
        # A kind inferred from the description (web exports) holds for this row only.
        if row.sub_type.strip() or row.type.strip() == TRADE:
            self._meanings[row.type, row.sub_type, row.action] = meaning
        return meaning

    def _contract(self, row: WebCells) -> Contract:
        # Symbol, Instrument Type, Multiplier, Root/Underlying Symbol, Expiration
        # Date, Strike Price and Call or Put: everything a contract depends on.
        key = row[4:6] + row[12:18]
        contract = self._contracts.get(key)
        if contract is None:
            contract = self._contracts[key] = _resolve(row, self._columns)
        return contract

    def _quantity(self, text: str, sign: int) -> Decimal:
        quantity = self._quantities[text]
        if sign < 0:
            return -quantity
        if sign == 0 and quantity:
            raise RowError("Action", "a row with a Quantity needs an Action (e.g. BUY_TO_OPEN)")
        return quantity


def _paid(text: str, column: str) -> Decimal:
    """Return a fee cell as a positive amount paid (the export shows costs negative)."""
    return ZERO - amount(text, column)


def _kind(
    row: WebCells, direction: Direction | None, value: Decimal
) -> tuple[TransactionKind, str]:
    type_ = check_type(row.type, "Type")
    sub_type = row.sub_type.strip()
    if sub_type:
        return kind_of_sub_type(sub_type), sub_type
    return inferred_kind(type_, direction, row.description, value)


def _effect(direction: Direction | None, sub_type: str) -> PositionEffect | None:
    # Futures actions (BUY/SELL) do not say open or close; the sub type may.
    if direction is not None and direction.effect is not None:
        return direction.effect
    return effect_of_label(sub_type)


class _ContractColumns:
    """The columns of one file a contract is read from, each distinct text parsed once."""

    def __init__(self) -> None:
        self.multipliers = ParsedColumn(optional_number, "Multiplier")
        self.expiries = ParsedColumn(month_day_year, "Expiration Date")
        self.strikes = ParsedColumn(_strike, "Strike Price")
        self.rights = ParsedColumn(right_of, "Call or Put")


def _resolve(row: WebCells, columns: _ContractColumns) -> Contract:
    kind = row.instrument_type.strip()
    symbol = row.symbol.strip()
    multiplier = columns.multipliers[row.multiplier]
    if kind == "Equity":
        return equity(symbol)
    if kind in _OPTION_TYPES:
        return _listed_option(row, symbol, multiplier, columns, index=kind == "Index Option")
    if kind == "Future":
        return future(symbol, row.underlying.strip() or row.root.strip(), multiplier)
    if kind == "Future Option":
        return future_option(symbol, row.underlying.strip(), _terms(row), multiplier)
    if kind == "Cryptocurrency":
        raise RowError(
            "Instrument Type",
            "cryptocurrency rows cannot be imported yet (the ledger has no crypto "
            "instrument, and treating coins as stock would break day-trade and risk "
            "figures); delete the Cryptocurrency rows from the file and import it again",
        )
    if kind:
        raise RowError("Instrument Type", f"unknown instrument type {kind!r}")
    return CASH if not symbol else Contract(None, symbol, row.underlying.strip() or symbol)


def _listed_option(
    row: WebCells,
    symbol: str,
    multiplier: Decimal | None,
    columns: _ContractColumns,
    *,
    index: bool,
) -> Contract:
    """Return the option, checked against its term columns; the file's underlying wins."""
    # Tastytrade reports most index options as "Equity Option"; the root decides
    # then, but an explicit "Index Option" is taken at its word.
    contract = listed_option(
        symbol, "Symbol", multiplier, underlying=row.underlying.strip(), index=index
    )
    _agree(row.expiration, "Expiration Date", contract.expiry, columns.expiries)
    _agree(row.strike, "Strike Price", contract.strike, columns.strikes)
    _agree(row.call_put, "Call or Put", contract.right, columns.rights)
    return contract


def _agree(text: str, column: str, expected: object, parsed: Mapping[str, object]) -> None:
    """Refuse an option whose term columns (``parsed[text]``) contradict its OCC symbol."""
    if not text.strip():
        return
    found = parsed[text]
    if found != expected:
        raise RowError(column, f"{text!r} contradicts the Symbol (which says {expected})")


def _strike(text: str, column: str) -> Decimal:
    strike = optional_number(text, column)
    if strike is None or strike <= 0:
        raise RowError(column, f"{text!r} is not a strike price")
    return strike


def _terms(row: WebCells) -> tuple[date, Decimal, OptionRight]:
    if not row.expiration.strip():
        raise RowError("Expiration Date", "a Future Option row needs its expiration date")
    if not row.call_put.strip():
        raise RowError("Call or Put", "a Future Option row needs CALL or PUT")
    return (
        month_day_year(row.expiration, "Expiration Date"),
        _strike(row.strike, "Strike Price"),
        right_of(row.call_put, "Call or Put"),
    )


def _price(average: Decimal | None, contract: Contract) -> Decimal | None:
    """Return the price per share (per unit): Average Price is per contract and signed."""
    if average is None or contract.instrument is None:
        return None
    return abs(average) / contract.price_divisor


def _check_total(total: Decimal | None, text: str, expected: Decimal) -> None:
    """Refuse a row whose Total (``text``, parsed as ``total``) is not its parts' sum."""
    if total is not None and total != expected:
        raise RowError(
            "Total",
            f"{text!r} is not Value + Commissions + Fees ({expected}); "
            "the row was edited or damaged: export the file again",
        )
