"""Dashboard view: feed line, indices table, watchlist table."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.ui.docks.dashboard.model import Column, QuoteTableModel

ROW_HEIGHT = 24
NAME_MIN_WIDTH = 120  # room for the long name beside the numbers
# Widest text each column usually shows; fixed widths keep numbers from jittering as they tick.
COLUMN_SAMPLES = {
    Column.SYMBOL: "SYMBOLS",
    Column.LAST: "88,888.88",
    Column.CHANGE: "+8,888.88",
    Column.CHANGE_PCT: "+88.88%",
    Column.BID: "88,888.88",
    Column.ASK: "88,888.88",
    Column.VOLUME: "888.88M",
    Column.UPDATED: "stale since 88:88",
}


def _section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("SectionTitle")
    return label


def _quote_table(model: QuoteTableModel, name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setMinimumSectionSize(40)
    metrics = table.fontMetrics()
    for column, sample in COLUMN_SAMPLES.items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, metrics.horizontalAdvance(sample) + 18)
    header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
    return table


class DashboardView(QWidget):
    """Indices and watchlist quotes; the controller fills the models."""

    def __init__(
        self, indices: QuoteTableModel, watchlist: QuoteTableModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("DashboardView")
        self.feed_label = QLabel("Opening workspace…")
        self.feed_label.setObjectName("Muted")
        self.indices_table = _quote_table(indices, "IndicesTable")
        self.watchlist_table = _quote_table(watchlist, "WatchlistTable")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.feed_label)
        layout.addWidget(_section_title("INDICES"))
        layout.addWidget(self.indices_table)
        layout.addWidget(_section_title("WATCHLIST"))
        layout.addWidget(self.watchlist_table, 1)
        self.fit_indices()
        indices.modelReset.connect(self.fit_indices)
        header = self.watchlist_table.horizontalHeader()
        self._preferred_width = sum(header.sectionSize(c) for c in COLUMN_SAMPLES) + NAME_MIN_WIDTH

    def sizeHint(self) -> QSize:
        """Prefer a width that shows every column (the dock may still be narrowed)."""
        return QSize(self._preferred_width, 420)

    def fit_indices(self) -> None:
        """Size the indices table to its rows so the watchlist gets the rest."""
        rows = self.indices_table.model().rowCount()
        header = self.indices_table.horizontalHeader().sizeHint().height()
        self.indices_table.setFixedHeight(header + rows * ROW_HEIGHT + 4)

    def show_feed(self, text: str, tooltip: str = "") -> None:
        """Show the feed state line."""
        self.feed_label.setText(text)
        self.feed_label.setToolTip(tooltip)
