"""The planner panel: plan input, ranked candidates, payoff chart, legs, reasons, guardrails, order.

Keyboard: type ``SPY bull 30`` and Enter; Up/Down pick a candidate; Tab to
the legs, where Left/Right move the selected leg's strike, W / Shift+W
widen / narrow, ``[`` / ``]`` change the expiration (Ctrl: the selected leg
only), F flips long/short, Delete removes a leg and Insert types a new one.
Ctrl+S saves the plan (a blocked trade asks for an override reason first),
Ctrl+Shift+C copies the order in the chosen format.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation.ui.docks.planner.models import CandidatesModel, LegsModel
from workstation.ui.widgets.payoff_chart import PayoffChart

ROW_HEIGHT = 22
ORDER_FORMATS = (("tastytrade", "Tastytrade JSON"), ("schwab", "Schwab JSON"), ("ticket", "Ticket"))
KEYS_HELP = (
    "←/→ strike · W/⇧W width · [ ] expiry (Ctrl: this leg) · F flip · Del remove · Ins add a leg"
)


class LegTable(QTableView):
    """The legs; editing keys become ``edit`` signals (operation, step)."""

    leg_edit = Signal(str, int)
    add_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Map the planner's editing keys; everything else as usual."""
        key, mods = Qt.Key(event.key()), event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        actions = {
            Qt.Key.Key_Left: ("strike", -1),
            Qt.Key.Key_Right: ("strike", 1),
            Qt.Key.Key_W: ("width", -1 if shift else 1),
            Qt.Key.Key_BracketLeft: ("leg_expiry" if ctrl else "expiry", -1),
            Qt.Key.Key_BracketRight: ("leg_expiry" if ctrl else "expiry", 1),
            Qt.Key.Key_F: ("flip", 0),
            Qt.Key.Key_Delete: ("remove", 0),
        }
        if key in actions:
            self.leg_edit.emit(*actions[key])
        elif key == Qt.Key.Key_Insert:
            self.add_requested.emit()
        else:
            super().keyPressEvent(event)


