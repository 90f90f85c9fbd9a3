"""Transaction store benchmark: the database write of a 100,000-row import, and the full load.

Run on demand: .venv/bin/pytest -m benchmark -s tests/benchmarks/test_import_write_bench.py

The rows are a parsed 100,000-row tastytrade export (parsed once, not timed).
Timed, best of three, each write into a fresh workspace at the newest schema:

- ``TransactionStore.add`` (one transaction; the content-key index is set
  aside and built again, as for any first import), against a baseline of
  ``executemany`` of the same bound rows into a table with the same columns
  and no constraints or indexes (the least any writer must do);
- ``TransactionStore.all`` of those rows, against the raw SELECT it runs.

The end-to-end import target is < 3 s, parsing included; the write gets half.
"""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.unit.adapters.csv.synthetic import synthetic_export
from workstation.adapters.csv import parse_statement
from workstation.domain.transactions import Transaction
from workstation.storage import transactions as store_module
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.transactions import TransactionStore

N_ROWS = 100_000
RUNS = 3
WRITE_BUDGET = 1.5  # seconds: half of the 3 s end-to-end import target
ACCOUNT = "5WT00001"


def _best(step: Callable[[], float]) -> float:
    gc.collect()
    gc.disable()
    try:
        return min(step() for _ in range(RUNS))
    finally:
        gc.enable()


def _workspaces(folder: Path) -> Iterator[Database]:
    for n in range(RUNS * 2):
        db = open_database(folder / f"w{n}.db", None)
        upgrade_to_head(db, folder / "backups")
        yield db


@pytest.mark.benchmark
def test_write_and_load_of_100k_transactions(tmp_path: Path) -> None:
    text = synthetic_export(N_ROWS)
    rows: tuple[Transaction, ...] = parse_statement(text, name="t.csv", account=ACCOUNT).rows
    bound = [store_module._to_row(row, 1) for row in rows]
    workspaces = _workspaces(tmp_path)

    def baseline_once() -> float:
        con = sqlite3.connect(tmp_path / "baseline.db")
        con.execute("DROP TABLE IF EXISTS t")
        con.execute(f"CREATE TABLE t ({', '.join(store_module._COLUMNS)})")
        marks = ", ".join("?" for _ in store_module._COLUMNS)
        start = time.perf_counter()
        with con:
            con.executemany(f"INSERT INTO t VALUES ({marks})", bound)
        elapsed = time.perf_counter() - start
        con.close()
        return elapsed

    def add_once() -> float:
        db = next(workspaces)
        start = time.perf_counter()
        added = TransactionStore(db).add(rows, import_run=1)
        elapsed = time.perf_counter() - start
        db.close()
        assert added == N_ROWS
        return elapsed

    baseline = _best(baseline_once)
    written = _best(add_once)

    db = next(workspaces)
    store = TransactionStore(db)
    store.add(rows, import_run=1)
    assert store.all() == sorted(rows, key=lambda row: (row.executed_at, row.sequence))

    def select_once() -> float:
        raw = db.engine.raw_connection()
        start = time.perf_counter()
        count = len(raw.execute(f"{store_module._SELECT} ORDER BY executed_at").fetchall())
        elapsed = time.perf_counter() - start
        raw.close()
        assert count == N_ROWS
        return elapsed

    def load_once() -> float:
        start = time.perf_counter()
        assert len(store.all()) == N_ROWS
        return time.perf_counter() - start

    select_all = _best(select_once)
    loaded = _best(load_once)
    db.close()

    print(f"\nTransaction store, {N_ROWS:,} rows of a tastytrade export, best of {RUNS}:")
    print(f"  baseline executemany, no constraints:  {baseline:6.3f} s")
    print(f"  store.add (one transaction):           {written:6.3f} s  (budget {WRITE_BUDGET} s)")
    print(f"  baseline raw SELECT:                   {select_all:6.3f} s")
    print(f"  store.all:                             {loaded:6.3f} s")
    assert written < WRITE_BUDGET * 2  # a loaded 2-core machine; the figure is what matters
