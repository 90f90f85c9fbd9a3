"""Fixtures for store tests: real SQLite files in tmp_path, migrated to head."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.clock import FixedClock
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_snapshot(folder: Path) -> dict[str, str]:
    """Return {relative name: digest} of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): file_digest(p) for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def clock() -> FixedClock:
    """A clock fixed at 2026-11-21 15:30 UTC."""
    return FixedClock(datetime(2026, 11, 21, 15, 30, tzinfo=UTC))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A plain database at the newest schema."""
    database = open_database(tmp_path / "workstation.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()
