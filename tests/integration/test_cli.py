"""Headless commands through the real entry point."""

from __future__ import annotations

import hashlib
import json
import struct

import pytest


def test_em_prints_json_from_the_demo_workspace(workstation, tmp_path):
    done = workstation("--demo", "--data-dir", str(tmp_path / "demo"), "em", "SPY", "7", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    report = json.loads(done.stdout)
    assert report["symbol"] == "SPY"
    assert report["days"] == 7
    assert report["calendar"]["low_1sd"] < report["spot"] < report["calendar"]["high_1sd"]
    assert report["expected_move"] == pytest.approx(
        report["spot"] * report["iv"] * (7 / 365) ** 0.5
    )
    assert report["trading"]["move"] == pytest.approx(
        report["spot"] * report["iv"] * (report["sessions"] / 252) ** 0.5
    )
    assert report["straddle"]["price"] > 0
    assert report["straddle"]["move_0_85"] == pytest.approx(0.85 * report["straddle"]["price"])
    assert report["model"] == "Bjerksund–Stensland 2002 (American)"
    assert 0 <= report["iv_rank"] <= 100  # the demo workspace stores two years of IV
    assert report["iv_window"]["sessions"] >= 200
    assert report["regime"] in ("high", "neutral", "low")


def test_palette_grammar_works_on_the_command_line(workstation, tmp_path):
    done = workstation("--demo", "--data-dir", str(tmp_path / "demo"), "quote", "spy", "vix")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Quotes (demo)"
    assert any(line.strip().startswith("SPY") for line in lines)
    assert any(line.strip().startswith("VIX") for line in lines)


def test_chain_prints_the_money_rows(workstation, tmp_path):
    done = workstation("--demo", "--data-dir", str(tmp_path / "demo"), "chain", "SPX", "20")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("SPX chain ")
    assert "BSM (European)" in lines[1]
    assert "Strike" in lines[2]
    assert len(lines) == 4 + 17  # title, summary, header, rule, 8 strikes either side + ATM


def test_bad_arguments_exit_2_naming_the_argument(workstation, tmp_path):
    done = workstation("--demo", "--data-dir", str(tmp_path / "demo"), "em", "SPY", "week")
    assert done.returncode == 2
    assert "DAYS must be a whole number, got 'week'" in done.stderr
    assert not (tmp_path / "demo" / "workstation.db").exists()  # nothing was opened


def test_unknown_symbol_fails_cleanly(workstation, tmp_path):
    done = workstation("--demo", "--data-dir", str(tmp_path / "demo"), "em", "ZZZZ", "7")
    assert done.returncode == 1
    assert "ZZZZ" in done.stderr
    assert "Traceback" not in done.stderr


def test_help_and_version_need_no_workspace(workstation, tmp_path):
    done = workstation("--data-dir", str(tmp_path / "none"), "help")
    assert done.returncode == 0
    assert "/em SYMBOL [DAYS]" in done.stdout
    assert not (tmp_path / "none" / "workstation.db").exists()
    assert workstation("--version").stdout.startswith("workstation ")


def test_real_workspace_without_keyring_uses_the_passphrase(workstation, tmp_path):
    folder = tmp_path / "real"
    refused = workstation("--data-dir", str(folder), "workspace")
    assert refused.returncode == 1
    assert "WORKSTATION_PASSPHRASE" in refused.stderr
    assert not (folder / "workstation.db").exists()
    secret = {"WORKSTATION_PASSPHRASE": "correct horse battery"}
    made = workstation("--data-dir", str(folder), "workspace", "--json", env=secret)
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["encrypted"] is True
    db = folder / "workstation.db"
    assert (db.stat().st_mode & 0o777) == 0o600
    assert db.read_bytes()[:16] != b"SQLite format 3\x00"  # encrypted on disk
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    wrong = workstation(
        "--data-dir", str(folder), "workspace", env={"WORKSTATION_PASSPHRASE": "wrong horse"}
    )
    assert wrong.returncode == 1
    assert "passphrase does not match" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_snapshot_renders_the_window_to_png(workstation, tmp_path):
    out = tmp_path / "shots" / "main.png"
    done = workstation(
        "--demo",
        "--data-dir",
        str(tmp_path / "demo"),
        "snapshot",
        "--out",
        str(out),
        "--size",
        "1000x640",
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.strip() == str(out)
    header = out.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1000, 640)


def test_snapshot_of_one_panel_and_unknown_panel(workstation, tmp_path):
    folder = str(tmp_path / "demo")
    out = tmp_path / "dash.png"
    done = workstation(
        "--demo", "--data-dir", folder, "snapshot", "--out", str(out), "--panel", "dashboard"
    )
    assert done.returncode == 0, done.stderr
    width, height = struct.unpack(">II", out.read_bytes()[16:24])
    assert width <= 1400
    assert 0 < height < 860  # the dock alone: no menu bar, no status bar
    bad = workstation(
        "--demo", "--data-dir", folder, "snapshot", "--out", str(out), "--panel", "nope"
    )
    assert bad.returncode == 2
    assert (
        "no panel 'nope' (panels: accounts, alerts, chains, dashboard, planner, pnl, risk, "
        "structure)" in bad.stderr
    )


def test_snapshot_of_the_risk_panel_loads_a_report(workstation, tmp_path):
    folder = str(tmp_path / "demo")
    out = tmp_path / "risk.png"
    done = workstation(
        "--demo", "--data-dir", folder, "snapshot", "--out", str(out), "--panel", "risk",
        "--size", "1200x760", env={"WORKSTATION_DEMO_NOW": "2026-11-23T15:30:00Z"}, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert struct.unpack(">II", out.read_bytes()[16:24]) == (1200, 760)
