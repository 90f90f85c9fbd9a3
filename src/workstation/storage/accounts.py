"""Broker accounts (the ``accounts`` table), unique per (broker, number)."""

from __future__ import annotations

import builtins

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from workstation.domain.accounts import Account, AccountKind
from workstation.ports.clock import Clock, SystemClock
from workstation.storage.database import Database
from workstation.storage.tables import accounts


class AccountStore:
    """Accounts the trader has connected or imported; ids are stable across upserts."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SystemClock()

    def upsert(self, account: Account) -> int:
        """Insert ``account`` or update kind and nickname of the stored one; return its id."""
        _check(account)
        statement = insert(accounts).values(
            broker=account.broker,
            number=account.number,
            kind=AccountKind(account.kind).value,
            nickname=account.nickname,
            created_at=self._clock.now(),
        )
        statement = statement.on_conflict_do_update(
            index_elements=[accounts.c.broker, accounts.c.number],
            set_={"kind": statement.excluded.kind, "nickname": statement.excluded.nickname},
        )
        lookup = select(accounts.c.id).where(
            accounts.c.broker == account.broker, accounts.c.number == account.number
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement)
            return int(connection.execute(lookup).scalar_one())

    def list(self) -> builtins.list[Account]:
        """Return every stored account, sorted by broker then number."""
        query = select(accounts).order_by(accounts.c.broker, accounts.c.number)
        with self._db.engine.connect() as connection:
            return [
                Account(row.broker, row.number, AccountKind(row.kind), row.nickname)
                for row in connection.execute(query)
            ]


def _check(account: Account) -> None:
    for field in ("broker", "number"):
        value = getattr(account, field)
        if not value or value != value.strip():
            raise ValueError(
                f"account {account.broker!r}/{account.number!r}: {field} must be "
                "non-empty without surrounding spaces"
            )
    try:
        AccountKind(account.kind)
    except ValueError:
        raise ValueError(
            f"account {account.broker}/{account.number}: kind {account.kind!r} "
            f"is not one of {', '.join(k.value for k in AccountKind)}"
        ) from None
