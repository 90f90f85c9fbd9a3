"""Explain a change in net liquidating value, line by line.

Net liq is cash plus the market value of positions. Over a period its change
is exactly

    realized (gross) + change in unrealized (gross) - trading fees
    + deposits - withdrawals - fee rows + interest + dividends + other cash

where realized and unrealized come from the ledger (so their sum is the
position cash plus the change in market value), trading fees are the fees on
rows that moved positions, and the rest are cash-only rows. Positions without
a mark at either end are left out of unrealized and named in the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from workstation.domain.lots import ClosingMatch, PnlConvention, Unrealized
from workstation.domain.pnl import NetLiqBridge, NetLiqComponent
from workstation.domain.transactions import Transaction, TransactionKind

ZERO = Decimal(0)
K = TransactionKind
_CASH_LINES = (
    ("Deposits", (K.DEPOSIT,)),
    ("Withdrawals", (K.WITHDRAWAL,)),
    ("Fees charged", (K.FEE,)),
    ("Interest", (K.INTEREST,)),
    ("Dividends", (K.DIVIDEND,)),
    ("Other cash (adjustments, futures marks)", (K.BALANCE_ADJUSTMENT, K.MARK_TO_MARKET)),
)
_MOVES = frozenset(kind for kind in K if kind.moves_position)
_LINE_OF = {kind: line for line, (_, kinds) in enumerate(_CASH_LINES) for kind in kinds}


def netliq_bridge(
    first: date,
    last: date,
    rows: Sequence[Transaction],
    matches: Sequence[ClosingMatch],
    start: Unrealized | None,
    end: Unrealized,
    convention: PnlConvention,
    broker: tuple[Decimal | None, Decimal | None] = (None, None),
) -> NetLiqBridge:
    """Return the bridge for rows and matches already limited to ``first``..``last``.

    ``start`` values the positions open just before ``first`` (None when
    the period starts before the first transaction); ``end`` those open at
    ``last``. ``broker`` is the broker's net liq at the start and end.
    """
    trading: list[Transaction] = []
    cash: list[list[Transaction]] = [[] for _ in _CASH_LINES]
    for row in rows:  # one pass: each row is trading, one cash line's, or neither
        if row.kind in _MOVES:
            trading.append(row)
        else:
            line = _LINE_OF.get(row.kind)
            if line is not None:
                cash[line].append(row)
    fees = [row.fees for row in trading]
    start_gross = start.gross if start is not None else ZERO
    components = [
        NetLiqComponent(
            "Realized P&L (before fees)",
            sum((m.realized(convention, net=False) for m in matches), ZERO),
            tuple(dict.fromkeys(m.close_key for m in matches)),
        ),
        NetLiqComponent("Change in unrealized P&L", end.gross - start_gross),
        NetLiqComponent(
            "Trading fees and commissions",
            -sum(fees, ZERO),
            tuple(row.key for row, fee in zip(trading, fees, strict=True) if fee),
        ),
    ]
    for (label, _), chosen in zip(_CASH_LINES, cash, strict=True):
        amount = sum((row.net_value for row in chosen), ZERO)
        components.append(NetLiqComponent(label, amount, tuple(row.key for row in chosen)))
    return NetLiqBridge(first, last, tuple(components), broker[0], broker[1], _reason(start, end))


def _reason(start: Unrealized | None, end: Unrealized) -> str:
    unmarked = len(end.unmarked) + (len(start.unmarked) if start is not None else 0)
    if not unmarked:
        return ""
    return (
        f"{unmarked} position(s) had no mark and are left out of unrealized P&L "
        "(options have no stored price history for past dates)"
    )
