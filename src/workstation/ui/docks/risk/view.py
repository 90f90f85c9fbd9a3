"""The Risk panel: an account selector and Refresh on top, four tabs, a status line.

Tabs: Positions, Greeks, Scenarios, Accounts. Keyboard: F5 refreshes, Alt+1…
Alt+4 or Ctrl+PgUp/PgDn switch tabs. The panel keeps no state of its own:
refresh, the account choice and regime changes are signals for the
controller, which answers with ``show_report``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.risk import RiskReport
from workstation.ui.docks.risk.accounts import AccountsTab
from workstation.ui.docks.risk.formatting import moment_text
from workstation.ui.docks.risk.greeks import GreeksTab
from workstation.ui.docks.risk.positions import PositionsModel
from workstation.ui.docks.risk.positions_tab import PositionsTab
from workstation.ui.docks.risk.scenarios import ScenariosTab
from workstation.ui.theme import colors

TAB_TITLES = ("Positions", "Greeks", "Scenarios", "Accounts")
ALL_ACCOUNTS = "All accounts"
EMPTY = "Loading risk… (F5 refreshes)"


class RiskPanel(QWidget):
    """Everything the Risk dock shows; ``show_report`` fills it from one report."""

    refresh_requested = Signal()
    account_changed = Signal(object)  # the account id, or None for every account
    regime_requested = Signal(str, str, object)  # broker, account, RuleRegime or None

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("RiskPanel")
        self.report: RiskReport | None = None
        self.positions = PositionsTab(PositionsModel())
        self.greeks = GreeksTab()
        self.scenarios = ScenariosTab()
        self.accounts = AccountsTab()
        self.account = QComboBox()
        self.account.setAccessibleName("Account")
        self.account.addItem(ALL_ACCOUNTS, None)
        self.account.activated.connect(self._account_chosen)
        self.refresh = QPushButton("Refresh")
        self.refresh.setToolTip("Refresh the risk report (F5)")
        self.refresh.clicked.connect(self.refresh_requested)
        self.status = QLabel(EMPTY)
        self.status.setObjectName("Muted")
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.tabs = self._make_tabs()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(self._top())
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        self.accounts.regime_requested.connect(self.regime_requested)
        self._shortcuts()

    def _top(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("Account:"))
        row.addWidget(self.account)
        row.addStretch(1)
        row.addWidget(self.refresh)
        return row

    def _make_tabs(self) -> QTabWidget:
        tabs = QTabWidget()
        tabs.setDocumentMode(True)
        pages = (self.positions, self.greeks, self.scenarios, self.accounts)
        for number, (page, title) in enumerate(zip(pages, TAB_TITLES, strict=True), start=1):
            tabs.addTab(page, title)
            tabs.setTabToolTip(number - 1, f"{title}  Alt+{number}")
        return tabs

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        bindings: list[tuple[str, Callable[[], None]]] = [
            ("F5", self.refresh_requested.emit),
            ("Ctrl+PgDown", partial(self.step_tab, 1)),
            ("Ctrl+PgUp", partial(self.step_tab, -1)),
        ]
        bindings += [(f"Alt+{n + 1}", partial(self.show_tab, n)) for n in range(len(TAB_TITLES))]
        for keys, slot in bindings:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    def show_tab(self, index: int) -> None:
        """Show tab ``index`` (0-based) and put the keyboard in it."""
        self.tabs.setCurrentIndex(index)
        self.tabs.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def step_tab(self, step: int) -> None:
        """Show the next (1) or previous (-1) tab, wrapping around."""
        self.show_tab((self.tabs.currentIndex() + step) % self.tabs.count())

    # ------------------------------------------------------------ accounts
    def set_accounts(self, accounts: Sequence[str]) -> None:
        """List ``accounts`` after "All accounts", keeping the current choice."""
        chosen = self.account.currentData()
        self.account.clear()
        self.account.addItem(ALL_ACCOUNTS, None)
        for account in accounts:
            self.account.addItem(account, account)
        found = self.account.findData(chosen) if chosen is not None else 0
        self.account.setCurrentIndex(max(found, 0))

    def _account_chosen(self, index: int) -> None:
        self.account_changed.emit(self.account.itemData(index))

    # ------------------------------------------------------------ report
    def show_report(self, report: RiskReport) -> None:
        """Fill every tab from ``report``."""
        self.report = report
        self.positions.show_report(report)
        self.greeks.show_report(report)
        self.scenarios.show_grid(report.scenario)
        self.accounts.show_accounts(report.accounts)
        self._status(report)

    def _status(self, report: RiskReport) -> None:
        warnings = len(report.warnings) + sum(len(a.warnings) for a in report.accounts)
        problems = len(report.problems)
        self.status.setText(
            f"As of {moment_text(report.as_of)} · {len(report.positions)} positions · "
            f"{warnings} warnings · {problems} market-data problems · F5 refreshes"
        )
        self.status.setToolTip("\n".join(report.problems) or "No market-data problems")
        tint = f"color: {colors().stale.name()};" if warnings or problems else ""
        self.status.setStyleSheet(tint)

    def show_failure(self, message: str) -> None:
        """Say in the status line that the last refresh failed (the old report stays)."""
        self.status.setText(f"Refresh failed: {message} · F5 to try again")
        self.status.setStyleSheet(f"color: {colors().negative.name()};")
