"""The Accounts panel: models, states and countdown, Sync now, failures, reconciliation, actions.

The controller drives a real LinkService and SyncService over a temporary
SQLite file; the brokers are the in-memory stubs of ``tests/fakes``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.fakes.broker_client import StubBroker, StubGateway
from tests.fakes.clock import FixedClock
from workstation.domain.accounts import AccountKind
from workstation.domain.brokers import (
    BrokerAccount,
    BrokerPosition,
    LinkState,
    PositionDifference,
    Reconciliation,
    TokenGrant,
)
from workstation.domain.instruments import InstrumentKind
from workstation.domain.transactions import Transaction, TransactionKind, TransactionSource
from workstation.ports.broker import BrokerAuthError, BrokerUnavailable
from workstation.services.sync import LinkService, LinkStatus, SyncService, SyncStores
from workstation.storage.account_rules import AccountStatusStore
from workstation.storage.balance_snapshots import BalanceSnapshotStore
from workstation.storage.broker_sync import BrokerSyncStore
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.sync_log import SyncLog
from workstation.storage.transactions import TransactionStore
from workstation.ui.dialogs.link_account import LinkAccountDialog
from workstation.ui.docks.accounts.controller import TICK_MS, AccountsController
from workstation.ui.docks.accounts.describe import MATCHES, local_time, reconciliation_lines
from workstation.ui.docks.accounts.model import (
    EXPIRES_COLUMN,
    STATE_COLUMN,
    LinksModel,
    ReconciliationModel,
)
from workstation.ui.docks.accounts.panel import AccountsDock
from workstation.ui.theme import colors

NOW = datetime(2026, 11, 24, 16, 37, tzinfo=UTC)
TASTY = BrokerAccount("tastytrade", "5WT1", AccountKind.MARGIN, "Main")
SCHWAB = BrokerAccount("schwab", "12345678", AccountKind.MARGIN, "", "HASH")
FG = Qt.ItemDataRole.ForegroundRole


# ---------------------------------------------------------------- async helpers
def settle(loop: asyncio.AbstractEventLoop, tasks: list[asyncio.Task[Any]]) -> None:
    """Run the loop until every spawned task (and every task they spawned) has finished."""

    async def drain() -> None:
        while pending := [t for t in tasks if not t.done()]:
            await asyncio.wait(pending)

    loop.run_until_complete(drain())
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


def until(
    loop: asyncio.AbstractEventLoop, condition: Callable[[], object], timeout: float = 3.0
) -> None:
    """Run the loop (and Qt's events) until ``condition()`` holds."""

    async def poll() -> None:
        deadline = loop.time() + timeout
        while not condition():
            assert loop.time() < deadline, "condition not reached in time"
            await asyncio.sleep(0.002)

    loop.run_until_complete(poll())


def spawner(loop: asyncio.AbstractEventLoop, tasks: list[asyncio.Task[Any]]) -> Callable[..., Any]:
    """A ``spawn(coro, name)`` that starts named tasks on ``loop`` and keeps them."""

    def spawn(coro: Any, name: str) -> asyncio.Task[Any]:
        task = loop.create_task(coro, name=name)
        tasks.append(task)
        return task

    return spawn


# ---------------------------------------------------------------- the world
def _buy(n: int) -> Transaction:
    return Transaction(
        broker="tastytrade", account="5WT1", key=f"id{n}", kind=TransactionKind.TRADE,
        executed_at=NOW - timedelta(days=10, minutes=-n), instrument=InstrumentKind.EQUITY,
        symbol="SPY", underlying="SPY", quantity=Decimal(100), price=Decimal("500"),
        value=Decimal(-50_000), commission=Decimal(1), order_id=f"o{n}",
        source=TransactionSource.API,
    )  # fmt: skip


@dataclass
class World:
    """Services over a temporary database, the stub brokers and what the app would pass."""

    links: LinkService
    sync: SyncService
    gateway: StubGateway
    tasty: StubBroker
    schwab: StubBroker
    clock: FixedClock
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "w.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


@pytest.fixture
def world(db: Database) -> World:
    tasty = StubBroker("tastytrade", [TASTY], [_buy(1), _buy(2)], cash=Decimal(-100_002))
    tasty.positions_ = [
        BrokerPosition("tastytrade", "5WT1", "SPY", InstrumentKind.EQUITY, Decimal(199)),
        BrokerPosition("tastytrade", "5WT1", "QQQ", InstrumentKind.EQUITY, Decimal(-100)),
    ]
    schwab = StubBroker("schwab", [SCHWAB])
    gateway = StubGateway({"tastytrade": tasty, "schwab": schwab})
    clock = FixedClock(NOW)
    stores = SyncStores(
        BrokerSyncStore(db), TransactionStore(db), AccountStatusStore(db), BalanceSnapshotStore(db)
    )
    links = LinkService(gateway, BrokerSyncStore(db), clock)
    sync = SyncService(gateway, stores, SyncLog(db), clock)
    return World(links, sync, gateway, tasty, schwab, clock)


def link_both(loop: asyncio.AbstractEventLoop, world: World) -> None:
    """Link tastytrade with a grant and Schwab through a login whose 7 days end in 20 hours."""
    loop.run_until_complete(world.links.link("tastytrade", {"client_secret": "s",
                                                            "refresh_token": "r"}))  # fmt: skip
    loop.run_until_complete(
        world.links.finish_authorization("schwab", "https://127.0.0.1/cb?code=x")
    )
    issued = NOW - timedelta(days=7) + timedelta(hours=20)
    world.gateway.grants["schwab"] = TokenGrant(NOW + timedelta(minutes=30), issued, 7)


def build(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, world: World, confirm: bool = True
) -> AccountsController:
    dock = AccountsDock.create()
    dock.view.confirm = lambda _parent, _title, _question: confirm
    qtbot.addWidget(dock.view)
    dock.controller = AccountsController(
        dock.view, world.links, world.sync, spawner(loop, world.tasks), world.clock,
        world.opened.append,
    )  # fmt: skip
    dock.view.resize(900, 460)
    dock.view.show()
    return dock.controller


def cell(controller: AccountsController, broker: str, column: int, role: int = 0) -> Any:
    model = controller.view.model
    row = model.row_of(broker)
    assert row is not None
    return model.index(row, column).data(role or Qt.ItemDataRole.DisplayRole)


# ---------------------------------------------------------------- models
def _statuses() -> list[LinkStatus]:
    return [
        LinkStatus("schwab", LinkState.LINKED, NOW - timedelta(hours=1), "", ("12345678",),
                   NOW + timedelta(hours=20)),
        LinkStatus("tastytrade", LinkState.ERROR, None, "tastytrade GET /accounts: HTTP 503",
                   ("5WT1",)),
    ]  # fmt: skip


def test_links_model_shows_states_and_countdowns_and_updates_in_place(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    model = LinksModel()
    model.set_statuses(_statuses(), NOW)
    qtmodeltester.check(model, force_py=True)
    rows = [[model.index(r, c).data() for c in range(6)] for r in range(2)]
    assert rows[0] == ["Schwab", "linked", "12345678", local_time(NOW - timedelta(hours=1)),
                       "20h 0m", ""]  # fmt: skip
    assert rows[1] == [
        "Tastytrade",
        "error",
        "5WT1",
        "—",
        "—",
        "tastytrade GET /accounts: HTTP 503",
    ]
    assert model.index(0, STATE_COLUMN).data(FG) == colors().positive
    assert model.index(1, STATE_COLUMN).data(FG) == colors().negative
    assert model.index(0, EXPIRES_COLUMN).data(FG) == colors().stale  # the last day of 7
    assert "log in again" in model.index(0, EXPIRES_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        model.set_statuses([_statuses()[0], LinkStatus("tastytrade", LinkState.NEEDS_RELOGIN)], NOW)
    assert model.index(1, STATE_COLUMN).data() == "needs re-login"
    assert model.index(1, STATE_COLUMN).data(FG) == colors().stale
    with qtbot.assertNotEmitted(model.modelReset):
        model.set_now(NOW + timedelta(days=1))
    assert model.index(0, EXPIRES_COLUMN).data() == "expired"
    assert model.index(0, EXPIRES_COLUMN).data(FG) == colors().negative
    model.set_now(NOW - timedelta(days=5))
    assert model.index(0, EXPIRES_COLUMN).data() == "5d 20h"
    assert model.index(0, EXPIRES_COLUMN).data(FG) is None
    model.set_busy("schwab", True)
    assert model.index(0, STATE_COLUMN).data() == "syncing"
    model.set_statuses([LinkStatus("schwab", LinkState.UNLINKED)], NOW)  # the row set changed
    assert model.index(0, STATE_COLUMN).data() == "not linked"
    assert model.index(0, STATE_COLUMN).data(FG) == colors().muted
    qtmodeltester.check(model, force_py=True)


def _check(
    positions: tuple[PositionDifference, ...], ledger: str, broker: str | None
) -> Reconciliation:
    return Reconciliation("tastytrade", "5WT1", NOW, positions, Decimal(ledger),
                          None if broker is None else Decimal(broker))  # fmt: skip


def test_reconciliation_lists_differences_the_cash_line_or_agreement(
    qtmodeltester: ModelTester,
) -> None:
    spy = PositionDifference("5WT1", "SPY", Decimal(200), Decimal("199.0"), "quantities differ")
    lines = reconciliation_lines([_check((spy,), "-1000", "-900.5")])
    assert [(x.symbol, x.ledger, x.broker) for x in lines] == [
        ("SPY", "200", "199"), ("Cash", "-1,000.00", "-900.50")]  # fmt: skip
    assert "+99.50" in lines[1].reason
    assert [x.reason for x in reconciliation_lines([_check((), "5", "5.001")])] == [MATCHES]
    assert [x.symbol for x in reconciliation_lines([_check((spy,), "5", "5")])] == ["SPY", "Cash"]
    model = ReconciliationModel()
    model.set_checks([_check((spy,), "-1000", None)])
    qtmodeltester.check(model, force_py=True)
    assert [model.index(0, c).data() for c in range(5)] == [
        "5WT1", "SPY", "200", "199", "quantities differ"]  # fmt: skip


# ---------------------------------------------------------------- controller
def test_sync_now_shows_syncing_then_linked_with_the_reconciliation(
    qtbot: QtBot, qt_loop: asyncio.AbstractEventLoop, world: World
) -> None:
    link_both(qt_loop, world)
    controller = build(qtbot, qt_loop, world)
    controller.refresh()
    settle(qt_loop, world.tasks)
    view = controller.view
    assert cell(controller, "tastytrade", STATE_COLUMN) == "linked"
    assert cell(controller, "schwab", EXPIRES_COLUMN) == "20h 0m"
    view.select_broker("tastytrade")
    settle(qt_loop, world.tasks)
    assert "not been synced yet" in view.summary.text()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # Enter = Sync now
    assert cell(controller, "tastytrade", STATE_COLUMN) == "syncing"
    assert not view.buttons["sync"].isEnabled()
    settle(qt_loop, world.tasks)
    assert cell(controller, "tastytrade", STATE_COLUMN) == "linked"
    assert cell(controller, "tastytrade", 3) == local_time(NOW)
    assert view.buttons["sync"].isEnabled()
    assert "Tastytrade synced" in view.message.text()
    lines = view.reconciliation.lines
    cash = ("Cash", "-100,002.00", "-100,002.00")
    assert [(x.symbol, x.ledger, x.broker) for x in lines] == [
        ("QQQ", "0", "-100"), ("SPY", "200", "199"), cash]  # fmt: skip
    assert lines[-1].reason == "cash matches"
    assert "2 positions differ" in view.summary.text()
    view.select_broker("schwab")
    settle(qt_loop, world.tasks)
    assert "Schwab has not been synced yet" in view.summary.text()
    assert view.reconciliation.rowCount() == 0


def test_a_failing_broker_shows_error_with_the_reason(
    qtbot: QtBot, qt_loop: asyncio.AbstractEventLoop, world: World
) -> None:
    link_both(qt_loop, world)
    controller = build(qtbot, qt_loop, world)
    controller.refresh()
    settle(qt_loop, world.tasks)
    world.tasty.fail_with = BrokerUnavailable("tastytrade GET /customers/me/accounts: HTTP 503")
    controller.view.select_broker("tastytrade")
    controller.view.buttons["sync"].click()
    settle(qt_loop, world.tasks)
    assert cell(controller, "tastytrade", STATE_COLUMN) == "error"
    assert "HTTP 503" in cell(controller, "tastytrade", 5)
    assert "sync failed" in controller.view.message.text()
    assert not controller.view.buttons["relogin"].isEnabled()  # an outage needs no new login
    world.tasty.fail_with = BrokerAuthError("tastytrade refused the refresh token: invalid_grant")
    controller.sync_now("tastytrade")
    settle(qt_loop, world.tasks)
    assert cell(controller, "tastytrade", STATE_COLUMN) == "needs re-login"
    assert "invalid_grant" in cell(controller, "tastytrade", 5)
    assert controller.view.buttons["relogin"].isEnabled()


def test_the_countdown_ticks_from_the_clock_without_reading_the_database(
    qtbot: QtBot, qt_loop: asyncio.AbstractEventLoop, world: World
) -> None:
    link_both(qt_loop, world)
    controller = build(qtbot, qt_loop, world)
    controller.refresh()
    settle(qt_loop, world.tasks)
    assert controller.timer.isActive()
    assert controller.timer.interval() == TICK_MS
    reads: list[int] = []
    original = world.links.statuses

    async def counted() -> list[LinkStatus]:
        reads.append(1)
        return await original()

    world.links.statuses = counted  # type: ignore[method-assign]
    world.clock.advance(minutes=61)
    controller.tick()
    assert cell(controller, "schwab", EXPIRES_COLUMN) == "18h 59m"
    assert reads == []


def test_buttons_follow_the_selection_and_unlink_asks_first(
    qtbot: QtBot, qt_loop: asyncio.AbstractEventLoop, world: World
) -> None:
    link_both(qt_loop, world)
    controller = build(qtbot, qt_loop, world, confirm=False)
    controller.refresh()
    settle(qt_loop, world.tasks)
    view = controller.view
    texts = [b.text() for b in view.buttons.values()]
    assert texts == ["&Link account…", "&Sync now", "Log in &again", "&Unlink…"]
    assert len({t[t.index("&") + 1].lower() for t in texts}) == len(texts)  # distinct mnemonics
    view.select_broker("schwab")
    assert view.buttons["relogin"].isEnabled()  # Schwab: always (7-day logins)
    view.select_broker("tastytrade")
    assert not view.buttons["relogin"].isEnabled()
    view.buttons["unlink"].click()  # the trader says no
    settle(qt_loop, world.tasks)
    assert cell(controller, "tastytrade", STATE_COLUMN) == "linked"
    view.confirm = lambda _parent, _title, _question: True
    view.buttons["unlink"].click()
    settle(qt_loop, world.tasks)
    assert cell(controller, "tastytrade", STATE_COLUMN) == "not linked"
    assert "unlinked" in view.message.text()
    assert world.gateway.linked() == ["schwab"]


def test_link_and_log_in_again_open_the_dialog(
    qtbot: QtBot, qt_loop: asyncio.AbstractEventLoop, world: World
) -> None:
    controller = build(qtbot, qt_loop, world)
    controller.refresh()
    settle(qt_loop, world.tasks)
    assert [cell(controller, b, STATE_COLUMN) for b in ("schwab", "tastytrade")] == [
        "not linked", "not linked"]  # fmt: skip
    controller.view.buttons["link"].click()
    dialog = controller.dialog
    assert isinstance(dialog, LinkAccountDialog)
    assert dialog.broker() == "tastytrade"
    assert not dialog.relogin
    dialog.close_after_ms = 0
    dialog.client_secret.setText("secret")
    dialog.refresh_token.setText("grant")
    dialog.go.click()
    until(qt_loop, lambda: controller.dialog is None)
    settle(qt_loop, world.tasks)
    assert cell(controller, "tastytrade", STATE_COLUMN) == "linked"
    assert "Tastytrade linked (5WT1)" in controller.view.message.text()
    controller.view.select_broker("schwab")
    controller.view.buttons["relogin"].click()
    relogin = controller.dialog
    assert relogin is not None
    assert relogin.relogin
    assert relogin.broker() == "schwab"
    relogin.reject()
    assert controller.dialog is None


def test_accounts_panel_renders(
    qtbot: QtBot, qt_loop: asyncio.AbstractEventLoop, world: World, tmp_path: Path
) -> None:
    controller = rendered_panel(qtbot, qt_loop, world)
    image = controller.view.grab()
    assert image.save(str(tmp_path / "accounts.png"))
    assert image.width() == 900


def rendered_panel(
    qtbot: QtBot, qt_loop: asyncio.AbstractEventLoop, world: World
) -> AccountsController:
    """One tastytrade link with a reconciliation difference, Schwab with 20 hours left."""
    link_both(qt_loop, world)
    controller = build(qtbot, qt_loop, world)
    controller.refresh()
    settle(qt_loop, world.tasks)
    controller.sync_now("tastytrade")
    settle(qt_loop, world.tasks)
    controller.view.select_broker("tastytrade")
    settle(qt_loop, world.tasks)
    QApplication.processEvents()
    return controller
