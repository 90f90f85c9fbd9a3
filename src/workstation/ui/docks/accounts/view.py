"""The Accounts panel's widgets: the broker links, the selected broker's reconciliation, actions.

Keys: Enter on a link syncs it now; Alt+L links an account, Alt+S syncs,
Alt+A logs in again, Alt+U unlinks (after a confirmation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.brokers import BrokerName, LinkState, Reconciliation
from workstation.services.sync import LinkStatus
from workstation.ui.dialogs.link_account import dimmed_when_disabled
from workstation.ui.docks.accounts.describe import Tone, broker_title, reconciliation_summary
from workstation.ui.docks.accounts.model import (
    DETAIL_COLUMN,
    STATUS_ROLE,
    LinksModel,
    ReconciliationModel,
    tone_color,
)

Confirm = Callable[[QWidget, str, str], bool]


def ask(parent: QWidget, title: str, question: str) -> bool:
    """Ask a yes/no question in a message box; True for yes."""
    answer = QMessageBox.question(
        parent, title, question, defaultButton=QMessageBox.StandardButton.No
    )
    return answer == QMessageBox.StandardButton.Yes


class LinksTable(QTableView):
    """The broker links; Enter syncs the current one."""

    sync_key = Signal()

    def sizeHint(self) -> QSize:
        """Tall enough for every broker's row and no taller (the reconciliation gets the rest)."""
        rows = max(self.model().rowCount() if self.model() else 0, len(BrokerName))
        height = (
            self.horizontalHeader().sizeHint().height()
            + rows * self.verticalHeader().defaultSectionSize()
            + 2 * self.frameWidth()
            + 4
        )
        return QSize(super().sizeHint().width(), height)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter: Sync now; other keys as usual."""
        if Qt.Key(event.key()) in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.sync_key.emit()
            return
        super().keyPressEvent(event)


class AccountsPanel(QWidget):
    """Shows every broker link and asks for linking, syncing, logging in again and unlinking."""

    link_requested = Signal()
    sync_requested = Signal(str)  # broker
    relogin_requested = Signal(str)  # broker
    unlink_requested = Signal(str)  # broker, after the trader confirmed
    broker_selected = Signal(str)  # broker

    def __init__(self, parent: QWidget | None = None, confirm: Confirm = ask) -> None:
        super().__init__(parent)
        self.setObjectName("AccountsPanel")
        self.setStyleSheet(dimmed_when_disabled())
        self.confirm = confirm
        self.model = LinksModel()
        self.reconciliation = ReconciliationModel()
        self.message = QLabel(wordWrap=True)
        self.table = self._links_table()
        self.summary = QLabel(wordWrap=True)
        self.summary.setContentsMargins(8, 0, 8, 2)
        self.message.setContentsMargins(4, 2, 4, 2)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reconciliation_table = self._reconciliation_table()
        self.buttons = self._buttons()
        self._layout()
        self.model.modelReset.connect(self._rows_reset)
        self.model.dataChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def _links_table(self) -> LinksTable:
        table = LinksTable()
        table.setModel(self.model)
        table.setAccessibleName("Broker links")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DETAIL_COLUMN, QHeaderView.ResizeMode.Stretch)
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        table.sync_key.connect(lambda: self._act("sync"))
        table.doubleClicked.connect(lambda _index: self._act("sync"))
        return table

    def _reconciliation_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.reconciliation)
        table.setAccessibleName("Reconciliation: ledger against broker")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    def _buttons(self) -> dict[str, QPushButton]:
        buttons = {
            "link": QPushButton("&Link account…"),
            "sync": QPushButton("&Sync now"),
            "relogin": QPushButton("Log in &again"),
            "unlink": QPushButton("&Unlink…"),
        }
        buttons["link"].setToolTip("Link a Tastytrade or Schwab account (Alt+L)")
        buttons["sync"].setToolTip("Fetch transactions, positions and balances now (Enter)")
        buttons["relogin"].setToolTip("Log in to the broker again in the browser (Alt+A)")
        buttons["unlink"].setToolTip("Forget the broker's credentials; the ledger stays (Alt+U)")
        for name, button in buttons.items():
            button.clicked.connect(lambda _checked=False, n=name: self._act(n))
        return buttons

    def _layout(self) -> None:
        lower = QWidget()
        box = QVBoxLayout(lower)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        title = QLabel("RECONCILIATION")
        title.setObjectName("SectionTitle")
        box.addWidget(title)
        box.addWidget(self.summary)
        box.addWidget(self.reconciliation_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        for part in (self.table, self.reconciliation_table):  # a short bottom dock must still fit
            part.setMinimumHeight(24)
        actions = QHBoxLayout()
        for button in self.buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        self.message.hide()

    # ------------------------------------------------------------ state
    def selected(self) -> LinkStatus | None:
        """The current link as shown (syncing included), or None."""
        index = self.table.currentIndex()
        return self.model.status(index.row()) if index.isValid() else None

    def select_broker(self, broker: str) -> None:
        """Make ``broker``'s row current."""
        row = self.model.row_of(broker)
        if row is not None:
            self.table.selectRow(row)

    def show_reconciliation(self, broker: str, checks: Sequence[Reconciliation]) -> None:
        """Show the reconciliation of ``broker``'s accounts."""
        self.summary.setText(reconciliation_summary(broker, list(checks)))
        self.reconciliation.set_checks(checks)

    def show_waiting(self, text: str) -> None:
        """Say why there is no reconciliation to show (yet)."""
        self.summary.setText(text)
        self.reconciliation.set_lines([])

    def show_message(self, text: str, tone: Tone = Tone.PLAIN) -> None:
        """Say what just happened (an empty text hides the line)."""
        color = tone_color(tone)
        self.message.setStyleSheet("" if color is None else f"color: {color.name()};")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _rows_reset(self) -> None:
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)
        self._update_buttons()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()
        status = current.data(STATUS_ROLE) if current.isValid() else None
        if status is not None:
            self.broker_selected.emit(status.broker)

    def _update_buttons(self) -> None:
        status = self.selected()
        linked = status is not None and status.state is not LinkState.UNLINKED
        syncing = status is not None and status.state is LinkState.SYNCING
        self.buttons["sync"].setEnabled(linked and not syncing)
        self.buttons["unlink"].setEnabled(linked and not syncing)
        self.buttons["relogin"].setEnabled(
            status is not None
            and (status.state is LinkState.NEEDS_RELOGIN or status.broker == BrokerName.SCHWAB)
        )

    def _act(self, action: str) -> None:
        if action == "link":
            self.link_requested.emit()
            return
        status = self.selected()
        if status is None or not self.buttons[action].isEnabled():
            return
        if action == "sync":
            self.sync_requested.emit(status.broker)
        elif action == "relogin":
            self.relogin_requested.emit(status.broker)
        elif action == "unlink" and self._confirm_unlink(status.broker):
            self.unlink_requested.emit(status.broker)

    def _confirm_unlink(self, broker: str) -> bool:
        name = broker_title(broker)
        return self.confirm(
            self,
            f"Unlink {name}",
            f"Unlink {name}? Its credentials and tokens are removed from the keyring and it "
            "stops syncing. The ledger keeps every transaction already synced.",
        )
