"""Schwab (schwab.com "Transactions" history) CSV exports.

Columns: ``Date, Action, Symbol, Description, Quantity, Price, Fees & Comm,
Amount``. Dates carry no time (``04/01/2026`` or ``04/01/2026 as of
03/31/2026``): rows are placed at 16:00 New York on the first date and keep
their intra-day order through ``sequence``. ``Amount`` is the net cash after
fees, so the gross value is ``Amount + Fees & Comm``; the single fee column
lands in ``commission``. Options read ``SPY 12/18/2026 450.00 P``. The file
names no account, and may end with a ``Transactions Total`` row (skipped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from enum import Enum
from typing import NamedTuple

from workstation.adapters.csv.cells import (
    NEW_YORK,
    ZERO,
    RowError,
    dollars,
    month_day_year,
    number,
)
from workstation.adapters.csv.contracts import CASH, Contract, equity, option_from_parts, right_of
from workstation.adapters.csv.detect import SCHWAB, Layout
from workstation.adapters.csv.rows import PENDING_KEY, check_trade_cash
from workstation.domain.transactions import (
    PositionEffect,
    Transaction,
    TransactionKind,
    TransactionSource,
    build_transaction,
)

NO_ACCOUNT = "this export has no account column: pass --account (the Schwab account number)"
TRAILER = "Transactions Total"
CLOSE_OF_TRADING = time(16, 0)
AS_OF = "as of "
_OPTION_PARTS = 4  # ROOT MM/DD/YYYY STRIKE C/P


class Quantity(Enum):
    """How a row's quantity gets its sign."""

    RECEIVED = 1  # unsigned in the file; the account receives it
    DELIVERED = -1  # unsigned in the file; the account delivers it
    AS_GIVEN = 0  # the file's own sign (expirations, splits, journaled shares)


@dataclass(frozen=True, slots=True)
class SchwabAction:
    """What one Schwab Action means; ``kind`` None means deposit or withdrawal by sign."""

    kind: TransactionKind | None
    quantity: Quantity = Quantity.AS_GIVEN
    effect: PositionEffect | None = None


_TRADE = TransactionKind.TRADE
_OPEN, _CLOSE = PositionEffect.OPEN, PositionEffect.CLOSE
_IN, _OUT = Quantity.RECEIVED, Quantity.DELIVERED
_DIVIDEND = SchwabAction(TransactionKind.DIVIDEND)
_INTEREST = SchwabAction(TransactionKind.INTEREST)
_FEE = SchwabAction(TransactionKind.FEE)
_BY_SIGN = SchwabAction(None)

# Expired/Assigned/Exercise rows keep the file's sign: Schwab shows a short
# option that expires or is assigned with a positive quantity (bought back)
# and a long one with a negative quantity (delivered).
ACTIONS = {
    "Buy": SchwabAction(_TRADE, _IN),
    "Sell": SchwabAction(_TRADE, _OUT),
    "Buy to Open": SchwabAction(_TRADE, _IN, _OPEN),
    "Sell to Open": SchwabAction(_TRADE, _OUT, _OPEN),
    "Buy to Close": SchwabAction(_TRADE, _IN, _CLOSE),
    "Sell to Close": SchwabAction(_TRADE, _OUT, _CLOSE),
    "Sell Short": SchwabAction(_TRADE, _OUT, _OPEN),
    "Buy to Cover": SchwabAction(_TRADE, _IN, _CLOSE),
    "Reinvest Shares": SchwabAction(_TRADE, _IN),
    "Expired": SchwabAction(TransactionKind.EXPIRATION, effect=_CLOSE),
    "Assigned": SchwabAction(TransactionKind.ASSIGNMENT, effect=_CLOSE),
    "Exchange or Exercise": SchwabAction(TransactionKind.EXERCISE, effect=_CLOSE),
    "Cash Dividend": _DIVIDEND,
    "Qualified Dividend": _DIVIDEND,
    "Non-Qualified Div": _DIVIDEND,
    "Special Dividend": _DIVIDEND,
    "Special Qual Div": _DIVIDEND,
    "Qual Div Reinvest": _DIVIDEND,
    "Reinvest Dividend": _DIVIDEND,
    "Pr Yr Div Reinvest": _DIVIDEND,
    "Long Term Cap Gain": _DIVIDEND,
    "Short Term Cap Gain": _DIVIDEND,
    "Credit Interest": _INTEREST,
    "Bank Interest": _INTEREST,
    "Margin Interest": _INTEREST,
    "Bond Interest": _INTEREST,
    "MoneyLink Deposit": SchwabAction(TransactionKind.DEPOSIT),
    "Wire Received": SchwabAction(TransactionKind.DEPOSIT),
    "Funds Received": SchwabAction(TransactionKind.DEPOSIT),
    "Wire Sent": SchwabAction(TransactionKind.WITHDRAWAL),
    "MoneyLink Transfer": _BY_SIGN,
    "Journal": _BY_SIGN,
    "Internal Transfer": _BY_SIGN,
    "Stock Split": SchwabAction(TransactionKind.SPLIT),
    "Reverse Split": SchwabAction(TransactionKind.SPLIT),
    "Cash In Lieu": SchwabAction(TransactionKind.SPLIT),
    "Name Change": SchwabAction(TransactionKind.SYMBOL_CHANGE),
    "Service Fee": _FEE,
    "ADR Mgmt Fee": _FEE,
    "Foreign Tax Paid": _FEE,
    "Misc Cash Entry": SchwabAction(TransactionKind.BALANCE_ADJUSTMENT),
    # Shares moved between accounts carry no price, so no cost basis: recorded,
    # but not as a fill the ledger would open a lot from.
    "Journaled Shares": SchwabAction(TransactionKind.BALANCE_ADJUSTMENT),
}


