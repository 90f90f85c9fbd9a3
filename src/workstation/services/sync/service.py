"""Broker sync: manual and scheduled, one run per broker at a time, logged and reported.

A run walks every linked account of a broker (see ``accounts.py``) and ends
with the link marked linked and synced, or with the reason it failed:

- a dead grant (``BrokerAuthError``) marks the link "needs re-login" and
  notifies once; scheduled runs skip the broker until it is linked again, so
  a revoked token never causes a retry storm;
- any other broker failure marks the link "error" with the reason; the
  Notifier hears about it when the reason is new.

Every run gets a sync-log row with its counts, duration and outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from workstation.domain.brokers import LinkState, Reconciliation
from workstation.domain.notifications import Notification, Severity
from workstation.ports.broker import BrokerAuthError, BrokerError, BrokerGateway
from workstation.ports.clock import Clock
from workstation.ports.notifier import Notifier
from workstation.services.blocking import BlockingRunner, run_in_thread
from workstation.services.sync.accounts import AccountSyncer, SyncStores, reconcile_account
from workstation.services.sync.model import AccountSync, SyncReport, SyncScope
from workstation.storage.broker_sync import LinkRecord
from workstation.storage.sync_log import SyncLog

log = logging.getLogger(__name__)
Listener = Callable[[SyncReport | None], None]


class SyncService:
    """Runs broker syncs and keeps each link's state."""

    def __init__(
        self,
        gateway: BrokerGateway,
        stores: SyncStores,
        sync_log: SyncLog,
        clock: Clock,
        notifier: Notifier | None = None,
        run: BlockingRunner = run_in_thread,
    ) -> None:
        self._gateway = gateway
        self._stores = stores
        self._log = sync_log
        self._clock = clock
        self.notifier = notifier
        self._run = run
        self._locks: dict[str, asyncio.Lock] = {}
        self._listeners: list[Listener] = []

    def on_change(self, listener: Listener) -> None:
        """Call ``listener`` when a link changes state (None) or a run finishes (its report)."""
        self._listeners.append(listener)

    def running(self, broker: str) -> bool:
        """True while a run of ``broker`` is in progress."""
        lock = self._locks.get(broker)
        return lock is not None and lock.locked()

    async def sync(
        self,
        scope: SyncScope = SyncScope.ALL,
        broker: str | None = None,
        account: str | None = None,
        scheduled: bool = False,
    ) -> list[SyncReport]:
        """Sync every linked broker (or one), every account (or one); return one report each.

        A scheduled run skips brokers waiting for a re-login and brokers
        already running; a manual run waits for a running one to finish.
        """
        linked = await self._run(self._gateway.linked)  # the keyring: never on the loop
        brokers = [broker] if broker else linked
        if broker and broker not in linked:
            raise BrokerAuthError(f"{broker} is not linked: run `workstation link {broker}` first")
        reports = []
        for name in brokers:
            if scheduled and (self.running(name) or await self._waits_for_login(name)):
                continue
            reports.append(await self._sync_broker(name, scope, account))
        return reports

    async def reconcile(self, broker: str) -> list[Reconciliation]:
        """Compare the stored ledger of each linked account of ``broker`` with the broker's
        last report (no network)."""
        return await self._run(self._reconcile_now, broker, self._clock.now())

    def _reconcile_now(self, broker: str, as_of: datetime) -> list[Reconciliation]:
        accounts = self._stores.sync.accounts(broker)
        return [reconcile_account(self._stores, account, as_of) for account in accounts]

    async def _waits_for_login(self, broker: str) -> bool:
        link = await self._run(self._stores.sync.link, broker)
        return link is not None and link.state is LinkState.NEEDS_RELOGIN

    async def _sync_broker(self, broker: str, scope: SyncScope, only: str | None) -> SyncReport:
        lock = self._locks.setdefault(broker, asyncio.Lock())
        async with lock:
            started = self._clock.now()
            before = await self._run(self._stores.sync.link, broker)
            await self._set_state(broker, LinkState.SYNCING, started)
            run_id = await self._run(self._log.start, "sync", broker, only)
            try:
                done = await self._accounts(broker, scope, only, started, run_id)
            except BrokerAuthError as exc:
                return await self._failed(broker, scope, started, run_id, before, str(exc), True)
            except BrokerError as exc:
                return await self._failed(broker, scope, started, run_id, before, str(exc))
            except Exception as exc:
                log.exception("sync of %s failed unexpectedly", broker)
                reason = f"{type(exc).__name__}: {exc}"
                return await self._failed(broker, scope, started, run_id, before, reason)
            return await self._succeeded(broker, scope, started, run_id, done)

    async def _accounts(
        self, broker: str, scope: SyncScope, only: str | None, started: datetime, run_id: int
    ) -> tuple[AccountSync, ...]:
        client = await self._run(self._gateway.client, broker)
        try:
            accounts = await client.accounts()
            await self._run(self._stores.sync.put_accounts, accounts)
            chosen = [a for a in accounts if only is None or a.number == only]
            if only is not None and not chosen:
                raise BrokerError(f"{broker} has no account {only!r} on this login")
            syncer = AccountSyncer(client, self._stores, self._run, started, run_id)
            results = []
            for account in chosen:
                results.append(await syncer.sync(account, scope))
                await self._run(
                    self._stores.sync.mark_account_synced, broker, account.number, started
                )
            return tuple(results)
        finally:
            await client.aclose()

    async def _succeeded(
        self,
        broker: str,
        scope: SyncScope,
        started: datetime,
        run_id: int,
        done: Sequence[AccountSync],
    ) -> SyncReport:
        added = sum(a.added for a in done)
        detail = ", ".join(
            f"{a.account}: +{a.added} ({a.adopted} from CSV"
            + (f", {a.untracked} crypto left out)" if a.untracked else ")")
            for a in done
        )
        await self._run(self._log.finish, run_id, "ok", added, f"{scope}: {detail}")
        await self._run(self._stores.sync.mark_synced, broker, started)
        report = SyncReport(broker, scope, started, self._clock.now(), tuple(done))
        self._publish(report)
        return report

    async def _failed(
        self,
        broker: str,
        scope: SyncScope,
        started: datetime,
        run_id: int,
        previous: LinkRecord | None,
        reason: str,
        relogin: bool = False,
    ) -> SyncReport:
        state = LinkState.NEEDS_RELOGIN if relogin else LinkState.ERROR
        await self._run(self._log.finish, run_id, "failed", 0, reason)
        await self._set_state(broker, state, self._clock.now(), reason)
        if previous is None or previous.detail != reason or previous.state is not state:
            self._tell(broker, reason, relogin)
        report = SyncReport(
            broker, scope, started, self._clock.now(), error=reason, needs_relogin=relogin
        )
        self._publish(report)
        return report

    async def _set_state(
        self, broker: str, state: LinkState, at: datetime, detail: str = ""
    ) -> None:
        await self._run(self._stores.sync.set_state, broker, state, at, detail)
        self._publish(None)

    def _tell(self, broker: str, reason: str, relogin: bool) -> None:
        if self.notifier is None:
            return
        if relogin:
            title = f"{broker.title()}: log in again"
            body = f"Sync stopped: {reason}. Use Accounts → Link account to log in again."
        else:
            title = f"{broker.title()} sync failed"
            body = f"{reason}. The next scheduled sync will try again."
        self.notifier.notify(Notification(title, body, Severity.ERROR, "sync"))

    def _publish(self, report: SyncReport | None) -> None:
        for listener in list(self._listeners):
            try:
                listener(report)
            except Exception:
                log.exception("a sync listener failed")
