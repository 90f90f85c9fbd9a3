"""Rules every export parser shares when it turns a row into a Transaction."""

from __future__ import annotations

from decimal import Decimal

from workstation.adapters.csv.cells import ZERO, RowError
from workstation.domain.instruments import InstrumentKind
from workstation.domain.transactions import TransactionKind

# Rows are built with this key; the statement replaces it once every row is
# parsed, because a row's final key depends on how often its content repeats.
PENDING_KEY = "pending"


def check_trade_cash(
    kind: TransactionKind,
    instrument: InstrumentKind | None,
    quantity: Decimal,
    value: Decimal,
    column: str,
) -> None:
    """Refuse a fill whose cash runs the wrong way: a buy must cost, a sell must pay.

    Futures are exempt (their value is realized P/L, either sign). A row
    failing this was edited or damaged; importing it would corrupt the P&L.
    """
    if kind is not TransactionKind.TRADE or instrument is InstrumentKind.FUTURE:
        return
    if (quantity > ZERO and value > ZERO) or (quantity < ZERO and value < ZERO):
        side = "buy" if quantity > ZERO else "sell"
        raise RowError(
            column,
            f"a {side} of {abs(quantity)} with a cash {'credit' if value > 0 else 'debit'} "
            f"of {value}: the amount and the action disagree; export the file again",
        )
