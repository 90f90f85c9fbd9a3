"""Risk: greeks and the scenario grid for a 500-leg book across 20 underlyings.

Run on demand: .venv/bin/pytest -m benchmark -s tests/benchmarks/test_risk_bench.py

The book holds 480 option legs (American and European, calls and puts, 10
to 90 days) and 20 stock legs. The grid is the panel's default: 7 moves x 5
volatility shifts x 3 days forward = 105 cells, every leg repriced in each.

Baseline in the same run: the same grid priced cell by cell (one call to the
pricing engine per cell, i.e. 105 vectorised calls over the legs) — what a
straightforward loop over scenarios costs. The figure that matters for the
panel is the absolute time (it refreshes every 30 s); the ratio shows what
broadcasting the whole grid in one call buys.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from workstation.domain.exposure import Book, Leg, OptionTerms, leg_array
from workstation.engines.pricing.models import ExerciseStyle, theoretical_prices
from workstation.engines.risk.exposure_report import exposure_report
from workstation.engines.risk.scenarios import (
    DEFAULT_DAYS_FORWARD,
    DEFAULT_EM_MOVES,
    DEFAULT_VOL_SHIFTS,
    scenario_grid,
)

AS_OF = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
UNDERLYINGS = 20
OPTION_LEGS = 480
RUNS = 5
MAX_SECONDS = 0.25  # the panel's budget for greeks + grid on a large book


def _book() -> Book:
    rng = np.random.default_rng(7)
    legs = []
    for i in range(OPTION_LEGS):
        u = i % UNDERLYINGS
        days = int(rng.integers(10, 90))
        strike = 100.0 * (1 + u / 10) * float(rng.uniform(0.85, 1.15))
        terms = OptionTerms(bool(i % 2), round(strike), date(2026, 11, 23) + timedelta(days=days),
                            days / 365, float(rng.uniform(0.15, 0.6)), european=u < 3)  # fmt: skip
        qty = float(rng.choice([-3, -2, -1, 1, 2, 3]))
        legs.append(Leg(i, u, qty, 2.0, -qty * 200.0, 100.0, i // 2, terms))
    for u in range(UNDERLYINGS):
        legs.append(
            Leg(OPTION_LEGS + u, u, 100.0, 100.0 * (1 + u / 10), -1e4, 1.0, OPTION_LEGS + u)
        )
    spots = np.array([100.0 * (1 + u / 10) for u in range(UNDERLYINGS)])
    return Book(
        leg_array(legs), tuple(f"p{i}" for i in range(len(legs))),
        tuple(f"s{i}" for i in range(len(legs))), tuple(f"U{u}" for u in range(UNDERLYINGS)),
        spots, np.full(UNDERLYINGS, 0.04), np.full(UNDERLYINGS, 0.01),
        np.ones(UNDERLYINGS), np.full(UNDERLYINGS, 0.3), 600.0, AS_OF,
    )  # fmt: skip


def _cell_by_cell(book: Book) -> float:
    legs = book.legs
    opt = legs["is_option"]
    spot = book.spot[legs["underlying"]]
    total = 0.0
    for move in DEFAULT_EM_MOVES:
        for shift in DEFAULT_VOL_SHIFTS:
            for days in DEFAULT_DAYS_FORWARD:
                em = spot * book.atm_iv[legs["underlying"]] * np.sqrt(max(days, 1.0) / 365)
                t = np.maximum(legs["t"] - days / 365, 0.0)
                sigma = np.maximum(legs["iv"] + shift / 100, 0.01)
                for style in ExerciseStyle:
                    rows = opt & (legs["european"] == (style is ExerciseStyle.EUROPEAN))
                    price = theoretical_prices(style, legs["is_call"][rows],
                                               (spot + move * em)[rows], legs["strike"][rows],
                                               t[rows], 0.04, sigma[rows], 0.01)  # fmt: skip
                    total += float(price.sum())
    return total


def _best(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


@pytest.mark.benchmark
def test_greeks_and_grid_for_a_large_book() -> None:
    book = _book()
    report = _best(lambda: exposure_report(book))
    grid = _best(lambda: scenario_grid(book))
    baseline = _best(lambda: _cell_by_cell(book))
    print(
        f"\nrisk, {len(book.legs)} legs / {UNDERLYINGS} underlyings: exposure report "
        f"{report * 1000:.1f} ms, scenario grid (105 cells) {grid * 1000:.1f} ms; "
        f"cell-by-cell baseline {baseline * 1000:.1f} ms -> grid is "
        f"{baseline / grid:.1f}x the baseline's speed"
    )
    assert report + grid < MAX_SECONDS
