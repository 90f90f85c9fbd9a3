"""File -> Import: preview shows what the file holds and what is new; import commits it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.clock import FixedClock
from tests.unit.services.test_ledger_service import HEADER, ROWS
from workstation.adapters.csv import read_statement
from workstation.services.ledger_import import TransactionImport
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.sync_log import SyncLog
from workstation.storage.transactions import TransactionStore
from workstation.ui.dialogs.import_dialog import ImportDialog


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "w.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


def _dialog(qtbot, db: Database) -> ImportDialog:  # type: ignore[no-untyped-def]
    clock = FixedClock(datetime(2026, 3, 20, tzinfo=UTC))
    importer = TransactionImport(TransactionStore(db), SyncLog(db, clock=clock), read_statement)
    dialog = ImportDialog(importer, lambda name, coro: asyncio.run(coro))
    qtbot.addWidget(dialog)
    return dialog


def test_preview_then_import_then_nothing_new(qtbot, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "export.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    dialog = _dialog(qtbot, db)
    dialog.path.setText(str(path))
    dialog.account.setText("5WT1")
    dialog.request_preview()
    assert "11 rows" in dialog.summary.text()
    assert "11 new, 0 already present" in dialog.summary.text()
    assert dialog.table.rowCount() == 11
    assert dialog.table.item(0, 8).text() == "new"
    assert dialog.import_button.isEnabled()
    assert TransactionStore(db).count() == 0  # a preview writes nothing
    with qtbot.waitSignal(dialog.imported) as done:
        dialog.request_import()
    assert done.args[0].added == 11
    assert TransactionStore(db).count() == 11
    dialog.request_preview()
    assert "Everything in this file is already in the workspace" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    dialog.resize(1000, 520)
    dialog.grab().save(str(tmp_path / "import_dialog.png"))


def test_a_bad_file_says_where_and_cannot_be_imported(qtbot, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.csv"
    rows = list(ROWS)
    rows[0] = rows[0].replace("-300.00,1,", "-300.00,one,")
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    dialog = _dialog(qtbot, db)
    dialog.path.setText(str(path))
    dialog.account.setText("5WT1")
    dialog.request_preview()
    assert "bad.csv:2" in dialog.summary.text()
    assert "Quantity" in dialog.summary.text()
    assert "Nothing was imported" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    dialog.path.setText(str(tmp_path / "missing.csv"))
    dialog.request_preview()
    assert "is not a file" in dialog.summary.text()
