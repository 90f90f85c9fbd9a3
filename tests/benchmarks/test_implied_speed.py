"""Implied volatility for 10,000 options: against py_vollib_vectorized, accuracy, first call.

Run on demand: make bench (builds .venv-bench with py_vollib_vectorized, which needs
older numpy/numba than the app and so lives in its own environment).

Inputs: realistic chains (strikes spread around the forward, 1 hour to 2 years,
5 %-150 % volatility), cycled over many different arrays. Both libraries time
warm calls on the same saved arrays in the same run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.unit.engines.pricing.well_posed import well_posed
from workstation.engines.pricing import price
from workstation.engines.pricing.implied import implied_volatility

N = 10_000
SETS = 24
REPEATS = 7
REPO = Path(__file__).resolve().parents[2]
BENCH_PYTHON = REPO / ".venv-bench" / "bin" / "python"
COMPARE = Path(__file__).with_name("compare") / "vollib_iv.py"
MIN_SPEEDUP = 3.0


def _chain(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    spot = np.full(N, rng.uniform(20.0, 5000.0))
    t = np.exp(rng.uniform(np.log(1 / (365 * 24)), np.log(2.0), N))
    sigma = rng.uniform(0.05, 1.5, N)
    strike = spot * np.exp(rng.normal(0.0, 1.0, N) * sigma * np.sqrt(t))
    call = rng.random(N) < 0.5
    r, q = np.full(N, 0.04), np.full(N, 0.01)
    value = price(call, spot, strike, t, r, sigma, q)
    return {
        "price": value,
        "spot": spot,
        "strike": strike,
        "t": t,
        "r": r,
        "q": q,
        "call": call,
        "sigma": sigma,
    }


def _ours(sets) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for s in sets:
            implied_volatility(
                s["price"], s["call"], s["spot"], s["strike"], s["t"], s["r"], s["q"]
            )
        best = min(best, (time.perf_counter() - start) / len(sets))
    return best


@pytest.mark.benchmark
def test_faster_than_py_vollib_vectorized_and_exact(tmp_path):
    if not BENCH_PYTHON.exists():
        pytest.skip("run `make bench` (it builds .venv-bench with py_vollib_vectorized)")
    sets = [_chain(seed) for seed in range(SETS)]
    np.savez(
        tmp_path / "inputs.npz",
        **{f"{i:02d}_{k}": v for i, s in enumerate(sets) for k, v in s.items()},
    )
    ours = _ours(sets)
    done = subprocess.run(
        [str(BENCH_PYTHON), str(COMPARE), str(tmp_path / "inputs.npz"), str(REPEATS)],
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = json.loads(done.stdout)["seconds"]
    errors, posed = [], 0
    for s in sets:
        implied = implied_volatility(
            s["price"], s["call"], s["spot"], s["strike"], s["t"], s["r"], s["q"]
        )
        ok = well_posed(s["call"], s["spot"], s["strike"], s["t"], s["r"], s["sigma"], s["q"])
        posed += int(ok.sum())
        errors.append(np.max(np.abs(implied - s["sigma"])[ok]))
    print(
        f"\nimplied volatility, {N:,} options: ours {ours * 1e3:.2f} ms, "
        f"py_vollib_vectorized {theirs * 1e3:.2f} ms ({theirs / ours:.1f}x faster); "
        f"max |error| {max(errors):.1e} on the {posed:,} well-posed of {N * SETS:,}"
    )
    assert theirs / ours >= MIN_SPEEDUP
    assert max(errors) <= 1e-12


FIRST_CALL = """
import time, numpy as np
from workstation.engines.pricing.implied import implied_volatility
rng = np.random.default_rng(1)
k = rng.uniform(50, 150, 10_000)
start = time.perf_counter()
implied_volatility(np.full(10_000, 5.0), True, 100.0, k, 0.5, 0.03)
print(time.perf_counter() - start)
"""


@pytest.mark.benchmark
def test_first_call_in_a_fresh_process_under_50_ms():
    times = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", FIRST_CALL], capture_output=True, text=True, check=True
        )
        times.append(float(done.stdout))
    print(
        f"\nfirst implied-volatility call in a fresh process (10,000 options): "
        f"{min(times) * 1e3:.1f} ms best of 3 (includes building the guess table)"
    )
    assert min(times) < 0.050
