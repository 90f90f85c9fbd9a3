"""The windowed application: shell first, then the workspace, then live data.

Start-up order keeps the first paint fast: Qt and the shell (no numpy, no
database) are built and painted first; the loop, the store, the calendar and
the simulator come after, off the GUI thread where they block.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QApplication,
    QMessageBox,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from workstation import PRODUCT
from workstation.app.instance import InstanceLock
from workstation.app.workspace import WorkspaceTarget
from workstation.commands.catalog import default_registry
from workstation.config.paths import resources_dir
from workstation.ui.docks.chains.panel import ChainDock
from workstation.ui.docks.dashboard.panel import DashboardPanel
from workstation.ui.docks.planner.panel import PlannerDock
from workstation.ui.layout_store import LayoutStore
from workstation.ui.main_window import MainWindow
from workstation.ui.theme import apply_theme
from workstation.ui.toast import ToastNotifier
from workstation.ui.tray import TrayNotifier

if TYPE_CHECKING:
    from workstation.app.loop import TaskSupervisor
    from workstation.app.runtime import Runtime
    from workstation.ui.docks.accounts.panel import AccountsDock
    from workstation.ui.docks.alerts.panel import AlertsDock
    from workstation.ui.docks.pnl.panel import PnlDock
    from workstation.ui.docks.risk.panel import RiskDock
    from workstation.ui.docks.structure.controller import Spawn, StructureFeed
    from workstation.ui.docks.structure.panel import StructureDock

EXIT_IN_USE = 3
PAINT_TIMEOUT_S = 3.0


# Messages Qt's offscreen platform prints about abilities it lacks; nothing is wrong.
BENIGN_QT_MESSAGES = ("This plugin does not support",)
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Send Qt's own messages to the log instead of stderr."""
    if not message.startswith(BENIGN_QT_MESSAGES):
        logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), message)


def qt_application() -> QApplication:
    """Return the process's QApplication, creating it once."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    qInstallMessageHandler(_qt_message)
    app = QApplication(sys.argv[:1])
    app.setApplicationName(PRODUCT)
    app.setOrganizationName("Volaris")
    app.setQuitOnLastWindowClosed(False)  # quitting goes through the clean shutdown
    return app


class FirstPaint(QObject):
    """Notes when the watched window first paints."""

    def __init__(self, window: QObject) -> None:
        super().__init__(window)
        self.painted_at: float | None = None
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Record the first paint event."""
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.perf_counter()
        return False

    def wait(self, app: QApplication, timeout: float = PAINT_TIMEOUT_S) -> float | None:
        """Process events until the window has painted; return when it did."""
        deadline = time.perf_counter() + timeout
        while self.painted_at is None and time.perf_counter() < deadline:
            app.processEvents()
        return self.painted_at


class Shell:
    """The window and its panels, before and after the workspace opens."""

    def __init__(self, target: WorkspaceTarget, size: tuple[int, int] | None = None) -> None:
        self.target = target
        self.app = qt_application()
        self.layout = LayoutStore(target.folder)
        apply_theme(self.app, self.layout.theme())
        self.icon = QIcon(str(resources_dir() / "icons" / "volaris.svg"))
        self.app.setWindowIcon(self.icon)
        self.registry = default_registry()
        self.window = MainWindow(self.layout, self.registry, self.icon)
        self.dashboard = DashboardPanel.create()
        self.window.add_panel(
            "dashboard", "Dashboard", self.dashboard.view, area="left", shortcut="Ctrl+1"
        )
        self.chains = ChainDock.create(self.layout)
        chains = self.window.add_panel(
            "chains", "Option chain", self.chains.view, area="right", shortcut="Ctrl+2"
        )
        self.planner = PlannerDock.create()
        planner = self.window.add_panel(
            "planner", "Planner", self.planner.view, area="right", shortcut="Ctrl+3"
        )
        self.window.tabifyDockWidget(chains, planner)
        # The P&L panel is built once the workspace is open (after first paint).
        self.pnl: PnlDock | None = None
        self.pnl_host = _host()
        pnl = self.window.add_panel("pnl", "P&&L", self.pnl_host, area="right", shortcut="Ctrl+4")
        self.window.tabifyDockWidget(planner, pnl)
        # So is the Risk panel (built the first time it is shown).
        self.risk: RiskDock | None = None
        self.risk_host = _host()
        risk = self.window.add_panel(
            "risk", "Risk", self.risk_host, area="right", shortcut="Ctrl+5"
        )
        self.window.tabifyDockWidget(pnl, risk)
        # Structure charts and alerts: built the first time they are shown.
        self.structure: StructureDock | None = None
        self.structure_host = _host()
        structure = self.window.add_panel(
            "structure", "Structure", self.structure_host, area="right", shortcut="Ctrl+6"
        )
        self.window.tabifyDockWidget(risk, structure)
        self.alerts: AlertsDock | None = None
        self.alerts_host = _host()
        alerts = self.window.add_panel(
            "alerts", "Alerts", self.alerts_host, area="bottom", shortcut="Ctrl+7"
        )
        self.accounts: AccountsDock | None = None
        self.accounts_host = _host()
        accounts = self.window.add_panel(
            "accounts", "Accounts", self.accounts_host, area="bottom", shortcut="Ctrl+8"
        )
        self.window.tabifyDockWidget(alerts, accounts)
        alerts.raise_()
        chains.raise_()
        self.window.restore_layout()
        if size is not None:
            self.window.resize(*size)
        self.window.theme_requested.connect(self.set_theme)
        self.notifier: TrayNotifier | ToastNotifier = self._notifier()
        self.first_paint = FirstPaint(self.window)
        self.signal_timer: QTimer | None = None

    def _notifier(self) -> TrayNotifier | ToastNotifier:
        if QSystemTrayIcon.isSystemTrayAvailable():
            tray = TrayNotifier(self.window, self.icon, self.window.quit_requested.emit)
            tray.show()
            self.window.minimize_to_tray = True
            return tray
        return ToastNotifier(self.window)

    def attach_pnl(self) -> PnlDock:
        """Build the P&L panel into its dock (its models and charts load here, not at start)."""
        from workstation.ui.docks.pnl import panel

        if self.pnl is None:
            self.pnl = panel.PnlDock.create()
            _hosted(self.pnl_host, self.pnl.view)
        return self.pnl

    def attach_risk(self) -> RiskDock:
        """Build the Risk panel into its dock (its modules load off the GUI thread first)."""
        from workstation.ui.docks.risk import panel

        if self.risk is None:
            self.risk = panel.RiskDock.create()
            _hosted(self.risk_host, self.risk.view)
        return self.risk

    def attach_accounts(self) -> AccountsDock:
        """Build the Accounts panel (broker links, sync, reconciliation) into its dock."""
        from workstation.ui.docks.accounts import panel

        if self.accounts is None:
            self.accounts = panel.AccountsDock.create()
            _hosted(self.accounts_host, self.accounts.view)
        return self.accounts

    def attach_alerts(self) -> AlertsDock:
        """Build the Alerts panel into its dock."""
        from workstation.ui.docks.alerts import panel

        if self.alerts is None:
            self.alerts = panel.AlertsDock.create()
            _hosted(self.alerts_host, self.alerts.view)
        return self.alerts

    def attach_structure(
        self, feed: StructureFeed, spawn: Spawn, first: Sequence[str] = ()
    ) -> StructureDock:
        """Build the Structure charts into their dock (pyqtgraph loads off the GUI thread first)."""
        from workstation.ui.docks.structure import panel

        if self.structure is None:
            self.structure = panel.StructureDock.create(feed, spawn, first)
            _hosted(self.structure_host, self.structure.view)
        return self.structure

    def set_theme(self, name: str) -> None:
        """Switch theme now and remember it for this workspace."""
        apply_theme(self.app, name)
        self.layout.set_theme(name)
        self.dashboard.indices.layoutChanged.emit()
        self.dashboard.watchlist.layoutChanged.emit()

    def show(self) -> float | None:
        """Show the window and wait for its first paint."""
        self.window.show()
        return self.first_paint.wait(self.app)


