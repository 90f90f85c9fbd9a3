"""One windowed session: open the workspace, wire panels to services, run, shut down."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Coroutine
from datetime import date
from typing import TYPE_CHECKING, Any

from workstation import PRODUCT
from workstation.app.broker_actions import sync_jobs
from workstation.commands.result import CommandResult
from workstation.domain.events import TaskFailed
from workstation.domain.notifications import Notification, Severity
from workstation.jobs.schedule import ScheduledJobs, build_scheduler
from workstation.services.events import EventBus
from workstation.storage.errors import StorageError, WrongDatabaseKey
from workstation.ui.bridge import Bridge
from workstation.ui.dialogs.passphrase import PassphraseDialog
from workstation.ui.docks.alerts.describe import ChartTarget
from workstation.ui.tray import TrayNotifier

if TYPE_CHECKING:
    from workstation.app.gui import Shell
    from workstation.app.loop import TaskSupervisor
    from workstation.app.runtime import Runtime
    from workstation.services.ledger import LedgerService
    from workstation.services.risk import RiskService
    from workstation.ui.docks.pnl.controller import PnlController
    from workstation.ui.docks.risk.controller import RiskController
    from workstation.ui.docks.structure.panel import StructureCharts

log = logging.getLogger(__name__)
PASSPHRASE_TRIES = 3


class PassphraseCancelled(RuntimeError):
    """The trader closed the passphrase dialog."""


class Session:
    """Runs the workstation on an open shell until the trader quits."""

    def __init__(self, shell: Shell, supervisor: TaskSupervisor) -> None:
        self.shell = shell
        self.supervisor = supervisor
        self.bus = EventBus()
        self.bridge = Bridge(self.bus, parent=shell.window)
        self.runtime: Runtime | None = None
        self._asked = False
        self._retry_note = ""
        self._quit = asyncio.Event()
        shell.window.quit_requested.connect(self.request_quit)
        supervisor.on_failure(lambda name, exc: self.bus.publish(TaskFailed(name, str(exc))))
        self._connect_bridge()

    def _connect_bridge(self) -> None:
        status = self.shell.window.status
        self.bridge.workspace_opened.connect(status.show_workspace)
        self.bridge.workspace_opened.connect(
            lambda event: self.shell.window.setWindowTitle(f"{PRODUCT} — {event.name}")
        )
        self.bridge.feed_status.connect(status.show_feed)
        self.bridge.task_failed.connect(self._task_failed)
        self.bridge.notification.connect(self.shell.notifier.notify)

    def _task_failed(self, event: TaskFailed) -> None:
        self.shell.notifier.notify(
            Notification(
                "Something failed", f"{event.name}: {event.message}", Severity.ERROR, "app"
            )
        )

    def request_quit(self) -> None:
        """Ask the session to shut down (window close, tray Quit, Ctrl+Q, signal)."""
        self._quit.set()

    async def run(self, then: Callable[[Shell, Runtime], object] | None = None) -> int:
        """Open, wire, run until quit (or until ``then`` finishes), then shut down."""
        try:
            self.runtime = await self._open()
        except (StorageError, PassphraseCancelled, OSError) as exc:
            from workstation.app.gui import show_error

            show_error(self.shell, "Cannot open the workspace", str(exc))
            await self.supervisor.shutdown()
            return 1
        # Everything alive now lives for the session: later full collections of the
        # cyclic garbage collector skip it instead of walking it on the GUI thread.
        gc.freeze()
        self._start(self.runtime)
        if then is not None:
            result = then(self.shell, self.runtime)
            if asyncio.iscoroutine(result):
                await result
        else:
            await self._quit.wait()
        await self._stop()
        return 0

    async def _open(self) -> Runtime:
        """Open the workspace; a mistyped passphrase is asked for again (three tries)."""
        attempt = 1
        while True:
            try:
                return await self.supervisor.run_blocking(
                    _open_runtime,
                    self.shell.target,
                    self.bus,
                    self.supervisor.run_blocking,
                    self._ask_passphrase_blocking,
                )
            except WrongDatabaseKey:
                if attempt >= PASSPHRASE_TRIES or not self._asked:
                    raise
                attempt += 1
                self._retry_note = f"That passphrase did not match (try {attempt} of 3). "

    def _start(self, runtime: Runtime) -> None:
        sup, shell = self.supervisor, self.shell
        sup.add_closer("database", lambda: sup.run_blocking(runtime.close))
        sup.add_closer("market data", runtime.provider.aclose)
        symbols = runtime.quote_symbols
        sup.add_closer(
            "quote cache",
            lambda: runtime.maintenance.flush_quotes(runtime.market, symbols, runtime.clock.now()),
        )
        shell.dashboard.connect(
            runtime.market,
            self.bridge,
            runtime.settings.indices,
            runtime.settings.watchlist,
            runtime.descriptions(),
        )
        shell.window.palette_popup.set_runner(lambda: runtime.context, self._spawn)
        shell.chains.connect(
            runtime.context.chains, self._spawn, runtime.settings.chain_refresh_seconds
        )
        shell.planner.connect(runtime.context, self._spawn)
        shell.chains.view.open_in_planner.connect(self._open_in_planner)
        shell.window.palette_popup.result_ready.connect(self._open_requested_panel)
        shell.window.status.set_clock(runtime.clock.now)
        shell.window.status.set_market_source(runtime.calendar.status)
        self.bus.publish(runtime.opened_event)
        sup.spawn(runtime.market.refresh(symbols), name="first quotes")
        sup.spawn(runtime.market.run_stream(symbols), name="live quotes")
        history = sup.spawn(runtime.ensure_history(sup.run_blocking), name="history backfill")
        self._connect_ledger(runtime, history)
        self._alerts_ui(runtime)
        self._accounts_ui(runtime)
        self._start_schedule(runtime, symbols)

    def _connect_ledger(self, runtime: Runtime, history: asyncio.Task[Any]) -> None:
        """The P&L panel and the File menu's import and export entries.

        Their modules load in a worker thread and the panel is built after
        that, so opening the workspace never stalls the window. The demo
        account and the ledger rebuild wait for the history backfill: entry
        deltas are priced from the stored daily closes.
        """
        if runtime.context.ledger is None or runtime.context.ledger_import is None:
            return
        self.supervisor.spawn(self._ledger_ui(runtime, history), name="ledger")

    async def _ledger_ui(self, runtime: Runtime, history: asyncio.Task[Any]) -> None:
        ledger, importer = runtime.context.ledger, runtime.context.ledger_import
        assert ledger is not None
        assert importer is not None
        await self.supervisor.run_blocking(_import_ledger_ui)
        from workstation.app.ledger_actions import LedgerActions

        self.ledger_actions = LedgerActions(
            self.shell.window,
            importer,
            lambda: self._pnl_controller(ledger),
            self._spawn,
            self.shell.notifier.notify,
        )
        await asyncio.wait([history])  # its failure is the backfill's to report
        await runtime.ensure_demo_account(self.supervisor.run_blocking)
        dock = self.shell.window.docks["pnl"]
        if dock.isVisible() and not dock.visibleRegion().isEmpty():
            self._pnl_controller(ledger)
        else:  # built when first shown; the rebuild is warmed meanwhile
            dock.visibilityChanged.connect(
                lambda visible: visible and self._pnl_controller(ledger) and None
            )
            await self.supervisor.run_blocking(ledger.base_now)
        await self._risk_ui(runtime)
        await self._structure_ui(runtime)

    def _pnl_controller(self, ledger: LedgerService) -> PnlController:
        """Return the P&L panel's controller, building the panel the first time."""
        from workstation.ui.docks.pnl import controller

        dock = self.shell.attach_pnl()
        if dock.controller is None:
            dock.controller = controller.PnlController(dock, ledger, self._spawn)
            dock.controller.refresh()
        return dock.controller

    async def _risk_ui(self, runtime: Runtime) -> None:
        """The Risk panel: its modules (pyqtgraph too) load in a worker thread, and the
        panel is built the first time it is shown, after the demo account exists."""
        risk = runtime.context.risk
        if risk is None:
            return
        await self.supervisor.run_blocking(_import_risk_ui)
        dock = self.shell.window.docks["risk"]
        dock.visibilityChanged.connect(
            lambda visible: visible and self._risk_controller(risk) and None
        )
        if dock.isVisible() and not dock.visibleRegion().isEmpty():
            self._risk_controller(risk)

    def _risk_controller(self, risk: RiskService) -> RiskController:
        """Return the Risk panel's controller, building the panel the first time."""
        from workstation.ui.docks.risk import controller

        dock = self.shell.attach_risk()
        if dock.controller is None:
            dock.controller = controller.RiskController(dock, risk, self._spawn)
            # From now on the controller refreshes while shown and rests while hidden.
            self.shell.window.docks["risk"].visibilityChanged.connect(dock.controller.set_visible)
            dock.controller.set_visible(True)
        return dock.controller

    def _alerts_ui(self, runtime: Runtime) -> None:
        """The Alerts panel: built now, so alerts raised from here on are listed as they fire."""
        alerts = runtime.context.alerts
        if alerts is None:
            return
        from workstation.ui.docks.alerts.controller import AlertsController

        dock = self.shell.attach_alerts()
        settings = runtime.context.settings_service
        dock.controller = AlertsController(
            dock.view,
            alerts,
            self._spawn,
            runtime.clock.now,
            open_chart=self._open_chart,
            run_command=self.shell.window.run_command,
            sound=lambda: settings is not None and settings.current.alert_sound,
        )
        notifier = self.shell.notifier
        dock.controller.attach_notifier(notifier)
        if isinstance(notifier, TrayNotifier):  # the tray's menu and the panel's box agree
            notifier.pause_action.toggled.connect(dock.view.pause.setChecked)
        dock.controller.refresh()

    def _accounts_ui(self, runtime: Runtime) -> None:
        """The Accounts panel and menu: broker links, sync now, log in again."""
        links, sync = runtime.context.links, runtime.context.sync
        if links is None or sync is None:
            return
        from workstation.app.broker_actions import connect_accounts

        links.notifier = sync.notifier = self.shell.notifier
        connect_accounts(self.shell, runtime.context, links, sync, self._spawn)

    def _open_chart(self, target: ChartTarget) -> None:
        """An alert asked for its chart: open the Structure panel at the alert's bar."""
        self.supervisor.spawn(self._show_chart(target), name="open chart")

    async def _show_chart(self, target: ChartTarget) -> None:
        runtime = self.runtime
        if runtime is None or runtime.structure is None:
            return
        await self.supervisor.run_blocking(_import_structure_ui)
        charts = self._structure_charts(runtime)
        self.shell.window.focus_panel("structure")
        charts.show_bar(target.symbol, target.bar_ts)

    async def _structure_ui(self, runtime: Runtime) -> None:
        """The Structure charts: pyqtgraph loads in a worker thread; the panel is built the
        first time it is shown."""
        if runtime.structure is None:
            return
        await self.supervisor.run_blocking(_import_structure_ui)
        dock = self.shell.window.docks["structure"]
        dock.visibilityChanged.connect(
            lambda visible: visible and self._structure_charts(runtime) and None
        )
        if dock.isVisible() and not dock.visibleRegion().isEmpty():
            self._structure_charts(runtime)

    def _structure_charts(self, runtime: Runtime) -> StructureCharts:
        """Return the open charts, building the panel (a chart of the first watched ticker)."""
        assert runtime.structure is not None
        first = runtime.structure_symbols[:1]
        dock = self.shell.attach_structure(runtime.structure.structure, self._spawn, first)
        return dock.charts

    def _start_schedule(self, runtime: Runtime, symbols: list[str]) -> None:
        sup = self.supervisor
        structure = runtime.structure
        if structure is not None:
            structure.structure.watch(runtime.structure_symbols)
            sup.spawn(runtime.ensure_demo_alert_rules(), name="demo alert rules")
        jobs = ScheduledJobs(
            flush_quotes=lambda: runtime.maintenance.flush_quotes(
                runtime.market, symbols, runtime.clock.now()
            ),
            nightly_backup=lambda: runtime.maintenance.backup("nightly"),
            after_close_backfill=lambda: runtime.backfill_history(sup.run_blocking),
            risk_alerts=None if runtime.context.risk is None else runtime.context.risk.check_alerts,
            structure_alerts=None if structure is None else structure.step,
            **sync_jobs(runtime.context, sup.run_blocking),
        )
        if runtime.context.alerts is not None:  # exit and account alerts reach the tray/toast
            runtime.context.alerts.notifier = self.shell.notifier
        scheduler = build_scheduler(sup.loop, jobs, self.bus)
        scheduler.start()
        sup.add_closer("scheduler", lambda: scheduler.shutdown(wait=False))

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        return self.supervisor.spawn(coro, name=name)

    def _open_requested_panel(self, result: CommandResult) -> None:
        """A command asked for a panel (``/chain AAPL`` opens the chain on AAPL;
        ``/plan SPY bull 30`` shows the plan in the planner)."""
        panel, shell = result.data.get("open_panel"), self.shell
        chains, planner = shell.chains.controller, shell.planner.controller
        if panel == "chains" and chains is not None:
            chains.set_symbol(str(result.data["symbol"]))
        elif panel == "planner" and planner is not None and _is_plan(result.attachment):
            planner.show_result(result.attachment)
        else:
            return
        shell.window.palette_popup.close_palette()  # the panel is the answer
        shell.window.focus_panel(str(panel))

    def _open_in_planner(self, expiry: date, strike: float, is_call: bool, vertical: bool) -> None:
        """Enter on a chain contract opens it in the planner."""
        chains, planner = self.shell.chains.controller, self.shell.planner.controller
        if chains is None or planner is None:
            return
        planner.open_contract(chains.symbol, expiry, strike, is_call, vertical)
        self.shell.window.focus_panel("planner")

    async def _stop(self) -> None:
        # The process ends after this. A full collection now would stall the last
        # event-loop steps (0.1 s and more with a workspace loaded) to free what
        # the exit frees anyway, so the collector stays off from here on.
        gc.disable()
        self.shell.window.save_layout()
        if self.shell.dashboard.controller is not None:
            self.shell.dashboard.controller.stop()
        if self.shell.chains.controller is not None:
            self.shell.chains.controller.stop()
        if self.shell.risk is not None and self.shell.risk.controller is not None:
            self.shell.risk.controller.stop()
        if self.shell.structure is not None:
            self.shell.structure.charts.stop()
        await self.supervisor.shutdown()
        self.bridge.detach()

    def _ask_passphrase_blocking(self, reason: str) -> str:
        """Ask on the GUI thread from the worker thread that opens the store."""
        self._asked = True
        future = asyncio.run_coroutine_threadsafe(
            self._ask_passphrase(reason), self.supervisor.loop
        )
        return future.result()

    async def _ask_passphrase(self, reason: str) -> str:
        new = not (self.shell.target.folder / "workstation.db").exists()
        dialog = PassphraseDialog(self._retry_note + reason, new=new, parent=self.shell.window)
        answered: asyncio.Future[int] = self.supervisor.loop.create_future()

        def finished(code: int) -> None:
            if not answered.done():
                answered.set_result(code)

        dialog.finished.connect(finished)
        dialog.open()
        if await answered != PassphraseDialog.DialogCode.Accepted.value:
            raise PassphraseCancelled("no passphrase was given; the workspace stays closed")
        return dialog.passphrase.text()


def _open_runtime(*args: Any, **kwargs: Any) -> Runtime:
    """Open the workspace in a worker thread, importing the services there too.

    The services pull in the numerical libraries (hundreds of milliseconds of
    imports); loading them off the GUI thread keeps the painted window live.
    """
    from workstation.app.runtime import open_runtime

    return open_runtime(*args, **kwargs)


def _is_plan(attachment: object) -> bool:
    from workstation.services.planner import PlanResult  # loaded with the runtime

    return isinstance(attachment, PlanResult)


def _import_ledger_ui() -> None:
    """Load the P&L panel's and the import dialog's modules (in a worker thread)."""
    import workstation.app.ledger_actions
    import workstation.ui.docks.pnl.controller  # noqa: F401


def _import_structure_ui() -> None:
    """Load the Structure charts' modules, pyqtgraph among them (in a worker thread)."""
    import workstation.ui.docks.structure.panel  # noqa: F401


def _import_risk_ui() -> None:
    """Load the Risk panel's modules, pyqtgraph among them (in a worker thread)."""
    import workstation.ui.docks.risk.controller  # noqa: F401
