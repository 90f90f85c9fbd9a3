"""What broker sync keeps: link states, linked accounts, cursors, broker positions and orders.

``commit_page`` is the heart of crash safety: a page of synced transactions
and the cursor that says how far the walk got are written in ONE database
transaction, so a kill at any instant leaves either both or neither. Rows are
idempotent by (broker, account, key); an API row whose content matches a row a
CSV import stored earlier adopts that row (it takes the broker's id) instead of
being added again, so a correction that names the id still finds it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert

from workstation.domain.accounts import Account
from workstation.domain.brokers import (
    BrokerAccount,
    BrokerOrder,
    BrokerPosition,
    LinkState,
    OrderStatus,
)
from workstation.domain.instruments import InstrumentKind
from workstation.domain.transactions import Transaction
from workstation.storage.accounts import AccountStore
from workstation.storage.database import Database, driver_of
from workstation.storage.tables import (
    broker_links,
    broker_orders,
    broker_positions,
    linked_accounts,
    sync_cursors,
)
from workstation.storage.transactions import insert_rows

TRANSACTIONS = "transactions"
_LOOKUP_CHUNK = 400


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """A broker link's state; instants are aware UTC."""

    broker: str
    state: LinkState
    linked_at: datetime
    last_synced_at: datetime | None
    detail: str


@dataclass(frozen=True, slots=True)
class PageResult:
    """What one committed page changed: rows added, CSV rows adopted, rows already held."""

    added: int
    adopted: int
    present: int


