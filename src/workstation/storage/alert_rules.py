"""The trader's alert rules and playbook, and what the rules need to decide on firing.

Tables: ``alert_rules`` (one row per rule, parameters as JSON),
``alert_rule_fires`` (the last fire per rule and ticker, for cooldowns),
``alert_mutes`` (tickers silenced until an instant) and ``playbook_rules``
(the trader's playbook, in order, each rule as JSON in the playbook file's
format). The shipped playbook is read by ``load_playbook_file``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import Connection, delete, func, or_, select, update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.engine import Row

from workstation.domain.playbook import (
    WATCHED,
    AlertRule,
    AlertRuleKind,
    PlaybookError,
    PlaybookRule,
)
from workstation.engines.playbook import (
    FiringState,
    check_playbook,
    parameters_from_mapping,
    parameters_to_mapping,
    parse_playbook,
    rule_from_mapping,
    rule_to_mapping,
)
from workstation.storage.database import Database
from workstation.storage.tables import (
    alert_mutes,
    alert_rule_fires,
    alert_rules,
    alerts,
    playbook_rules,
)

BUNDLED_PLAYBOOK = PurePath("playbook", "default_playbook.json")  # under the resources folder
_KEYS_PER_QUERY = 500  # well under SQLite's bound-parameter limit


def load_playbook_file(path: Path) -> tuple[PlaybookRule, ...]:
    """Read and check the playbook file at ``path``; raise PlaybookError naming file and rule."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlaybookError(f"{path}: cannot read the playbook ({exc.strerror})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlaybookError(f"{path} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    return parse_playbook(document, path.name)


class AlertRuleStore:
    """Alert rules, their fires and mutes, and the playbook of one workspace."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # ------------------------------------------------------------ rules
    def add(self, rule: AlertRule, at: datetime) -> AlertRule:
        """Store a new rule created at ``at``; return it with its id."""
        values = {**_rule_values(rule), "created_at": rule.created_at or at}
        with self._db.engine.begin() as connection:
            done = connection.execute(insert(alert_rules).values(**values))
            new_id = done.inserted_primary_key[0] if done.inserted_primary_key else None
            row = connection.execute(select(alert_rules).where(alert_rules.c.id == new_id)).one()
        return _rule(row)

    def get(self, rule_id: int) -> AlertRule | None:
        """Return rule ``rule_id``, or None when there is no such rule."""
        with self._db.engine.connect() as connection:
            row = connection.execute(select(alert_rules).where(alert_rules.c.id == rule_id)).first()
        return None if row is None else _rule(row)

    def rules(self, symbol: str | None = None) -> list[AlertRule]:
        """Return every rule by id, or those watching ``symbol`` (its own and the ``*`` rules)."""
        query = select(alert_rules).order_by(alert_rules.c.id)
        if symbol is not None:
            query = query.where(
                or_(alert_rules.c.symbol == symbol, alert_rules.c.symbol == WATCHED)
            )
        with self._db.engine.connect() as connection:
            return [_rule(row) for row in connection.execute(query)]

    def update(self, rule: AlertRule) -> bool:
        """Replace stored rule ``rule.id`` with ``rule``; return False when it does not exist."""
        statement = update(alert_rules).where(alert_rules.c.id == rule.id)
        with self._db.engine.begin() as connection:
            return connection.execute(statement.values(**_rule_values(rule))).rowcount == 1

    def delete(self, rule_id: int) -> bool:
        """Delete rule ``rule_id`` and its fire times; return False when there is no such rule."""
        with self._db.engine.begin() as connection:
            connection.execute(
                delete(alert_rule_fires).where(alert_rule_fires.c.rule_id == rule_id)
            )
            done = connection.execute(delete(alert_rules).where(alert_rules.c.id == rule_id))
            return done.rowcount == 1

    def mute(self, rule_id: int, until: datetime) -> bool:
        """Silence rule ``rule_id`` until ``until``; return False when there is no such rule."""
        return self._set_muted(rule_id, until)

    def unmute(self, rule_id: int) -> bool:
        """Let rule ``rule_id`` fire again; return False when there is no such rule."""
        return self._set_muted(rule_id, None)

    def _set_muted(self, rule_id: int, until: datetime | None) -> bool:
        statement = update(alert_rules).where(alert_rules.c.id == rule_id).values(muted_until=until)
        with self._db.engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    # ------------------------------------------------------------ muted tickers
    def mute_symbol(self, symbol: str, until: datetime) -> None:
        """Silence every rule for ``symbol`` (``*``: every ticker) until ``until``."""
        statement = insert(alert_mutes).values(symbol=symbol, muted_until=until)
        statement = statement.on_conflict_do_update(
            index_elements=["symbol"], set_={"muted_until": statement.excluded.muted_until}
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement)

    def unmute_symbol(self, symbol: str) -> int:
        """Lift the mute on ``symbol`` and on its own rules; return how many mutes were lifted."""
        with self._db.engine.begin() as connection:
            lifted = connection.execute(delete(alert_mutes).where(alert_mutes.c.symbol == symbol))
            rules = connection.execute(
                update(alert_rules)
                .where(alert_rules.c.symbol == symbol, alert_rules.c.muted_until.is_not(None))
                .values(muted_until=None)
            )
            return int(lifted.rowcount) + int(rules.rowcount)

    def symbol_mutes(self) -> dict[str, datetime]:
        """Return every muted ticker with the instant its mute ends."""
        with self._db.engine.connect() as connection:
            return {r.symbol: r.muted_until for r in connection.execute(select(alert_mutes))}

    # ------------------------------------------------------------ firing
    def record_fire(self, rule_id: int, symbol: str, at: datetime) -> None:
        """Remember that rule ``rule_id`` fired for ``symbol`` at ``at`` (its cooldown starts)."""
        self.record_fires([(rule_id, symbol, at)])

    def record_fires(self, fired: Iterable[tuple[int, str, datetime]]) -> None:
        """Remember (rule id, ticker, instant) fires in one transaction; the latest one stays."""
        rows = [
            {"rule_id": rule_id, "symbol": symbol, "fired_at": at} for rule_id, symbol, at in fired
        ]
        if not rows:
            return
        statement = insert(alert_rule_fires)
        latest = func.max(alert_rule_fires.c.fired_at, statement.excluded.fired_at)
        statement = statement.on_conflict_do_update(
            index_elements=["rule_id", "symbol"], set_={"fired_at": latest}
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement, rows)

    def firing_state(self, symbol: str, condition_keys: Sequence[str]) -> FiringState:
        """What decides firing for ``symbol``: last fires, its (and ``*``'s) mute, keys seen."""
        fires = select(alert_rule_fires).where(alert_rule_fires.c.symbol == symbol)
        mute = select(alert_mutes).where(alert_mutes.c.symbol.in_((symbol, WATCHED)))
        with self._db.engine.connect() as connection:
            last = {(r.rule_id, r.symbol): r.fired_at for r in connection.execute(fires)}
            mutes = {r.symbol: r.muted_until for r in connection.execute(mute)}
            seen = _alerted(connection, condition_keys)
        return FiringState(last, mutes, seen)

    # ------------------------------------------------------------ playbook
    def playbook(self) -> tuple[PlaybookRule, ...]:
        """Return the stored playbook in order (empty before the first save)."""
        query = select(playbook_rules).order_by(playbook_rules.c.position)
        with self._db.engine.connect() as connection:
            rows = list(connection.execute(query))
        return tuple(
            rule_from_mapping(_json(row.definition, f"playbook rule {row.position}"),
                              f"stored playbook rule {row.position}")
            for row in rows
        )  # fmt: skip

    def replace_playbook(self, rules: Sequence[PlaybookRule], at: datetime) -> None:
        """Replace the whole playbook with ``rules`` (checked: not empty, unique names)."""
        check_playbook(rules)
        rows = [
            {"position": position, "name": rule.name, "updated_at": at,
             "definition": json.dumps(rule_to_mapping(rule), sort_keys=True)}
            for position, rule in enumerate(rules, start=1)
        ]  # fmt: skip
        with self._db.engine.begin() as connection:
            connection.execute(delete(playbook_rules))
            connection.execute(insert(playbook_rules), rows)


def _alerted(connection: Connection, keys: Sequence[str]) -> frozenset[str]:
    found: set[str] = set()
    unique = sorted(set(keys))
    for start in range(0, len(unique), _KEYS_PER_QUERY):
        chunk = unique[start : start + _KEYS_PER_QUERY]
        query = select(alerts.c.condition_key).where(alerts.c.condition_key.in_(chunk))
        found.update(connection.execute(query).scalars())
    return frozenset(found)


def _rule_values(rule: AlertRule) -> dict[str, Any]:
    return {
        "symbol": rule.symbol,
        "kind": rule.kind.value,
        "parameters": json.dumps(parameters_to_mapping(rule.parameters), sort_keys=True),
        "cooldown_minutes": rule.cooldown_minutes,
        "enabled": rule.enabled,
        "muted_until": rule.muted_until,
    }


def _rule(row: Row[Any]) -> AlertRule:
    m = row._mapping
    where = f"stored alert rule {m['id']}"
    kind = AlertRuleKind(m["kind"])
    return AlertRule(
        symbol=m["symbol"],
        parameters=parameters_from_mapping(kind, _json(m["parameters"], where), where),
        cooldown_minutes=int(m["cooldown_minutes"]),
        enabled=bool(m["enabled"]),
        muted_until=m["muted_until"],
        id=int(m["id"]),
        created_at=m["created_at"],
    )


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlaybookError(f"{where}: stored JSON is unreadable ({exc.msg})") from None
