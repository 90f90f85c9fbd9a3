"""/size: grammar, defaults from the workspace settings, caps, output and errors."""

from __future__ import annotations

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from workstation.commands.catalog import default_registry
from workstation.commands.grammar import (
    Arg,
    ArgKind,
    CommandError,
    CommandSyntaxError,
    RiskBudget,
    parse_value,
)
from workstation.commands.sizing import run_size, size_result
from workstation.config.settings import WorkspaceSettings
from workstation.storage.database import open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.settings_store import SettingsStore

REGISTRY = default_registry()


def _size(line: str, settings: WorkspaceSettings | None = None):
    invocation = REGISTRY.parse(line)
    assert invocation.spec.name == "size"
    return size_result(invocation.values, settings or WorkspaceSettings())


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("2%", RiskBudget(fraction=Decimal("0.02"))),
        ("1.5%", RiskBudget(fraction=Decimal("0.015"))),
        ("$1,000", RiskBudget(dollars=Decimal("1000"))),
        ("1000", RiskBudget(dollars=Decimal("1000"))),
        ("$250.50", RiskBudget(dollars=Decimal("250.50"))),
    ],
)
def test_risk_budget_argument_is_a_percent_or_dollars(token, expected):
    arg = Arg("budget", ArgKind.RISK_BUDGET, "risk budget")
    assert parse_value(arg, token, "size") == expected


@pytest.mark.parametrize("token", ["0%", "-2%", "$0", "two", "2%%", "$2%", "$"])
def test_bad_risk_budget_names_the_argument(token):
    arg = Arg("budget", ArgKind.RISK_BUDGET, "risk budget")
    with pytest.raises(CommandSyntaxError, match=r"/size: BUDGET must be a positive percentage"):
        parse_value(arg, token, "size")


def test_size_500_at_2_percent_of_the_default_account_is_one_contract():
    result = _size("/size 500 2%")
    assert result.title == "Size: 1 contract"
    assert result.lines[0] == (
        "max loss $500.00 per contract; account $25,000.00 from the account_value setting "
        "(until a broker account is linked)"
    )
    assert result.lines[1:3] == (
        "risk budget = 2.00% × $25,000.00 = $500.00",
        "contracts = floor($500.00 / $500.00) = 1",
    )
    data = json.loads(result.to_json())
    assert data["contracts"] == 1
    assert data["risk_budget"] == "500.00"
    assert data["risk_budget_fraction"] == "0.02"
    assert data["total_risk"] == "500"
    assert data["account_value"] == "25000"
    assert data["account_source"] == "setting"
    assert data["budget_source"] == "argument"
    assert data["binding_cap"] is None
    assert data["caps"] == {"max_contracts": 10, "max_risk_fraction": "0.05"}
    assert data["arithmetic"] == list(result.lines[1:])


def test_dollar_budget_and_account_option():
    result = _size("/size 350 $1,000 --account 60000")
    assert result.title == "Size: 2 contracts"
    assert "account $60,000.00 from --account" in result.lines[0]
    assert result.data["risk_budget"] == Decimal("1000")
    assert result.data["risk_budget_fraction"] is None
    assert result.data["account_source"] == "option"


def test_budget_defaults_to_the_max_risk_setting():
    settings = WorkspaceSettings(account_value=Decimal("40000"), max_risk_per_trade=0.03)
    result = _size("/size 400", settings)
    assert result.title == "Size: 3 contracts"  # 3% of 40,000 = 1,200 -> 3 x 400
    assert result.lines[0].endswith("; budget = the max risk per trade setting")
    assert result.data["budget_source"] == "setting"
    assert result.data["risk_budget_fraction"] == Decimal("0.03")


def test_settings_caps_bind_and_say_so():
    settings = WorkspaceSettings(max_contracts_per_trade=3)
    result = _size("/size 100 $1500", settings)
    assert result.title == "Size: 3 contracts"
    assert result.data["binding_cap"] == "max contracts per trade"
    assert "cap: at most 3 contracts per trade (binding: 15 → 3)" in result.lines
    risky = _size("/size 200 20%")  # 25 -> 10 (contracts cap) -> 5% of 25,000 / 200 = 6
    assert risky.title == "Size: 6 contracts"
    assert risky.data["binding_cap"] == "max risk per trade"


def test_budget_below_one_contract_is_zero_not_an_error():
    result = _size("/size 900 2%")
    assert result.title == "Size: 0 contracts"
    assert any("below one contract's max loss $900.00" in line for line in result.lines)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/size 0 2%", "/size: max loss per contract must be a positive dollar amount"),
        ("/size 500 $30000", r"/size: risk budget \$30,000.00 is larger than the account"),
        ("/size 500 150%", r"/size: risk budget fraction must be in \(0, 1\]"),
        ("/size 500 2% --account 0", "/size: account value must be a positive dollar amount"),
    ],
)
def test_impossible_sizes_raise_command_errors(line, message):
    with pytest.raises(CommandError, match=message):
        _size(line)


def test_missing_risk_is_a_syntax_error_with_usage():
    with pytest.raises(CommandSyntaxError, match=r"missing RISK .* Usage: /size RISK \[BUDGET\]"):
        REGISTRY.parse("/size")


def test_help_documents_the_grammar():
    spec = REGISTRY.get("size")
    assert spec is not None
    assert spec.usage == "/size RISK [BUDGET] [--account ACCOUNT]"
    assert "/size 500 2%" in spec.examples
    assert "max loss of one contract in dollars" in spec.args[0].help
    assert "(2%) or dollars ($1000" in spec.args[1].help


async def test_runner_reads_the_context_settings():
    ctx = SimpleNamespace(settings=WorkspaceSettings(account_value=Decimal("100000")))
    result = await run_size(ctx, REGISTRY.parse("/size 500 2%").values)
    assert result.title == "Size: 4 contracts"


def test_sizing_settings_round_trip_through_the_store(tmp_path):
    db = open_database(tmp_path / "workstation.db", None)
    try:
        upgrade_to_head(db, tmp_path / "backups")
        store = SettingsStore(db)
        saved = WorkspaceSettings(
            account_value=Decimal("31234.56"), max_contracts_per_trade=4, max_risk_per_trade=0.015
        )
        store.save(saved)
        loaded = store.load(WorkspaceSettings)
        assert loaded == saved
        assert isinstance(loaded.account_value, Decimal)
        assert store.get_json("account_value") == "31234.56"  # stored as text, exact
    finally:
        db.close()


def test_sizing_settings_defaults_and_bounds():
    defaults = WorkspaceSettings()
    assert defaults.account_value == Decimal(25000)
    assert defaults.max_contracts_per_trade == 10
    assert defaults.max_risk_per_trade == 0.05
    for bad in (
        {"account_value": 0},
        {"max_contracts_per_trade": 0},
        {"max_risk_per_trade": 0},
        {"max_risk_per_trade": 1.5},
    ):
        with pytest.raises(ValueError, match=next(iter(bad))):
            WorkspaceSettings(**bad)
