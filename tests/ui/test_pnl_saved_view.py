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

    shown: list[tuple[bool, str]]

    def show_view(self, view: LedgerView, current: bool = True) -> None:
        super().show_view(view, current)
        self.shown.append((current, self.view.status.text()))


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
    dock.shown = []
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
    assert moved.shown[1][1].startswith("As of ")
    same = _open(qtbot, db, "5.10")  # saved again with the moved marks: current at once
    assert [current for current, _ in same.shown] == [True]
