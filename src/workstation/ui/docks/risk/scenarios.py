"""The Scenarios tab: the portfolio P/L grid as a heatmap, one days-forward slice at a time.

Rows are underlying moves (expected moves or percent of spot), columns are
volatility shifts in vol points, each cell prints the P/L in dollars against
the model value now and is tinted green (gain) or red (loss), stronger for
larger amounts (square-root scaled so small cells still show). A selector
picks the days-forward slice; a table says how many dollars one move unit is
for each underlying at that horizon.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.exposure import ScenarioGrid, ScenarioMode
from workstation.ui.docks.risk.formatting import dollars, number
from workstation.ui.docks.risk.tables import TextTableModel, table_view
from workstation.ui.theme import colors

Index = QModelIndex | QPersistentModelIndex
VALUE_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # the float P/L behind a cell (dollars)
CENTRE = int(Qt.AlignmentFlag.AlignCenter)
MIN_ALPHA, MAX_ALPHA = 28, 150  # tint strength: faint for small cells, never hiding the text
NO_GRID = "No scenario grid: no priced option positions"


def move_label(move: float, mode: ScenarioMode) -> str:
    """Return a move as the row header says it: ``+1 EM``, ``-5%``, ``0 (spot now)``."""
    if move == 0:
        return "0 (spot now)"
    unit = " EM" if mode is ScenarioMode.EXPECTED_MOVES else "%"
    return f"{move:+g}{unit}"


def vol_label(shift: float) -> str:
    """Return a volatility shift as the column header says it: ``+5 vol pts``, ``IV now``."""
    return "IV now" if shift == 0 else f"{shift:+g} vol pts"


def days_label(days: float) -> str:
    """Return a days-forward value as the selector lists it."""
    return "today" if days == 0 else f"+{days:g} days"


class ScenarioModel(QAbstractTableModel):
    """One days-forward slice of a ``ScenarioGrid``: moves down, volatility shifts across."""

    def __init__(self) -> None:
        super().__init__()
        self.grid: ScenarioGrid | None = None
        self.day = 0
        self._largest = 0.0

    def set_grid(self, grid: ScenarioGrid | None, day: int = 0) -> None:
        """Show slice ``day`` (index into ``days_forward``) of ``grid``."""
        self.beginResetModel()
        self.grid = grid
        self.day = day if grid is not None and 0 <= day < grid.days_forward.size else 0
        self._largest = self._scale()
        self.endResetModel()

    def _scale(self) -> float:
        if self.grid is None:
            return 0.0
        values = np.abs(self.grid.pnl[:, :, self.day])
        finite = values[np.isfinite(values)]
        return float(finite.max()) if finite.size else 0.0

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One row per move."""
        return 0 if parent.isValid() or self.grid is None else int(self.grid.moves.size)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One column per volatility shift."""
        return 0 if parent.isValid() or self.grid is None else int(self.grid.vol_shifts.size)

    def value(self, row: int, column: int) -> float:
        """Return the P/L (dollars) of one cell of the slice shown."""
        assert self.grid is not None
        return float(self.grid.pnl[row, column, self.day])

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Moves down the side, volatility shifts across the top."""
        if role != Qt.ItemDataRole.DisplayRole or self.grid is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            shifts = self.grid.vol_shifts
            return vol_label(float(shifts[section])) if 0 <= section < shifts.size else None
        moves = self.grid.moves
        if not 0 <= section < moves.size:
            return None
        return move_label(float(moves[section]), self.grid.mode)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The P/L text, its tint, the raw value and a sentence for the tooltip."""
        if not index.isValid() or self.grid is None:
            return None
        value = self.value(index.row(), index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTRE
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._sentence(index.row(), index.column(), value)
        shown: dict[int, Callable[[float], Any]] = {
            Qt.ItemDataRole.DisplayRole: dollars,
            VALUE_ROLE: float,
            Qt.ItemDataRole.BackgroundRole: self._tint,
        }
        show = shown.get(role)
        return None if show is None else show(value)

    def _tint(self, value: float) -> QColor | None:
        if not math.isfinite(value) or self._largest <= 0 or round(value) == 0:
            return None
        color = QColor(colors().positive if value > 0 else colors().negative)
        strength = math.sqrt(min(abs(value) / self._largest, 1.0))
        color.setAlpha(int(MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * strength))
        return color

    def _sentence(self, row: int, column: int, value: float) -> str:
        assert self.grid is not None
        move = move_label(float(self.grid.moves[row]), self.grid.mode)
        shift = vol_label(float(self.grid.vol_shifts[column]))
        days = days_label(float(self.grid.days_forward[self.day]))
        return f"Underlyings {move}, IV {shift}, {days}: portfolio P/L {dollars(value, 2)}"


class ScenariosTab(QWidget):
    """The heatmap with its days selector, mode line and move sizes per underlying."""

    def __init__(self) -> None:
        super().__init__()
        self.model = ScenarioModel()
        self.sizes = TextTableModel(("Underlying", "1 EM ($/sh)"), numeric=(1,))
        self.days = QComboBox()
        self.days.setAccessibleName("Days forward")
        self.days.currentIndexChanged.connect(self._day_chosen)
        self.mode = QLabel(NO_GRID)
        self.mode.setWordWrap(True)
        self.axes = QLabel()
        self.axes.setObjectName("Muted")
        self.heatmap = self._heatmap()
        self.sizes_view = table_view(self.sizes, "Move size per underlying")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(self._top())
        layout.addWidget(self.axes)
        splitter = QSplitter()
        splitter.addWidget(self.heatmap)
        splitter.addWidget(self.sizes_view)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        self.setFocusProxy(self.heatmap)

    def _top(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("Days forward:"))
        row.addWidget(self.days)
        row.addSpacing(12)
        row.addWidget(self.mode, 1)
        return row

    def _heatmap(self) -> QTableView:
        view = QTableView()
        view.setModel(self.model)
        view.setAccessibleName("Scenario P/L heatmap")
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setShowGrid(True)
        for header in (view.horizontalHeader(), view.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        view.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        return view

    def show_grid(self, grid: ScenarioGrid | None) -> None:
        """Show ``grid`` (keeping the chosen days-forward slice when it still exists)."""
        keep = self.days.currentIndex()
        self.days.blockSignals(True)
        self.days.clear()
        if grid is not None:
            self.days.addItems([days_label(float(d)) for d in grid.days_forward])
            self.days.setCurrentIndex(keep if 0 <= keep < grid.days_forward.size else 0)
        self.days.blockSignals(False)
        self.model.set_grid(grid, max(self.days.currentIndex(), 0))
        self._describe(grid)

    def _day_chosen(self, day: int) -> None:
        if day >= 0 and self.model.grid is not None:
            self.model.set_grid(self.model.grid, day)
            self._sizes(self.model.grid)

    def _describe(self, grid: ScenarioGrid | None) -> None:
        if grid is None:
            self.mode.setText(NO_GRID)
            self.axes.setText("")
            self.sizes.set_rows([])
            return
        if grid.mode is ScenarioMode.EXPECTED_MOVES:
            horizon = (
                f"over {grid.em_horizon_days:g} days" if grid.em_horizon_days
                else "over each column's days forward (at least 1 day)"
            )  # fmt: skip
            self.mode.setText(f"Moves in expected moves (1 EM = one standard deviation {horizon})")
        else:
            self.mode.setText("Moves in percent of each underlying's spot")
        unit = "expected moves" if grid.mode is ScenarioMode.EXPECTED_MOVES else "% of spot"
        self.axes.setText(
            f"Rows: underlying move ({unit}) · Columns: IV shift (vol points) · "
            "Cells: portfolio P/L ($) against the model value now"
        )
        self._sizes(grid)

    def _sizes(self, grid: ScenarioGrid) -> None:
        unit = "1 EM" if grid.mode is ScenarioMode.EXPECTED_MOVES else "1%"
        day = self.model.day
        horizon = days_label(float(grid.days_forward[day]))
        self.sizes.set_headers(("Underlying", f"{unit} at {horizon} ($/sh)"))
        self.sizes.set_rows(
            [(u, number(float(grid.move_sizes[i, day]), 2)) for i, u in enumerate(grid.underlyings)]
        )
