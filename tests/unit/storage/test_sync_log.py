"""SyncLog: start, finish, recent."""

from __future__ import annotations

import pytest

from tests.fakes.clock import FixedClock
from workstation.storage.database import Database
from workstation.storage.sync_log import SyncLog


def test_start_finish_recent(db: Database, clock: FixedClock) -> None:
    log = SyncLog(db, clock)
    first = log.start("backfill", "demo")
    clock.advance(seconds=5)
    second = log.start("sync", "tastytrade", account="5WT0001")
    clock.advance(seconds=5)
    log.finish(first, "ok", 1200, "SPY 1m")
    newest, oldest = log.recent()
    assert (newest.id, newest.status, newest.finished_at, newest.account) == (
        second,
        "running",
        None,
        "5WT0001",
    )
    assert (oldest.id, oldest.status, oldest.rows_added, oldest.detail) == (
        first,
        "ok",
        1200,
        "SPY 1m",
    )
    assert oldest.finished_at == clock.now()
    assert oldest.started_at.tzinfo is not None
    assert [r.id for r in log.recent(limit=1)] == [second]


def test_bad_input_is_refused(db: Database) -> None:
    log = SyncLog(db)
    run = log.start("import", "csv")
    with pytest.raises(ValueError, match="status 'done'"):
        log.finish(run, "done", 1)
    with pytest.raises(ValueError, match="negative"):
        log.finish(run, "ok", -1)
    with pytest.raises(LookupError, match="no run with id 999"):
        log.finish(999, "failed", 0)
    with pytest.raises(ValueError, match="kind"):
        log.start("", "csv")
    assert log.recent()[0].status == "running"
