"""Schwab transactions -> ledger Transactions (source API, key = activityId).

A Schwab transaction is one instrument line plus fee lines (``feeType``) and
sometimes a cash line. Fees are the negated ``cost`` of the fee lines; the
gross ``value`` is ``netAmount`` plus the fees, exactly as the CSV importer
computes it from ``Amount + Fees & Comm``. A fill's quantity takes its sign
from the cash: a negative ``cost`` (paid) means the account received the
instrument. Only VALID transactions are parsed; others return None.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC
from decimal import Decimal

from workstation.adapters.csv.cells import RowError
from workstation.adapters.csv.contracts import CASH, Contract
from workstation.adapters.csv.rows import check_trade_cash
from workstation.adapters.csv.schwab import CLOSE_OF_TRADING
from workstation.adapters.schwab import wire
from workstation.adapters.schwab.parse import SCHWAB, contract_of
from workstation.domain.transactions import (
    PositionEffect,
    Transaction,
    TransactionKind,
    TransactionSource,
    trade_date_content_key,
)
from workstation.ports.broker import BrokerDataError

ZERO = Decimal(0)
K = TransactionKind
ENDPOINT = "transactions"

#: Every type the transactions endpoint knows; requests ask for all of them.
TYPES = (
    "TRADE",
    "RECEIVE_AND_DELIVER",
    "DIVIDEND_OR_INTEREST",
    "ACH_RECEIPT",
    "ACH_DISBURSEMENT",
    "CASH_RECEIPT",
    "CASH_DISBURSEMENT",
    "ELECTRONIC_FUND",
    "WIRE_OUT",
    "WIRE_IN",
    "JOURNAL",
    "MEMORANDUM",
    "MARGIN_CALL",
    "MONEY_MARKET",
    "SMA_ADJUSTMENT",
)
_FIXED_KINDS = {
    "TRADE": K.TRADE,
    "ACH_RECEIPT": K.DEPOSIT,
    "CASH_RECEIPT": K.DEPOSIT,
    "WIRE_IN": K.DEPOSIT,
    "ACH_DISBURSEMENT": K.WITHDRAWAL,
    "CASH_DISBURSEMENT": K.WITHDRAWAL,
    "WIRE_OUT": K.WITHDRAWAL,
    "MEMORANDUM": K.BALANCE_ADJUSTMENT,
    "MARGIN_CALL": K.BALANCE_ADJUSTMENT,
    "MONEY_MARKET": K.BALANCE_ADJUSTMENT,
    "SMA_ADJUSTMENT": K.BALANCE_ADJUSTMENT,
}
_BY_SIGN = frozenset({"ELECTRONIC_FUND", "JOURNAL"})
# RECEIVE_AND_DELIVER says what happened only in its description.
_DELIVERY_WORDS = (
    ("EXPIR", K.EXPIRATION),
    ("ASSIGN", K.ASSIGNMENT),
    ("EXERC", K.EXERCISE),
    ("SPLIT", K.SPLIT),
    ("CASH IN LIEU", K.SPLIT),
    ("NAME CHANGE", K.SYMBOL_CHANGE),
    ("SYMBOL CHANGE", K.SYMBOL_CHANGE),
)
_CLOSING_KINDS = frozenset({K.EXPIRATION, K.ASSIGNMENT, K.EXERCISE})
_EFFECTS = {"OPENING": PositionEffect.OPEN, "CLOSING": PositionEffect.CLOSE}
REGULATORY_FEES = frozenset({"SEC_FEE", "OPT_REG_FEE", "TAF_FEE"})


@dataclass(frozen=True, slots=True)
class Fees:
    """A transaction's fees by ledger column, dollars paid (a rebate is negative)."""

    commission: Decimal = ZERO
    regulatory: Decimal = ZERO
    index_option: Decimal = ZERO
    clearing: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        """Return every fee together, dollars."""
        return self.commission + self.regulatory + self.index_option + self.clearing


def fees_of(items: list[wire.TransferItem]) -> Fees:
    """Sum the fee lines by column: COMMISSION; SEC/OPT_REG/TAF regulatory; INDEX_OPTION_FEE;
    everything else (CDSC_FEE, OTHER, ...) clearing."""
    columns = {"commission": ZERO, "regulatory": ZERO, "index_option": ZERO, "clearing": ZERO}
    for item in items:
        if item.fee_type is None:
            continue
        columns[_fee_column(item.fee_type)] -= item.cost
    return Fees(**columns)


def _fee_column(fee_type: str) -> str:
    if fee_type == "COMMISSION":
        return "commission"
    if fee_type in REGULATORY_FEES:
        return "regulatory"
    if fee_type == "INDEX_OPTION_FEE":
        return "index_option"
    return "clearing"


