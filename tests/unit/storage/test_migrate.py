"""Alembic migrations: fresh databases, idempotence, backups, the upgrade path, schema drift."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.unit.storage.conftest import file_digest
from workstation.storage import migrate
from workstation.storage.database import Database, DatabaseKey, open_database
from workstation.storage.errors import MigrationError
from workstation.storage.tables import metadata

# One valid row per table, as a function of a step number so rows stay unique.
# Adding a table in a migration means adding a sample row here (the test insists).
SAMPLE_ROWS: dict[str, Callable[[int], dict[str, Any]]] = {
    "instruments": lambda n: {
        "id": 100 + n,
        "symbol": f"SYM{n}",
        "kind": "equity",
        "description": "",
        "multiplier": "1",
        "created_at": 1.0e9,
    },
    "bars": lambda n: {
        "symbol": "SPY",
        "timeframe": "1m",
        "ts": 60 * n,
        "open": 1.0,
        "high": 2.0,
        "low": 0.5,
        "close": 1.5,
        "volume": 10.0,
    },
    "quotes": lambda n: {
        "symbol": f"Q{n}",
        "last": 1.0,
        "ts": 1.0e9,
        "source": "t",
        "received_at": 1.0e9,
    },
    "chain_snapshots": lambda n: {
        "id": 100 + n,
        "underlying": "SPY",
        "as_of": 1.0e9,
        "spot": 500.0,
        "settlement": "american",
        "source": "t",
    },
    "chain_rows": lambda n: {
        "snapshot_id": 100 + n,
        "expiry": "2026-12-18",
        "strike": 500.0,
        "is_call": 1,
        "open_interest": 0,
        "volume": 0,
    },
    "iv_history": lambda n: {
        "underlying": "SPY",
        "date": f"2020-01-{n + 1:02d}",
        "iv": 0.2,
        "source": "t",
    },
    "accounts": lambda n: {
        "id": 100 + n,
        "broker": "demo",
        "number": f"A{n}",
        "kind": "demo",
        "nickname": "",
        "created_at": 1.0e9,
    },
    "settings": lambda n: {"key": f"k{n}", "value": "1", "updated_at": 1.0e9},
    "sync_log": lambda n: {
        "id": 100 + n,
        "kind": "sync",
        "source": "t",
        "started_at": 1.0e9,
        "status": "ok",
        "rows_added": 0,
        "detail": "",
    },
    "calendar_events": lambda n: {
        "id": f"cpi-2030-{n + 1:02d}",
        "action": "add",
        "kind": "cpi",
        "title": "Consumer Price Index",
        "at": 1.9e9 + n,
        "status": "tentative",
        "source": "t",
        "note": "",
        "updated_at": 1.0e9,
    },
    "plans": lambda n: {
        "id": 100 + n,
        "created_at": 1.0e9,
        "underlying": "SPY",
        "bias": "bull",
        "dte": 30,
        "spot": 500.0,
        "structure": "bull put credit spread",
        "legs": "[]",
        "limit_price": "1.25",
        "price_effect": "credit",
        "quantity": 1,
        "guardrail_outcome": "clear",
    },
    "transactions": lambda n: {
        "id": 100 + n,
        "broker": "tastytrade",
        "account": "5WT1",
        "key": f"fp:abc#{n + 1}",
        "content_key": "abc",
        "kind": "trade",
        "executed_at": 1.0e9,
        "symbol": "SPY",
        "multiplier": "1",
        "quantity": "10",
        "value": "-5000",
        "commission": "0",
        "clearing_fee": "0",
        "regulatory_fee": "0",
        "index_option_fee": "0",
        "source": "csv",
    },
    "strategy_overrides": lambda n: {
        "kind": "name",
        "subject": f"g{n}",
        "value": "My condor",
        "updated_at": 1.0e9,
    },
    "balance_snapshots": lambda n: {
        "broker": "tastytrade",
        "account": "5WT1",
        "date": f"2026-01-{n + 1:02d}",
        "net_liquidating_value": "50000",
    },
    "account_rules": lambda n: {
        "broker": "tastytrade",
        "account": f"5WT{n}",
        "regime": "cash",
        "updated_at": 1.0e9,
    },
    "account_status": lambda n: {
        "broker": "tastytrade",
        "account": f"5WT{n}",
        "as_of": 1.0e9,
        "day_trade_count": 2,
    },
    "alerts": lambda n: {
        "id": 100 + n,
        "condition_key": f"exit:g{n}:profit_target:hit",
        "source": "exit",
        "severity": "alert",
        "title": "Profit target",
        "body": "SPY bull put spread reached 50 % of max profit",
        "fired_at": 1.0e9,
    },
    "alert_rules": lambda n: {
        "id": 100 + n,
        "symbol": "SPY",
        "kind": "price_cross",
        "parameters": '{"level": 600.0, "direction": "above"}',
        "cooldown_minutes": 15,
        "created_at": 1.0e9,
    },
    "alert_rule_fires": lambda n: {"rule_id": 100 + n, "symbol": "SPY", "fired_at": 1.0e9},
    "alert_mutes": lambda n: {"symbol": f"M{n}", "muted_until": 1.0e9},
    "playbook_rules": lambda n: {
        "position": 100 + n,
        "name": f"Rule {n}",
        "definition": "{}",
        "updated_at": 1.0e9,
    },
    "broker_links": lambda n: {
        "broker": f"b{n}",
        "state": "linked",
        "linked_at": 1.0e9,
        "updated_at": 1.0e9,
    },
    "linked_accounts": lambda n: {"broker": "tastytrade", "account": f"5W{n}", "remote_id": "x"},
    "sync_cursors": lambda n: {
        "broker": "tastytrade",
        "account": f"5W{n}",
        "stream": "transactions",
        "through": 1.0e9,
        "updated_at": 1.0e9,
    },
    "broker_positions": lambda n: {
        "broker": "tastytrade",
        "account": f"5W{n}",
        "symbol": "SPY",
        "instrument": "equity",
        "quantity": "100",
        "multiplier": "1",
        "as_of": 1.0e9,
    },
    "ledger_snapshots": lambda n: {
        "scope": f"A{n}",
        "inputs": "v",
        "symbols": "[]",
        "created_at": 1.0e9,
        "payload": b"x",
    },
    "ledger_edits": lambda n: {"source": f"t{n}", "edits": 0},
    "broker_orders": lambda n: {
        "broker": "tastytrade",
        "account": "5W1",
        "order_id": f"o{n}",
        "status": "unknown",
        "entered_at": 1.0e9,
        "updated_at": 1.0e9,
    },
}


def _tables(db: Database) -> list[str]:
    with db.engine.connect() as connection:
        return sorted(set(sa.inspect(connection).get_table_names()) - {"alembic_version"})


def _insert_samples(db: Database, step: int) -> None:
    """Insert one sample row into every table that exists now (parents first)."""
    with db.engine.begin() as connection:
        inspector = sa.inspect(connection)
        ordered = [name for name, _ in inspector.get_sorted_table_and_fkc_names() if name]
        for table in ordered:
            if table == "alembic_version":
                continue
            assert table in SAMPLE_ROWS, f"add a sample row for new table {table!r}"
            columns = {column["name"] for column in inspector.get_columns(table)}
            row = {k: v for k, v in SAMPLE_ROWS[table](step).items() if k in columns}
            names = ", ".join(row)
            marks = ", ".join(f":{name}" for name in row)
            connection.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), row)


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()
            for t in _tables(db)
        }


def test_fresh_database_ends_at_head_with_every_table_and_no_backup(tmp_path: Path) -> None:
    with open_database(tmp_path / "w.db", None) as db:
        report = migrate.upgrade_to_head(db, tmp_path / "backups")
        assert report.from_revision is None
        assert report.to_revision == migrate.head_revision()
        assert report.backup is None
        assert report.migrated
        assert migrate.current_revision(db) == migrate.head_revision()
        assert _tables(db) == sorted(metadata.tables)
    assert not (tmp_path / "backups").exists()


def test_database_at_head_is_neither_backed_up_nor_changed(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with open_database(path, None) as db:
        migrate.upgrade_to_head(db, tmp_path / "backups")
    before = file_digest(path)
    with open_database(path, None) as db:
        report = migrate.upgrade_to_head(db, tmp_path / "backups")
    assert report.backup is None
    assert not report.migrated
    assert file_digest(path) == before
    assert not (tmp_path / "backups").exists()


def test_existing_database_behind_head_is_backed_up_first(tmp_path: Path) -> None:
    with open_database(tmp_path / "w.db", None) as db:
        db_revisions = migrate.revisions()
        migrate.upgrade_to_head(db, tmp_path / "backups")
        _insert_samples(db, 0)
        migrate.downgrade_to(db, db_revisions[-2] if len(db_revisions) > 1 else "base")
        with db.engine.begin() as connection:  # something worth backing up
            connection.exec_driver_sql("CREATE TABLE user_notes (x)")
        report = migrate.upgrade_to_head(db, tmp_path / "backups", keep=2)
    assert report.backup is not None
    assert report.backup.exists()
    assert "pre-migration" in report.backup.name
    with open_database(report.backup, None) as backup:
        assert "user_notes" in _tables(backup)


def test_upgrade_path_step_by_step_keeps_rows_then_downgrades(tmp_path: Path) -> None:
    """Generic over the revision list: rows inserted at each step survive to head."""
    with open_database(tmp_path / "w.db", None) as db:
        for step, revision in enumerate(migrate.revisions()):
            migrate.upgrade_to(db, revision)
            assert migrate.current_revision(db) == revision
            _insert_samples(db, step)
        assert migrate.current_revision(db) == migrate.head_revision()
        steps = len(migrate.revisions())
        counts = _counts(db)
        assert set(counts) == set(metadata.tables)
        assert all(1 <= count <= steps for count in counts.values())
        migrate.downgrade_to(db, "base")
        assert migrate.current_revision(db) is None
        assert _tables(db) == []


def test_migration_schema_equals_tables_metadata(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with open_database(tmp_path / "w.db", None) as db:
        migrate.upgrade_to_head(db, tmp_path / "backups")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []


def test_check_constraints_match_tables_metadata(tmp_path: Path) -> None:
    """compare_metadata ignores CHECK constraints; compare them by name and SQL."""
    with open_database(tmp_path / "w.db", None) as db:
        migrate.upgrade_to_head(db, tmp_path / "backups")
        with db.engine.connect() as connection:
            inspector = sa.inspect(connection)
            for table in metadata.sorted_tables:
                stored = {
                    c["name"]: " ".join(c["sqltext"].split())
                    for c in inspector.get_check_constraints(table.name)
                }
                expected = {
                    str(c.name): " ".join(str(c.sqltext).split())
                    for c in table.constraints
                    if isinstance(c, sa.CheckConstraint)
                }
                assert stored == expected, table.name


def test_encrypted_database_migrates_through_its_own_connection(tmp_path: Path) -> None:
    key = DatabaseKey.raw(b"k" * 32)
    with open_database(tmp_path / "w.db", key) as db:
        migrate.upgrade_to_head(db, tmp_path / "backups")
        assert migrate.current_revision(db) == migrate.head_revision()


def test_database_from_a_newer_program_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with open_database(path, None) as db:
        migrate.upgrade_to_head(db, tmp_path / "backups")
        with db.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    before = file_digest(path)
    with open_database(path, None) as db, pytest.raises(MigrationError, match="newer version"):
        migrate.upgrade_to_head(db, tmp_path / "backups")
    assert file_digest(path) == before


def test_failed_migration_rolls_back(tmp_path: Path) -> None:
    """A database whose tables clash with the migration is left exactly as it was."""
    with open_database(tmp_path / "w.db", None) as db:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE bars (legacy TEXT)")
        with pytest.raises(MigrationError, match="rolled back"):
            migrate.upgrade_to_head(db, tmp_path / "backups")
        assert _tables(db) == ["bars"]
        assert migrate.current_revision(db) is None


def test_importing_the_store_does_not_import_alembic() -> None:
    import subprocess
    import sys

    code = (
        "import sys, workstation.storage.database, workstation.storage.migrate, "
        "workstation.storage.workspace; print('alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


def test_migrating_leaves_application_logging_alone(tmp_path: Path) -> None:
    import logging

    app_logger = logging.getLogger("workstation.test.app")
    root_handlers = list(logging.getLogger().handlers)
    root_level = logging.getLogger().level
    with open_database(tmp_path / "w.db", None) as db:
        migrate.upgrade_to_head(db, tmp_path / "backups")
    assert not app_logger.disabled
    assert logging.getLogger().handlers == root_handlers
    assert logging.getLogger().level == root_level


def _schema_sql(db: Database, table: str) -> str:
    sql = "SELECT group_concat(sql, ';') FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL"
    with db.engine.connect() as connection:
        return str(connection.exec_driver_sql(sql, (table,)).scalar_one())


def _edits(db: Database) -> int:
    sql = "SELECT edits FROM ledger_edits WHERE source = 'transactions'"
    with db.engine.connect() as connection:
        return int(connection.exec_driver_sql(sql).scalar_one())


def test_0009_rebuilds_transactions_keeping_rows_rules_and_edit_triggers(tmp_path: Path) -> None:
    with open_database(tmp_path / "w.db", None) as db:
        migrate.upgrade_to(db, "0008")
        _insert_samples(db, 0)
        _insert_samples(db, 1)
        before = _schema_sql(db, "transactions")
        assert "kind IN (" in before
        with db.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE transactions SET description = 'x' WHERE id = 100")
        migrate.upgrade_to(db, "0009")
        assert _counts(db)["transactions"] == 2
        after = _schema_sql(db, "transactions")
        assert "kind IN (" not in after
        assert "CREATE UNIQUE INDEX uq_transactions_broker_account_key" in after
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT id, key, description FROM transactions ORDER BY id"
            ).all()
        assert [tuple(row) for row in rows] == [(100, "fp:abc#1", "x"), (101, "fp:abc#2", "")]
        edits = _edits(db)
        with db.engine.begin() as connection:  # the 0008 triggers count on the new table
            connection.exec_driver_sql("UPDATE transactions SET description = 'y' WHERE id = 101")
            connection.exec_driver_sql("DELETE FROM transactions WHERE id = 100")
        assert _edits(db) == edits + 2
        stored = SAMPLE_ROWS["transactions"](1)  # key fp:abc#2 is still stored
        _refused(db, {**stored, "id": 7}, "UNIQUE")
        _refused(db, {**stored, "id": 8, "key": "k8", "kind": "gift"}, "CHECK")
        migrate.downgrade_to(db, "0008")
        back = _schema_sql(db, "transactions")
        assert "kind IN (" in back
        assert 'UNIQUE (broker, account, "key")' in back
        assert back.count("CREATE TRIGGER") == 2
        assert _counts(db)["transactions"] == 1


def _refused(db: Database, row: dict[str, Any], problem: str) -> None:
    names, marks = ", ".join(row), ", ".join(f":{name}" for name in row)
    insert = sa.text(f"INSERT INTO transactions ({names}) VALUES ({marks})")
    with pytest.raises(sa.exc.IntegrityError, match=problem), db.engine.begin() as connection:
        connection.execute(insert, row)
