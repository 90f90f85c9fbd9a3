"""Sync service rules against an in-memory broker and a real SQLite file: cursors and overlap,
idempotence, link states, one notification per failure, and the reconciliation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.fakes.broker_client import StubBroker, StubGateway
from tests.fakes.clock import FixedClock
from workstation.domain.accounts import AccountKind
from workstation.domain.brokers import BrokerAccount, BrokerPosition, LinkState, TokenGrant
from workstation.domain.instruments import InstrumentKind
from workstation.domain.notifications import Notification
from workstation.domain.transactions import Transaction, TransactionKind, TransactionSource
from workstation.ports.broker import BrokerAuthError, BrokerUnavailable
from workstation.services.sync import LinkService, SyncScope, SyncService, SyncStores
from workstation.storage.account_rules import AccountStatusStore
from workstation.storage.balance_snapshots import BalanceSnapshotStore
from workstation.storage.broker_sync import BrokerSyncStore
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.sync_log import SyncLog
from workstation.storage.transactions import TransactionStore

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
ACCOUNT = BrokerAccount("tastytrade", "5WT1", AccountKind.MARGIN, "Main")


class RecordingNotifier:
    def __init__(self) -> None:
        self.shown: list[Notification] = []
        self.paused = False

    def notify(self, notification: Notification) -> None:
        self.shown.append(notification)


def _buy(n: int, quantity: int = 1, days_ago: float = 30) -> Transaction:
    return Transaction(
        broker="tastytrade",
        account="5WT1",
        key=f"id{n}",
        kind=TransactionKind.TRADE,
        executed_at=NOW - timedelta(days=days_ago) + timedelta(minutes=n),
        instrument=InstrumentKind.EQUITY,
        symbol="SPY",
        underlying="SPY",
        quantity=Decimal(quantity),
        price=Decimal("500"),
        value=Decimal(-500 * quantity),
        commission=Decimal("0.5"),
        order_id=f"o{n}",
        source=TransactionSource.API,
    )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "workstation.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


@pytest.fixture
def world(db: Database) -> tuple[StubBroker, StubGateway, SyncService, RecordingNotifier]:
    broker = StubBroker("tastytrade", [ACCOUNT], [_buy(n) for n in range(600)], per_page=250)
    gateway = StubGateway({"tastytrade": broker}, {"tastytrade"})
    notifier = RecordingNotifier()
    stores = SyncStores(
        BrokerSyncStore(db), TransactionStore(db), AccountStatusStore(db), BalanceSnapshotStore(db)
    )
    service = SyncService(gateway, stores, SyncLog(db), FixedClock(NOW), notifier)
    return broker, gateway, service, notifier


async def test_first_sync_stores_the_history_and_the_second_adds_nothing(world, db) -> None:
    broker, _, service, _ = world
    [first] = await service.sync()
    [second] = await service.sync()
    assert first.ok
    assert first.added == 600
    assert first.accounts[0].pages == 3
    assert second.ok
    assert second.added == 0
    assert TransactionStore(db).count() == 600
    # The second walk starts an overlap window before the first run's end, not at the start.
    assert broker.walks[1][0] == NOW - timedelta(days=3)
    assert BrokerSyncStore(db).link("tastytrade").state is LinkState.LINKED
    assert [r.status for r in SyncLog(db).recent()] == ["ok", "ok"]


async def test_untracked_crypto_rows_are_counted_and_logged_not_fatal(world, db, caplog) -> None:
    broker, _, service, _ = world
    broker.untracked = ("901 BTC/USD", "902 ETH/USD")
    [report] = await service.sync()
    assert report.ok
    assert report.added == 600
    assert report.accounts[0].untracked == 2
    assert "2 cryptocurrency transactions left out" in caplog.text
    assert "901 BTC/USD" in caplog.text
    assert "2 crypto left out" in SyncLog(db).recent()[0].detail


async def test_a_run_that_dies_mid_walk_resumes_without_loss_or_duplicates(world, db) -> None:
    broker, _, service, _ = world
    original = broker.transactions
    served = 0

    async def dying(account, start, end):
        nonlocal served
        async for page in original(account, start, end):
            served += 1
            if served == 2:
                raise BrokerUnavailable("tastytrade GET /transactions: HTTP 503")
            yield page

    broker.transactions = dying  # type: ignore[method-assign]
    [failed] = await service.sync()
    assert not failed.ok
    assert TransactionStore(db).count() == 250
    cursor = BrokerSyncStore(db).cursor("tastytrade", "5WT1")
    assert cursor == broker.history[249].executed_at
    broker.transactions = original  # type: ignore[method-assign]
    [resumed] = await service.sync()
    assert resumed.ok
    assert sorted(r.key for r in TransactionStore(db).all()) == sorted(
        r.key for r in broker.history
    )


async def test_a_dead_grant_asks_for_a_relogin_once_and_schedules_stop_trying(world, db) -> None:
    broker, _, service, notifier = world
    broker.fail_with = BrokerAuthError("tastytrade refused the refresh token: invalid_grant")
    [report] = await service.sync()
    assert report.needs_relogin
    assert not report.ok
    calls = broker.calls
    assert await service.sync(scheduled=True) == []
    assert broker.calls == calls  # no retry storm
    await service.sync()  # a manual run tries again and fails the same way
    assert len(notifier.shown) == 1
    assert "log in again" in notifier.shown[0].title
    assert BrokerSyncStore(db).link("tastytrade").state is LinkState.NEEDS_RELOGIN


async def test_an_outage_marks_the_link_in_error_with_the_reason(world, db) -> None:
    broker, _, service, notifier = world
    broker.fail_with = BrokerUnavailable("tastytrade GET /customers/me/accounts: HTTP 503")
    await service.sync()
    link = BrokerSyncStore(db).link("tastytrade")
    assert link.state is LinkState.ERROR
    assert "HTTP 503" in link.detail
    assert len(notifier.shown) == 1
    broker.fail_with = None
    [report] = await service.sync()
    assert report.ok
    assert BrokerSyncStore(db).link("tastytrade").state is LinkState.LINKED


async def test_reconciliation_lists_positions_that_differ(world, db) -> None:
    broker, _, service, _ = world
    broker.positions_ = [
        BrokerPosition("tastytrade", "5WT1", "SPY", InstrumentKind.EQUITY, Decimal(599)),
        BrokerPosition("tastytrade", "5WT1", "QQQ", InstrumentKind.EQUITY, Decimal(-100)),
    ]
    broker.cash = Decimal(-300_300)  # 600 buys of 500 plus 0.50 commission each
    [report] = await service.sync()
    check = report.accounts[0].reconciliation
    assert [(d.symbol, d.ledger_quantity, d.broker_quantity) for d in check.positions] == [
        ("QQQ", Decimal(0), Decimal(-100)),
        ("SPY", Decimal(600), Decimal(599)),
    ]
    assert "not in the ledger" in check.positions[0].reason
    assert check.cash_difference == Decimal(0)
    # Later, from the stored report alone (no network), the comparison is the same.
    broker.fail_with = BrokerUnavailable("offline")
    [again] = await service.reconcile("tastytrade")
    assert again.positions == check.positions
    assert again.cash_difference == check.cash_difference


async def test_balances_scope_skips_the_walk(world, db) -> None:
    broker, _, service, _ = world
    [report] = await service.sync(SyncScope.BALANCES)
    assert report.ok
    assert broker.walks == []
    assert TransactionStore(db).count() == 0
    status = AccountStatusStore(db).all()[("tastytrade", "5WT1")]
    assert status.net_liquidating_value == Decimal(10_000)


async def test_link_statuses_show_state_accounts_and_the_login_countdown(db) -> None:
    schwab = BrokerAccount("schwab", "12345678", AccountKind.MARGIN, "", "HASH")
    gateway = StubGateway({"schwab": StubBroker("schwab", [schwab])})
    clock = FixedClock(NOW)
    notifier = RecordingNotifier()
    links = LinkService(gateway, BrokerSyncStore(db), clock, notifier)
    assert [s.state for s in await links.statuses()] == [LinkState.UNLINKED] * 2
    await links.begin_authorization("schwab", {"app_key": "k", "app_secret": "s"})
    await links.finish_authorization("schwab", "https://127.0.0.1:8182/callback?code=x")
    gateway.grants["schwab"] = TokenGrant(NOW, NOW - timedelta(days=6, hours=2), 7)
    [status, other] = await links.statuses()
    assert (status.broker, status.state, status.accounts) == (
        "schwab",
        LinkState.LINKED,
        ("12345678",),
    )
    assert status.relogin_in(NOW) == pytest.approx(22 * 3600)
    assert status.warnings
    assert other.state is LinkState.UNLINKED
    links.warn_expiring()
    links.warn_expiring()
    assert len(notifier.shown) == 1
    assert "expires soon" in notifier.shown[0].title
    await links.unlink("schwab")
    assert [s.state for s in await links.statuses()] == [LinkState.UNLINKED] * 2


async def test_linking_with_a_revoked_grant_stores_nothing(db) -> None:
    gateway = StubGateway({"tastytrade": StubBroker("tastytrade", [ACCOUNT])})
    links = LinkService(gateway, BrokerSyncStore(db), FixedClock(NOW))
    with pytest.raises(BrokerAuthError, match="invalid_grant"):
        await links.link("tastytrade", {"client_secret": "s", "refresh_token": "revoked"})
    assert BrokerSyncStore(db).links() == []
    assert gateway.linked() == []
    with pytest.raises(ValueError, match="unknown broker 'etrade'"):
        await links.link("etrade", {})
