"""Import broker exports into the ledger: preview first, then commit atomically.

The preview reads and validates the whole file and says what it holds (rows,
date range, accounts) and what is new against the store. Commit writes the
new rows in one database transaction and logs the run; a bad file raises
ImportFileError (file, line, column, problem) before anything is written, so
the store is never half-imported. Importing the same file twice adds nothing.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workstation.domain.transactions import StatementFile, Transaction
from workstation.ports.statements import StatementReader
from workstation.services.blocking import BlockingRunner, run_in_thread
from workstation.storage.sync_log import SyncLog
from workstation.storage.transactions import ImportPlan, TransactionStore


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What a file holds and what importing it would add."""

    statement: StatementFile
    new: tuple[Transaction, ...]
    present: int
    revision: tuple[int, int, int] | None = None  # the store's revision() when compared

    @property
    def rows(self) -> int:
        """Return the number of transactions in the file."""
        return len(self.statement.rows)

    @property
    def date_range(self) -> tuple[date, date] | None:
        """Return the first and last trade dates in the file (New York)."""
        return self.statement.date_range

    @property
    def accounts(self) -> tuple[str, ...]:
        """Return the accounts the file's rows belong to."""
        return self.statement.accounts

    def describe(self) -> str:
        """Return a one-paragraph summary for the CLI and the import dialog."""
        span = self.date_range
        when = f"{span[0]} to {span[1]}" if span else "no dated rows"
        return (
            f"{Path(self.statement.path).name}: {self.statement.broker} "
            f"({self.statement.format}), {self.rows:,} rows, {when}, "
            f"accounts {', '.join(self.accounts) or '-'}; "
            f"{len(self.new):,} new, {self.present:,} already present"
        )


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What a committed import did."""

    preview: ImportPreview
    added: int
    run_id: int


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big batch of acyclic rows is built.

    A 100,000-row import creates a million objects with no cycles; the
    collector would walk them repeatedly for nothing. The previous state is
    restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class TransactionImport:
    """Preview and commit broker export files."""

    def __init__(
        self,
        store: TransactionStore,
        log: SyncLog,
        reader: StatementReader,
        run: BlockingRunner = run_in_thread,
    ) -> None:
        self._store = store
        self._log = log
        self._read = reader
        self._run = run

    def preview_now(
        self, path: Path, broker: str | None = None, account: str | None = None
    ) -> ImportPreview:
        """Read and validate ``path`` and compare it with the store (blocking)."""
        with paused_gc():
            statement = self._read(path, broker=broker, account=account)
            revision = self._store.revision()
            plan = self._store.plan(statement.rows)
        return ImportPreview(statement, plan.new, len(plan.present), revision)

    def commit_now(self, preview: ImportPreview) -> ImportOutcome:
        """Write the preview's new rows in one transaction and log the run (blocking).

        The new rows are recomputed against the store at commit time when it
        changed since the preview, so a sync that ran between preview and
        commit is not double counted.
        """
        statement = preview.statement
        if preview.revision is not None and preview.revision == self._store.revision():
            fresh = ImportPlan(preview.new, ())
            present = preview.present
        else:
            fresh = self._store.plan(statement.rows)
            present = len(fresh.present)
        account = ",".join(statement.accounts) or None
        run_id = self._log.start("import", f"{statement.broker} csv", account)
        try:
            with paused_gc():
                added = self._store.add(fresh.new, import_run=run_id)
        except Exception as exc:
            self._log.finish(run_id, "failed", 0, f"{Path(statement.path).name}: {exc}")
            raise
        detail = f"{Path(statement.path).name}: {added} added, {present} present"
        self._log.finish(run_id, "ok", added, detail)
        final = ImportPreview(statement, fresh.new, present, self._store.revision())
        return ImportOutcome(final, added, run_id)

    def import_now(
        self, path: Path, broker: str | None = None, account: str | None = None
    ) -> ImportOutcome:
        """Preview and commit in one step (the CLI without --preview).

        The collector stays paused from reading to writing: the rows the
        preview built are still alive, so a collection in between would only
        walk them once more.
        """
        with paused_gc():
            return self.commit_now(self.preview_now(path, broker, account))

    async def preview(
        self, path: Path, broker: str | None = None, account: str | None = None
    ) -> ImportPreview:
        """Run ``preview_now`` off the event loop."""
        return await self._run(self.preview_now, path, broker, account)

    async def commit(self, preview: ImportPreview) -> ImportOutcome:
        """Run ``commit_now`` off the event loop."""
        return await self._run(self.commit_now, preview)
