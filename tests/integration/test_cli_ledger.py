"""The ledger from the command line: the demo account's P&L, and importing an export."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.services.test_ledger_service import HEADER, ROWS

DEMO_NOW = {"WORKSTATION_DEMO_NOW": "2026-11-23T15:30:00Z"}


def test_demo_workspace_has_an_account_history_with_pnl(workstation, tmp_path):  # type: ignore[no-untyped-def]
    folder = str(tmp_path / "demo")
    done = workstation(
        "--demo", "--data-dir", folder, "--json", "pnl", "--by", "strategy", env=DEMO_NOW,
        timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["accounts"] == ["5WT00001"]
    assert data["closed_trades"] > 100
    strategies = {row["Strategy"] for row in data["rows"]}
    assert {"iron condor", "bull put credit spread", "short strangle"} <= strategies
    assert (Path(folder) / "imports" / "demo-account-tastytrade.csv").is_file()


def test_import_previews_imports_and_refuses_bad_rows(workstation, tmp_path):  # type: ignore[no-untyped-def]
    folder = str(tmp_path / "work")
    export = tmp_path / "tastytrade.csv"
    export.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    env = {"WORKSTATION_PASSPHRASE": "correct horse battery"}
    first = workstation(
        "--data-dir", folder, "--json", "import", str(export), "--account", "5WT1", env=env
    )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["added"] == 11
    again = workstation("--data-dir", folder, "import", str(export), "--account", "5WT1", env=env)
    assert again.returncode == 0, again.stderr
    assert "Imported 0 new transactions" in again.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([HEADER, ROWS[0].replace("-300.00,1,", "-300.00,x,")]) + "\n")
    refused = workstation("--data-dir", folder, "import", str(bad), "--account", "5WT1", env=env)
    assert refused.returncode == 1
    assert "bad.csv:2" in refused.stderr
    assert "Nothing was imported" in refused.stderr
