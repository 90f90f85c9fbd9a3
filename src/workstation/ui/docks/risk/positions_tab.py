"""The Positions tab: portfolio totals, the position tree, and the exit details of the selection."""

from __future__ import annotations

import math

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.risk import RiskReport
from workstation.ui.docks.risk.positions import (
    ACCOUNT_COLUMN,
    COLUMNS,
    SORT_ROLE,
    PositionsModel,
    exit_details,
    totals_text,
)

HEADER_PAD = 24  # pixels around a column title (the themes pad 8 each side)
DETAIL_HINT = "Select a position to see its exit rules and, at 0–1 DTE, the expiry advice."


class PositionsTab(QWidget):
    """Totals line above, the tree in the middle, the selected position's exit details below."""

    def __init__(self, model: PositionsModel) -> None:
        super().__init__()
        self.model = model
        self.totals = QLabel("No report yet")
        self.totals.setObjectName("RiskTotals")
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.totals.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.hide()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.tree = self._make_tree()
        model.modelReset.connect(self.tree.expandAll)  # legs in view; the proxy resets first
        self.detail = QPlainTextEdit(readOnly=True, placeholderText=DETAIL_HINT)
        self.detail.setAccessibleName("Exit details")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.totals)
        layout.addWidget(self.warnings)
        layout.addWidget(splitter, 1)
        self.setFocusProxy(self.tree)

    def _make_tree(self) -> QTreeView:
        tree = QTreeView()
        tree.setModel(self.proxy)
        tree.setSortingEnabled(True)
        tree.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the report's order until a click
        tree.setUniformRowHeights(True)
        tree.setAccessibleName("Open positions")
        header = tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        tree.selectionModel().currentChanged.connect(self._selected)
        return tree

    def show_report(self, report: RiskReport) -> None:
        """Fill the totals, the tree and the warnings from ``report``."""
        beta = math.isfinite(report.benchmark_price)
        self.totals.setText(
            f"<b>Portfolio</b> ({len(report.positions)} positions)   "
            + totals_text(report.exposure.portfolio, beta)
        )
        self.model.set_positions(report.positions, report.today)
        self._fit_columns()
        notes = [*report.warnings, *(f"not priced: {s}" for s in report.left_out)]
        self.warnings.setText("<br>".join(f"<b>⚠ {_escape(w)}</b>" for w in notes))
        self.warnings.setVisible(bool(notes))
        self._selected()

    def _fit_columns(self) -> None:
        # One account: its column says nothing the selector does not.
        accounts = {risk.position.account for risk in self.model.positions}
        self.tree.setColumnHidden(ACCOUNT_COLUMN, len(accounts) <= 1)
        # The header's own size hint reserves room for a sort arrow on every column;
        # fitting to the title text and the cells keeps all fifteen columns in view.
        font = self.tree.header().font()
        font.setBold(True)  # the themes draw titles semi-bold
        metrics = QFontMetrics(font)
        for column, spec in enumerate(COLUMNS):
            title = metrics.horizontalAdvance(spec.header) + HEADER_PAD
            self.tree.setColumnWidth(column, max(title, self.tree.sizeHintForColumn(column)))

    def _selected(self, *_: object) -> None:
        index = self.proxy.mapToSource(self.tree.currentIndex())
        risk = self.model.position_at(index)
        self.detail.setPlainText("" if risk is None else exit_details(risk))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
