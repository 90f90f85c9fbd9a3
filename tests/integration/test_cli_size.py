"""``workstation size`` through the real entry point, on a fresh demo workspace."""

from __future__ import annotations

import json


def test_size_prints_json_with_the_arithmetic(workstation, tmp_path):
    done = workstation(
        "--demo", "--data-dir", str(tmp_path / "demo"), "size", "500", "2%", "--json"
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    report = json.loads(done.stdout)
    assert report["contracts"] == 1  # 2% of the default 25,000 account = 500 = one contract
    assert report["account_value"] == "25000"
    assert report["account_source"] == "setting"
    assert report["risk_budget"] == "500.00"
    assert report["risk_budget_fraction"] == "0.02"
    assert report["total_risk"] == "500"
    assert report["binding_cap"] is None
    assert report["caps"] == {"max_contracts": 10, "max_risk_fraction": "0.05"}
    assert report["arithmetic"][0] == "risk budget = 2.00% × $25,000.00 = $500.00"


def test_size_text_and_a_bad_budget(workstation, tmp_path):
    folder = str(tmp_path / "demo")
    done = workstation("--demo", "--data-dir", folder, "size", "350", "$1000", "--account", "9e3")
    assert done.returncode == 2
    assert "/size: ACCOUNT must be an amount in dollars like 500" in done.stderr
    text = workstation("--demo", "--data-dir", folder, "size", "350", "$1000")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == "Size: 2 contracts"
    assert "  contracts = floor($1,000.00 / $350.00) = floor(2.85) = 2" in lines
    bad = workstation("--demo", "--data-dir", folder, "size", "350", "lots")
    assert bad.returncode == 2
    assert "BUDGET must be a positive percentage like 2% or an amount like $500" in bad.stderr
