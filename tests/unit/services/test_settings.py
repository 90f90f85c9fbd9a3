"""Changing settings: validated, stored, applied live where it can be."""

from __future__ import annotations

import asyncio

import pytest

from workstation.config.settings import WorkspaceSettings
from workstation.services.blocking import run_in_thread
from workstation.services.settings import SettingsService, applies_live
from workstation.storage.database import open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.settings_store import SettingsStore


@pytest.fixture
def store(tmp_path):
    database = open_database(tmp_path / "workstation.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield SettingsStore(database)
    database.close()


def test_a_setting_is_validated_stored_and_announced(store):
    service = SettingsService(store, WorkspaceSettings(), run_in_thread)
    seen = []
    service.on_change(seen.append)
    updated = asyncio.run(service.set("planner_min_credit", "0.2"))
    assert updated.planner_min_credit == 0.2
    assert seen == [updated]
    assert store.load(WorkspaceSettings).planner_min_credit == 0.2
    asyncio.run(service.set("guardrail_tentative_blocks", "false"))
    assert store.load(WorkspaceSettings).guardrail_tentative_blocks is False


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("planner_min_credit", "2", "planner_min_credit = '2' is not valid: Input should be less"),
        ("planner_min_credt", "0.1", "Did you mean planner_min_credit"),
        ("watchlist", '["SPY", "no way"]', "watchlist = "),
    ],
)
def test_bad_values_name_the_setting_and_change_nothing(store, name, text, message):
    service = SettingsService(store, WorkspaceSettings(), run_in_thread)
    with pytest.raises(ValueError, match=message):
        asyncio.run(service.set(name, text))
    assert store.load(WorkspaceSettings) == WorkspaceSettings()


def test_which_settings_apply_live():
    assert applies_live("planner_widths")
    assert applies_live("guardrail_block_on_earnings")
    assert applies_live("account_value")
    assert not applies_live("risk_free_rate")
