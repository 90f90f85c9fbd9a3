"""``workstation plan`` on the demo workspace, its clock pinned to Monday 2026-11-23 10:30 ET."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.integration.conftest import run_workstation

MONDAY = {"WORKSTATION_DEMO_NOW": "2026-11-23T15:30:00Z"}
GRID = np.linspace(1.0, 2000.0, 199_901)  # one-cent steps


def expiry_pnl(legs: list[dict], prices: np.ndarray) -> np.ndarray:
    """P/L in dollars at expiry, recomputed from the JSON legs alone."""
    pnl = np.zeros_like(prices)
    for leg in legs:
        strike, qty, price = float(leg["strike"]), leg["quantity"], float(leg["price"])
        intrinsic = (
            np.maximum(prices - strike, 0)
            if leg["right"] == "call"
            else np.maximum(strike - prices, 0)
        )
        pnl += 100 * qty * (intrinsic - price)
    return pnl


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan") / "demo"
    done = run_workstation("--demo", "--data-dir", str(folder), "plan", "SPY", "bull", "30",
                           "--json", env=MONDAY)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), folder


def test_plan_flags_the_december_fomc_meeting(plan):
    report, _ = plan
    fomc = next(e for e in report["events"] if e["kind"] == "fomc")
    assert fomc["id"] == "fomc-2026-12"
    assert fomc["first_day"] == "2026-12-08"
    assert fomc["at"] == "2026-12-09T19:00:00+00:00"  # 14:00 ET statement
    for candidate in report["candidates"]:
        events = [f["event"] for f in candidate["guardrails"]["findings"]]
        assert "fomc-2026-12" in events  # every window runs past Dec 9


def test_candidates_legs_breakevens_and_max_pnl_agree(plan):
    report, _ = plan
    assert report["candidates"], report["rejected"]
    assert report["recommended"] is not None
    for candidate in report["candidates"]:
        legs = candidate["legs"]
        assert all(leg["occ"].startswith("SPY   ") for leg in legs)
        if len({leg["expiry"] for leg in legs}) > 1:
            continue  # time spreads are valued with a model, checked in the engine tests
        pnl = expiry_pnl(legs, GRID)
        breakevens = np.array(candidate["breakevens"])
        assert np.abs(expiry_pnl(legs, breakevens)).max() < 1e-6
        assert -pnl.min() == pytest.approx(candidate["max_loss"], abs=1e-6)
        if candidate["max_profit"] == "unlimited":
            assert pnl[-1] > pnl[-2]
        else:
            assert pnl.max() == pytest.approx(candidate["max_profit"], abs=1e-6)
        assert candidate["net_premium"] == pytest.approx(
            sum(100 * leg["quantity"] * float(leg["price"]) for leg in legs)
        )


def test_plan_states_its_decision_and_why_trades_were_set_aside(plan):
    report, _ = plan
    assert report["decision"][0].startswith("IV rank")
    assert any("DTE window" in line for line in report["decision"])
    best = report["candidates"][report["recommended"] - 1]
    assert best["notes"]
    assert all(r["reason"] for r in report["rejected"])


def test_a_saved_plan_is_listed(plan):
    _, folder = plan
    args = ("--demo", "--data-dir", str(folder))
    saved = run_workstation(*args, "plan", "SPY", "bull", "30", "--save", "1", env=MONDAY)
    assert saved.returncode == 0, saved.stderr
    assert "saved plan #1:" in saved.stdout
    listed = run_workstation(*args, "plans", "--json", env=MONDAY)
    assert listed.returncode == 0, listed.stderr
    plans = json.loads(listed.stdout)["plans"]
    assert plans[0]["id"] == 1
    assert plans[0]["symbol"] == "SPY"
    assert plans[0]["status"] == "planned"
