"""Tastytrade's vocabulary: actions, sub types, and what kind of transaction a row is.

The current export names the kind in ``Sub Type``; the 2021-2024 web export
has no such column, so the kind is read from Type, Action and the
description's wording, and labelled with the current generation's sub type
names so every generation yields the same ``sub_type`` vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from workstation.adapters.csv.cells import ZERO, RowError
from workstation.domain.transactions import PositionEffect, TransactionKind

OPEN = PositionEffect.OPEN
CLOSE = PositionEffect.CLOSE
TRADE = "Trade"
RECEIVE_DELIVER = "Receive Deliver"
MONEY_MOVEMENT = "Money Movement"
TRANSACTION_TYPES = frozenset({TRADE, RECEIVE_DELIVER, MONEY_MOVEMENT})
_REPORT = "it is not a transaction this importer knows; please report it with the row"


@dataclass(frozen=True, slots=True)
class Direction:
    """Which way an action moves the position: sign +1 received, -1 delivered."""

    sign: int
    effect: PositionEffect | None
    label: str


ACTIONS = {
    "BUY_TO_OPEN": Direction(1, OPEN, "Buy to Open"),
    "SELL_TO_OPEN": Direction(-1, OPEN, "Sell to Open"),
    "BUY_TO_CLOSE": Direction(1, CLOSE, "Buy to Close"),
    "SELL_TO_CLOSE": Direction(-1, CLOSE, "Sell to Close"),
    "BUY": Direction(1, None, "Buy"),
    "SELL": Direction(-1, None, "Sell"),
}

SUB_TYPES = {
    "Buy to Open": TransactionKind.TRADE,
    "Sell to Open": TransactionKind.TRADE,
    "Buy to Close": TransactionKind.TRADE,
    "Sell to Close": TransactionKind.TRADE,
    "Buy": TransactionKind.TRADE,
    "Sell": TransactionKind.TRADE,
    "Assignment": TransactionKind.ASSIGNMENT,
    "Exercise": TransactionKind.EXERCISE,
    "Expiration": TransactionKind.EXPIRATION,
    "Cash Settled Assignment": TransactionKind.CASH_SETTLEMENT,
    "Cash Settled Exercise": TransactionKind.CASH_SETTLEMENT,
    "Forward Split": TransactionKind.SPLIT,
    "Reverse Split": TransactionKind.SPLIT,
    "Symbol Change": TransactionKind.SYMBOL_CHANGE,
    "Special Dividend": TransactionKind.DIVIDEND,
    "Dividend": TransactionKind.DIVIDEND,
    "Deposit": TransactionKind.DEPOSIT,
    "Withdrawal": TransactionKind.WITHDRAWAL,
    "Credit Interest": TransactionKind.INTEREST,
    "Debit Interest": TransactionKind.INTEREST,
    "Fee": TransactionKind.FEE,
    "Balance Adjustment": TransactionKind.BALANCE_ADJUSTMENT,
    "Mark to Market": TransactionKind.MARK_TO_MARKET,
}

# Receive Deliver wording, checked in order (a cash settlement also says "assignment").
_DELIVERY_WORDS = (
    ("cash settle", TransactionKind.CASH_SETTLEMENT, ""),
    ("assignment", TransactionKind.ASSIGNMENT, "Assignment"),
    ("exercise", TransactionKind.EXERCISE, "Exercise"),
    ("expiration", TransactionKind.EXPIRATION, "Expiration"),
    ("reverse split", TransactionKind.SPLIT, "Reverse Split"),
    ("split", TransactionKind.SPLIT, "Forward Split"),
    ("rounding correction", TransactionKind.SPLIT, "Forward Split"),
    ("cash in lieu", TransactionKind.SPLIT, "Forward Split"),
    ("symbol change", TransactionKind.SYMBOL_CHANGE, "Symbol Change"),
    ("special dividend", TransactionKind.DIVIDEND, "Special Dividend"),
)
# Money Movement wording, checked in order; "" kinds are decided by the sign of the cash.
_MONEY_WORDS = (
    ("mark to market", TransactionKind.MARK_TO_MARKET, "Mark to Market"),
    ("balance adjustment", TransactionKind.BALANCE_ADJUSTMENT, "Balance Adjustment"),
    ("interest", TransactionKind.INTEREST, ""),
    (" thru ", TransactionKind.INTEREST, ""),  # debit interest: "FROM 03/16 THRU 04/15 @ 9.5 %"
    ("dividend", TransactionKind.DIVIDEND, "Dividend"),
    ("fee", TransactionKind.FEE, "Fee"),
    ("received", TransactionKind.DEPOSIT, "Deposit"),
    ("deposit", TransactionKind.DEPOSIT, "Deposit"),
    ("disbursed", TransactionKind.WITHDRAWAL, "Withdrawal"),
    ("disbursement", TransactionKind.WITHDRAWAL, "Withdrawal"),
    ("withdraw", TransactionKind.WITHDRAWAL, "Withdrawal"),
    ("transfer", TransactionKind.DEPOSIT, ""),
)


def direction_of(action: str, column: str = "Action") -> Direction | None:
    """Return the direction of a tastytrade Action (``BUY_TO_OPEN``...); None when empty."""
    text = action.strip()
    if not text:
        return None
    found = ACTIONS.get(text)
    if found is None:
        raise RowError(column, f"unknown action {action!r} (expected e.g. BUY_TO_OPEN); {_REPORT}")
    return found


def kind_of_sub_type(sub_type: str, column: str = "Sub Type") -> TransactionKind:
    """Return the kind a tastytrade sub type names; RowError for one this does not know."""
    kind = SUB_TYPES.get(sub_type)
    if kind is None:
        raise RowError(column, f"unknown sub type {sub_type!r}; {_REPORT}")
    return kind


def check_type(type_: str, column: str) -> str:
    """Return the transaction type if it is Trade, Receive Deliver or Money Movement."""
    text = type_.strip()
    if text not in TRANSACTION_TYPES:
        raise RowError(column, f"unknown transaction type {type_!r}; {_REPORT}")
    return text


def effect_of_label(label: str) -> PositionEffect | None:
    """Return OPEN/CLOSE when a sub type label says ``... to Open``/``... to Close``."""
    if label.endswith("to Open"):
        return OPEN
    if label.endswith("to Close"):
        return CLOSE
    return None


def inferred_kind(
    type_: str, direction: Direction | None, description: str, value: Decimal
) -> tuple[TransactionKind, str]:
    """Return (kind, current-generation sub type label) for a row without a Sub Type.

    Reads the transaction type, the action and the description's wording
    (e.g. "Removal of option due to assignment", "Wire Funds Received",
    "INTEREST ON CREDIT BALANCE"); ``value`` (dollars, credit positive)
    decides credit vs debit interest and the direction of a transfer.
    """
    if type_ == TRADE:
        if direction is None:
            raise RowError("Action", "a Trade row needs an Action (e.g. BUY_TO_OPEN)")
        return TransactionKind.TRADE, direction.label
    words = description.lower()
    if type_ == RECEIVE_DELIVER:
        return _delivery_kind(words, direction, description)
    return _money_kind(words, description, value)


def _delivery_kind(
    words: str, direction: Direction | None, description: str
) -> tuple[TransactionKind, str]:
    for phrase, kind, label in _DELIVERY_WORDS:
        if phrase in words:
            if kind is TransactionKind.CASH_SETTLEMENT:
                return kind, _cash_settlement_label(direction)
            return kind, label
    if direction is not None:
        # The stock leg of an assignment or exercise: a fill at the strike.
        return TransactionKind.TRADE, direction.label
    raise RowError(
        "Description", f"cannot tell what Receive Deliver row {description!r} is; {_REPORT}"
    )


def _cash_settlement_label(direction: Direction | None) -> str:
    # A short option is bought back when assigned; a long one is sold when exercised.
    if direction is not None and direction.sign > 0:
        return "Cash Settled Assignment"
    return "Cash Settled Exercise"


def _money_kind(words: str, description: str, value: Decimal) -> tuple[TransactionKind, str]:
    credit = value >= ZERO
    for phrase, kind, label in _MONEY_WORDS:
        if phrase not in words:
            continue
        if kind is TransactionKind.INTEREST:
            return kind, "Credit Interest" if credit else "Debit Interest"
        if phrase == "transfer":
            return _transfer(credit)
        return kind, label
    raise RowError("Description", f"cannot tell what Money Movement {description!r} is; {_REPORT}")


def _transfer(credit: bool) -> tuple[TransactionKind, str]:
    if credit:
        return TransactionKind.DEPOSIT, "Deposit"
    return TransactionKind.WITHDRAWAL, "Withdrawal"
