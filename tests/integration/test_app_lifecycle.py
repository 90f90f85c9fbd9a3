"""The windowed app end to end (offscreen): start, run live, quit cleanly, one instance."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from tests.integration.conftest import REPO


def _launch(folder, *extra):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [
            sys.executable,
            "-X",
            "dev",
            "-W",
            "error::ResourceWarning",
            "-m",
            "workstation",
            "--demo",
            "--data-dir",
            str(folder),
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_runs_live_and_shuts_down_without_warnings(tmp_path):
    folder = tmp_path / "demo"
    app = _launch(folder, "--quit-after", "5")
    _, err = app.communicate(timeout=90)
    assert app.returncode == 0, err
    assert err == ""  # no warnings, no unclosed resources, no pending tasks at exit
    assert (folder / "ui-state.ini").exists()  # layout saved on the way out
    with sqlite3.connect(folder / "workstation.db") as db:
        cached = dict(db.execute("select symbol, last from quotes"))
        bars = db.execute("select count(*) from bars where timeframe = '1m'").fetchone()[0]
        log = db.execute("select kind, status from sync_log").fetchall()
    assert {"SPX", "VIX", "SPY", "AAPL"} <= set(cached)  # quote cache flushed at shutdown
    assert bars > 100_000  # 30 sessions of minute bars for 13 symbols
    assert ("backfill", "ok") in log


def test_second_launch_focuses_the_first_and_exits(tmp_path):
    folder = tmp_path / "demo"
    first = _launch(folder, "--quit-after", "20")
    try:
        assert _wait_for(
            lambda: (folder / ".instance.lock").exists() and (folder / ".instance.lock").read_text()
        )
        time.sleep(1.0)  # let it reach its event loop
        second = _launch(folder)
        _, err = second.communicate(timeout=30)
        assert second.returncode == 0
        assert "already running on this workspace; brought it to the front" in err
    finally:
        first.send_signal(signal.SIGTERM)
        _, err = first.communicate(timeout=30)
    assert first.returncode == 0, err  # SIGTERM shuts down cleanly too
    assert err == ""


def test_a_crashed_instance_does_not_block_the_next(tmp_path):
    folder = tmp_path / "demo"
    crashed = _launch(folder, "--quit-after", "60")
    assert _wait_for(
        lambda: (folder / ".instance.lock").exists() and (folder / ".instance.lock").read_text()
    )
    crashed.kill()
    crashed.communicate(timeout=30)
    again = _launch(folder, "--quit-after", "3")
    _, err = again.communicate(timeout=90)
    assert again.returncode == 0, err
