"""Ledger reports: CSV exports (transactions, closed trades, open lots, P&L) and the PDF statement.

Everything here reads a :class:`~workstation.domain.pnl.LedgerView` (or
transactions) and writes files; nothing computes P&L. Paths are written
atomically. See :mod:`.csv_export` for the cell and formula-injection rules.
"""

from __future__ import annotations

from workstation.reports.ledger.csv_export import (
    CLOSED_TRADE_HEADER,
    OPEN_LOT_HEADER,
    PNL_GROUPINGS,
    TRANSACTION_HEADER,
    CsvTarget,
    PnlGrouping,
    atomic_path,
    csv_cell,
    safe_text,
    write_closed_trades_csv,
    write_open_lots_csv,
    write_pnl_by_csv,
    write_transactions_csv,
)
from workstation.reports.ledger.pdf_page import FOOTER
from workstation.reports.ledger.pdf_statement import write_pnl_statement

__all__ = [
    "CLOSED_TRADE_HEADER",
    "FOOTER",
    "OPEN_LOT_HEADER",
    "PNL_GROUPINGS",
    "TRANSACTION_HEADER",
    "CsvTarget",
    "PnlGrouping",
    "atomic_path",
    "csv_cell",
    "safe_text",
    "write_closed_trades_csv",
    "write_open_lots_csv",
    "write_pnl_by_csv",
    "write_pnl_statement",
    "write_transactions_csv",
]
