"""SettingsStore: JSON values, pydantic models field by field, clear errors."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, Field

from workstation.config.settings import WorkspaceSettings
from workstation.storage.database import Database
from workstation.storage.settings_store import SettingsError, SettingsStore


class Prefs(BaseModel):
    theme: Literal["dark", "light"] = "dark"
    symbols: list[str] = Field(default_factory=lambda: ["SPY"])
    refresh_seconds: float = Field(5.0, gt=0)


def test_json_values_round_trip(db: Database) -> None:
    store = SettingsStore(db)
    assert store.get_json("missing") is None
    assert store.get_json("missing", default=3) == 3
    store.set_json("layout", {"docks": ["chain", "chart"], "ratio": 0.5})
    store.set_json("layout", {"docks": ["chart"]})
    store.set_json("nothing", None)
    assert store.get_json("layout") == {"docks": ["chart"]}
    assert store.get_json("nothing", default="x") is None


def test_model_loads_defaults_then_saved_values(db: Database) -> None:
    store = SettingsStore(db)
    assert store.load(Prefs) == Prefs()
    store.save(Prefs(theme="light", symbols=["QQQ", "IWM"]))
    store.set_json("unknown_key_from_a_newer_version", 1)
    assert store.load(Prefs) == Prefs(theme="light", symbols=["QQQ", "IWM"])


def test_workspace_settings_round_trip(db: Database) -> None:
    store = SettingsStore(db)
    saved = WorkspaceSettings(watchlist=["aapl", "MSFT"], backups_to_keep=7)
    store.save(saved)
    assert store.load(WorkspaceSettings) == saved


def test_invalid_stored_value_names_the_key(db: Database) -> None:
    store = SettingsStore(db)
    store.set_json("refresh_seconds", -1)
    with pytest.raises(SettingsError, match="setting 'refresh_seconds' holds -1"):
        store.load(Prefs)


def test_corrupt_json_names_the_key(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO settings (key, value, updated_at) VALUES ('theme', '{oops', 0)"
        )
    with pytest.raises(SettingsError, match="setting 'theme' holds invalid JSON"):
        SettingsStore(db).load(Prefs)


def test_unencodable_value_is_refused_and_batch_is_atomic(db: Database) -> None:
    store = SettingsStore(db)
    with pytest.raises(SettingsError, match="'bad'"):
        store.set_many({"good": 1, "bad": float("nan")})
    with pytest.raises(SettingsError, match="'obj'"):
        store.set_json("obj", object())
    assert store.get_json("good") is None
