"""The P&L panel on a cold open: a saved view stands in, labelled, until the current one is in."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.unit.services.test_ledger_service import HEADER, ROWS, _services
from workstation.domain.pnl import LedgerView
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.ui.docks.pnl.controller import PnlController
from workstation.ui.docks.pnl.panel import PnlDock


class RecordingDock(PnlDock):
    """A PnlDock that remembers what it was asked to show and the status line each time."""

    shown: list[tuple[bool, str]]  # current, status line
    cards: list[str]  # the Unrealized card's detail line

    def show_view(self, view: LedgerView, pending: str = "") -> None:
        super().show_view(view, pending)
        self.shown.append((not pending, self.view.status.text()))
        self.cards.append(self.view.summary.cards["Unrealized"].detail.text())


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "w.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    export = tmp_path / "export.csv"
    export.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    importer, _ = _services(database)
    asyncio.run(importer.commit(asyncio.run(importer.preview(export, None, "5WT1"))))
    yield database
    database.close()


def _open(qtbot, db: Database, mark: str) -> RecordingDock:  # type: ignore[no-untyped-def]
    _, ledger = _services(db)
    ledger._marks.prices = {"SPY   260417C00600000": Decimal(mark)}  # type: ignore[attr-defined]
    created = PnlDock.create()
    dock = RecordingDock(created.models, created.view)
    dock.shown, dock.cards = [], []
    qtbot.addWidget(dock.view)
    PnlController(dock, ledger, lambda coro, name: asyncio.run(coro)).refresh()
    return dock


def test_a_cold_open_shows_the_saved_view_labelled_until_marks_are_current(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    first = _open(qtbot, db, "4.10")  # computes and saves
    assert [current for current, _ in first.shown] == [True]
    moved = _open(qtbot, db, "5.10")
    assert [current for current, _ in moved.shown] == [False, True]
    assert moved.shown[0][1].startswith("Saved ")
    assert "updating marks" in moved.shown[0][1]
    assert moved.cards[0] == "open legs at saved marks"
    assert moved.shown[1][1].startswith("As of ")
    assert moved.cards[1] == "open legs at latest marks"
    same = _open(qtbot, db, "5.10")  # saved again with the moved marks: current at once
    assert [current for current, _ in same.shown] == [True]


def test_a_cold_open_after_the_ledger_changed_shows_the_saved_view_until_recomputed(  # type: ignore[no-untyped-def]
    qtbot, db
) -> None:
    first = _open(qtbot, db, "4.10")
    assert [current for current, _ in first.shown] == [True]
    _, ledger = _services(db)
    group = ledger.base_now().groups.groups[0].id
    asyncio.run(ledger.rename(group, "renamed since"))
    changed = _open(qtbot, db, "4.10")
    assert [current for current, _ in changed.shown] == [False, True]
    assert "transactions or corrections changed since, recomputing" in changed.shown[0][1]
    assert changed.shown[1][1].startswith("As of ")
    assert changed.view.view is not None
    assert any(t.name == "renamed since" for t in changed.view.view.trades)
