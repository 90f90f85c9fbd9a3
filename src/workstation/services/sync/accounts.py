"""One account's sync: the transaction walk, positions, balances, orders, net-liq history.

Every page of the walk is committed with its cursor (``BrokerSyncStore.commit_page``),
so a run killed at any instant resumes from the last committed page. Each run
re-reads an overlap window before the cursor: rows the broker posted late
(a backdated correction) are caught, and the unique key absorbs the repeats.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from workstation.domain.account_rules import BrokerAccountStatus
from workstation.domain.brokers import BrokerAccount, Reconciliation
from workstation.engines.ledger import rebuild
from workstation.engines.ledger.reconcile import reconcile
from workstation.ports.broker import BrokerClient
from workstation.services.blocking import BlockingRunner
from workstation.services.sync.model import AccountSync, SyncScope
from workstation.storage.account_rules import AccountStatusStore
from workstation.storage.balance_snapshots import BalanceSnapshot, BalanceSnapshotStore
from workstation.storage.broker_sync import BrokerSyncStore
from workstation.storage.transactions import TransactionStore

log = logging.getLogger(__name__)

#: How far back each run re-reads before the cursor (late-posted rows).
OVERLAP = timedelta(days=3)
#: Where the first sync of an account starts.
FIRST_SYNC_HISTORY = timedelta(days=3 * 365)
#: How far back orders and net-liq history are refreshed on later runs.
RECENT = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class SyncStores:
    """The repositories a sync writes."""

    sync: BrokerSyncStore
    transactions: TransactionStore
    status: AccountStatusStore
    snapshots: BalanceSnapshotStore


class AccountSyncer:
    """Syncs one account of one broker session; ``until`` is fixed at the run's start."""

    def __init__(
        self,
        client: BrokerClient,
        stores: SyncStores,
        run: BlockingRunner,
        until: datetime,
        run_id: int | None = None,
    ) -> None:
        self._client = client
        self._stores = stores
        self._run = run
        self._until = until
        self._run_id = run_id

    async def sync(self, account: BrokerAccount, scope: SyncScope) -> AccountSync:
        """Run ``scope`` for ``account`` and return what changed."""
        result = AccountSync(account.broker, account.number)
        if scope.transactions:
            result = await self._transactions(account, result)
        if scope.balances:
            result = await self._balances(account, result)
        if scope is SyncScope.ALL:
            check = await self._run(self.reconcile, account)
            result = replace(result, reconciliation=check)
        return result

    async def _transactions(self, account: BrokerAccount, result: AccountSync) -> AccountSync:
        cursor = await self._run(self._stores.sync.cursor, account.broker, account.number)
        start = self._until - FIRST_SYNC_HISTORY if cursor is None else cursor - OVERLAP
        added = adopted = pages = 0
        untracked: list[str] = []
        async for page in self._client.transactions(account, start, self._until):
            untracked += page.untracked
            through = min(page.through, self._until)
            outcome = await self._run(
                self._stores.sync.commit_page,
                account.broker,
                account.number,
                list(page.rows),
                through,
                self._until,
                self._run_id,
            )
            added, adopted, pages = added + outcome.added, adopted + outcome.adopted, pages + 1
        # An empty walk still proves the window is complete.
        await self._run(
            self._stores.sync.commit_page, account.broker, account.number, [], self._until,
            self._until, self._run_id,
        )  # fmt: skip
        orders = await self._orders(account, start if cursor is None else self._until - RECENT)
        snapshots = await self._snapshots(account, cursor is None)
        if untracked:
            log.warning(
                "%s %s: %d cryptocurrency transactions left out (the ledger does not track "
                "crypto; their cash shows as a reconciliation difference): %s",
                account.broker, account.number, len(untracked), ", ".join(untracked[:5]),
            )  # fmt: skip
        return replace(
            result, added=added, adopted=adopted, untracked=len(untracked), pages=pages,
            orders=orders, snapshots=snapshots,
        )  # fmt: skip

    async def _orders(self, account: BrokerAccount, since: datetime) -> int:
        orders = await self._client.orders(account, max(since, self._until - RECENT), self._until)
        return await self._run(self._stores.sync.put_orders, orders, self._until)

    async def _snapshots(self, account: BrokerAccount, first: bool) -> int:
        start = self._until - (FIRST_SYNC_HISTORY if first else RECENT)
        points = await self._client.balance_history(account, start.date(), self._until.date())
        rows = [
            BalanceSnapshot(
                account.broker, account.number, p.day, p.net_liquidating_value, p.cash_balance,
                "api",
            )
            for p in points
        ]  # fmt: skip
        return await self._run(self._stores.snapshots.put, rows)

    async def _balances(self, account: BrokerAccount, result: AccountSync) -> AccountSync:
        positions = await self._client.positions(account)
        balances = await self._client.balances(account)
        status = await self._client.trading_status(account)
        await self._run(
            self._stores.sync.replace_positions, account.broker, account.number, positions,
            balances.as_of,
        )  # fmt: skip
        merged = BrokerAccountStatus(
            broker=account.broker,
            account=account.number,
            as_of=balances.as_of,
            day_trade_count=None if status is None else status.day_trade_count,
            is_pattern_day_trader=None if status is None else status.is_pattern_day_trader,
            pdt_reset_on=None if status is None else status.pdt_reset_on,
            net_liquidating_value=balances.net_liquidating_value,
            cash_balance=balances.cash_balance,
            maintenance_requirement=balances.maintenance_requirement,
            buying_power=balances.buying_power,
            source="api",
        )
        await self._run(self._stores.status.put, merged)
        return replace(result, positions=len(positions))

    def reconcile(self, account: BrokerAccount) -> Reconciliation:
        """Compare the ledger rebuilt from stored rows with the broker's last report (blocking)."""
        return reconcile_account(self._stores, account, self._until)


def reconcile_account(
    stores: SyncStores, account: BrokerAccount, as_of: datetime
) -> Reconciliation:
    """Rebuild the account's ledger and compare it with the stored broker report (blocking)."""
    rows = stores.transactions.all(account.number)
    mine = [row for row in rows if row.broker == account.broker]
    ledger = rebuild(mine)
    theirs = stores.sync.positions(account.broker, account.number)
    status = stores.status.all().get((account.broker, account.number))
    cash = None if status is None else status.cash_balance
    return reconcile(
        account.broker, account.number, as_of, ledger.positions, theirs, ledger.rows, cash
    )
