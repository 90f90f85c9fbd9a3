"""Broker transactions in the ``transactions`` table: bulk, atomic, idempotent writes.

A row's identity is ``(broker, account, key)`` (unique in the store), so
writing the same rows again adds nothing. ``content_key`` (indexed) lets an
import recognise rows a broker API sync already stored under the broker's
own id: the n-th copy of a content in a file is already present when the
store holds at least n rows with that content.

Reads and writes use the DBAPI cursor directly: a 100,000-row import or a
full ledger load stays well inside a second.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import (
    PositionEffect,
    Transaction,
    TransactionKind,
    TransactionSource,
)
from workstation.storage.database import Database, driver_of

CHUNK_ROWS = 20_000
BULK_CACHE_KIB = -65_536  # page cache of a bulk insert (negative: KiB, i.e. 64 MiB)
_COLUMNS = (
    "broker", "account", "key", "content_key", "kind", "sub_type", "executed_at", "sequence",
    "instrument", "symbol", "underlying", "expiry", "strike", "option_right", "multiplier",
    "deliverable", "quantity", "price", "value", "commission", "clearing_fee",
    "regulatory_fee", "index_option_fee", "effect", "order_id", "reverses_key", "description",
    "currency", "source", "import_run",
)  # fmt: skip
_INSERT = (
    f"INSERT INTO transactions ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _COLUMNS)}) "
    "ON CONFLICT (broker, account, key) DO NOTHING"
)
_SELECT = f"SELECT {', '.join(_COLUMNS[:-1])} FROM transactions"


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """Which rows of a batch are new and which the store already holds (same order as given)."""

    new: tuple[Transaction, ...]
    present: tuple[Transaction, ...]


class TransactionStore:
    """Every transaction of every account, keyed by (broker, account, key)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def database(self) -> Database:
        """Return the workspace database the rows live in."""
        return self._db

    def by_key(self, account: str | None = None) -> Mapping[str, Transaction]:
        """Return every stored transaction (one account's when given) by key, read on first use."""
        return StoredTransactions(self, account)

    def plan(self, rows: Sequence[Transaction]) -> ImportPlan:
        """Split ``rows`` into new and already-present ones, without writing anything.

        A row is present when its key is stored, or when the store holds as
        many rows with its content as this is the occurrence of that content
        in the batch (a CSV row an API sync already wrote under the broker id).
        """
        stored_keys, stored_contents = self._known(rows)
        seen: Counter[tuple[str, str, str]] = Counter()
        new, present = [], []
        for row in rows:
            scope = (row.broker, row.account, row.content_key)
            seen[scope] += 1
            known = (row.broker, row.account, row.key) in stored_keys
            if known or seen[scope] <= stored_contents.get(scope, 0):
                present.append(row)
            else:
                new.append(row)
        return ImportPlan(tuple(new), tuple(present))

    def add(self, rows: Sequence[Transaction], import_run: int | None = None) -> int:
        """Insert ``rows`` in one transaction (all or nothing); return how many were new.

        Rows whose (broker, account, key) is already stored are skipped, so a
        replay adds nothing. Use ``plan`` first to also skip content matches.
        """
        if not rows:
            return 0
        with self._db.engine.begin() as connection:
            cursor = driver_of(connection).cursor()
            with contextlib.closing(cursor):
                return insert_rows(cursor, rows, import_run)

    def all(self, account: str | None = None) -> list[Transaction]:
        """Return every stored transaction (one account's when given), in ledger order."""
        params: tuple[str, ...] = ()
        query = _SELECT
        if account is not None:
            query, params = f"{_SELECT} WHERE account = ?", (account,)
        query += " ORDER BY executed_at, sequence, id"
        with self._db.engine.connect() as connection:
            cursor = driver_of(connection).cursor()
            with contextlib.closing(cursor):
                cursor.execute(query, params)
                return _from_rows(cursor.fetchall())

    def count(self, account: str | None = None) -> int:
        """Return how many transactions are stored (for one account when given)."""
        query = "SELECT count(*) FROM transactions"
        params: tuple[str, ...] = ()
        if account is not None:
            query, params = f"{query} WHERE account = ?", (account,)
        with self._db.engine.connect() as connection:
            return int(connection.exec_driver_sql(query, params).scalar_one())

    def accounts(self) -> list[tuple[str, str]]:
        """Return the (broker, account) pairs that have transactions, sorted."""
        sql = "SELECT DISTINCT broker, account FROM transactions ORDER BY broker, account"
        with self._db.engine.connect() as connection:
            return [(str(b), str(a)) for b, a in connection.exec_driver_sql(sql)]

    def revision(self) -> tuple[int, int]:
        """Return (row count, largest id): changes whenever rows are added or removed."""
        sql = "SELECT count(*), coalesce(max(id), 0) FROM transactions"
        with self._db.engine.connect() as connection:
            count, top = connection.exec_driver_sql(sql).one()
        return int(count), int(top)

    def _known(
        self, rows: Sequence[Transaction]
    ) -> tuple[set[tuple[str, str, str]], dict[tuple[str, str, str], int]]:
        scopes = {(row.broker, row.account) for row in rows}
        keys: set[tuple[str, str, str]] = set()
        contents: Counter[tuple[str, str, str]] = Counter()
        sql = "SELECT key, content_key FROM transactions WHERE broker = ? AND account = ?"
        with self._db.engine.connect() as connection:
            cursor = driver_of(connection).cursor()
            with contextlib.closing(cursor):
                for broker, account in scopes:
                    for key, content in cursor.execute(sql, (broker, account)):
                        keys.add((broker, account, key))
                        contents[(broker, account, content)] += 1
        return keys, dict(contents)


