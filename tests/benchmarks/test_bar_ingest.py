"""Bar ingest benchmark: BarStore.write of 1M one-minute bars vs raw sqlite3.executemany.

Run on demand: .venv/bin/pytest -m benchmark -s tests/benchmarks/test_bar_ingest.py

Both sides write a fresh, plain (unencrypted) file with the same CREATE TABLE
and the same pragmas (WAL, synchronous=NORMAL, foreign_keys, busy_timeout) in
one transaction. The baseline gets its rows ready-made as Python tuples and a
plain INSERT; BarStore.write starts from the numpy array (validation,
conversion and the upsert clause are inside its time). Best of three each.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateTable

from workstation.domain.bars import BarArray, empty_bars
from workstation.storage.bars import BarStore
from workstation.storage.database import CONNECTION_PRAGMAS, open_database
from workstation.storage.files import remove_quietly, sidecar_paths
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.tables import bars as bars_table

N_BARS = 1_000_000
RUNS = 3
MAX_RATIO = 1.3
SYMBOL, TIMEFRAME = "SPY", "1m"
BASELINE_INSERT = (
    "INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def synthetic_minute_bars(n: int) -> BarArray:
    """Return ``n`` valid one-minute bars: a random walk around 500 (dollars per share)."""
    rng = np.random.default_rng(20261121)
    bars = empty_bars(n)
    bars["ts"] = 1_700_000_040 + 60 * np.arange(n, dtype=np.int64)
    close = 500 + np.cumsum(rng.normal(0, 0.05, n))
    bars["open"] = np.concatenate(([close[0]], close[:-1]))
    bars["close"] = close
    bars["high"] = np.maximum(bars["open"], close) + rng.uniform(0, 0.2, n)
    bars["low"] = np.minimum(bars["open"], close) - rng.uniform(0, 0.2, n)
    bars["volume"] = rng.integers(100, 50_000, n).astype(np.float64)
    return bars


def fresh(path: Path) -> Path:
    """Delete ``path`` and its sidecars so every run starts from nothing."""
    for file in [path, *sidecar_paths(path)]:
        remove_quietly(file)
    return path


def best_of(runs: int, once: Callable[[int], float]) -> float:
    """Return the fastest of ``runs`` timings in seconds."""
    return min(once(run) for run in range(runs))


def baseline_seconds(folder: Path, rows: list[tuple[object, ...]], run: int) -> float:
    """Time raw sqlite3 executemany of ready-made tuples into a fresh file."""
    path = fresh(folder / f"baseline-{run}.db")
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    for pragma in CONNECTION_PRAGMAS:
        connection.execute(pragma)
    connection.execute(str(CreateTable(bars_table).compile(dialect=sqlite_dialect.dialect())))
    start = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany(BASELINE_INSERT, rows)
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def baseline_best(folder: Path, bars: BarArray) -> float:
    """Return the best baseline time; the tuples are built before (outside) the timing."""
    rows = [(SYMBOL, TIMEFRAME, *row) for row in bars.tolist()]
    return best_of(RUNS, lambda run: baseline_seconds(folder, rows, run))


def barstore_seconds(folder: Path, bars: BarArray, run: int) -> float:
    """Time BarStore.write of the numpy array into a fresh, migrated, plain file."""
    path = fresh(folder / f"barstore-{run}.db")
    with open_database(path, None) as db:
        upgrade_to_head(db, folder / "backups")
        store = BarStore(db)
        start = time.perf_counter()
        written = store.write(SYMBOL, TIMEFRAME, bars)
        elapsed = time.perf_counter() - start
    assert written == len(bars)
    return elapsed


def read_seconds(folder: Path, bars: BarArray) -> float:
    """Time BarStore.read of every bar written by the last run (best of three)."""
    with open_database(folder / f"barstore-{RUNS - 1}.db", None) as db:
        store = BarStore(db)

        def once(_run: int) -> float:
            start = time.perf_counter()
            back = store.read(SYMBOL, TIMEFRAME)
            elapsed = time.perf_counter() - start
            assert len(back) == len(bars)
            assert back["ts"][-1] == bars["ts"][-1]
            return elapsed

        return best_of(RUNS, once)


@pytest.mark.benchmark
def test_bar_ingest_stays_within_1_3x_of_raw_executemany(tmp_path: Path) -> None:
    bars = synthetic_minute_bars(N_BARS)
    baseline = baseline_best(tmp_path, bars)
    ours = best_of(RUNS, lambda run: barstore_seconds(tmp_path, bars, run))
    read = read_seconds(tmp_path, bars)
    ratio = ours / baseline
    print(f"\n{N_BARS:,} one-minute bars, best of {RUNS}:")
    print(f"  baseline sqlite3.executemany (tuples ready): {baseline:6.3f} s")
    print(f"  BarStore.write (from numpy, upsert):         {ours:6.3f} s")
    print(f"  ratio:                                       {ratio:6.3f} (limit {MAX_RATIO})")
    print(f"  BarStore.read of all bars:                   {read:6.3f} s")
    assert ratio <= MAX_RATIO
