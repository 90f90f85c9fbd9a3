"""Alert rules, fires, mutes and the playbook against a real SQLite file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from workstation.config.paths import resources_dir
from workstation.domain.alerts import Alert
from workstation.domain.playbook import (
    AlertRule,
    CrossDirection,
    ExpectedMoveParams,
    IvRankParams,
    PlaybookError,
    PriceCrossParams,
    StructureEventParams,
)
from workstation.domain.structure import EventKind
from workstation.storage.alert_rules import BUNDLED_PLAYBOOK, AlertRuleStore, load_playbook_file
from workstation.storage.alerts import AlertStore
from workstation.storage.database import Database

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
ABOVE_600 = PriceCrossParams(600.0, CrossDirection.ABOVE)
SWEEPS = StructureEventParams(frozenset({EventKind.SWEEP, EventKind.CHANGE_OF_CHARACTER}))


@pytest.fixture
def store(db: Database) -> AlertRuleStore:
    return AlertRuleStore(db)


@pytest.fixture
def playbook():
    return load_playbook_file(resources_dir() / BUNDLED_PLAYBOOK)


def test_rules_are_stored_with_ids_and_read_back_exactly(store: AlertRuleStore) -> None:
    first = store.add(AlertRule("SPY", ABOVE_600, cooldown_minutes=30), NOW)
    second = store.add(AlertRule("*", SWEEPS), NOW + timedelta(minutes=1))
    third = store.add(AlertRule("QQQ", IvRankParams(50.0, CrossDirection.BELOW)), NOW)
    fourth = store.add(AlertRule("SPY", ExpectedMoveParams(7), enabled=False), NOW)
    assert (first.id, second.id) == (1, 2)
    assert first == AlertRule("SPY", ABOVE_600, cooldown_minutes=30, id=1, created_at=NOW)
    assert store.get(2) == second
    assert store.get(99) is None
    assert store.rules() == [first, second, third, fourth]
    assert store.rules("SPY") == [first, second, fourth]
    assert store.rules("IWM") == [second]


def test_a_rule_is_updated_muted_unmuted_and_deleted(store: AlertRuleStore) -> None:
    rule = store.add(AlertRule("SPY", ABOVE_600), NOW)
    moved = replace(rule, parameters=PriceCrossParams(605.0, CrossDirection.EITHER))
    assert store.update(moved)
    assert store.get(rule.id) == moved
    assert store.mute(rule.id, NOW + timedelta(hours=1))
    assert store.get(rule.id).muted_until == NOW + timedelta(hours=1)
    assert store.unmute(rule.id)
    assert store.get(rule.id).muted_until is None
    assert store.delete(rule.id)
    assert store.get(rule.id) is None
    assert not store.delete(rule.id)
    assert not store.mute(rule.id, NOW)
    assert not store.update(moved)


def test_fires_keep_the_latest_instant_per_rule_and_ticker(store: AlertRuleStore) -> None:
    rule = store.add(AlertRule("*", SWEEPS), NOW)
    store.record_fire(rule.id, "SPY", NOW)
    store.record_fires([(rule.id, "SPY", NOW - timedelta(hours=1)), (rule.id, "QQQ", NOW)])
    store.record_fires([(rule.id, "SPY", NOW + timedelta(minutes=5))])
    assert store.firing_state("SPY", []).last_fired == {
        (rule.id, "SPY"): NOW + timedelta(minutes=5)
    }
    assert store.firing_state("QQQ", []).last_fired == {(rule.id, "QQQ"): NOW}
    store.delete(rule.id)
    assert store.firing_state("SPY", []).last_fired == {}


def test_a_fire_needs_an_existing_rule(store: AlertRuleStore) -> None:
    with pytest.raises(IntegrityError):
        store.record_fire(42, "SPY", NOW)


def test_ticker_mutes_are_upserted_and_lifted_with_the_tickers_rule_mutes(
    store: AlertRuleStore,
) -> None:
    spy_rule = store.add(AlertRule("SPY", ABOVE_600), NOW)
    store.mute(spy_rule.id, NOW + timedelta(days=1))
    store.mute_symbol("SPY", NOW + timedelta(hours=1))
    store.mute_symbol("SPY", NOW + timedelta(hours=2))
    store.mute_symbol("*", NOW + timedelta(minutes=30))
    assert store.symbol_mutes() == {
        "SPY": NOW + timedelta(hours=2),
        "*": NOW + timedelta(minutes=30),
    }
    assert store.firing_state("SPY", []).symbol_mutes == store.symbol_mutes()
    assert store.firing_state("QQQ", []).symbol_mutes == {"*": NOW + timedelta(minutes=30)}
    assert store.unmute_symbol("SPY") == 2
    assert store.get(spy_rule.id).muted_until is None
    assert store.unmute_symbol("SPY") == 0


def test_firing_state_says_which_keys_already_alerted(db: Database, store: AlertRuleStore) -> None:
    alert = Alert("alert-rule:1:SPY:sweep:100:-1:588.2000", "structure", "t", "b", NOW)
    AlertStore(db).raise_once(alert)
    keys = [alert.condition_key, "alert-rule:1:SPY:sweep:160:-1:588.2000"]
    assert store.firing_state("SPY", keys).already_alerted == {alert.condition_key}
    many = [f"k{i}" for i in range(1200)] + [alert.condition_key]
    assert store.firing_state("SPY", many).already_alerted == {alert.condition_key}


def test_the_table_refuses_an_unknown_kind_or_a_negative_cooldown(db: Database) -> None:
    row = "INSERT INTO alert_rules (symbol, kind, cooldown_minutes, created_at) VALUES"
    with (
        db.engine.begin() as connection,
        pytest.raises(IntegrityError, match="ck_alert_rules_kind"),
    ):
        connection.exec_driver_sql(f"{row} ('SPY', 'volume', 5, 1.0e9)")
    with db.engine.begin() as connection, pytest.raises(IntegrityError, match="cooldown"):
        connection.exec_driver_sql(f"{row} ('SPY', 'iv_rank', -5, 1.0e9)")


def test_corrupt_stored_parameters_are_refused_naming_the_rule(
    db: Database, store: AlertRuleStore
) -> None:
    rule = store.add(AlertRule("SPY", ABOVE_600), NOW)
    with db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alert_rules SET parameters = '{\"level\": 600'"))
    with pytest.raises(PlaybookError, match=f"stored alert rule {rule.id}: stored JSON"):
        store.rules()


def test_the_playbook_is_replaced_whole_and_read_back_in_order(store: AlertRuleStore, playbook):
    assert store.playbook() == ()
    store.replace_playbook(playbook, NOW)
    assert store.playbook() == playbook
    edited = (replace(playbook[3], enabled=False), playbook[0])
    store.replace_playbook(edited, NOW)
    assert store.playbook() == edited


def test_a_playbook_with_repeated_names_is_refused_and_the_old_one_kept(
    store: AlertRuleStore, playbook
) -> None:
    store.replace_playbook(playbook[:2], NOW)
    with pytest.raises(PlaybookError, match="two rules are named"):
        store.replace_playbook((playbook[0], playbook[0]), NOW)
    with pytest.raises(PlaybookError, match="at least one rule"):
        store.replace_playbook((), NOW)
    assert store.playbook() == playbook[:2]


def test_the_shipped_playbook_loads(playbook) -> None:
    assert len(playbook) >= 12


def test_a_playbook_file_error_names_the_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match=r"missing\.json: cannot read the playbook"):
        load_playbook_file(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"rules": [\n  {"name": "x",}\n]}', encoding="utf-8")
    with pytest.raises(PlaybookError, match=r"broken\.json line 2: not valid JSON"):
        load_playbook_file(broken)
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"rules": [{"name": "x"}]}', encoding="utf-8")
    with pytest.raises(PlaybookError, match=r"wrong\.json rule 1 \('x'\): missing field 'events'"):
        load_playbook_file(wrong)
