"""open_database: keys, pragmas, verification, permissions, closing."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.storage.conftest import file_digest
from workstation.storage.database import Database, DatabaseKey, open_database
from workstation.storage.errors import DatabaseClosed, DatabaseCorrupt, WrongDatabaseKey

RAW = DatabaseKey.raw(bytes(range(32)))
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def _make(path: Path, key: DatabaseKey | None, rows: int = 3) -> None:
    """Create a database at ``path`` holding a small table, then close it."""
    with open_database(path, key) as db, db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER, pad TEXT)")
        for i in range(rows):
            connection.exec_driver_sql("INSERT INTO t VALUES (?, ?)", (i, "p" * 500))


def _sidecars(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


def test_key_repr_hides_the_secret() -> None:
    passphrase = DatabaseKey.passphrase("correct horse")
    assert "correct" not in repr(passphrase)
    assert "correct" not in str(passphrase)
    assert bytes(range(32)).hex() not in repr(RAW)
    assert repr(RAW) == "DatabaseKey(kind='raw', secret=<hidden>)"


@pytest.mark.parametrize("bad", [b"", b"x" * 31, b"x" * 33])
def test_raw_key_must_be_32_bytes(bad: bytes) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        DatabaseKey.raw(bad)


def test_passphrase_must_not_be_empty() -> None:
    with pytest.raises(ValueError, match="empty"):
        DatabaseKey.passphrase("")


def test_key_pragmas_quote_the_secret() -> None:
    assert RAW.key_pragma() == f"PRAGMA key = \"x'{bytes(range(32)).hex()}'\""
    assert DatabaseKey.passphrase("it's").key_pragma() == "PRAGMA key = 'it''s'"


def test_plain_database_round_trip_and_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    _make(path, None)
    with open_database(path, None) as db:
        assert (db.encrypted, db.key_kind) == (False, "none")
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar_one() == 3
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
        assert pragmas == {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 5000,
            "synchronous": 1,
        }  # synchronous 1 = NORMAL
    assert sqlite3.connect(path).execute("SELECT count(*) FROM t").fetchone() == (3,)


@pytest.mark.parametrize(
    "key", [RAW, DatabaseKey.passphrase("pass 'phrase'")], ids=["raw", "passphrase"]
)
def test_encrypted_database_round_trip(tmp_path: Path, key: DatabaseKey) -> None:
    path = tmp_path / "enc.db"
    _make(path, key)
    assert b"SQLite format 3" not in path.read_bytes()[:16]
    with open_database(path, key) as db:
        assert db.encrypted
        assert db.key_kind == key.kind
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar_one() == 3
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT count(*) FROM t")


def test_engine_url_and_repr_carry_no_secret(tmp_path: Path) -> None:
    key = DatabaseKey.passphrase("sup3r-secret")
    with open_database(tmp_path / "enc.db", key) as db:
        assert "sup3r" not in str(db.engine.url)
        assert "sup3r" not in repr(db.engine.url)
        assert "sup3r" not in repr(db)


@pytest.mark.parametrize(
    ("made_with", "opened_with"),
    [
        (RAW, DatabaseKey.raw(b"\x01" * 32)),
        (DatabaseKey.passphrase("right"), DatabaseKey.passphrase("wrong")),
        (None, RAW),
        (RAW, None),
    ],
    ids=["wrong-raw", "wrong-passphrase", "plain-opened-with-key", "encrypted-opened-plain"],
)
def test_wrong_key_is_reported_and_file_untouched(
    tmp_path: Path, made_with: DatabaseKey | None, opened_with: DatabaseKey | None
) -> None:
    path = tmp_path / "w.db"
    _make(path, made_with)
    before = file_digest(path)
    with pytest.raises(WrongDatabaseKey, match="the key or passphrase does not match") as info:
        open_database(path, opened_with)
    assert str(path) in str(info.value)
    assert file_digest(path) == before
    assert _sidecars(path) == []


def test_wrong_key_prints_nothing_to_stderr(tmp_path: Path) -> None:
    """SQLCipher logs 'hmac check failed' to stderr unless its log level is NONE."""
    path = tmp_path / "w.db"
    _make(path, RAW)
    script = (
        "import sys; from pathlib import Path\n"
        "from workstation.storage.database import DatabaseKey, open_database\n"
        "from workstation.storage.errors import WrongDatabaseKey\n"
        "try:\n"
        "    open_database(Path(sys.argv[1]), DatabaseKey.raw(bytes(32)))\n"
        "except WrongDatabaseKey:\n"
        "    print('refused')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == "refused"
    assert done.stderr == ""


def _corrupt(path: Path) -> None:
    """Overwrite the middle of the file's second half (table pages, not the header)."""
    data = bytearray(path.read_bytes())
    middle = len(data) * 3 // 4
    data[middle : middle + 2048] = b"\xa5" * 2048
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("key", [None, RAW], ids=["plain", "raw"])
def test_corrupt_file_is_reported_and_untouched(tmp_path: Path, key: DatabaseKey | None) -> None:
    path = tmp_path / "c.db"
    _make(path, key, rows=200)
    _corrupt(path)
    before = file_digest(path)
    with pytest.raises(DatabaseCorrupt) as info:
        open_database(path, key)
    assert info.value.path == path
    assert info.value.detail
    assert file_digest(path) == before
    assert _sidecars(path) == []


