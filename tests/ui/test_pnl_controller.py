"""The P&L controller: loads the ledger into the panel and stores renames, tags and merges."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.services.test_ledger_service import HEADER, ROWS, _services
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.strategy_overrides import StrategyOverrideStore
from workstation.ui.docks.pnl.controller import PnlController
from workstation.ui.docks.pnl.panel import PnlDock


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "w.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


def _controller(qtbot, db: Database, tmp_path: Path) -> PnlController:  # type: ignore[no-untyped-def]
    export = tmp_path / "export.csv"
    export.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    importer, ledger = _services(db)
    asyncio.run(importer.commit(asyncio.run(importer.preview(export, None, "5WT1"))))
    dock = PnlDock.create()
    qtbot.addWidget(dock.view)
    controller = PnlController(dock, ledger, lambda coro, name: asyncio.run(coro))
    controller.refresh()
    return controller


def test_refresh_shows_the_ledger_and_edits_are_stored(qtbot, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    controller = _controller(qtbot, db, tmp_path)
    view = controller.view
    assert view is not None
    assert view.summary.closed_trades == 2
    spread = next(t for t in view.trades if t.kind == "bull put credit spread")
    panel = controller._dock.view
    panel.rename_requested.emit(spread.id, "January spread")
    panel.tags_requested.emit(spread.id, ("income", "spy"))
    renamed = next(t for t in controller.view.trades if t.id == spread.id)  # type: ignore[union-attr]
    assert (renamed.name, renamed.tags) == ("January spread", ("income", "spy"))
    stored = StrategyOverrideStore(db).load()
    assert stored.names == {spread.id: "January spread"}


def test_merging_two_trades_makes_one(qtbot, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    controller = _controller(qtbot, db, tmp_path)
    assert controller.view is not None
    before = len(controller.view.trades)
    spy = [t.id for t in controller.view.trades if t.underlying == "SPY"]
    assert len(spy) == 2  # the spread and the open call
    controller._dock.view.regroup_requested.emit(tuple(spy))
    assert len(controller.view.trades) == before - 1
    assert StrategyOverrideStore(db).load().regroup  # the merge is stored


def test_new_delta_buckets_regroup_by_delta(qtbot, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    controller = _controller(qtbot, db, tmp_path)
    controller._dock.view.delta_buckets_requested.emit((0.0,))
    assert controller.delta_edges == (0.0,)
    assert controller.view is not None
    # No stored bars here, so no entry can be priced: every trade is "unknown".
    assert [(g.label, g.trades) for g in controller.view.by_delta] == [("unknown", 3)]
