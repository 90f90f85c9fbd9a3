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
    trading = [row for row in rows if row.kind.moves_position]
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
            -sum((row.fees for row in trading), ZERO),
            tuple(row.key for row in trading if row.fees),
        ),
    ]
    for label, kinds in _CASH_LINES:
        chosen = [row for row in rows if row.kind in kinds]
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
