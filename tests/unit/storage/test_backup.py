"""VACUUM INTO backups: naming, permissions, encryption, rotation, atomicity."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workstation.storage.backup import (
    BACKUP_PATTERN,
    backup_database,
    list_backups,
    rotate_backups,
)
from workstation.storage.database import Database, DatabaseKey, open_database
from workstation.storage.errors import WrongDatabaseKey

T0 = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)


def _fill(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x)")
        connection.exec_driver_sql("INSERT INTO t VALUES (42)")


def test_backup_is_named_private_and_complete(tmp_path: Path) -> None:
    with open_database(tmp_path / "w.db", None) as db:
        _fill(db)
        path = backup_database(db, tmp_path / "backups", "pre-migration 0001", keep=5, now=T0)
    assert path.name == "workstation-20261121T153000Z-pre-migration-0001.db"
    assert BACKUP_PATTERN.match(path.name)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sqlite3.connect(path).execute("SELECT x FROM t").fetchall() == [(42,)]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


@pytest.mark.parametrize(
    "key", [DatabaseKey.raw(b"r" * 32), DatabaseKey.passphrase("pp")], ids=["raw", "passphrase"]
)
def test_backup_of_encrypted_database_is_encrypted_with_the_same_key(
    tmp_path: Path, key: DatabaseKey
) -> None:
    with open_database(tmp_path / "w.db", key) as db:
        _fill(db)
        path = backup_database(db, tmp_path / "backups", "manual", keep=5, now=T0)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT x FROM t")
    with pytest.raises(WrongDatabaseKey):
        open_database(path, None)
    with open_database(path, key) as copy, copy.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT x FROM t").scalar_one() == 42


def test_rotation_keeps_the_newest_and_ignores_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    with open_database(tmp_path / "w.db", None) as db:
        _fill(db)
        made = [
            backup_database(db, folder, "scheduled", keep=3, now=T0 + timedelta(hours=i))
            for i in range(5)
        ]
    (folder / "notes.txt").write_text("mine")
    (folder / "workstation-lookalike.db").write_text("not a backup name")
    assert [b.path for b in list_backups(folder)] == made[-3:]
    assert (folder / "notes.txt").exists()
    assert (folder / "workstation-lookalike.db").exists()
    assert rotate_backups(folder, 1) == made[-3:-1]


def test_same_second_backups_get_distinct_names(tmp_path: Path) -> None:
    with open_database(tmp_path / "w.db", None) as db:
        _fill(db)
        first = backup_database(db, tmp_path / "b", "manual", keep=5, now=T0)
        second = backup_database(db, tmp_path / "b", "manual", keep=5, now=T0)
    assert first != second
    assert first.exists()
    assert second.exists()
    assert BACKUP_PATTERN.match(second.name)


def test_failed_backup_leaves_no_file_under_any_name(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    with open_database(tmp_path / "w.db", None) as db:
        _fill(db)
        db.close()
        with pytest.raises(Exception, match="closed"):
            backup_database(db, folder, "manual", keep=5, now=T0)
    assert list(folder.iterdir()) == []


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with open_database(tmp_path / "w.db", None) as db:
        with pytest.raises(ValueError, match="keep"):
            backup_database(db, tmp_path, "manual", keep=0)
        with pytest.raises(ValueError, match="reason"):
            backup_database(db, tmp_path, "///", keep=1)


def test_crash_before_the_rename_leaves_no_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: object) -> None:
        raise OSError("disk full")

    folder = tmp_path / "backups"
    with open_database(tmp_path / "w.db", None) as db:
        _fill(db)
        monkeypatch.setattr(os, "replace", crash)
        with pytest.raises(OSError, match="disk full"):
            backup_database(db, folder, "manual", keep=5, now=T0)
    assert list(folder.iterdir()) == []