def _table(view: QTableView, model: QAbstractItemModel) -> QTableView:
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    view.setShowGrid(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return view


class PlannerPanel(QWidget):
    """Everything the planner dock shows; the controller feeds it and handles its signals."""

    plan_requested = Signal(str)
    candidate_selected = Signal(int)
    edit_requested = Signal(str, int, int)  # operation, step, leg row
    leg_typed = Signal(str)
    save_requested = Signal(str, int)  # override reason, contracts
    order_format_changed = Signal(str)
    copy_order = Signal(str)
    save_order = Signal(str)

    def __init__(self, candidates: CandidatesModel, legs: LegsModel) -> None:
        super().__init__()
        self.setObjectName("PlannerPanel")
        self.candidates_model, self.legs_model = candidates, legs
        self.input = QLineEdit(placeholderText="SYMBOL BIAS DTE — e.g. SPY bull 30")
        self.input.returnPressed.connect(self._submit)
        self.status = QLabel("Plan a trade: type a symbol, bull/bear/neutral and days, then Enter")
        self.status.setObjectName("Muted")
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.decision = QLabel("")
        self.decision.setObjectName("Muted")
        self.decision.setWordWrap(True)
        self.candidates = _table(QTableView(), candidates)
        self.candidates.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.candidate_selected.emit(current.row())
        )
        self.chart = PayoffChart()
        self.numbers = QLabel("")
        self.numbers.setObjectName("Metric")
        self.numbers.setWordWrap(True)
        self.legs = LegTable()
        _table(self.legs, legs)
        self.legs.leg_edit.connect(
            lambda op, step: self.edit_requested.emit(op, step, self.leg_row())
        )
        self.legs.add_requested.connect(self.focus_add_leg)
        self.add_leg = QLineEdit(placeholderText="Add a leg: +1 C 750  or  -1 P 700 DEC18")
        self.add_leg.returnPressed.connect(self._typed_leg)
        self.guard = _GuardBox()
        self.guard.save.clicked.connect(self._save)
        self.sizing = QLabel("")
        self.sizing.setObjectName("Muted")
        self.sizing.setWordWrap(True)
        self.why = QTextBrowser()
        self.order = _OrderBox()
        self.order.format.currentIndexChanged.connect(
            lambda i: self.order_format_changed.emit(ORDER_FORMATS[i][0])
        )
        self.order.copy.clicked.connect(lambda: self.copy_order.emit(self.order_format()))
        self.order.save.clicked.connect(lambda: self.save_order.emit(self.order_format()))
        self._build()
        self._shortcuts()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Plan"))
        bar.addWidget(self.input, 2)
        bar.addWidget(self.status, 3)
        trade = QWidget()
        trade_layout = QVBoxLayout(trade)
        trade_layout.setContentsMargins(0, 4, 0, 0)
        trade_layout.addWidget(self.legs, 1)
        trade_layout.addWidget(self.add_leg)
        hint = QLabel(KEYS_HELP)
        hint.setObjectName("Muted")
        hint.setWordWrap(True)
        trade_layout.addWidget(hint)
        trade_layout.addWidget(self.guard)
        trade_layout.addWidget(self.sizing)
        self.tabs = QTabWidget()
        self.tabs.addTab(trade, "Trade")
        self.tabs.addTab(self.why, "Why")
        self.tabs.addTab(self.order, "Order")
        chart = QWidget()
        chart_layout = QVBoxLayout(chart)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addWidget(self.chart, 1)
        chart_layout.addWidget(self.numbers)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(chart)
        lower.addWidget(self.tabs)
        lower.setSizes([560, 440])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.candidates)
        split.addWidget(lower)
        split.setSizes([190, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.decision)
        layout.addWidget(split, 1)

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            ("Ctrl+S", self._save_or_ask),
            ("Ctrl+Shift+C", lambda: self.copy_order.emit(self.order_format())),
            ("Ctrl+E", lambda: self.tabs.setCurrentWidget(self.order)),
            ("Ctrl+L", self.focus_add_leg),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # ------------------------------------------------------------------ actions
    def _submit(self) -> None:
        text = self.input.text().strip()
        if text:
            self.plan_requested.emit(text)

    def _typed_leg(self) -> None:
        text = self.add_leg.text().strip()
        if text:
            self.leg_typed.emit(text)

    def _save(self) -> None:
        self.save_requested.emit(self.guard.reason.text(), self.guard.quantity.value())

    def _save_or_ask(self) -> None:
        if self.guard.reason.isVisible() and not self.guard.reason.text().strip():
            self.tabs.setCurrentIndex(0)
            self.guard.reason.setFocus()
            return
        self._save()

    def focus_add_leg(self) -> None:
        """Put the cursor in the add-leg box."""
        self.tabs.setCurrentIndex(0)
        self.add_leg.setFocus()
        self.add_leg.selectAll()

    def leg_row(self) -> int:
        """The selected leg (0 when none is)."""
        row = self.legs.currentIndex().row()
        return max(row, 0)

    def select_leg(self, row: int) -> None:
        """Keep the edited leg selected after the table refreshes."""
        if 0 <= row < self.legs_model.rowCount():
            self.legs.setCurrentIndex(self.legs_model.index(row, 0))

    def select_candidate(self, row: int) -> None:
        """Select candidate ``row`` without re-emitting a selection."""
        if 0 <= row < self.candidates_model.rowCount():
            self.candidates.blockSignals(True)
            self.candidates.selectRow(row)
            self.candidates.blockSignals(False)

    def order_format(self) -> str:
        """The chosen order format key."""
        return ORDER_FORMATS[self.order.format.currentIndex()][0]


class _GuardBox(QFrame):
    """Guardrail verdict for the trade: findings, an override reason when blocked, Save."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("GuardBox")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.reason = QLineEdit(
            placeholderText="Blocked: type why you override (saved with the plan)"
        )
        self.quantity = QSpinBox(minimum=1, maximum=10_000, value=1, prefix="× ")
        self.quantity.setToolTip("Contracts (units of the structure) to save and export")
        self.save = QPushButton("Save plan  Ctrl+S")
        row = QHBoxLayout()
        row.addWidget(self.reason, 1)
        row.addWidget(self.quantity)
        row.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.reason.hide()


class _OrderBox(QWidget):
    """Order export: format, preview, copy, save."""

    def __init__(self) -> None:
        super().__init__()
        self.format = QComboBox()
        for _key, label in ORDER_FORMATS:
            self.format.addItem(label)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.copy = QPushButton("Copy  Ctrl+Shift+C")
        self.save = QPushButton("Save…")
        self.note = QLabel("Templates only: nothing is sent to a broker.")
        self.note.setObjectName("Muted")
        row = QHBoxLayout()
        row.addWidget(self.format)
        row.addStretch(1)
        row.addWidget(self.copy)
        row.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.note)
