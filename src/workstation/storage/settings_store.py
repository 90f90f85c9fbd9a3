"""Workspace settings in the ``settings`` table: one JSON value per key.

A pydantic model is stored field by field (each field name is a key), so a
newer program can add fields and an older one ignores keys it does not know.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert

from workstation.ports.clock import Clock, SystemClock
from workstation.storage.database import Database
from workstation.storage.tables import settings

ModelT = TypeVar("ModelT", bound=BaseModel)


class SettingsError(ValueError):
    """A stored setting cannot be used; the message names the key."""


class SettingsStore:
    """JSON values by key, and whole pydantic models stored one field per key."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SystemClock()

    def get_json(self, key: str, default: Any = None) -> Any:
        """Return the decoded value stored under ``key``, or ``default`` when absent."""
        stored = self._load_raw([key])
        return _decode(key, stored[key]) if key in stored else default

    def set_json(self, key: str, value: Any) -> None:
        """Store ``value`` (anything JSON can encode) under ``key``."""
        self.set_many({key: value})

    def set_many(self, values: Mapping[str, Any]) -> None:
        """Store several keys in one transaction (all or none)."""
        rows = [
            {"key": key, "value": _encode(key, value), "updated_at": self._clock.now()}
            for key, value in values.items()
        ]
        if rows:
            with self._db.engine.begin() as connection:
                _upsert(connection, rows)

    def load(self, model_cls: type[ModelT]) -> ModelT:
        """Build ``model_cls`` from the stored keys named like its fields (defaults for the rest).

        Keys that are not fields are ignored. Raise SettingsError naming the
        key when a stored value is not valid for its field.
        """
        stored = self._load_raw(list(model_cls.model_fields))
        values = {key: _decode(key, text) for key, text in stored.items()}
        try:
            return model_cls.model_validate(values)
        except ValidationError as exc:
            raise _settings_error(exc, values) from exc

    def save(self, model: BaseModel) -> None:
        """Store every field of ``model`` under its name, in one transaction."""
        self.set_many(model.model_dump(mode="json"))

    def _load_raw(self, keys: list[str]) -> dict[str, str]:
        query = select(settings.c.key, settings.c.value).where(settings.c.key.in_(keys))
        with self._db.engine.connect() as connection:
            return {row.key: row.value for row in connection.execute(query)}


def _encode(key: str, value: Any) -> str:
    if not isinstance(key, str) or not key:
        raise SettingsError(f"setting key {key!r} must be a non-empty string")
    try:
        return json.dumps(value, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise SettingsError(
            f"setting {key!r}: value {value!r} cannot be stored as JSON ({exc})"
        ) from exc


def _decode(key: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"setting {key!r} holds invalid JSON {text[:80]!r}: {exc.msg}") from exc


def _upsert(connection: Connection, rows: list[dict[str, Any]]) -> None:
    statement = insert(settings)
    statement = statement.on_conflict_do_update(
        index_elements=[settings.c.key],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
    )
    connection.execute(statement, rows)


def _settings_error(exc: ValidationError, values: dict[str, Any]) -> SettingsError:
    """Describe the first invalid field as 'setting <key> holds <value>: <reason>'."""
    first = exc.errors()[0]
    key = str(first["loc"][0]) if first["loc"] else "?"
    shown = json.dumps(values.get(key))[:80]
    return SettingsError(
        f"setting {key!r} holds {shown}, which is not valid: {first['msg']}. "
        "Change it in Settings or delete the key to use the default."
    )
