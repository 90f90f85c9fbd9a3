"""The Trades tab: the strategy tree, its filter, and the transactions behind the selection.

Keyboard: type in the filter box (Ctrl+F) and press Down to reach the tree;
Right/Left expand and collapse a trade; F2 renames it; Ctrl+T edits its
tags; Ctrl+G asks to regroup the selected trades; the context menu has the
same actions.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.pnl import LedgerView
from workstation.ui.docks.pnl.models import TransactionsModel, transaction_lines
from workstation.ui.docks.pnl.tabs import make_table, muted
from workstation.ui.docks.pnl.trade_rows import HEADERS, Col
from workstation.ui.docks.pnl.trade_tree import TradeTreeModel

ALL_UNDERLYINGS = "All underlyings"
WIDTHS = {  # characters per column: fixed, so 20,000 rows are never measured
    Col.NAME: 58,
    Col.STATUS: 9,
    Col.OPENED: 11,
    Col.CLOSED: 11,
    Col.REALIZED: 12,
    Col.UNREALIZED: 12,
    Col.TOTAL: 12,
    Col.FEES: 9,
    Col.ROLLS: 20,
}


class TradesTab(QWidget):
    """Strategies as a tree (legs, lots, closing matches) with their transactions below."""

    regroup_requested = Signal(tuple)  # ids of the selected trades

    def __init__(self, model: TradeTreeModel, transactions: TransactionsModel) -> None:
        super().__init__()
        self.model, self.transactions = model, transactions
        self.view: LedgerView | None = None
        self.underlying = QComboBox()
        self.underlying.addItem(ALL_UNDERLYINGS)
        self.filter = QLineEdit(placeholderText="Filter: words in name, strategy, tags, account…")
        self.filter.setClearButtonEnabled(True)
        self.count = muted()
        self.tree = self._make_tree()
        self.detail_title = muted("Select a trade, lot or close to list its transactions")
        self.detail = make_table(transactions)
        self.underlying.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.filter.textChanged.connect(lambda _t: self._apply_filter())
        self.filter.returnPressed.connect(self.tree.setFocus)
        self._actions()
        self._build()

    def _make_tree(self) -> QTreeView:
        tree = QTreeView()
        tree.setModel(self.model)
        tree.setUniformRowHeights(True)  # lets the view skip measuring rows it does not show
        tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._menu)
        header = tree.header()
        header.setStretchLastSection(True)
        header.setSortIndicator(Col.OPENED, Qt.SortOrder.DescendingOrder)
        tree.setSortingEnabled(True)
        width = tree.fontMetrics().averageCharWidth()
        bold = header.font()
        bold.setBold(True)
        title = QFontMetrics(bold)
        for column, chars in WIDTHS.items():
            wanted = max(chars * width, title.horizontalAdvance(HEADERS[column])) + 24
            header.resizeSection(column, wanted)
        tree.selectionModel().selectionChanged.connect(self._selected)
        return tree

    def _actions(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.rename = QAction("Rename…", self, shortcut=QKeySequence("F2"))
        self.rename.triggered.connect(lambda: self.edit_current(Col.NAME))
        self.edit_tags = QAction("Edit tags…", self, shortcut=QKeySequence("Ctrl+T"))
        self.edit_tags.triggered.connect(lambda: self.edit_current(Col.TAGS))
        self.regroup = QAction("Regroup selected trades", self, shortcut=QKeySequence("Ctrl+G"))
        self.regroup.triggered.connect(self.request_regroup)
        self.find_action = QAction("Filter", self, shortcut=QKeySequence("Ctrl+F"))
        self.find_action.triggered.connect(self.focus_filter)
        for action in (self.rename, self.edit_tags, self.regroup, self.find_action):
            action.setShortcutContext(context)
            self.addAction(action)

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.underlying)
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.count)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.detail_title)
        lower_layout.addWidget(self.detail, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(lower)
        split.setSizes([560, 220])
        hint = QLabel("F2 rename · Ctrl+T tags · Ctrl+G regroup · Ctrl+F filter · → expand")
        hint.setObjectName("Muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(hint)

    # ------------------------------------------------------------------ snapshot
    def show_view(self, view: LedgerView) -> None:
        """Show the view's trades, keeping the filter, the sort and the selected trade."""
        self.view = view
        selected = self.model.trade(self.tree.currentIndex())
        self._fill_underlyings()
        self.model.set_trades(view.trades)
        if selected is not None and not self.tree.currentIndex().isValid():
            found = self.model.index_of(selected.id)
            if found.isValid():
                self.tree.setCurrentIndex(found)
        self._count()
        self._show_transactions(self.tree.currentIndex())

    def _fill_underlyings(self) -> None:
        assert self.view is not None
        names = sorted({t.underlying for t in self.view.trades})
        shown = [self.underlying.itemText(i) for i in range(1, self.underlying.count())]
        if names == shown:
            return
        current = self.underlying.currentText()
        self.underlying.blockSignals(True)
        self.underlying.clear()
        self.underlying.addItems([ALL_UNDERLYINGS, *names])
        self.underlying.setCurrentIndex(max(self.underlying.findText(current), 0))
        self.underlying.blockSignals(False)
        self._apply_filter()

    def _apply_filter(self) -> None:
        chosen = self.underlying.currentText()
        self.model.set_filter(self.filter.text(), "" if chosen == ALL_UNDERLYINGS else chosen)
        self._count()

    def _count(self) -> None:
        total = len(self.model.trades)
        shown = self.model.visible_count
        self.count.setText(
            f"{shown:,} of {total:,} trades" if shown != total else f"{total:,} trades"
        )

    # ------------------------------------------------------------------ selection and actions
    def _selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_transactions(self.tree.currentIndex())

    def _show_transactions(self, index: QModelIndex) -> None:
        keys = self.model.transaction_keys(index)
        if self.view is None or not keys:
            self.transactions.set_rows(())
            self.detail_title.setText("Select a trade, lot or close to list its transactions")
            return
        self.transactions.set_rows(transaction_lines(self.view, keys))
        child = self.model.child(index)
        what = child.cells[0] if child is not None else index.siblingAtColumn(0).data()
        self.detail_title.setText(f"{what}: {len(keys):,} transactions")

    def focus_filter(self) -> None:
        """Put the cursor in the filter box with its text selected."""
        self.filter.setFocus()
        self.filter.selectAll()

    def edit_current(self, column: Col) -> None:
        """Start editing the current trade's name or tags in place."""
        index = self.tree.currentIndex()
        if not index.isValid():
            return
        if index.parent().isValid():
            index = index.parent()
        target = self.model.index(index.row(), column)
        # NoUpdate: the shortcut's Ctrl must not turn this into a selection toggle.
        self.tree.selectionModel().setCurrentIndex(
            target, QItemSelectionModel.SelectionFlag.NoUpdate
        )
        self.tree.edit(target)

    def selected_ids(self) -> tuple[str, ...]:
        """Return the ids of the selected trades (a selected child counts as its trade)."""
        ids: dict[str, None] = {}
        for index in self.tree.selectionModel().selectedRows():
            trade = self.model.trade(index)
            if trade is not None:
                ids[trade.id] = None
        return tuple(ids)

    def request_regroup(self) -> None:
        """Ask for the selected trades to be grouped again (the controller decides how)."""
        self.regroup_requested.emit(self.selected_ids())

    def _menu(self, point: QPoint) -> None:
        menu = QMenu(self)
        for action in (self.rename, self.edit_tags, self.regroup):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction("Expand all", self.tree.expandAll)
        menu.addAction("Collapse all", self.tree.collapseAll)
        menu.popup(self.tree.viewport().mapToGlobal(point))