class BrokerSyncStore:
    """Sync state of every linked broker and account."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # ---------------------------------------------------------------- links

    def links(self) -> list[LinkRecord]:
        """Return every link, sorted by broker."""
        with self._db.engine.connect() as connection:
            rows = connection.execute(select(broker_links).order_by(broker_links.c.broker))
            return [_link(row) for row in rows]

    def link(self, broker: str) -> LinkRecord | None:
        """Return ``broker``'s link, or None."""
        return next((link for link in self.links() if link.broker == broker), None)

    def set_state(self, broker: str, state: LinkState, at: datetime, detail: str = "") -> None:
        """Record ``broker``'s link state (creating the link the first time)."""
        if state is LinkState.UNLINKED:
            raise ValueError(f"{broker}: use remove_link to unlink, not state {state}")
        statement = insert(broker_links).values(
            broker=broker, state=state.value, linked_at=at, detail=detail, updated_at=at
        )
        statement = statement.on_conflict_do_update(
            index_elements=["broker"],
            set_={"state": state.value, "detail": detail, "updated_at": at},
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement)

    def mark_synced(self, broker: str, at: datetime) -> None:
        """Record a sync of ``broker`` that finished ok at ``at``."""
        statement = (
            broker_links.update()
            .where(broker_links.c.broker == broker)
            .values(state=LinkState.LINKED.value, last_synced_at=at, detail="", updated_at=at)
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement)

    def remove_link(self, broker: str) -> None:
        """Forget ``broker``'s link, accounts, cursors, positions and orders (not its ledger)."""
        with self._db.engine.begin() as connection:
            for table in (broker_links, linked_accounts, sync_cursors, broker_positions):
                connection.execute(delete(table).where(table.c.broker == broker))
            connection.execute(delete(broker_orders).where(broker_orders.c.broker == broker))

    # ---------------------------------------------------------------- accounts

    def put_accounts(self, accounts: Iterable[BrokerAccount]) -> None:
        """Store the accounts a link can see (and their API ids)."""
        store = AccountStore(self._db)
        for account in accounts:
            store.upsert(Account(account.broker, account.number, account.kind, account.nickname))
            statement = insert(linked_accounts).values(
                broker=account.broker, account=account.number, remote_id=account.api_id
            )
            statement = statement.on_conflict_do_update(
                index_elements=["broker", "account"], set_={"remote_id": account.api_id}
            )
            with self._db.engine.begin() as connection:
                connection.execute(statement)

    def accounts(self, broker: str | None = None) -> list[BrokerAccount]:
        """Return the linked accounts (of one broker when given), sorted."""
        kinds = {(a.broker, a.number): a for a in AccountStore(self._db).list()}
        query = select(linked_accounts).order_by(
            linked_accounts.c.broker, linked_accounts.c.account
        )
        if broker is not None:
            query = query.where(linked_accounts.c.broker == broker)
        with self._db.engine.connect() as connection:
            rows = connection.execute(query).all()
        found = []
        for row in rows:
            known = kinds.get((row.broker, row.account))
            if known is not None:
                found.append(
                    BrokerAccount(
                        row.broker, row.account, known.kind, known.nickname, row.remote_id
                    )
                )
        return found

    def account_synced(self, broker: str, account: str) -> datetime | None:
        """Return when ``account`` last finished a sync, or None."""
        t = linked_accounts.c
        query = select(t.last_synced_at).where(t.broker == broker, t.account == account)
        with self._db.engine.connect() as connection:
            value = connection.execute(query).scalar_one_or_none()
        return value if isinstance(value, datetime) else None

    def mark_account_synced(self, broker: str, account: str, at: datetime) -> None:
        """Record a finished sync of one account."""
        t = linked_accounts.c
        statement = (
            linked_accounts.update()
            .where(t.broker == broker, t.account == account)
            .values(last_synced_at=at)
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement)

    # ---------------------------------------------------------------- transactions

    def cursor(self, broker: str, account: str, stream: str = TRANSACTIONS) -> datetime | None:
        """Return how far ``stream`` of the account is stored (aware UTC), or None."""
        t = sync_cursors.c
        query = select(t.through).where(
            t.broker == broker, t.account == account, t.stream == stream
        )
        with self._db.engine.connect() as connection:
            value = connection.execute(query).scalar_one_or_none()
        return value if isinstance(value, datetime) else None

    def commit_page(
        self,
        broker: str,
        account: str,
        rows: Sequence[Transaction],
        through: datetime,
        at: datetime,
        run_id: int | None = None,
    ) -> PageResult:
        """Store a page of synced rows and advance the cursor to ``through``, atomically.

        The cursor never moves back. Rows already stored (by key) are skipped;
        a row matching an unadopted CSV row by content adopts it.
        """
        _check_scope(broker, account, rows)
        unique = list({row.key: row for row in rows}.values())
        with self._db.engine.begin() as connection:
            cursor = driver_of(connection).cursor()
            with contextlib.closing(cursor):
                known = _stored_keys(cursor, broker, account, [row.key for row in unique])
                fresh = [row for row in unique if row.key not in known]
                adopted = _adopt(cursor, broker, account, fresh)
                new = [row for row in fresh if row.key not in adopted]
                added = insert_rows(cursor, new, run_id)
                _advance(cursor, broker, account, through, at)
        return PageResult(added, len(adopted), len(unique) - len(fresh))

    # ---------------------------------------------------------------- positions and orders

    def replace_positions(
        self, broker: str, account: str, positions: Sequence[BrokerPosition], as_of: datetime
    ) -> None:
        """Replace the broker's reported positions of one account with ``positions``."""
        values = [_position_values(p, as_of) for p in positions]
        t = broker_positions.c
        with self._db.engine.begin() as connection:
            connection.execute(
                delete(broker_positions).where(t.broker == broker, t.account == account)
            )
            if values:
                connection.execute(insert(broker_positions), values)

    def positions(self, broker: str, account: str) -> list[BrokerPosition]:
        """Return the broker's last reported positions of one account, by symbol."""
        t = broker_positions.c
        query = (
            select(broker_positions)
            .where(t.broker == broker, t.account == account)
            .order_by(t.symbol)
        )
        with self._db.engine.connect() as connection:
            return [_position(row) for row in connection.execute(query)]

    def put_orders(self, orders: Iterable[BrokerOrder], at: datetime) -> int:
        """Upsert orders as the broker reports them; return how many were written."""
        values = [_order_values(order, at) for order in orders]
        if not values:
            return 0
        statement = insert(broker_orders)
        keep = ("status", "raw_status", "underlying", "description", "updated_at")
        statement = statement.on_conflict_do_update(
            index_elements=["broker", "account", "order_id"],
            set_={name: statement.excluded[name] for name in keep},
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement, values)
        return len(values)

    def orders(self, broker: str, account: str) -> list[BrokerOrder]:
        """Return the stored orders of one account, newest first."""
        t = broker_orders.c
        query = (
            select(broker_orders)
            .where(t.broker == broker, t.account == account)
            .order_by(t.entered_at.desc(), t.order_id)
        )
        with self._db.engine.connect() as connection:
            return [
                BrokerOrder(
                    row.broker,
                    row.account,
                    row.order_id,
                    OrderStatus(row.status),
                    row.underlying,
                    row.description,
                    row.entered_at,
                    row.raw_status,
                )
                for row in connection.execute(query)
            ]


