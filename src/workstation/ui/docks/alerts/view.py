"""The Alerts panel's widgets: source filter, alert table, the selected alert's story, actions.

Keys in the table: Enter opens the chart at the alert's bar, P plans the
suggested setup, Space marks the alert seen.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.alerts import Alert
from workstation.ui.docks.alerts.describe import chart_target, detail_html, plan_line
from workstation.ui.docks.alerts.model import ALERT_ROLE, SOURCE_COLUMN, AlertsModel

ALL_SOURCES = "All sources"


class AlertTable(QTableView):
    """The alert list, with the panel's keys."""

    activated_key = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter: chart; P: plan; Space: seen; other keys as usual."""
        keys = {Qt.Key.Key_Return: "chart", Qt.Key.Key_Enter: "chart",
                Qt.Key.Key_P: "plan", Qt.Key.Key_Space: "seen"}  # fmt: skip
        action = keys.get(Qt.Key(event.key()))
        if action is None:
            super().keyPressEvent(event)
            return
        self.activated_key.emit(action)


class AlertsPanel(QWidget):
    """Lists alerts and asks for the chart, the planner or "seen" for the selected one."""

    chart_requested = Signal(object)  # ChartTarget
    plan_requested = Signal(str)  # a /plan command line
    seen_requested = Signal(list)  # alert ids
    pause_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AlertsPanel")
        self.model = AlertsModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(SOURCE_COLUMN)
        self.sources = QComboBox()
        self.sources.addItem(ALL_SOURCES)
        self.sources.currentTextChanged.connect(self._filter)
        self.unseen = QLabel()
        self.pause = QCheckBox("Pause alerts")
        self.pause.toggled.connect(self.pause_toggled)
        self.table = self._table()
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.buttons = self._buttons()
        self._layout()
        self.model.modelReset.connect(self._refresh_chrome)
        self.model.rowsInserted.connect(self._refresh_chrome)
        self.model.dataChanged.connect(self._refresh_chrome)
        self._refresh_chrome()

    def _table(self) -> AlertTable:
        table = AlertTable()
        table.setModel(self.proxy)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        table.doubleClicked.connect(lambda _index: self._act("chart"))
        table.activated_key.connect(self._act)
        return table

    def _buttons(self) -> dict[str, QPushButton]:
        buttons = {
            "chart": QPushButton("Open chart at bar"),
            "plan": QPushButton("Plan setup"),
            "seen": QPushButton("Mark seen"),
            "all": QPushButton("Mark all seen"),
        }
        buttons["chart"].setToolTip("Open the structure chart at the bar that fired (Enter)")
        buttons["plan"].setToolTip("Open the suggested setup in the planner (P)")
        buttons["seen"].setToolTip("Mark the selected alerts seen (Space)")
        for name, button in buttons.items():
            button.clicked.connect(lambda _checked=False, n=name: self._act(n))
        return buttons

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Show"))
        top.addWidget(self.sources)
        top.addWidget(self.unseen, 1)
        top.addWidget(self.pause)
        actions = QHBoxLayout()
        for button in self.buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        for part in (self.table, self.detail):  # a short bottom dock must still fit
            part.setMinimumHeight(24)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(actions)

    # ------------------------------------------------------------ state
    def selected(self) -> list[Alert]:
        """The selected alerts (the current one when none is selected)."""
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        if not rows and self.table.currentIndex().isValid():
            rows = {self.table.currentIndex().row()}
        return [self.proxy.index(r, 0).data(ALERT_ROLE) for r in sorted(rows)]

    def show_failure(self, message: str) -> None:
        """Say in the detail pane that alerts could not be loaded."""
        self.detail.setPlainText(f"Alerts could not be loaded: {message}")

    def _filter(self, source: str) -> None:
        text = "" if source == ALL_SOURCES else source
        self.proxy.setFilterFixedString(text)

    def _refresh_chrome(self, *_args: object) -> None:
        count = self.model.unseen()
        total = len(self.model.alerts)
        self.unseen.setText(f"{count} not seen of {total}" if total else "No alerts yet")
        known = {self.sources.itemText(i) for i in range(self.sources.count())}
        for source in sorted({a.source for a in self.model.alerts} - known):
            self.sources.addItem(source)
        self._update_buttons()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        alert = current.data(ALERT_ROLE) if current.isValid() else None
        self.detail.setHtml(detail_html(alert) if alert is not None else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected()
        first = chosen[0] if chosen else None
        self.buttons["chart"].setEnabled(first is not None and chart_target(first) is not None)
        self.buttons["plan"].setEnabled(first is not None and plan_line(first) is not None)
        self.buttons["seen"].setEnabled(any(a.acknowledged_at is None for a in chosen))
        self.buttons["all"].setEnabled(self.model.unseen() > 0)

    def _act(self, action: str) -> None:
        chosen = self.selected()
        if action == "all":
            self.seen_requested.emit([a.id for a in self.model.alerts if a.acknowledged_at is None])
            return
        if not chosen:
            return
        if action == "seen":
            self.seen_requested.emit([a.id for a in chosen if a.acknowledged_at is None])
        elif action == "chart" and (target := chart_target(chosen[0])) is not None:
            self.chart_requested.emit(target)
        elif action == "plan" and (line := plan_line(chosen[0])) is not None:
            self.plan_requested.emit(line)
