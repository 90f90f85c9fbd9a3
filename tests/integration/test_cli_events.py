"""The event calendar from the command line: list, add, move, hide, restore; guardrails follow."""

from __future__ import annotations

import json

from tests.integration.conftest import run_workstation

MONDAY = {"WORKSTATION_DEMO_NOW": "2026-11-23T15:30:00Z"}


def test_trader_edits_change_what_the_guardrails_see(tmp_path):
    args = ("--demo", "--data-dir", str(tmp_path / "demo"))

    def run(*words):
        done = run_workstation(*args, *words, env=MONDAY)
        assert done.returncode == 0, done.stderr
        return done

    listed = json.loads(run("events", "--json").stdout)["events"]
    assert [e["id"] for e in listed[:3]] == ["jobs-2026-11", "fomc-2026-12", "cpi-2026-11"]
    run("event-move", "fomc-2026-12", "2026-12-16")
    run("event-hide", "cpi-2026-11", "release", "delayed")
    run("event-add", "other", "2026-12-01", "10:00", "Fed chair testimony")
    after = {e["id"]: e for e in json.loads(run("events", "--json").stdout)["events"]}
    assert after["fomc-2026-12"]["at"] == "2026-12-16T19:00:00+00:00"
    assert after["fomc-2026-12"]["first_day"] == "2026-12-15"
    assert "cpi-2026-11" not in after
    assert "user-other-2026-12-01-fed-chair-testimony" in after
    plan = json.loads(run("plan", "SPY", "bull", "30", "--json").stdout)
    flagged = {f["event"] for c in plan["candidates"] for f in c["guardrails"]["findings"]}
    assert "user-other-2026-12-01-fed-chair-testimony" in flagged
    assert "cpi-2026-11" not in flagged
    run("event-restore", "cpi-2026-11")
    again = {e["id"] for e in json.loads(run("events", "--json").stdout)["events"]}
    assert "cpi-2026-11" in again


def test_bad_event_input_names_the_argument(tmp_path):
    args = ("--demo", "--data-dir", str(tmp_path / "demo"))
    bad = run_workstation(*args, "event-add", "cpi", "2026-12-01", "25:00", "x", env=MONDAY)
    assert bad.returncode == 2
    assert "TIME must be a 24-hour time like 08:30 or 14:00, got '25:00'" in bad.stderr
    missing = run_workstation(*args, "event-move", "nope", "2026-12-01", env=MONDAY)
    assert missing.returncode == 1
    assert missing.stderr.strip() == (
        "workstation event-move: no calendar event with id 'nope'; /events lists them"
    )