def _check_scope(broker: str, account: str, rows: Sequence[Transaction]) -> None:
    for row in rows:
        if row.broker != broker or row.account != account:
            raise ValueError(
                f"sync of {broker}/{account}: row {row.key} belongs to {row.broker}/{row.account}"
            )


def _stored_keys(cursor: Any, broker: str, account: str, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[start : start + _LOOKUP_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        sql = f"SELECT key FROM transactions WHERE broker = ? AND account = ? AND key IN ({marks})"
        found.update(key for (key,) in cursor.execute(sql, (broker, account, *chunk)))
    return found


def _adopt(cursor: Any, broker: str, account: str, rows: list[Transaction]) -> set[str]:
    """Give unadopted CSV rows with the same content the broker ids of ``rows``.

    Return the keys of the rows that adopted one (those are not inserted).
    """
    contents = sorted({row.content_key for row in rows})
    waiting: dict[str, list[int]] = {}
    for start in range(0, len(contents), _LOOKUP_CHUNK):
        chunk = contents[start : start + _LOOKUP_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        sql = (
            "SELECT id, content_key FROM transactions WHERE broker = ? AND account = ? "
            f"AND key LIKE 'fp:%' AND content_key IN ({marks}) ORDER BY id"
        )
        for row_id, content in cursor.execute(sql, (broker, account, *chunk)):
            waiting.setdefault(content, []).append(int(row_id))
    adopted: set[str] = set()
    update = (
        "UPDATE transactions SET key = ?, source = 'api', commission = ?, clearing_fee = ?, "
        "regulatory_fee = ?, index_option_fee = ? WHERE id = ?"
    )
    for row in rows:
        queue = waiting.get(row.content_key)
        if queue:
            fees = (row.commission, row.clearing_fee, row.regulatory_fee, row.index_option_fee)
            cursor.execute(update, (row.key, *(str(f) for f in fees), queue.pop(0)))
            adopted.add(row.key)
    return adopted


def _advance(cursor: Any, broker: str, account: str, through: datetime, at: datetime) -> None:
    if through.tzinfo is None or at.tzinfo is None:
        raise ValueError(f"sync cursor of {broker}/{account}: instants need a time zone")
    cursor.execute(
        "INSERT INTO sync_cursors (broker, account, stream, through, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (broker, account, stream) DO UPDATE SET "
        "through = max(through, excluded.through), updated_at = excluded.updated_at",
        (broker, account, TRANSACTIONS, through.timestamp(), at.timestamp()),
    )


def _link(row: Any) -> LinkRecord:
    return LinkRecord(
        row.broker, LinkState(row.state), row.linked_at, row.last_synced_at, row.detail
    )


def _position_values(position: BrokerPosition, as_of: datetime) -> dict[str, object]:
    return {
        "broker": position.broker,
        "account": position.account,
        "symbol": position.symbol,
        "instrument": position.instrument.value,
        "underlying": position.underlying,
        "quantity": position.quantity,
        "average_price": position.average_price,
        "multiplier": position.multiplier,
        "mark": position.mark,
        "as_of": as_of,
    }


def _position(row: Any) -> BrokerPosition:
    return BrokerPosition(
        row.broker,
        row.account,
        row.symbol,
        InstrumentKind(row.instrument),
        Decimal(row.quantity),
        row.average_price,
        row.multiplier,
        row.underlying,
        row.mark,
    )


def _order_values(order: BrokerOrder, at: datetime) -> dict[str, object]:
    return {
        "broker": order.broker,
        "account": order.account,
        "order_id": order.order_id,
        "status": order.status.value,
        "raw_status": order.raw_status,
        "underlying": order.underlying,
        "description": order.description,
        "entered_at": order.entered_at.astimezone(UTC),
        "updated_at": at,
    }
