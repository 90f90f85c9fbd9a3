"""A saved P&L view: a cold open reads it back, and never shows it as current when stale."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from tests.fakes.clock import FixedClock
from tests.unit.services.test_ledger_service import HEADER, NOW, ROWS, FixedMarks
from workstation.adapters.csv import read_statement
from workstation.domain.pnl import LedgerView
from workstation.services.ledger import RECOMPUTING, UPDATING_MARKS, LedgerService
from workstation.services.ledger_import import TransactionImport
from workstation.storage.balance_snapshots import BalanceSnapshotStore
from workstation.storage.bars import BarStore
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.strategy_overrides import StrategyOverrideStore
from workstation.storage.sync_log import SyncLog
from workstation.storage.transactions import TransactionStore

CALL = "SPY   260417C00600000"


class CountingStore(TransactionStore):
    """A TransactionStore that counts full reads (a cold open from a saved view needs none)."""

    reads = 0

    def all(self, account: str | None = None):  # type: ignore[no-untyped-def]
        CountingStore.reads += 1
        return super().all(account)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "w.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    path = tmp_path / "tastytrade.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    importer = TransactionImport(TransactionStore(database), SyncLog(database), read_statement)
    importer.import_now(path, "tastytrade", "5WT1")
    yield database
    database.close()


def _ledger(db: Database, mark: str, clock: FixedClock | None = None) -> LedgerService:
    CountingStore.reads = 0
    clock = clock or FixedClock(NOW)
    return LedgerService(
        CountingStore(db),
        StrategyOverrideStore(db, clock),
        BalanceSnapshotStore(db),
        BarStore(db),
        FixedMarks({CALL: Decimal(mark)}),
        clock,
    )


async def _all(ledger: LedgerService) -> list[tuple[LedgerView, str]]:
    return [item async for item in ledger.views()]


def _same(a: LedgerView, b: LedgerView) -> bool:
    return replace(a, transactions={}) == replace(b, transactions={})


async def test_a_cold_open_with_unchanged_marks_reads_the_saved_view_and_nothing_else(
    db: Database,
) -> None:
    first = _ledger(db, "4.10")
    computed = await first.view()
    await first.persist()
    cold = _ledger(db, "4.10")
    views = await _all(cold)
    assert [pending for _, pending in views] == [""]
    assert _same(views[0][0], computed)
    assert CountingStore.reads == 0  # no rebuild at all
    assert dict(views[0][0].transactions) == dict(computed.transactions)  # read when asked


async def test_moved_marks_show_the_saved_view_first_then_the_current_one(db: Database) -> None:
    first = _ledger(db, "4.10")
    saved = await first.view()
    await first.persist()
    views = await _all(_ledger(db, "5.10"))
    assert [pending for _, pending in views] == [UPDATING_MARKS, ""]
    assert _same(views[0][0], saved)
    assert views[1][0].summary.unrealized == saved.summary.unrealized + 100  # 1 call, 1.00 up


async def test_a_changed_ledger_shows_the_saved_view_labelled_then_recomputes(
    db: Database,
) -> None:
    first = _ledger(db, "4.10")
    saved = await first.view()
    await first.persist()
    await first.rename(first.base_now().groups.groups[0].id, "renamed")
    views = await _all(_ledger(db, "4.10"))
    assert [pending for _, pending in views] == [RECOMPUTING["ledger"], ""]
    assert _same(views[0][0], saved)
    assert not any(t.name == "renamed" for t in views[0][0].trades)
    assert any(t.name == "renamed" for t in views[1][0].trades)
    assert CountingStore.reads == 1


async def test_a_new_day_or_other_buckets_recompute(db: Database) -> None:
    first = _ledger(db, "4.10")
    await first.view()
    await first.persist()
    clock = FixedClock(NOW)
    clock.advance(days=1)
    pending = [p for _, p in await _all(_ledger(db, "4.10", clock))]
    assert pending == [RECOMPUTING["day"], ""]
    assert CountingStore.reads == 1
    other = _ledger(db, "4.10")
    views = [p async for _, p in other.views(delta_edges=(-10.0, 10.0))]
    assert views == [""]  # other buckets: the saved view is never shown
    assert CountingStore.reads == 1


async def test_a_period_view_is_neither_saved_nor_read_from_a_save(db: Database) -> None:
    first = _ledger(db, "4.10")
    await first.view(first=NOW.date().replace(month=2, day=1))
    await first.persist()  # nothing to save
    await _all(_ledger(db, "4.10"))
    assert CountingStore.reads == 1


async def test_a_saved_views_transactions_are_read_in_a_worker_thread(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _ledger(db, "4.10")
    await first.view()
    await first.persist()
    cold = _ledger(db, "4.10")
    ((view, _),) = await _all(cold)
    threads: list[str] = []
    read = CountingStore.all

    def all_rows(self, account=None):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return read(self, account)

    monkeypatch.setattr(CountingStore, "all", all_rows)
    await cold.load_transactions(view)
    assert len(threads) == 1
    assert threads[0] != threading.main_thread().name
    assert len(view.transactions) == len(ROWS)
    assert len(threads) == 1  # the drill-down now reads what was loaded
