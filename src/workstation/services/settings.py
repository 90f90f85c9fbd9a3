"""Change workspace settings: validate, store, and tell the parts that apply them live.

Values are typed as JSON (``0.2``, ``true``, ``[1, 2]``) or plain text.
Planner, guardrail and sizing settings apply at once; the others on the next
start (the message says which).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from workstation.config.settings import WorkspaceSettings
from workstation.services.blocking import BlockingRunner
from workstation.storage.settings_store import SettingsStore

LIVE_PREFIXES = ("planner_", "guardrail_", "day_trade_", "exit_")
LIVE_NAMES = frozenset(
    {
        "account_value", "max_contracts_per_trade", "max_risk_per_trade",
        "beta_overrides", "scenario_mode", "alert_sound",
    }
)  # fmt: skip

Listener = Callable[[WorkspaceSettings], None]


def applies_live(name: str) -> bool:
    """True when a change to ``name`` takes effect without a restart."""
    return name.startswith(LIVE_PREFIXES) or name in LIVE_NAMES


class SettingsService:
    """The workspace's settings as the trader changes them."""

    def __init__(
        self, store: SettingsStore, current: WorkspaceSettings, run: BlockingRunner
    ) -> None:
        self._store = store
        self._current = current
        self._run = run
        self._listeners: list[Listener] = []

    @property
    def current(self) -> WorkspaceSettings:
        """The settings in force."""
        return self._current

    def on_change(self, listener: Listener) -> None:
        """Call ``listener`` with the new settings after every change."""
        self._listeners.append(listener)

    def described(self) -> list[tuple[str, str, str]]:
        """Return (name, value as JSON, description) for every setting."""
        values = self._current.model_dump(mode="json")
        fields = WorkspaceSettings.model_fields
        return [(name, json.dumps(values[name]), fields[name].description or "") for name in fields]

    async def set(self, name: str, text: str) -> WorkspaceSettings:
        """Set ``name`` from ``text``; raise ValueError naming the setting and the problem."""
        fields = WorkspaceSettings.model_fields
        if name not in fields:
            close = difflib.get_close_matches(name, list(fields), n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else " /settings lists them."
            raise ValueError(f"no setting called {name!r}.{hint}")
        values = self._current.model_dump()
        values[name] = _value(text)
        try:
            updated = WorkspaceSettings.model_validate(values)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ValueError(f"{name} = {text!r} is not valid: {first['msg']}") from None
        stored = updated.model_dump(mode="json")[name]
        await self._run(self._store.set_json, name, stored)
        self._current = updated
        for listener in self._listeners:
            listener(updated)
        return updated


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