def test_garbage_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    path.write_bytes(os.urandom(8192))
    before = file_digest(path)
    with pytest.raises(WrongDatabaseKey):
        open_database(path, None)
    assert file_digest(path) == before


@posix_only
def test_new_file_and_sidecars_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with open_database(path, None) as db:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x)")
        for file in [path, *(tmp_path / name for name in _sidecars(path))]:
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
        assert _sidecars(path)  # WAL is on while open


@posix_only
def test_existing_wide_permissions_are_tightened(tmp_path: Path) -> None:
    path = tmp_path / "wide.db"
    _make(path, None)
    os.chmod(path, 0o644)
    with open_database(path, None):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@posix_only
def test_failed_open_leaves_permissions_alone(tmp_path: Path) -> None:
    path = tmp_path / "wide.db"
    _make(path, RAW)
    os.chmod(path, 0o644)
    with pytest.raises(WrongDatabaseKey):
        open_database(path, None)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_failed_open_of_new_file_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workstation.storage import database

    def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(database, "_enable_wal", broken)
    with pytest.raises(RuntimeError, match="boom"):
        open_database(tmp_path / "new.db", None)
    assert list(tmp_path.iterdir()) == []


def test_close_checkpoints_removes_sidecars_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    db = open_database(path, None)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x)")
    db.close()
    db.dispose()
    assert db.closed
    assert _sidecars(path) == []
    with pytest.raises(DatabaseClosed):
        _ = db.engine


@pytest.mark.parametrize("key", [None, RAW], ids=["plain", "raw"])
def test_open_then_close_at_once_checkpoints_cleanly(
    tmp_path: Path, key: DatabaseKey | None, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "quick.db"
    for _ in range(2):  # new file, then existing file
        open_database(path, key).close()
    assert "checkpoint" not in caplog.text
    assert _sidecars(path) == []


def test_transactions_roll_back_ddl_and_dml(tmp_path: Path) -> None:
    """The driver runs without implicit transactions; BEGIN comes from the engine."""

    def create_then_fail(db: Database) -> None:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x)")
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
            raise RuntimeError("abort")

    with open_database(tmp_path / "t.db", None) as db:
        with pytest.raises(RuntimeError, match="abort"):
            create_then_fail(db)
        with db.engine.connect() as connection:
            names = connection.exec_driver_sql("SELECT name FROM sqlite_master").all()
        assert names == []


def test_connections_are_pooled_not_reopened(tmp_path: Path) -> None:
    """Passphrase keys cost one PBKDF2 run per new connection, so connections are reused."""
    with open_database(tmp_path / "p.db", DatabaseKey.passphrase("pooled")) as db:
        seen = set()
        for _ in range(20):
            with db.engine.connect() as connection:
                seen.add(id(connection.connection.driver_connection))
        assert len(seen) == 1
        assert isinstance(db, Database)