class StoredTransactions(Mapping[str, Transaction]):
    """The store's transactions by key, read once on first use (a saved view's drill-down).

    A saved P&L view needs the rows only when the trader drills into a trade
    or exports them; reading 100,000 rows up front would cost more than the
    rest of opening the view.
    """

    def __init__(self, store: TransactionStore, account: str | None) -> None:
        self._store, self._account = store, account
        self._rows: dict[str, Transaction] | None = None
        self._lock = threading.Lock()

    def _loaded(self) -> dict[str, Transaction]:
        with self._lock:
            if self._rows is None:
                self._rows = {row.key: row for row in self._store.all(self._account)}
            return self._rows

    def __getitem__(self, key: str) -> Transaction:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        rows = self._rows
        return len(rows) if rows is not None else self._store.count(self._account)


def insert_rows(cursor: Any, rows: Sequence[Transaction], import_run: int | None) -> int:
    """Insert ``rows`` through a DBAPI ``cursor`` inside the caller's transaction.

    Rows whose (broker, account, key) is stored are skipped; return how many were new.
    """
    before = _count(cursor)
    big = len(rows) > CHUNK_ROWS
    if big:  # keys and content keys land all over their indexes: keep those pages cached
        cache = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
    try:
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = rows[start : start + CHUNK_ROWS]
            cursor.executemany(_INSERT, [_to_row(row, import_run) for row in chunk])
    finally:
        if big:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
    return _count(cursor) - before


def _count(cursor: Any) -> int:
    cursor.execute("SELECT count(*) FROM transactions")
    return int(cursor.fetchone()[0])


def _to_row(row: Transaction, import_run: int | None) -> tuple[object, ...]:
    # StrEnum members bind as their text; str() of a Decimal is exact.
    expiry, strike, price, deliverable = row.expiry, row.strike, row.price, row.deliverable
    return (
        row.broker, row.account, row.key, row.content_key, row.kind, row.sub_type,
        row.executed_at.timestamp(), row.sequence, row.instrument, row.symbol, row.underlying,
        None if expiry is None else expiry.isoformat(),
        None if strike is None else str(strike), row.right, str(row.multiplier),
        None if deliverable is None else str(deliverable), str(row.quantity),
        None if price is None else str(price), str(row.value),
        str(row.commission), str(row.clearing_fee), str(row.regulatory_fee),
        str(row.index_option_fee), row.effect, row.order_id, row.reverses_key,
        row.description, row.currency, row.source, import_run,
    )  # fmt: skip


class _Decoder:
    """Memoised text -> value conversions: ledgers repeat the same few values a lot."""

    def __init__(self) -> None:
        self.decimals: dict[str, Decimal] = {}
        self.dates: dict[str, date] = {}

    def decimal(self, text: str | None) -> Decimal | None:
        if text is None:
            return None
        value = self.decimals.get(text)
        if value is None:
            value = self.decimals[text] = Decimal(text)
        return value

    def day(self, text: str | None) -> date | None:
        if text is None:
            return None
        value = self.dates.get(text)
        if value is None:
            value = self.dates[text] = date.fromisoformat(text)
        return value


def _from_rows(rows: Iterable[tuple[Any, ...]]) -> list[Transaction]:
    decode = _Decoder()
    dec = decode.decimal
    kinds = {kind.value: kind for kind in TransactionKind}
    instruments = {kind.value: kind for kind in InstrumentKind}
    rights = {right.value: right for right in OptionRight}
    effects = {effect.value: effect for effect in PositionEffect}
    sources = {source.value: source for source in TransactionSource}
    out = []
    for r in rows:
        out.append(
            Transaction(
                broker=r[0], account=r[1], key=r[2], content_key=r[3], kind=kinds[r[4]],
                sub_type=r[5], executed_at=datetime.fromtimestamp(r[6], UTC), sequence=r[7],
                instrument=instruments[r[8]] if r[8] else None, symbol=r[9], underlying=r[10],
                expiry=decode.day(r[11]), strike=dec(r[12]),
                right=rights[r[13]] if r[13] else None, multiplier=dec(r[14]) or Decimal(1),
                deliverable=dec(r[15]), quantity=dec(r[16]) or Decimal(0), price=dec(r[17]),
                value=dec(r[18]) or Decimal(0), commission=dec(r[19]) or Decimal(0),
                clearing_fee=dec(r[20]) or Decimal(0), regulatory_fee=dec(r[21]) or Decimal(0),
                index_option_fee=dec(r[22]) or Decimal(0),
                effect=effects[r[23]] if r[23] else None, order_id=r[24], reverses_key=r[25],
                description=r[26], currency=r[27], source=sources[r[28]],
            )
        )  # fmt: skip
    return out
