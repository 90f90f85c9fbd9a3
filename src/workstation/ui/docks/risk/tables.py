"""A small read-only table model for the Risk panel's lists (concentration, betas, day trades).

Rows arrive already formatted: each cell is its text and, optionally, a
colour. The ``numeric`` columns are right aligned, the others left aligned.
The same row count emits ``dataChanged``; a different one resets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

Index = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True, slots=True)
class Cell:
    """One formatted cell: its text and an optional text colour."""

    text: str
    color: QColor | None = None


class TextTableModel(QAbstractTableModel):
    """Rows of formatted cells under fixed headers (units in the headers)."""

    def __init__(self, headers: Sequence[str], numeric: Sequence[int] = ()) -> None:
        super().__init__()
        self.headers = tuple(headers)
        self.numeric = frozenset(numeric)
        self.rows: tuple[tuple[Cell, ...], ...] = ()

    def set_rows(self, rows: Sequence[Sequence[Cell | str]]) -> None:
        """Show ``rows`` (plain strings become uncoloured cells)."""
        cells = tuple(tuple(c if isinstance(c, Cell) else Cell(c) for c in row) for row in rows)
        if any(len(row) != len(self.headers) for row in cells):
            raise ValueError(f"every row needs {len(self.headers)} cells: {self.headers}")
        if len(cells) == len(self.rows):
            self.rows = cells
            if cells:
                last = self.index(len(cells) - 1, len(self.headers) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self.rows = cells
        self.endResetModel()

    def set_headers(self, headers: Sequence[str]) -> None:
        """Retitle the columns (same count; units may depend on the data)."""
        if len(headers) != len(self.headers):
            raise ValueError(f"expected {len(self.headers)} headers, got {len(headers)}")
        self.headers = tuple(headers)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(headers) - 1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Rows of a flat table (none under a cell)."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One column per header."""
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; rows are not numbered."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, alignment and colour of a cell."""
        if not index.isValid():
            return None
        cell = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if index.column() in self.numeric else LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            return cell.color
        return None


def table_view(model: QAbstractTableModel, name: str) -> QTableView:
    """Return a compact read-only table over ``model`` whose last column stretches."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view
