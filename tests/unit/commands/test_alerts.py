"""/alerts: the small grammar (with errors naming the token) and runs against a real store."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from tests.fakes.clock import FixedClock
from workstation.commands import alerts as alerts_command
from workstation.commands.alerts import parse_cooldown, parse_mute_until, parse_rule
from workstation.commands.grammar import CommandError, CommandSyntaxError
from workstation.commands.registry import CommandRegistry
from workstation.domain.alerts import Alert
from workstation.domain.playbook import (
    AlertRule,
    CrossDirection,
    ExpectedMoveParams,
    IvRankParams,
    PriceCrossParams,
    StructureEventParams,
)
from workstation.domain.structure import EventKind
from workstation.services.alert_rules import AlertRuleService
from workstation.services.alerts import AlertService
from workstation.services.blocking import run_in_thread
from workstation.storage.alert_rules import AlertRuleStore
from workstation.storage.alerts import AlertStore
from workstation.storage.database import open_database
from workstation.storage.migrate import upgrade_to_head

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # 12:00 ET
REGISTRY = CommandRegistry(alerts_command.SPECS)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("SPY above 600", AlertRule("SPY", PriceCrossParams(600.0, CrossDirection.ABOVE))),
        ("spy below 590.5", AlertRule("SPY", PriceCrossParams(590.5, CrossDirection.BELOW))),
        ("SPY cross $1,200", AlertRule("SPY", PriceCrossParams(1200.0, CrossDirection.EITHER))),
        ("SPY ivr above 50", AlertRule("SPY", IvRankParams(50.0, CrossDirection.ABOVE))),
        ("SPY iv below 20.5", AlertRule("SPY", IvRankParams(20.5, CrossDirection.BELOW))),
        ("SPY em 7", AlertRule("SPY", ExpectedMoveParams(7))),
        ("SPY em 30d", AlertRule("SPY", ExpectedMoveParams(30))),
        ("QQQ sweep", AlertRule("QQQ", StructureEventParams(frozenset({EventKind.SWEEP})))),
        (
            "* FVG choch reclaim",
            AlertRule(
                "*",
                StructureEventParams(
                    frozenset(
                        {EventKind.FVG_TAG, EventKind.CHANGE_OF_CHARACTER, EventKind.VWAP_RECLAIM}
                    )
                ),
            ),
        ),
        ("IWM all", AlertRule("IWM", StructureEventParams(frozenset(EventKind)))),
    ],
)
def test_add_specs_parse_into_rules(line, expected):
    assert parse_rule(line.split(), None) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("SPY", "/alerts add: needs SYMBOL and what to watch"),
        ("$PY above 600", "/alerts add: SYMBOL must be a ticker symbol like SPY"),
        ("SPY above", "'above' takes one PRICE, got 'nothing'"),
        ("SPY above 600 610", "'above' takes one PRICE, got '600 610'"),
        ("SPY above six", "/alerts add: PRICE must be a number, got 'six'"),
        ("SPY above 0", "PRICE must be at least 0.01, got 0.0"),
        ("SPY ivr 50", "write 'ivr above RANK' or 'ivr below RANK'"),
        ("SPY ivr above 150", "RANK must be at most 100, got 150.0"),
        ("SPY em week", "DAYS must be a whole number, got 'week'"),
        ("SPY em 400", "DAYS must be at most 365, got 400"),
        ("SPY sweep swoosh", "unknown condition 'swoosh' \\(known: above, below, cross"),
    ],
)
def test_bad_add_specs_name_the_token(line, message):
    with pytest.raises(CommandSyntaxError, match=message):
        parse_rule(line.split(), None)


@pytest.mark.parametrize(
    ("token", "minutes"), [("45", 45), ("30m", 30), ("2h", 120), ("1d", 1440), ("0", 0)]
)
def test_cooldowns_are_minutes_or_spans(token, minutes):
    assert parse_cooldown(token) == minutes
    assert parse_rule(["SPY", "em", "7"], token).cooldown_minutes == minutes


def test_a_bad_cooldown_names_it():
    with pytest.raises(
        CommandSyntaxError, match=r"--cooldown must be minutes like 45, .* got '5s'"
    ):
        parse_cooldown("5s")


@pytest.mark.parametrize(
    ("token", "until"),
    [
        ("30m", NOW + timedelta(minutes=30)),
        ("1h", NOW + timedelta(hours=1)),
        ("2d", NOW + timedelta(days=2)),
        ("today", datetime(2026, 11, 21, 5, 0, tzinfo=UTC)),  # midnight ET (EST)
        (None, datetime(2026, 11, 21, 5, 0, tzinfo=UTC)),
    ],
)
def test_mute_spans_end_when_expected(token, until):
    assert parse_mute_until(token, NOW) == until


@pytest.mark.parametrize("token", ["30", "0m", "soon"])
def test_a_bad_mute_span_names_it(token):
    with pytest.raises(CommandSyntaxError, match=f"/alerts mute: for how long: .* got '{token}'"):
        parse_mute_until(token, NOW)


# ---------------------------------------------------------------- against a real store
@pytest.fixture
def ctx(tmp_path):
    db = open_database(tmp_path / "workstation.db", None)
    upgrade_to_head(db, tmp_path / "backups")
    clock = FixedClock(NOW)
    alerts = AlertService(AlertStore(db), run_in_thread)
    rules = AlertRuleService(AlertRuleStore(db), alerts, clock, run_in_thread)
    yield SimpleNamespace(clock=clock, alerts=alerts, alert_rules=rules)
    db.close()


async def _run(ctx, line: str):
    invocation = REGISTRY.parse(line)
    return await invocation.spec.run(ctx, invocation.values)


async def test_add_then_list_shows_rules_recent_alerts_and_mutes(ctx):
    added = await _run(ctx, "/alerts add SPY above 600 --cooldown 30m")
    assert added.title == "Alert rule #1: SPY price crosses above 600.00"
    assert added.lines == ("cooldown 30 min between fires for one ticker",)
    await _run(ctx, "/alerts add * sweep choch")
    await _run(ctx, "/alerts mute 2 1h")
    await _run(ctx, "/alerts mute QQQ today")
    alert = Alert("exit:g1:profit_target:hit", "exit", "Profit target", "50 %", NOW, symbol="SPY")
    await ctx.alerts.raise_all([alert])
    listed = await _run(ctx, "/alerts")
    assert listed.title == "Alerts: 2 rules, 1 recent"
    assert listed.lines == (
        "QQQ muted until 2026-11-21 00:00 ET",
        "2026-11-20 12:00 ET SPY: Profit target",
    )
    assert listed.table.rows == (
        ("1", "SPY", "price crosses above 600.00", "30", "on"),
        ("2", "*", "structure: sweep, choch", "15", "muted until 2026-11-20 13:00 ET"),
    )
    data = json.loads(listed.to_json())
    assert data["rules"][0]["parameters"] == {"level": 600.0, "direction": "above"}
    assert data["rules"][1]["kind"] == "structure_event"
    assert data["alerts"][0]["condition_key"] == "exit:g1:profit_target:hit"
    assert data["muted_symbols"] == {"QQQ": "2026-11-21T05:00:00+00:00"}
    only_qqq = await _run(ctx, "/alerts list QQQ")
    assert [row[0] for row in only_qqq.table.rows] == ["2"]


async def test_unmute_and_delete_by_id_and_symbol(ctx):
    await _run(ctx, "/alerts add SPY em 7")
    await _run(ctx, "/alerts mute 1 30m")
    assert (await _run(ctx, "/alerts unmute 1")).title == "Unmuted rule #1"
    await _run(ctx, "/alerts mute SPY")
    assert (await _run(ctx, "/alerts unmute SPY")).title == "Unmuted SPY"
    assert (await _run(ctx, "/alerts unmute SPY")).title == "SPY was not muted"
    deleted = await _run(ctx, "/alerts delete 1")
    assert (deleted.title, deleted.data) == ("Deleted alert rule #1", {"deleted": 1})
    assert (await _run(ctx, "/alerts")).table.rows == ()


@pytest.mark.parametrize(
    ("line", "error", "message"),
    [
        ("/alerts frobnicate", CommandSyntaxError, "unknown action 'frobnicate' \\(list, add"),
        ("/alerts mute 1 --cooldown 5", CommandSyntaxError, "--cooldown goes with /alerts add"),
        ("/alerts delete SPY", CommandSyntaxError, "takes one rule ID .*got 'SPY'"),
        ("/alerts delete 9", CommandError, "/alerts delete: no alert rule #9"),
        ("/alerts mute 9 1h", CommandError, "/alerts mute: no alert rule #9"),
        ("/alerts unmute 9", CommandError, "/alerts unmute: no alert rule #9"),
        ("/alerts mute", CommandSyntaxError, "write /alerts mute ID\\|SYMBOL"),
        ("/alerts list 3", CommandSyntaxError, "takes a SYMBOL, not a rule id"),
        ("/alerts add SPY above 600 --cooldown soon", CommandSyntaxError, "got 'soon'"),
    ],
)
async def test_bad_lines_say_what_is_wrong(ctx, line, error, message):
    with pytest.raises(error, match=message):
        await _run(ctx, line)


async def test_without_the_service_the_command_says_so():
    invocation = REGISTRY.parse("/alerts")
    with pytest.raises(CommandError, match="alert rules are not available"):
        await invocation.spec.run(SimpleNamespace(alert_rules=None), invocation.values)


def test_loading_the_command_does_not_load_numpy():
    code = "import sys, workstation.commands.alerts; print('numpy' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"
