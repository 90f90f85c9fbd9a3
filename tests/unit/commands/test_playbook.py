"""/playbook against a real workspace store: list, switch, export, import (validated), reset."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from tests.fakes.clock import FixedClock
from workstation.commands import playbook as playbook_command
from workstation.commands.grammar import CommandError, CommandSyntaxError
from workstation.commands.registry import CommandRegistry
from workstation.config.paths import resources_dir
from workstation.services.alert_rules import AlertRuleService
from workstation.services.alerts import AlertService
from workstation.services.blocking import run_in_thread
from workstation.storage.alert_rules import BUNDLED_PLAYBOOK, AlertRuleStore, load_playbook_file
from workstation.storage.alerts import AlertStore
from workstation.storage.database import open_database
from workstation.storage.migrate import upgrade_to_head

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
REGISTRY = CommandRegistry(playbook_command.SPECS)
RECLAIM = "VWAP reclaim in an uptrend"


@pytest.fixture
def ctx(tmp_path):
    db = open_database(tmp_path / "workstation.db", None)
    upgrade_to_head(db, tmp_path / "backups")
    clock = FixedClock(NOW)
    alerts = AlertService(AlertStore(db), run_in_thread)
    shipped = load_playbook_file(resources_dir() / BUNDLED_PLAYBOOK)
    rules = AlertRuleService(AlertRuleStore(db), alerts, clock, run_in_thread, shipped)
    yield SimpleNamespace(clock=clock, alerts=alerts, alert_rules=rules)
    db.close()


async def _run(ctx, line: str):
    invocation = REGISTRY.parse(line)
    return await invocation.spec.run(ctx, invocation.values)


async def test_list_shows_the_shipped_playbook(ctx):
    result = await _run(ctx, "/playbook")
    assert result.title == "Playbook: 15 rules"
    first = result.table.rows[0]
    needs = "side sell-side, bias bullish"
    setup = "bull call debit spread (bullish)"
    assert first == ("SSL sweep with a bullish bias", "sweep", needs, setup, "on")
    assert result.data["rules"][0]["setup"]["strategy"] == "bull call debit spread"


async def test_disable_and_enable_a_rule_by_name_survive_a_new_service(ctx):
    off = await _run(ctx, f"/playbook disable {RECLAIM.lower()}")
    assert off.title == f"Playbook rule {RECLAIM!r} off: 15 rules"
    stored = {r.name: r.enabled for r in await ctx.alert_rules.playbook()}
    assert stored[RECLAIM] is False
    with pytest.raises(CommandError, match="no rule named 'nope'"):
        await _run(ctx, "/playbook enable nope")
    on = await _run(ctx, f"/playbook enable {RECLAIM}")
    assert [row[4] for row in on.table.rows if row[0] == RECLAIM] == ["on"]


async def test_export_edit_import_round_trip_and_a_bad_file_changes_nothing(ctx, tmp_path):
    path = tmp_path / "book.json"
    done = await _run(ctx, f"/playbook export {path}")
    assert done.data == {"path": str(path), "rules": 15}
    document = json.loads(path.read_text(encoding="utf-8"))
    document["rules"] = document["rules"][:2]
    document["rules"][1]["name"] = "My FVG short"
    path.write_text(json.dumps(document), encoding="utf-8")
    imported = await _run(ctx, f"/playbook import {path}")
    assert imported.title == f"Playbook imported from {path}: 2 rules"
    document["rules"][0]["bias"] = "sideways-ish"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match=r"rule 1 .*bias"):
        await _run(ctx, f"/playbook import {path}")
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1 column 2"):
        await _run(ctx, f"/playbook import {path}")
    assert [r.name for r in await ctx.alert_rules.playbook()][1] == "My FVG short"
    reset = await _run(ctx, "/playbook reset")
    assert reset.title == "Playbook reset to the shipped defaults: 15 rules"


async def test_bad_actions_and_missing_arguments_are_named(ctx, tmp_path):
    with pytest.raises(CommandSyntaxError, match="unknown action 'edit'"):
        await _run(ctx, "/playbook edit")
    with pytest.raises(CommandSyntaxError, match="/playbook import: name the JSON file"):
        await _run(ctx, "/playbook import")
    with pytest.raises(CommandError, match="cannot read"):
        await _run(ctx, f"/playbook import {tmp_path / 'missing.json'}")


def test_loading_the_command_does_not_load_numpy():
    code = "import sys, workstation.commands.playbook; print('numpy' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"
