"""CSV import benchmark: read_statement on a 100,000-row tastytrade export vs csv.reader.

Run on demand: .venv/bin/pytest -m benchmark -s tests/benchmarks/test_csv_import_bench.py

The end-to-end import target (parse + validation + database write) is < 3 s
for 100,000 rows, so parsing gets at most half of it. Both sides read the same
file from disk: the baseline decodes it and walks it with plain csv.reader,
building nothing; read_statement detects the format, validates every cell,
builds and keys every Transaction. The sides run back to back in each of
five rounds (so a busy machine slows both alike); best of the five each,
and the ratio is the best round's. read_statement runs with the cyclic
garbage collector paused, as TransactionImport runs it (the collector would
otherwise walk the 100,000 rows of the earlier rounds again and again).

Also printed: the cost of the Transaction model alone for the same rows
(``build_transaction`` from each row's fields, which validates it and
computes its content key, as the parser does once per row), the part of the
time that belongs to the domain model rather than to the parser.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

import pytest

from tests.unit.adapters.csv.synthetic import synthetic_export
from workstation.adapters.csv import read_statement
from workstation.domain.transactions import Transaction, build_transaction
from workstation.services.ledger_import import paused_gc

N_ROWS = 100_000
RUNS = 5
PARSE_BUDGET = 1.5  # seconds: half of the 3 s end-to-end import target
ACCOUNT = "5WT00001"


def baseline_once(path: Path) -> float:
    """Time reading and decoding the file and walking it with csv.reader."""
    start = time.perf_counter()
    text = path.read_bytes().decode("utf-8-sig")
    count = sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
    elapsed = time.perf_counter() - start
    assert count == N_ROWS + 1
    return elapsed


def import_once(path: Path) -> float:
    """Time read_statement on the file (detect, parse, validate, order, key)."""
    with paused_gc():
        start = time.perf_counter()
        statement = read_statement(path, account=ACCOUNT)
        elapsed = time.perf_counter() - start
    assert len(statement.rows) == N_ROWS
    return elapsed


def model_once(rows: Sequence[Transaction]) -> float:
    """Time building the same rows the way the parser does: one build, content key computed."""
    arguments = [
        {item.name: getattr(row, item.name) for item in fields(Transaction)} for row in rows
    ]
    for row_arguments in arguments:
        row_arguments["content_key"] = ""
    with paused_gc():
        start = time.perf_counter()
        for row_arguments in arguments:
            build_transaction(**row_arguments)  # type: ignore[arg-type]
        return time.perf_counter() - start


@pytest.mark.benchmark
def test_csv_import_of_100k_rows_within_budget(tmp_path: Path) -> None:
    path = tmp_path / "tastytrade.csv"
    path.write_text(synthetic_export(N_ROWS), encoding="utf-8")
    rows = read_statement(path, account=ACCOUNT).rows
    rounds = [(baseline_once(path), import_once(path), model_once(rows)) for _ in range(RUNS)]
    baseline = min(round_[0] for round_ in rounds)
    ours = min(round_[1] for round_ in rounds)
    model = min(round_[2] for round_ in rounds)
    ratio = min(round_[1] / round_[0] for round_ in rounds)
    size = path.stat().st_size / 1e6
    print(f"\n{N_ROWS:,} rows of a current tastytrade export ({size:.1f} MB), best of {RUNS}:")
    print(f"  baseline csv.reader (decode + walk):       {baseline:6.3f} s")
    print(f"  read_statement:                            {ours:6.3f} s")
    print(f"  ratio (best round):                        {ratio:6.1f}x")
    print(f"  of which the Transaction model:            {model:6.3f} s")
    print(f"  parser without the model:                  {ours - model:6.3f} s")
    print(f"  budget:                                    {PARSE_BUDGET:6.3f} s")
    assert ours <= PARSE_BUDGET
