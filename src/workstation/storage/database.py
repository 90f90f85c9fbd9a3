"""The engine factory: plain SQLite, or SQLCipher keyed with a raw key or a passphrase.

The key never touches the engine URL or a log: it is sent as the first
statement on each new DBAPI connection by a ``connect`` listener that runs
before any other connect hook. Connections are pooled and kept (``POOL_SIZE``
of them are never closed until ``close``) because with a passphrase every new
connection costs one PBKDF2 run (256,000 iterations of HMAC-SHA512, measured at
0.08-0.12 s per connection on a 2-core machine); a raw key costs ~1 ms. Beyond
``POOL_SIZE`` concurrent users, up to ``POOL_OVERFLOW`` short-lived extra
connections are opened (each paying the KDF again) rather than blocking.

Opening verifies the key and runs ``PRAGMA quick_check`` before anything is
written, so a wrong key or a damaged file leaves the file byte-for-byte as it
was, without -wal/-shm leftovers.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, Literal, Self

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

from workstation.storage.errors import (
    DatabaseClosed,
    DatabaseCorrupt,
    StorageError,
    WrongDatabaseKey,
)
from workstation.storage.files import (
    create_private_file,
    existing_sidecars,
    remove_quietly,
    sidecar_paths,
    tighten,
)

log = logging.getLogger(__name__)

KeyKind = Literal["none", "raw", "passphrase"]
RAW_KEY_BYTES = 32
POOL_SIZE = 3  # the writer, a reader, one for backups; see the module docstring
POOL_OVERFLOW = 4
POOL_TIMEOUT_S = 30.0
BUSY_TIMEOUT_MS = 5000
CONNECTION_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous = NORMAL",
)
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


@dataclass(frozen=True, slots=True, repr=False)
class DatabaseKey:
    """A SQLCipher key: a raw 256-bit key or a passphrase (derived with PBKDF2 by SQLCipher).

    Build it with ``DatabaseKey.raw`` or ``DatabaseKey.passphrase``; its repr
    never shows the secret.
    """

    kind: Literal["raw", "passphrase"]
    _secret: str = field(compare=True)

    @classmethod
    def raw(cls, key: bytes) -> DatabaseKey:
        """Return a raw key; ``key`` must be exactly 32 bytes."""
        if len(key) != RAW_KEY_BYTES:
            raise ValueError(f"a raw database key is {RAW_KEY_BYTES} bytes, got {len(key)}")
        return cls("raw", key.hex())

    @classmethod
    def passphrase(cls, text: str) -> DatabaseKey:
        """Return a passphrase key; refuse an empty passphrase or one with NUL characters."""
        if not text:
            raise ValueError("the database passphrase is empty")
        if "\x00" in text:
            raise ValueError("the database passphrase contains a NUL character")
        return cls("passphrase", text)

    def key_pragma(self) -> str:
        """Return the ``PRAGMA key`` statement. It contains the secret: never log it."""
        if self.kind == "raw":
            return f"PRAGMA key = \"x'{self._secret}'\""
        quoted = self._secret.replace("'", "''")
        return f"PRAGMA key = '{quoted}'"

    def __repr__(self) -> str:
        return f"DatabaseKey(kind={self.kind!r}, secret=<hidden>)"

    __str__ = __repr__


class Database:
    """An open workspace database: the file, its pooled engine and how it is keyed."""

    def __init__(self, path: Path, engine: Engine, key_kind: KeyKind) -> None:
        self.path = path
        self.key_kind: KeyKind = key_kind
        self._engine: Engine | None = engine

    @property
    def engine(self) -> Engine:
        """Return the SQLAlchemy engine; raise DatabaseClosed after ``close``."""
        if self._engine is None:
            raise DatabaseClosed(f"database {self.path} is closed")
        return self._engine

    @property
    def encrypted(self) -> bool:
        """True for SQLCipher databases."""
        return self.key_kind != "none"

    @property
    def closed(self) -> bool:
        """True after ``close``."""
        return self._engine is None

    def driver_connection(self) -> contextlib.AbstractContextManager[Any]:
        """Lend a pooled DBAPI connection in autocommit mode (no BEGIN is emitted).

        For statements that must run outside a transaction (VACUUM INTO, WAL
        checkpoints) and for fast single-statement reads.
        """
        return _borrow(self.engine)

    def checkpoint(self) -> None:
        """Copy the WAL into the database file and truncate the WAL."""
        with self.driver_connection() as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def close(self) -> None:
        """Checkpoint the WAL and close every pooled connection; closing twice is harmless."""
        if self._engine is None:
            return
        try:
            self.checkpoint()
        except Exception:  # closing must not fail because a checkpoint could not run
            log.warning("WAL checkpoint of %s failed on close", self.path, exc_info=True)
        self._engine.dispose()
        self._engine = None

    dispose = close

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"Database(path={str(self.path)!r}, key_kind={self.key_kind!r}, {state})"


def open_database(path: Path, key: DatabaseKey | None) -> Database:
    """Open (or create, mode 0600) the database at ``path``; key None means plain SQLite.

    Raise WrongDatabaseKey when the key does not decrypt the file (or a plain
    file is opened with a key, or an encrypted one without), DatabaseCorrupt
    when the integrity check fails. On failure nothing on disk has changed.
    """
    path = path.absolute()
    preexisting = existing_sidecars(path)
    created = not path.exists()
    if created:
        create_private_file(path)
    engine = _create_engine(path, key)
    try:
        _verify(engine, path, key)
        tighten(path)
        _enable_wal(engine, path)
    except BaseException:
        engine.dispose()
        _remove_leftovers(path, created, preexisting)
        raise
    return Database(path, engine, "none" if key is None else key.kind)


def driver_of(connection: Connection) -> Any:
    """Return the DBAPI connection under ``connection``, to run bulk ``executemany`` calls
    inside the SQLAlchemy transaction (statements there join that transaction)."""
    return connection.connection.driver_connection


@contextlib.contextmanager
def _borrow(engine: Engine) -> Iterator[Any]:
    """Lend the DBAPI connection of a pooled connection; return it to the pool afterwards."""
    proxy = engine.raw_connection()
    try:
        yield proxy.driver_connection
    finally:
        proxy.close()


def _driver(key: DatabaseKey | None) -> ModuleType:
    """Return the DBAPI module: stdlib sqlite3 for plain files, sqlcipher3 otherwise."""
    if key is None:
        return sqlite3
    from sqlcipher3 import dbapi2

    module: ModuleType = dbapi2
    return module


def _create_engine(path: Path, key: DatabaseKey | None) -> Engine:
    """Build a pooled engine whose connections are keyed and configured before first use."""
    module = _driver(key)

    def connect() -> Any:
        return module.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )

    engine = create_engine(
        URL.create("sqlite", database=str(path)),
        module=module,
        creator=connect,
        poolclass=QueuePool,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_timeout=POOL_TIMEOUT_S,
    )

    def prepare(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        _prepare_connection(dbapi_connection, key)

    # insert=True: key the connection before any other connect hook, SQLAlchemy's own
    # first-connect dialect checks included.
    event.listen(engine, "connect", prepare, insert=True)
    event.listen(engine, "begin", _emit_begin)
    return engine


def _prepare_connection(dbapi_connection: Any, key: DatabaseKey | None) -> None:
    """Key a new DBAPI connection (first statement) and apply the per-connection pragmas."""
    cursor = dbapi_connection.cursor()
    try:
        if key is not None:
            cursor.execute(key.key_pragma())
            # A wrong key otherwise prints "ERROR CORE ... hmac check failed" to stderr.
            cursor.execute("PRAGMA cipher_log_level = NONE")
        for pragma in CONNECTION_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _emit_begin(connection: Connection) -> None:
    """Start transactions ourselves: the driver runs with isolation_level=None so DDL is
    transactional and SELECTs are inside the transaction too."""
    connection.exec_driver_sql("BEGIN")


def _verify(engine: Engine, path: Path, key: DatabaseKey | None) -> None:
    """Read the schema (proves the key) and run quick_check, writing nothing."""
    try:
        with _borrow(engine) as connection:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
            report = [str(row[0]) for row in connection.execute("PRAGMA quick_check(20)")]
    except Exception as exc:
        raise _classify(exc, path, key) from exc
    if report != ["ok"]:
        raise DatabaseCorrupt(path, "; ".join(report))


def _classify(exc: Exception, path: Path, key: DatabaseKey | None) -> StorageError:
    """Turn a driver error raised while opening into WrongDatabaseKey, DatabaseCorrupt
    or a StorageError naming the file."""
    original = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    code = getattr(original, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    message = str(original)
    if primary == _SQLITE_NOTADB or "file is not a database" in message:
        return WrongDatabaseKey(path, encrypted_open=key is not None)
    if primary == _SQLITE_CORRUPT or "malformed" in message:
        return DatabaseCorrupt(path, message)
    return StorageError(f"Cannot open database {path}: {message}")


def _enable_wal(engine: Engine, path: Path) -> None:
    """Switch the file to write-ahead logging (persistent) and make its sidecars private."""
    with _borrow(engine) as connection:
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchall()[0][0]
        # After quick_check + journal_mode, SQLite refuses a checkpoint on this connection
        # ("database table is locked") until the schema is read again.
        connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
    if str(mode).lower() != "wal":
        log.warning("database %s stays in %s journal mode (WAL unsupported here)", path, mode)
    for sidecar in sidecar_paths(path):
        tighten(sidecar)


def _remove_leftovers(path: Path, created: bool, preexisting: set[Path]) -> None:
    """Delete what a failed open created: the new file and sidecars that were not there."""
    for sidecar in sidecar_paths(path):
        if sidecar not in preexisting:
            remove_quietly(sidecar)
    if created:
        remove_quietly(path)
