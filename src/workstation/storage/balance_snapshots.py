"""End-of-day balance snapshots a broker reports (``balance_snapshots``): net liq history.

Written by broker sync; read by the net-liquidity reconciliation, which shows
the difference between the broker's figure and the ledger's explanation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from workstation.storage.database import Database
from workstation.storage.tables import balance_snapshots


@dataclass(frozen=True, slots=True)
class BalanceSnapshot:
    """One account's end-of-day balances as the broker reported them (dollars)."""

    broker: str
    account: str
    day: date
    net_liquidating_value: Decimal
    cash_balance: Decimal | None = None
    source: str = ""


class BalanceSnapshotStore:
    """Broker balance snapshots keyed by (broker, account, day); writes are upserts."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def put(self, snapshots: Iterable[BalanceSnapshot]) -> int:
        """Insert or replace ``snapshots`` in one transaction; return how many were written."""
        rows = [
            {
                "broker": s.broker,
                "account": s.account,
                "date": s.day,
                "net_liquidating_value": s.net_liquidating_value,
                "cash_balance": s.cash_balance,
                "source": s.source,
            }
            for s in snapshots
        ]
        if not rows:
            return 0
        statement = insert(balance_snapshots)
        statement = statement.on_conflict_do_update(
            index_elements=["broker", "account", "date"],
            set_={
                "net_liquidating_value": statement.excluded.net_liquidating_value,
                "cash_balance": statement.excluded.cash_balance,
                "source": statement.excluded.source,
            },
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement, rows)
        return len(rows)

    def between(self, account: str, first: date, last: date) -> list[BalanceSnapshot]:
        """Return ``account``'s snapshots from ``first`` to ``last`` inclusive, oldest first."""
        t = balance_snapshots.c
        query = (
            select(balance_snapshots)
            .where(t.account == account, t.date >= first, t.date <= last)
            .order_by(t.date)
        )
        with self._db.engine.connect() as connection:
            return [
                BalanceSnapshot(r.broker, r.account, r.date, r.net_liquidating_value,
                                r.cash_balance, r.source)
                for r in connection.execute(query)
            ]  # fmt: skip
