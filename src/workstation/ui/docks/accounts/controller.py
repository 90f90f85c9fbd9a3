"""Feeds the Accounts panel from the link and sync services and carries out what the trader asks.

Link states are read through ``LinkService.statuses`` whenever a link is made
or broken or a sync changes a state (the services' listeners run on the GUI
thread under qasync). Reloads are coalesced: while one runs, further requests
only mark the snapshot stale. The login countdown ticks once a minute from the
clock without touching the database.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from workstation.domain.brokers import BrokerAccount, LinkState, Reconciliation
from workstation.services.sync import BrokerError
from workstation.ui.dialogs.link_account import DEFAULT_SCHWAB_CALLBACK, LinkAccountDialog
from workstation.ui.docks.accounts.describe import Tone, broker_title, waiting_hint
from workstation.ui.docks.accounts.view import AccountsPanel

if TYPE_CHECKING:
    from workstation.ports.clock import Clock
    from workstation.services.sync import LinkService, LinkStatus, SyncReport, SyncService

Spawn = Callable[[Coroutine[Any, Any, Any], str], object]
TICK_MS = 60_000  # the countdown shows minutes


class AccountsController:
    """Loads link states into the panel, runs syncs, opens the link dialog, unlinks."""

    def __init__(
        self,
        view: AccountsPanel,
        links: LinkService,
        sync: SyncService,
        spawn: Spawn,
        clock: Clock,
        open_url: Callable[[str], None],
        *,
        schwab_callback: str = DEFAULT_SCHWAB_CALLBACK,
    ) -> None:
        self.view, self._links, self._sync, self._spawn = view, links, sync, spawn
        self._clock, self._open_url, self._callback = clock, open_url, schwab_callback
        self.dialog: LinkAccountDialog | None = None
        self._reports: dict[str, SyncReport] = {}
        self._stale = self._loading = self._closed = False
        self.timer = QTimer(view, interval=TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        view.destroyed.connect(self._view_gone)
        links.on_change(self.refresh)
        sync.on_change(self._sync_changed)
        view.link_requested.connect(lambda: self.open_link_dialog(None))
        view.relogin_requested.connect(self.open_link_dialog)
        view.sync_requested.connect(self.sync_now)
        view.unlink_requested.connect(self.unlink)
        view.broker_selected.connect(self._selected)

    # ------------------------------------------------------------ loading
    def refresh(self) -> None:
        """Reload the link states in the background (coalesced with a reload under way)."""
        if self._closed:
            return
        self._stale = True
        if not self._loading:
            self._loading = True
            self._spawn(self._reload(), "accounts")

    async def _reload(self) -> None:
        try:
            while self._stale and not self._closed:
                self._stale = False
                await self.load()
        finally:
            self._loading = False

    async def load(self) -> None:
        """Load every link's state, then the selected broker's reconciliation (awaitable)."""
        try:
            statuses = await self._links.statuses()
        except Exception as exc:
            self.view.show_message(f"Broker links could not be read: {exc}", Tone.BAD)
            raise
        if self._closed:
            return
        self.view.model.set_statuses(statuses, self._clock.now())
        selected = self.view.selected()
        if selected is not None:
            await self.show_reconciliation(selected.broker)

    def tick(self) -> None:
        """Move the login countdowns on to the clock's time."""
        self.view.model.set_now(self._clock.now())

    def _sync_changed(self, report: SyncReport | None) -> None:
        if report is not None:
            self._reports[report.broker] = report
        self.refresh()

    def _view_gone(self, *_args: object) -> None:
        self._closed = True
        self.timer.stop()

    # ------------------------------------------------------------ reconciliation
    def _selected(self, broker: str) -> None:
        if not self._closed:
            self._spawn(self.show_reconciliation(broker), f"reconcile {broker}")

    async def show_reconciliation(self, broker: str) -> None:
        """Show the last sync's reconciliation of ``broker`` (or compare the stored ledger now)."""
        row = self.view.model.row_of(broker)
        status = None if row is None else self.view.model.statuses[row]
        if status is None or status.state is LinkState.UNLINKED or status.last_synced_at is None:
            self.view.show_waiting(waiting_hint(status))
            return
        checks = self._reported(broker)
        if checks is None:
            checks = await self._compare(status)
        current = self.view.selected()
        if not self._closed and current is not None and current.broker == broker:
            self.view.show_reconciliation(broker, checks)

    def _reported(self, broker: str) -> list[Reconciliation] | None:
        report = self._reports.get(broker)
        if report is None or not report.ok:
            return None
        checks = [a.reconciliation for a in report.accounts if a.reconciliation is not None]
        return checks or None

    async def _compare(self, status: LinkStatus) -> list[Reconciliation]:
        return await self._sync.reconcile(status.broker)

    # ------------------------------------------------------------ actions
    def sync_now(self, broker: str) -> None:
        """Sync ``broker`` now; its row shows "syncing" until the run ends."""
        if broker in self.view.model.busy:
            return
        self.view.model.set_busy(broker, True)
        self.view.show_message(f"Syncing {broker_title(broker)}…")
        self._spawn(self._run_sync(broker), f"sync {broker}")

    async def _run_sync(self, broker: str) -> None:
        try:
            reports = await self._sync.sync(broker=broker)
        except BrokerError as exc:
            self._say(f"{broker_title(broker)} was not synced: {exc}", Tone.BAD)
            return
        finally:
            if not self._closed:
                self.view.model.set_busy(broker, False)
        for report in reports:
            self._reports[report.broker] = report
            self._say(*_outcome(report))
        self.refresh()

    def open_link_dialog(self, broker: str | None = None) -> LinkAccountDialog:
        """Open the link dialog (``broker`` preselected to log in again); return it."""
        if self.dialog is not None:
            self.dialog.close()
        dialog = LinkAccountDialog(
            self._links, self._spawn, self._open_url, self._callback, self.view, broker=broker
        )
        dialog.linked.connect(self._linked)
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: LinkAccountDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _linked(self, broker: str, accounts: list[BrokerAccount]) -> None:
        numbers = ", ".join(a.number for a in accounts) or "no accounts"
        self._say(
            f"{broker_title(broker)} linked ({numbers}). Sync now fetches positions, balances "
            "and transactions.",
            Tone.GOOD,
        )
        self.view.select_broker(broker)

    def unlink(self, broker: str) -> None:
        """Forget ``broker``'s credentials (the trader has confirmed)."""
        self._spawn(self._unlink(broker), f"unlink {broker}")

    async def _unlink(self, broker: str) -> None:
        try:
            await self._links.unlink(broker)
        except (BrokerError, OSError) as exc:
            self._say(f"{broker_title(broker)} could not be unlinked: {exc}", Tone.BAD)
            return
        self._reports.pop(broker, None)
        self._say(f"{broker_title(broker)} unlinked; the ledger keeps its transactions.")

    def _say(self, text: str, tone: Tone = Tone.PLAIN) -> None:
        if not self._closed:
            self.view.show_message(text, tone)


def _outcome(report: SyncReport) -> tuple[str, Tone]:
    name = broker_title(report.broker)
    if report.needs_relogin:
        return f"{name} needs a new login: {report.error}. Use Log in again.", Tone.WARN
    if not report.ok:
        return f"{name} sync failed: {report.error}", Tone.BAD
    return (
        f"{name} synced in {report.seconds:.1f} s: {report.added} new transaction"
        f"{'' if report.added == 1 else 's'}.",
        Tone.GOOD,
    )
