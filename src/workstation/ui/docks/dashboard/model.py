"""Table model of quotes: one row per symbol, values updated in place."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from workstation.domain.quotes import QuoteStatus
from workstation.ui.theme import colors

NEW_YORK = ZoneInfo("America/New_York")
Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """Columns, with units in their headers."""

    SYMBOL = 0
    NAME = 1
    LAST = 2
    CHANGE = 3
    CHANGE_PCT = 4
    BID = 5
    ASK = 6
    VOLUME = 7
    UPDATED = 8


HEADERS = {
    Column.SYMBOL: "Symbol",
    Column.NAME: "Name",
    Column.LAST: "Last",
    Column.CHANGE: "Chg",
    Column.CHANGE_PCT: "Chg %",
    Column.BID: "Bid",
    Column.ASK: "Ask",
    Column.VOLUME: "Volume",
    Column.UPDATED: "Updated (ET)",
}
TOOLTIPS = {
    Column.LAST: "Last trade, dollars per share (points for indices)",
    Column.CHANGE: "Change from the prior session's close",
    Column.CHANGE_PCT: "Change from the prior session's close, percent",
    Column.VOLUME: "Shares traded this session",
    Column.UPDATED: "Time of the latest quote; 'stale since' when older than the threshold",
}


@dataclass(frozen=True, slots=True)
class RowView:
    """What one row shows; compared to decide which rows changed."""

    cells: tuple[str, ...]
    direction: int  # +1 up, -1 down, 0 flat/unknown
    stale: bool
    tooltip: str


def _num(value: float, fmt: str) -> str:
    return "—" if value is None or math.isnan(value) else format(value, fmt)


def _volume(value: float) -> str:
    if not value:
        return ""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= size:
            return f"{value / size:.2f}{suffix}"
    return f"{value:.0f}"


def render_row(status: QuoteStatus, description: str) -> RowView:
    """Turn a quote status into display strings."""
    quote = status.quote
    if quote is None:
        cells = (status.symbol, description, "—", "", "", "", "", "", "waiting…")
        return RowView(cells, 0, False, description)
    ts = quote.ts.astimezone(NEW_YORK)
    if status.stale_since is not None:
        updated = f"stale since {status.stale_since.astimezone(NEW_YORK):%H:%M}"
    else:
        updated = f"{ts:%H:%M:%S}"
    change = quote.change
    cells = (
        status.symbol,
        description,
        _num(quote.last, ",.2f"),
        _num(change, "+,.2f"),
        _num(quote.change_pct, "+.2f") + ("%" if not math.isnan(quote.change_pct) else ""),
        _num(quote.bid, ",.2f") if not math.isnan(quote.bid) else "",
        _num(quote.ask, ",.2f") if not math.isnan(quote.ask) else "",
        _volume(quote.volume),
        updated,
    )
    direction = 0 if math.isnan(change) or change == 0 else (1 if change > 0 else -1)
    stale = (
        f"\nStale: no update since {status.stale_since.astimezone(NEW_YORK):%H:%M:%S %Z}"
        if status.stale_since
        else ""
    )
    tip = (
        f"{description}\nSource: {quote.source or 'unknown'} · "
        f"prior close {quote.prev_close:,.2f}\nQuote time {ts:%Y-%m-%d %H:%M:%S %Z}{stale}"
    )
    return RowView(cells, direction, status.stale_since is not None, tip)


class QuoteTableModel(QAbstractTableModel):
    """Quotes for a fixed list of symbols; value updates emit dataChanged, never a reset."""

    def __init__(
        self, symbols: list[str], descriptions: dict[str, str] | None = None, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._descriptions = descriptions or {}
        self._symbols: list[str] = []
        self._rows: list[RowView] = []
        self.set_symbols(symbols)

    @property
    def symbols(self) -> list[str]:
        """Symbols in row order."""
        return list(self._symbols)

    def set_symbols(self, symbols: list[str]) -> None:
        """Replace the row set (a structural change: the one place that resets)."""
        self.beginResetModel()
        self._symbols = list(symbols)
        self._rows = [
            render_row(QuoteStatus(s, None, None), self._descriptions.get(s, ""))
            for s in self._symbols
        ]
        self.endResetModel()

    def set_descriptions(self, descriptions: dict[str, str]) -> None:
        """Set the long names shown in tooltips."""
        self._descriptions = dict(descriptions)

    def apply(self, statuses: list[QuoteStatus]) -> int:
        """Update rows from ``statuses``; emit dataChanged per changed row; return how many."""
        changed = 0
        for status in statuses:
            try:
                row = self._symbols.index(status.symbol)
            except ValueError:
                continue
            view = render_row(status, self._descriptions.get(status.symbol, ""))
            if view != self._rows[row]:
                self._rows[row] = view
                changed += 1
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))
        return changed

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of symbols (0 under any parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(Column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, alignment, colour and tooltip."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        view, column = self._rows[index.row()], Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return view.cells[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _foreground(view, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return view.tooltip
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles with units and their tooltips."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(Column(section))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(Column(section))
        return None


def _alignment(column: Column) -> int:
    left = column in (Column.SYMBOL, Column.NAME)
    horizontal = Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignRight
    return int(horizontal | Qt.AlignmentFlag.AlignVCenter)


def _foreground(view: RowView, column: Column) -> Any:
    palette = colors()
    if view.stale and column in (Column.LAST, Column.UPDATED):
        return palette.stale
    if column in (Column.CHANGE, Column.CHANGE_PCT) and view.direction:
        return palette.positive if view.direction > 0 else palette.negative
    if column in (Column.NAME, Column.BID, Column.ASK, Column.VOLUME):
        return palette.muted
    return None


def now_et(now: datetime) -> str:
    """Format ``now`` as an ET clock string."""
    return now.astimezone(NEW_YORK).strftime("%H:%M:%S ET")
