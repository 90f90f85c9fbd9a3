"""The chain panel: symbol box, header, expiration tabs, calls | strike | puts table."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTabBar,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.services.chain_view import ExpiryView
from workstation.ui.docks.chains.columns import COLUMNS
from workstation.ui.docks.chains.delegate import FastCellDelegate
from workstation.ui.docks.chains.header import ChainHeader
from workstation.ui.docks.chains.model import ChainTableModel

ROW_HEIGHT = 22


class ChainTable(QTableView):
    """The table; ``[``/``]`` switch expiration, ``A`` jumps to the money, Enter opens the
    contract under the cursor in the planner (Shift+Enter: a vertical from it)."""

    previous_expiry = Signal()
    next_expiry = Signal()
    jump_to_money = Signal()
    open_requested = Signal(bool)  # vertical?

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Chain shortcuts, then the usual arrows and page keys."""
        key = event.key()
        if key == Qt.Key.Key_BracketLeft:
            self.previous_expiry.emit()
        elif key == Qt.Key.Key_BracketRight:
            self.next_expiry.emit()
        elif key == Qt.Key.Key_A and not event.modifiers():
            self.jump_to_money.emit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.open_requested.emit(shift)
        else:
            super().keyPressEvent(event)


def _sides_caption() -> QHBoxLayout:
    """ "CALLS" over the left half of the table, "PUTS" over the right."""
    row = QHBoxLayout()
    for text, align in (
        ("CALLS", Qt.AlignmentFlag.AlignLeft),
        ("PUTS", Qt.AlignmentFlag.AlignRight),
    ):
        label = QLabel(text)
        label.setObjectName("SectionTitle")
        label.setAlignment(align)
        row.addWidget(label)
    return row


class ChainPanel(QWidget):
    """Everything the chain dock shows; the controller feeds it."""

    symbol_entered = Signal(str)
    expiry_selected = Signal(object)  # date
    columns_changed = Signal(list)
    open_in_planner = Signal(object, float, bool, bool)  # expiry, strike, is_call, vertical

    def __init__(self, model: ChainTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChainPanel")
        self.model = model
        self.symbol = QLineEdit(placeholderText="Symbol")
        self.symbol.setMaximumWidth(110)
        self.symbol.returnPressed.connect(self._enter_symbol)
        self.status = QLabel("Opening workspace…")
        self.status.setObjectName("Muted")
        self.columns_button = QToolButton()
        self.columns_button.setText("Columns")
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.header = ChainHeader()
        self.tabs = QTabBar()
        self.tabs.setExpanding(False)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.table = self._table(model)
        self._expiries: list[date] = []
        self._build()
        self._columns_menu()

    def sizeHint(self) -> QSize:
        """Prefer room for five columns a side (the dock may still be resized)."""
        return QSize(880, 700)

    def _table(self, model: ChainTableModel) -> ChainTable:
        table = ChainTable()
        table.setObjectName("ChainTable")
        table.setModel(model)
        table.setItemDelegate(FastCellDelegate(table))
        table.setShowGrid(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        # never narrower than a wide number: the table scrolls sideways instead of clipping
        header.setMinimumSectionSize(table.fontMetrics().horizontalAdvance("88,888.88") + 14)
        table.previous_expiry.connect(lambda: self.step_expiry(-1))
        table.next_expiry.connect(lambda: self.step_expiry(1))
        table.jump_to_money.connect(self.scroll_to_money)
        table.open_requested.connect(self._open_selected)
        return table

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.symbol)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.columns_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addLayout(bar)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs)
        layout.addLayout(_sides_caption())
        layout.addWidget(self.table, 1)

    def _columns_menu(self) -> None:
        menu = QMenu(self.columns_button)
        for key, column in COLUMNS.items():
            action = QAction(column.header, menu)
            action.setCheckable(True)
            action.setChecked(key in self.model.keys)
            action.setToolTip(column.tooltip)
            action.toggled.connect(lambda _on, k=key: self._toggle_column(k))
            menu.addAction(action)
        self.columns_button.setMenu(menu)

    def _toggle_column(self, key: str) -> None:
        keys = self.model.keys
        keys = [k for k in keys if k != key] if key in keys else [*keys, key]
        ordered = [k for k in COLUMNS if k in keys]
        self.columns_changed.emit(ordered)

    def _enter_symbol(self) -> None:
        text = self.symbol.text().strip().upper()
        if text:
            self.symbol_entered.emit(text)
            self.table.setFocus()

    def show_expiries(self, expiries: tuple[ExpiryView, ...], focus: date | None) -> None:
        """Update the tabs (labels carry days to expiry); keep the focused one selected."""
        days = [e.expiry for e in expiries]
        self.tabs.blockSignals(True)
        if days != self._expiries:
            while self.tabs.count():
                self.tabs.removeTab(0)
            for expiry in expiries:
                self.tabs.addTab(expiry.label)
            self._expiries = days
        else:
            for i, expiry in enumerate(expiries):
                if self.tabs.tabText(i) != expiry.label:  # relabel only when days roll over
                    self.tabs.setTabText(i, expiry.label)
        if focus in days:
            self.tabs.setCurrentIndex(days.index(focus))
        self.tabs.blockSignals(False)

    def _tab_changed(self, index: int) -> None:
        if 0 <= index < len(self._expiries):
            self.expiry_selected.emit(self._expiries[index])

    def step_expiry(self, step: int) -> None:
        """Select the previous (-1) or next (+1) expiration."""
        if self._expiries:
            self.tabs.setCurrentIndex(
                min(max(self.tabs.currentIndex() + step, 0), len(self._expiries) - 1)
            )

    def _open_selected(self, vertical: bool) -> None:
        """Ask for the contract under the cursor: calls left of the strike, puts right of it."""
        expiry, index = self.model.expiry, self.table.currentIndex()
        if expiry is None or not expiry.detailed or not index.isValid():
            return
        strike = float(expiry.strikes[index.row()])
        is_call = index.column() <= self.model.strike_column
        self.open_in_planner.emit(expiry.expiry, strike, is_call, vertical)

    def scroll_to_money(self) -> None:
        """Select and centre the strike nearest the forward."""
        expiry = self.model.expiry
        if expiry is None or expiry.atm_row < 0:
            return
        index = self.model.index(expiry.atm_row, self.model.strike_column)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
