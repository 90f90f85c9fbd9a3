"""Ledger rebuild: FIFO lots and realized P&L for 100,000 fills in Decimal, with fees.

Run on demand: .venv/bin/pytest -m benchmark -s tests/benchmarks/test_ledger_bench.py

The fills are the reference fills of ``tests/benchmarks/reference.py`` (500
symbols, positions opened, added to, reduced, closed and reversed, fees on
every fill). The Transaction objects are built before the timing; the
input is already in ledger order, as rows read back from the store are.

Baseline in the same run: a plain float FIFO loop over the same fills (one
deque per symbol, fees carried per lot, one result tuple per match), i.e.
what the job costs in Python without Decimal, frozen results or events.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.benchmarks.reference import (
    OPTIONS,
    REFERENCE_FILLS,
    REFERENCE_LOOP_SECONDS,
    STOCKS,
    at_reference_speed,
    best_of,
    float_fifo,
    synthetic_fills,
)
from workstation.domain.lots import ClosingMatch, Ledger
from workstation.domain.transactions import Transaction
from workstation.engines.ledger import realized, rebuild

FILLS = REFERENCE_FILLS
RUNS = 7
TARGET_RATIO = 2.0
# A regression guard, not the target: building one frozen ClosingMatch per
# match costs about as much as the whole float baseline (printed below).
MAX_RATIO = 3.5


def ledger_realized(fills: list[Transaction]) -> Decimal:
    """Return realized P&L after fees (dollars) from a full ledger rebuild."""
    return realized(rebuild(fills).matches)


def match_fields(ledger: Ledger) -> list[tuple[object, ...]]:
    """Return every match's field values, to rebuild the same objects in isolation."""
    names = list(ClosingMatch._fields)
    return [tuple(getattr(match, name) for name in names) for match in ledger.matches]


@pytest.mark.benchmark
def test_ledger_rebuild_speed() -> None:
    fills = synthetic_fills(FILLS)
    ledger = rebuild(fills)
    exact = realized(ledger.matches)
    assert abs(float(exact) - float_fifo(fills)) < 1.0  # same answer, float rounding aside
    assert not ledger.problems
    prepared = match_fields(ledger)
    baseline = ours = results = float("inf")
    for _ in range(2):  # interleaved, so a busy spell hits both sides
        baseline = min(baseline, best_of(RUNS, lambda: float_fifo(fills)))
        ours = min(ours, best_of(RUNS, lambda: ledger_realized(fills)))
        results = min(results, best_of(RUNS, lambda: [ClosingMatch(*f) for f in prepared]))
    ratio = ours / baseline
    print(
        f"\n{FILLS:,} fills, {STOCKS + OPTIONS} symbols, {len(ledger.matches):,} matches, "
        f"{len(ledger.lots):,} open lots; best CPU time of {2 * RUNS}:"
    )
    print(f"  baseline float FIFO loop:           {baseline * 1e3:7.1f} ms")
    print(f"  rebuild + realized (Decimal, fees): {ours * 1e3:7.1f} ms")
    print(f"    of which building the matches:    {results * 1e3:7.1f} ms (frozen ClosingMatch)")
    print(f"  ratio to baseline:                  {ratio:7.2f} (target {TARGET_RATIO:.1f})")
    scaled = at_reference_speed(ours, baseline)
    print(
        f"  at the {REFERENCE_LOOP_SECONDS * 1e3:.0f} ms baseline that is:"
        f"      {scaled * 1e3:7.1f} ms (target 150 ms)"
    )
    assert ratio <= MAX_RATIO