class SchwabCells(NamedTuple):
    """The cells of one Schwab row, in the parser's order."""

    date: str
    action: str
    symbol: str
    description: str
    quantity: str
    price: str
    fees: str
    amount: str


COLUMNS = SchwabCells(
    "Date", "Action", "Symbol", "Description", "Quantity", "Price", "Fees & Comm", "Amount"
)


def is_trailer(cells: Sequence[str]) -> bool:
    """True for the ``Transactions Total`` summary row some exports end with (any column)."""
    return any(cell.strip() == TRAILER for cell in cells)


class SchwabParser:
    """Turn rows of a Schwab transaction-history export into Transactions."""

    def __init__(self, header: Sequence[str], account: str | None) -> None:
        if account is None:
            raise RowError("", NO_ACCOUNT)
        self._layout = Layout(header, COLUMNS)
        self._account = account
        self._contracts: dict[str, Contract] = {}
        self._days: dict[str, datetime] = {}

    def __call__(self, cells: list[str]) -> Transaction | None:
        """Parse one record (None for the trailer); RowError names the column when wrong."""
        if is_trailer(cells):
            return None
        row = SchwabCells._make(self._layout.pick(cells))
        action = _action(row.action)
        fees = dollars(row.fees, "Fees & Comm")
        value = dollars(row.amount, "Amount") + fees
        contract = self._contract(row.symbol)
        quantity = _quantity(row.quantity, action.quantity)
        kind = action.kind or _transfer_kind(value)
        check_trade_cash(kind, contract.instrument, quantity, value, "Amount")
        return build_transaction(
            broker=SCHWAB,
            account=self._account,
            key=PENDING_KEY,
            kind=kind,
            executed_at=self._executed_at(row.date),
            sub_type=row.action.strip(),
            instrument=contract.instrument,
            symbol=contract.symbol,
            underlying=contract.underlying,
            expiry=contract.expiry,
            strike=contract.strike,
            right=contract.right,
            multiplier=contract.multiplier,
            deliverable=contract.deliverable,
            quantity=quantity,
            price=_price(row.price, contract),
            value=value,
            commission=fees,
            effect=action.effect,
            description=row.description.strip(),
            source=TransactionSource.CSV,
        )

    def _executed_at(self, text: str) -> datetime:
        moment = self._days.get(text)
        if moment is None:
            moment = self._days[text] = _close_of(text)
        return moment

    def _contract(self, text: str) -> Contract:
        contract = self._contracts.get(text)
        if contract is None:
            contract = self._contracts[text] = _resolve(text)
        return contract


def _action(text: str) -> SchwabAction:
    action = ACTIONS.get(text.strip())
    if action is None:
        raise RowError(
            "Action",
            f"unknown action {text!r}; it is not a transaction this importer "
            "knows: please report it with the row",
        )
    return action


def _close_of(text: str) -> datetime:
    # "04/01/2026 as of 03/31/2026": the first date is the trade date.
    first, _, rest = text.strip().partition(" ")
    if rest:
        if not rest.startswith(AS_OF):
            raise RowError("Date", f"{text!r} is not MM/DD/YYYY or MM/DD/YYYY as of MM/DD/YYYY")
        month_day_year(rest.removeprefix(AS_OF), "Date")  # refuse a damaged "as of" date too
    return datetime.combine(month_day_year(first, "Date"), CLOSE_OF_TRADING, NEW_YORK)


def _quantity(text: str, rule: Quantity) -> Decimal:
    given = number(text, "Quantity") if text.strip() else ZERO
    if rule is Quantity.AS_GIVEN:
        return given
    return abs(given) if rule is Quantity.RECEIVED else -abs(given)


def _transfer_kind(value: Decimal) -> TransactionKind:
    return TransactionKind.DEPOSIT if value >= ZERO else TransactionKind.WITHDRAWAL


def _resolve(text: str) -> Contract:
    symbol = text.strip()
    if not symbol:
        return CASH
    parts = symbol.split()
    if len(parts) == 1:
        return equity(symbol)
    if len(parts) != _OPTION_PARTS:
        raise RowError(
            "Symbol", f"{text!r} is neither a ticker nor an option (ROOT MM/DD/YYYY STRIKE C/P)"
        )
    root, expiry, strike, right = parts
    strike_price = number(strike, "Symbol")
    return option_from_parts(
        root,
        month_day_year(expiry, "Symbol"),
        right_of(right, "Symbol"),
        strike_price,
        "Symbol",
    )


def _price(text: str, contract: Contract) -> Decimal | None:
    if not text.strip() or contract.instrument is None:
        return None
    return abs(dollars(text, "Price"))
