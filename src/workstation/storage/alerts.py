"""Raised alerts (the ``alerts`` table): one row per condition, ever.

``raise_once`` is an insert-or-ignore on the unique condition key, so two
evaluations racing on the same condition store (and notify) it once.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.engine import Row

from workstation.domain.alerts import Alert
from workstation.domain.notifications import Severity
from workstation.storage.database import Database
from workstation.storage.tables import alerts


class AlertStore:
    """Alerts raised in this workspace, newest first."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def raise_once(self, alert: Alert) -> Alert | None:
        """Store ``alert`` unless its condition already alerted; return it stored, else None."""
        values = {
            "condition_key": alert.condition_key,
            "source": alert.source,
            "symbol": alert.symbol,
            "severity": Severity(alert.severity).value,
            "title": alert.title,
            "body": alert.body,
            "context": json.dumps(dict(alert.context), sort_keys=True, default=str),
            "fired_at": alert.fired_at,
        }
        statement = (
            insert(alerts).values(**values).on_conflict_do_nothing(index_elements=["condition_key"])
        )
        with self._db.engine.begin() as connection:
            result = connection.execute(statement)
            if result.rowcount == 0:
                return None
            row = connection.execute(
                select(alerts).where(alerts.c.condition_key == alert.condition_key)
            ).one()
        return _alert(row)

    def has(self, condition_key: str) -> bool:
        """Tell whether ``condition_key`` has already alerted."""
        query = select(alerts.c.id).where(alerts.c.condition_key == condition_key)
        with self._db.engine.connect() as connection:
            return connection.execute(query).first() is not None

    def recent(self, limit: int = 200, source: str | None = None) -> list[Alert]:
        """Return up to ``limit`` alerts, newest first, optionally of one ``source``."""
        query = select(alerts).order_by(alerts.c.fired_at.desc(), alerts.c.id.desc()).limit(limit)
        if source is not None:
            query = query.where(alerts.c.source == source)
        with self._db.engine.connect() as connection:
            return [_alert(row) for row in connection.execute(query)]

    def acknowledge(self, alert_id: int, at: datetime) -> bool:
        """Mark alert ``alert_id`` seen at ``at``; return False when there is no such alert."""
        statement = update(alerts).where(alerts.c.id == alert_id).values(acknowledged_at=at)
        with self._db.engine.begin() as connection:
            return connection.execute(statement).rowcount == 1


def _alert(row: Row[tuple[object, ...]]) -> Alert:
    m = row._mapping
    return Alert(
        condition_key=m["condition_key"],
        source=m["source"],
        title=m["title"],
        body=m["body"],
        fired_at=m["fired_at"],
        severity=Severity(m["severity"]),
        symbol=m["symbol"],
        context=json.loads(m["context"]),
        id=int(m["id"]),
        acknowledged_at=m["acknowledged_at"],
    )
