"""The sync log: one row per import, sync, backfill or migration, with its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from workstation.ports.clock import Clock, SystemClock
from workstation.storage.database import Database
from workstation.storage.tables import sync_log

FINAL_STATUSES = ("ok", "failed")


@dataclass(frozen=True, slots=True)
class SyncRecord:
    """One logged run; ``finished_at`` is None while it is running (aware UTC datetimes)."""

    id: int
    kind: str
    source: str
    account: str | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    rows_added: int
    detail: str


class SyncLog:
    """Start and finish records of background work, newest first when listed."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SystemClock()

    def start(self, kind: str, source: str, account: str | None = None) -> int:
        """Record that a run of ``kind`` (import, sync, backfill ...) from ``source`` started;
        return its id."""
        if not kind or not source:
            raise ValueError(f"sync log: kind {kind!r} and source {source!r} must be non-empty")
        statement = insert(sync_log).values(
            kind=kind,
            source=source,
            account=account,
            started_at=self._clock.now(),
            status="running",
            rows_added=0,
            detail="",
        )
        with self._db.engine.begin() as connection:
            return connection.execute(statement).lastrowid

    def finish(self, run_id: int, status: str, rows_added: int, detail: str = "") -> None:
        """Record the outcome ("ok" or "failed") and row count of run ``run_id``."""
        if status not in FINAL_STATUSES:
            raise ValueError(
                f"sync log run {run_id}: status {status!r} is not one of "
                f"{', '.join(FINAL_STATUSES)}"
            )
        if rows_added < 0:
            raise ValueError(f"sync log run {run_id}: rows_added {rows_added} is negative")
        statement = (
            update(sync_log)
            .where(sync_log.c.id == run_id)
            .values(
                finished_at=self._clock.now(), status=status, rows_added=rows_added, detail=detail
            )
        )
        with self._db.engine.begin() as connection:
            if connection.execute(statement).rowcount != 1:
                raise LookupError(f"sync log: no run with id {run_id}")

    def recent(self, limit: int = 50) -> list[SyncRecord]:
        """Return the newest ``limit`` runs, newest first."""
        query = select(sync_log).order_by(sync_log.c.started_at.desc(), sync_log.c.id.desc())
        with self._db.engine.connect() as connection:
            rows = connection.execute(query.limit(max(0, limit))).all()
        return [
            SyncRecord(
                row.id,
                row.kind,
                row.source,
                row.account,
                row.started_at,
                row.finished_at,
                row.status,
                row.rows_added,
                row.detail,
            )
            for row in rows
        ]