def _host() -> QWidget:
    """An empty widget a lazily built panel is put into."""
    host = QWidget()
    QVBoxLayout(host).setContentsMargins(0, 0, 0, 0)
    return host


def _hosted(host: QWidget, view: QWidget) -> None:
    layout = host.layout()
    assert layout is not None
    layout.addWidget(view)


def launch(
    target: WorkspaceTarget, *, quit_after: float | None = None, exit_on_first_paint: bool = False
) -> int:
    """Run the windowed workstation until the trader quits; return the exit code."""
    app = qt_application()
    lock = InstanceLock(target.folder)
    from workstation.app.instance import WorkspaceInUse

    try:
        lock.acquire()
    except WorkspaceInUse as exc:
        return _hand_over(lock, exc)
    try:
        shell = Shell(target)
        painted = shell.show()
        if exit_on_first_paint:
            print(f"first-paint {painted is not None}", flush=True)
            return 0
        from workstation.app.activation import start_activation_server

        start_activation_server(lock.server_name(), _bring_to_front(shell), app)
        return run_session(shell, quit_after=quit_after)
    finally:
        lock.release()


def _bring_to_front(shell: Shell) -> Callable[[], None]:
    def activate() -> None:
        shell.window.showNormal()
        shell.window.raise_()
        shell.window.activateWindow()

    return activate


def _hand_over(lock: InstanceLock, exc: Exception) -> int:
    from workstation.app.activation import activate_running_instance

    if activate_running_instance(lock.server_name()):
        print(
            f"{PRODUCT} is already running on this workspace; brought it to the front.",
            file=sys.stderr,
        )
        return 0
    print(
        f"workstation: {exc}. Close it first or open another workspace with --data-dir.",
        file=sys.stderr,
    )
    return EXIT_IN_USE


def run_session(
    shell: Shell,
    *,
    quit_after: float | None = None,
    then: Callable[[Shell, Runtime], object] | None = None,
) -> int:
    """Create the loop, open the workspace, run until quit, shut down cleanly."""
    from workstation.app.loop import create_qt_loop
    from workstation.app.session import Session

    supervisor: TaskSupervisor = create_qt_loop(shell.app)
    session = Session(shell, supervisor)
    if quit_after is not None:
        QTimer.singleShot(int(quit_after * 1000), session.request_quit)
    _quit_on_signals(shell, session.request_quit)
    loop = supervisor.loop
    try:
        return loop.run_until_complete(session.run(then))
    finally:
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()
        asyncio.set_event_loop(None)


def _quit_on_signals(shell: Shell, quit_: Callable[[], None]) -> None:
    """Shut down cleanly on Ctrl+C or SIGTERM.

    Python runs signal handlers only when it holds the interpreter; a short
    timer makes sure it does while Qt waits for events.
    """
    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: quit_())
    shell.signal_timer = QTimer(shell.window, interval=250)
    shell.signal_timer.timeout.connect(lambda: None)
    shell.signal_timer.start()


def show_error(shell: Shell, title: str, message: str) -> None:
    """Tell the trader something failed (a dialog, or stderr when offscreen)."""
    print(f"workstation: {title}: {message}", file=sys.stderr)
    if QApplication.platformName() != "offscreen":
        QMessageBox.critical(shell.window, title, message)
