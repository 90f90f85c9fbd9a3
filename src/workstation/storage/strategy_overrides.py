"""The trader's corrections to strategy grouping (``strategy_overrides``).

Keyed by stable identities (opening transaction keys and group ids, which are
the key of a group's first opening transaction), so they survive re-imports.
Three kinds: ``regroup`` (opening key -> target group id), ``name`` (group id
-> the trader's name) and ``tags`` (group id -> JSON list of tags).
"""

from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert

from workstation.domain.trade_groups import StrategyOverrides
from workstation.ports.clock import Clock, SystemClock
from workstation.storage.database import Database
from workstation.storage.tables import strategy_overrides

KINDS = ("regroup", "name", "tags")


class StrategyOverrideStore:
    """Read and change the trader's regroupings, names and tags."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SystemClock()

    def load(self) -> StrategyOverrides:
        """Return every stored override."""
        regroup: dict[str, str] = {}
        names: dict[str, str] = {}
        tags: dict[str, tuple[str, ...]] = {}
        with self._db.engine.connect() as connection:
            for kind, subject, value, _ in connection.execute(select(strategy_overrides)):
                if kind == "regroup":
                    regroup[subject] = value
                elif kind == "name":
                    names[subject] = value
                else:
                    tags[subject] = tuple(json.loads(value))
        return StrategyOverrides(regroup, names, tags)

    def regroup(self, opening_key: str, group_id: str) -> None:
        """Move the leg opened by ``opening_key`` into group ``group_id``."""
        self._put("regroup", opening_key, group_id)

    def rename(self, group_id: str, name: str) -> None:
        """Name group ``group_id`` (an empty name restores the automatic one)."""
        if name.strip():
            self._put("name", group_id, name.strip())
        else:
            self.clear("name", group_id)

    def set_tags(self, group_id: str, tags: tuple[str, ...]) -> None:
        """Replace the tags of group ``group_id`` (none clears them)."""
        cleaned = tuple(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))
        if cleaned:
            self._put("tags", group_id, json.dumps(list(cleaned)))
        else:
            self.clear("tags", group_id)

    def clear(self, kind: str, subject: str) -> None:
        """Remove one override."""
        _check(kind)
        statement = delete(strategy_overrides).where(
            strategy_overrides.c.kind == kind, strategy_overrides.c.subject == subject
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement)

    def _put(self, kind: str, subject: str, value: str) -> None:
        _check(kind)
        if not subject:
            raise ValueError(f"strategy override {kind}: the subject is empty")
        row = {"kind": kind, "subject": subject, "value": value, "updated_at": self._clock.now()}
        statement = insert(strategy_overrides).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=["kind", "subject"],
            set_={"value": value, "updated_at": row["updated_at"]},
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement)


def _check(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"strategy override kind {kind!r} is not one of {', '.join(KINDS)}")
