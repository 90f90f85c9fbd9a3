"""/link, /authorize, /unlink, /sync, /accounts against an in-memory broker and a real store:
credentials from flags or the environment, never echoed; results and errors for people and JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.fakes.broker_client import StubBroker, StubGateway
from tests.fakes.clock import FixedClock
from workstation.commands import brokers as broker_commands
from workstation.commands.grammar import CommandError
from workstation.commands.registry import CommandRegistry
from workstation.domain.accounts import AccountKind
from workstation.domain.brokers import BrokerAccount, BrokerPosition, TokenGrant
from workstation.domain.instruments import InstrumentKind
from workstation.services.sync import LinkService, SyncService, SyncStores
from workstation.storage.account_rules import AccountStatusStore
from workstation.storage.balance_snapshots import BalanceSnapshotStore
from workstation.storage.broker_sync import BrokerSyncStore
from workstation.storage.database import open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.sync_log import SyncLog
from workstation.storage.transactions import TransactionStore

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
REGISTRY = CommandRegistry(broker_commands.SPECS)
TASTY = BrokerAccount("tastytrade", "5WT1", AccountKind.MARGIN, "Main")
SCHWAB = BrokerAccount("schwab", "12345678", AccountKind.CASH, "", "HASH")


@pytest.fixture
def ctx(tmp_path):
    db = open_database(tmp_path / "workstation.db", None)
    upgrade_to_head(db, tmp_path / "backups")
    clock = FixedClock(NOW)
    tasty = StubBroker("tastytrade", [TASTY])
    tasty.positions_ = [
        BrokerPosition("tastytrade", "5WT1", "SPY", InstrumentKind.EQUITY, Decimal(100))
    ]
    gateway = StubGateway({"tastytrade": tasty, "schwab": StubBroker("schwab", [SCHWAB])})
    stores = SyncStores(
        BrokerSyncStore(db), TransactionStore(db), AccountStatusStore(db), BalanceSnapshotStore(db)
    )
    opened: list[str] = []
    yield SimpleNamespace(
        clock=clock,
        gateway=gateway,
        links=LinkService(gateway, stores.sync, clock),
        sync=SyncService(gateway, stores, SyncLog(db), clock),
        open_url=opened.append,
        opened=opened,
    )
    db.close()


async def _run(ctx, line: str):
    invocation = REGISTRY.parse(line)
    return await invocation.spec.run(ctx, invocation.values)


async def test_link_takes_the_grant_from_the_environment_and_never_shows_it(ctx, monkeypatch):
    with pytest.raises(
        CommandError, match=r"give --client-secret \(or set VOLARIS_TASTYTRADE_CLIENT_SECRET\)"
    ):
        await _run(ctx, "/link tastytrade --refresh-token abc")
    monkeypatch.setenv("VOLARIS_TASTYTRADE_CLIENT_SECRET", "SECRET-FROM-ENV")
    monkeypatch.setenv("VOLARIS_TASTYTRADE_REFRESH_TOKEN", "GRANT-FROM-ENV")
    linked = await _run(ctx, "/link tastytrade")
    assert linked.title == "Tastytrade linked: 1 account(s)"
    assert linked.table.rows == (("5WT1", "margin", "Main"),)
    assert "FROM-ENV" not in linked.to_text() + linked.to_json()
    monkeypatch.setenv("VOLARIS_TASTYTRADE_REFRESH_TOKEN", "revoked")
    with pytest.raises(CommandError, match=r"/link tastytrade: .*invalid_grant"):
        await _run(ctx, "/link tastytrade")


async def test_schwab_links_through_the_browser_and_authorize_logs_in_again(ctx):
    with pytest.raises(CommandError, match="VOLARIS_SCHWAB_APP_KEY"):
        await _run(ctx, "/link schwab")
    linked = await _run(ctx, "/link schwab --app-key K --app-secret S")
    assert ctx.opened == ["https://127.0.0.1/authorize/schwab"]
    assert linked.lines[0] == "logged in through cb"
    pasted = await _run(ctx, "/authorize schwab --redirect https://127.0.0.1:8182/cb?code=x")
    assert pasted.title == "Schwab linked: 1 account(s)"
    assert len(ctx.opened) == 1  # a pasted redirect opens no browser


async def test_sync_lists_what_changed_and_what_differs_then_accounts_shows_links(ctx):
    with pytest.raises(CommandError, match="no broker is linked"):
        await _run(ctx, "/sync")
    ctx.gateway.linked_ = {"tastytrade", "schwab"}
    ctx.gateway.grants["schwab"] = TokenGrant(NOW, NOW - timedelta(days=6, hours=3), 7)
    synced = await _run(ctx, "/sync --broker tastytrade")
    assert synced.title == "Synced 1 of 1 broker(s)"
    assert synced.table.rows == (("tastytrade", "5WT1", "0", "0", "1", "0.0"),)
    assert synced.lines[0].startswith("tastytrade 5WT1 SPY: ledger 0, broker 100 — held at")
    data = json.loads(synced.to_json())
    assert data["reports"][0]["accounts"][0]["differences"][0]["symbol"] == "SPY"
    accounts = await _run(ctx, "/accounts")
    assert accounts.table.rows == (
        ("schwab", "linked", "-", "-", "21h 0m", "-"),  # linked elsewhere: no accounts yet
        ("tastytrade", "linked", "5WT1", "2026-11-21 15:00", "-", "-"),
    )
    assert accounts.lines == ("the Schwab login expires in 21 h",)
    unlinked = await _run(ctx, "/unlink schwab")
    assert unlinked.data == {"broker": "schwab", "linked": False}
    assert ctx.gateway.linked() == ["tastytrade"]


def test_countdown_reads_in_days_hours_and_minutes():
    assert broker_commands.countdown(6 * 86400 + 4 * 3600 + 59) == "6d 4h"
    assert broker_commands.countdown(3 * 3600 + 12 * 60) == "3h 12m"
    assert broker_commands.countdown(0) == "expired"