def parse_transaction(account: str, row: wire.Transaction) -> Transaction | None:
    """Return the ledger row of a Schwab transaction for ``account`` (the account number).

    None for a transaction that is not VALID (pending or cancelled). Raises
    BrokerDataError naming the activity id when the row breaks the ledger's rules.
    """
    if row.status.upper() != "VALID":
        return None
    where = f"{ENDPOINT} activity {row.activity_id}"
    line = instrument_line(row, where)
    contract = CASH if line is None else contract_of(line.instrument, where)
    fees = fees_of(row.transfer_items)
    value = row.net_amount + fees.total
    kind = _kind(row, line, value, where)
    quantity = _quantity(kind, line)
    try:
        check_trade_cash(kind, contract.instrument, quantity, value, "netAmount")
        parsed = Transaction(
            broker=SCHWAB,
            account=account,
            key=str(row.activity_id),
            kind=kind,
            executed_at=row.time.astimezone(UTC),
            sub_type=row.type,
            instrument=contract.instrument,
            symbol=contract.symbol,
            underlying=contract.underlying,
            expiry=contract.expiry,
            strike=contract.strike,
            right=contract.right,
            multiplier=contract.multiplier,
            deliverable=contract.deliverable,
            quantity=quantity,
            price=_price(kind, line, contract),
            value=value,
            commission=fees.commission,
            clearing_fee=fees.clearing,
            regulatory_fee=fees.regulatory,
            index_option_fee=fees.index_option,
            effect=_effect(kind, line),
            order_id="" if row.order_id is None else str(row.order_id),
            description=row.description,
            source=TransactionSource.API,
        )
        # Keyed like the CSV export (trade date at the close, no order id): no double count.
        return replace(parsed, content_key=trade_date_content_key(parsed, CLOSE_OF_TRADING))
    except (RowError, ValueError) as exc:
        raise BrokerDataError(f"schwab {where}: {exc}") from None


def instrument_line(row: wire.Transaction, where: str) -> wire.TransferItem | None:
    """Return the one line naming what was traded (no fee type, not cash), None if none."""
    lines = [
        item
        for item in row.transfer_items
        if item.fee_type is None and item.instrument.asset_type != "CURRENCY"
    ]
    if len(lines) > 1:
        raise BrokerDataError(
            f"schwab {where}: field 'transferItems': {len(lines)} instrument lines where one "
            "was expected; please report this transaction"
        )
    return lines[0] if lines else None


def _kind(
    row: wire.Transaction, line: wire.TransferItem | None, value: Decimal, where: str
) -> TransactionKind:
    kind = _FIXED_KINDS.get(row.type)
    if kind is not None:
        return kind
    if row.type in _BY_SIGN:
        return K.DEPOSIT if value >= ZERO else K.WITHDRAWAL
    if row.type == "DIVIDEND_OR_INTEREST":
        # A dividend names the security that paid it; sweep interest ("SCHWAB1 INT") names none.
        paid_by_security = line is not None and "INTEREST" not in row.description.upper()
        return K.DIVIDEND if paid_by_security else K.INTEREST
    if row.type == "RECEIVE_AND_DELIVER":
        text = row.description.upper()
        return next((k for word, k in _DELIVERY_WORDS if word in text), K.BALANCE_ADJUSTMENT)
    raise BrokerDataError(
        f"schwab {where}: field 'type': {row.type!r} is not a transaction type the "
        "workstation knows; please report it"
    )


def _quantity(kind: TransactionKind, line: wire.TransferItem | None) -> Decimal:
    """Return the signed units: a fill's sign follows its cash, a delivery keeps its own."""
    if line is None:
        return ZERO
    if kind is K.TRADE and line.cost != ZERO:
        return abs(line.amount) if line.cost < ZERO else -abs(line.amount)
    if kind.moves_position or kind is K.BALANCE_ADJUSTMENT:
        return line.amount
    return ZERO


def _price(
    kind: TransactionKind, line: wire.TransferItem | None, contract: Contract
) -> Decimal | None:
    """Return the per-share price of a fill; None for deliveries and cash rows."""
    if line is None or line.price is None or contract.instrument is None:
        return None
    if kind is not K.TRADE and line.price == ZERO:
        return None
    return abs(line.price)


def _effect(kind: TransactionKind, line: wire.TransferItem | None) -> PositionEffect | None:
    effect = None if line is None else _EFFECTS.get((line.position_effect or "").upper())
    if effect is None and kind in _CLOSING_KINDS:
        return PositionEffect.CLOSE
    return effect


def parse_transactions(account: str, rows: list[wire.Transaction]) -> list[Transaction]:
    """Return the VALID rows of ``rows`` as ledger Transactions, in the order given."""
    parsed = (parse_transaction(account, row) for row in rows)
    return [row for row in parsed if row is not None]
