"""The trade ledger: FIFO (or LIFO, average-cost) lots and P&L in Decimal dollars.

``rebuild`` turns broker rows into open lots and closing matches;
``realized`` / ``realized_by_period`` add up the matches; ``unrealized``
values open lots at marks. Every number that depends on how an assigned or
exercised option is counted takes a :class:`PnlConvention`.
"""

from __future__ import annotations

from workstation.domain.lots import CloseReason, CostMethod, Ledger, PnlConvention
from workstation.engines.ledger.realized import Period, period_start, realized, realized_by_period
from workstation.engines.ledger.rebuild import rebuild
from workstation.engines.ledger.unrealized import (
    MissingMarks,
    lot_market_value,
    market_value,
    net_cash_flow,
    total_pnl,
    unrealized,
)

__all__ = [
    "CloseReason",
    "CostMethod",
    "Ledger",
    "MissingMarks",
    "Period",
    "PnlConvention",
    "lot_market_value",
    "market_value",
    "net_cash_flow",
    "period_start",
    "realized",
    "realized_by_period",
    "rebuild",
    "total_pnl",
    "unrealized",
]
