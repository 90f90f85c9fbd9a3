"""Structure engine: analyze() on 1,000,000 one-minute bars, the live tracker, smartmoneyconcepts.

Run on demand: make bench (builds .venv-bench with smartmoneyconcepts, which pulls
pandas and wants its own numba, so it lives in that environment, never in the app's).

Bars: a random walk over regular sessions (09:30-16:00 ET, 390 one-minute bars)
on consecutive weekdays from January 2015, SPY-like: ~$200, cent prices (so
equal highs happen), an overnight gap at each open, wicks about the size of the
bodies, U-shaped volume. 1,000,000 bars is about ten years.

Baselines measured in the same run: resampling the same bars to 5 minutes
(one vectorised pass over the array, engines.bars.resample) for analyze();
reading each bar out of the array in a Python loop for the tracker.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from workstation.domain.bars import BAR_DTYPE, BarArray
from workstation.domain.structure import StructureConfig
from workstation.engines.bars import resample
from workstation.engines.structure import (
    StructureTracker,
    analyze,
    fair_value_gaps,
    swing_points,
)

N = 1_000_000
SESSION = 390
RUNS = 3
TRACKED = 200_000  # bars fed to the tracker (its cost per bar does not grow with history)
MAX_SECONDS = 1.0
MAX_UPDATE_US = 50.0
SMC_BARS = 20_000  # smc.fvg scans the rest of the series once per gap: O(n x gaps)
REPO = Path(__file__).resolve().parents[2]
BENCH_PYTHON = REPO / ".venv-bench" / "bin" / "python"
COMPARE = Path(__file__).with_name("compare") / "smc_structure.py"


def minute_bars(n: int, seed: int = 7) -> BarArray:
    """``n`` one-minute regular-session bars on consecutive weekdays (see the module notes)."""
    ny = ZoneInfo("America/New_York")
    opens, day = [], date(2015, 1, 5)
    while len(opens) * SESSION < n:
        if day.weekday() < 5:
            opens.append(int(datetime(day.year, day.month, day.day, 9, 30, tzinfo=ny).timestamp()))
        day += timedelta(days=1)
    rng = np.random.default_rng(seed)
    move = rng.normal(0.0, 0.0005, n)
    move[::SESSION] += rng.normal(0.0, 0.004, len(move[::SESSION]))  # overnight gap
    close = np.round(200.0 * np.exp(np.cumsum(move)), 2)
    gap = np.where(np.arange(n) % SESSION, 0.0, move / 2)  # half the gap shows at the open
    open_ = np.round(np.r_[200.0, close[:-1]] * np.exp(gap), 2)
    wick = np.abs(rng.normal(0.0, 0.0004, (2, n))) * close
    minute = np.arange(n) % SESSION
    bars = np.zeros(n, dtype=BAR_DTYPE)
    bars["ts"] = (np.array(opens)[:, None] + 60 * np.arange(SESSION)).ravel()[:n]
    bars["open"], bars["close"] = open_, close
    bars["high"] = np.round(np.maximum(open_, close) + wick[0], 2)
    bars["low"] = np.round(np.minimum(open_, close) - wick[1], 2)
    bars["volume"] = np.round(rng.lognormal(8.0, 0.8, n) * (1 + 2 * ((minute - 195) / 195) ** 2))
    return bars


def _best(fn: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _feed(bars: BarArray) -> None:
    tracker = StructureTracker()
    for bar in bars:
        tracker.update(bar)


def _read(bars: BarArray) -> None:
    for bar in bars:
        bar.item()


@pytest.mark.benchmark
def test_analyze_a_million_bars_and_update_live():
    bars = minute_bars(N)
    whole = _best(lambda: analyze(bars))
    baseline = _best(lambda: resample(bars, 300, origin=1800))
    structure = analyze(bars)
    tracked = _best(lambda: _feed(bars[:TRACKED]), runs=1) / TRACKED
    reading = _best(lambda: _read(bars[:TRACKED]), runs=1) / TRACKED
    print(
        f"\nstructure, {N:,} one-minute bars: analyze {whole:.3f} s "
        f"({whole / baseline:.0f}x a 5-minute resample of the same bars, {baseline * 1e3:.0f} ms); "
        f"{len(structure.events):,} events, {len(structure.levels):,} levels, "
        f"{len(structure.gaps):,} gaps, {len(structure.blocks):,} order blocks, "
        f"{len(structure.swings):,} swings\n"
        f"tracker: {tracked * 1e6:.1f} µs per bar over {TRACKED:,} bars "
        f"({tracked / reading:.0f}x the {reading * 1e6:.2f} µs of reading a bar in a loop; "
        f"analyze is {tracked / (whole / N):.0f}x faster per bar)"
    )
    assert whole < MAX_SECONDS
    assert tracked * 1e6 < MAX_UPDATE_US


def _smc_available() -> bool:
    if not BENCH_PYTHON.exists():
        return False
    probe = [str(BENCH_PYTHON), "-c", "import smartmoneyconcepts"]
    env = {**os.environ, "SMC_CREDIT": "0"}
    return subprocess.run(probe, capture_output=True, env=env, check=False).returncode == 0


@pytest.mark.benchmark
def test_gaps_and_swings_against_smartmoneyconcepts(tmp_path):
    if not _smc_available():
        pytest.skip("run `make bench` (it installs smartmoneyconcepts into .venv-bench)")
    bars = minute_bars(SMC_BARS)
    o, h, lo, c = (bars[f] for f in ("open", "high", "low", "close"))
    length = StructureConfig().swing_length
    np.savez(tmp_path / "bars.npz", open=o, high=h, low=lo, close=c)
    ours_fvg = _best(lambda: fair_value_gaps(o, h, lo, c))
    ours_swings = _best(lambda: swing_points(h, lo, length))
    done = subprocess.run(
        [str(BENCH_PYTHON), str(COMPARE), str(tmp_path / "bars.npz"), str(length), str(RUNS),
         str(tmp_path / "smc.npz")],
        capture_output=True, text=True, check=True, env={**os.environ, "SMC_CREDIT": "0"},
    )  # fmt: skip
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    smc = np.load(tmp_path / "smc.npz")
    same, extra = _compare_gaps(fair_value_gaps(o, h, lo, c), smc, o, c)
    swings = swing_points(h, lo, length)
    shared, their_count = _compare_swings(swings, smc["highlow"])
    print(
        f"\nsmartmoneyconcepts on {SMC_BARS:,} one-minute bars: "
        f"fvg {theirs['fvg_seconds'] * 1e3:.0f} ms vs ours {ours_fvg * 1e3:.2f} ms "
        f"({theirs['fvg_seconds'] / ours_fvg:.0f}x); swing_highs_lows "
        f"{theirs['swings_seconds'] * 1e3:.0f} ms vs ours {ours_swings * 1e3:.2f} ms "
        f"({theirs['swings_seconds'] / ours_swings:.0f}x)\n"
        f"gaps: all {same:,} of smc's match ours (side, top, bottom, its 'mitigated' = our tag); "
        f"{extra:,} more of ours have a middle candle against the gap (smc requires its colour)\n"
        f"swings: {shared:,} of smc's {their_count:,} are ours too; we find {len(swings):,} "
        f"(smc's window is length-1 bars left, non-strict, then alternates highs and lows)"
    )
    assert same > 0


def _compare_gaps(ours: np.ndarray, smc: np.lib.npyio.NpzFile, o, c) -> tuple[int, int]:
    """Check smc's gaps against ours; return (matching, ours that smc leaves out).

    Alignment: smc stamps a gap on its middle candle although it needs the
    next candle to exist (look-ahead); our gap's ``bar`` is that same middle
    candle and ``confirmed`` the next one, so rows are matched on ``bar``.
    smc's ``MitigatedIndex`` is the first later bar touching the gap (from
    middle + 2, 0 for never), which is our ``tagged``; our ``mitigated`` is a
    complete fill, which smc does not report.
    """
    at = np.flatnonzero(~np.isnan(smc["fvg"]))
    mine = {int(g["bar"]): g for g in ours}
    for i in at.tolist():
        g = mine[i]
        tag = int(smc["mitigated"][i]) or -1
        theirs = (smc["fvg"][i], smc["top"][i], smc["bottom"][i], tag)
        assert (g["side"], g["top"], g["bottom"], g["tagged"]) == theirs, f"gap at bar {i}"
    extra = np.setdiff1d(ours["bar"], at)
    colour = np.sign(c[extra] - o[extra])
    assert np.all(colour != ours["side"][np.isin(ours["bar"], extra)])
    return len(at), len(extra)


def _compare_swings(ours: np.ndarray, highlow: np.ndarray) -> tuple[int, int]:
    """Count smc's swings (bar, side) that we also find; smc forces its first and last bar."""
    at = np.flatnonzero(~np.isnan(highlow))
    theirs = {(int(i), int(highlow[i])) for i in at if 0 < i < len(highlow) - 1}
    mine = {(int(b), int(s)) for b, s in zip(ours["bar"], ours["side"], strict=True)}
    return len(theirs & mine), len(theirs)
