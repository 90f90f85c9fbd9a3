"""Transactions round-trip exactly through a real SQLite file; writes are atomic and idempotent."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import (
    PositionEffect,
    Transaction,
    TransactionKind,
    TransactionSource,
    occurrence_keys,
)
from workstation.storage import transactions as store_module
from workstation.storage.database import Database
from workstation.storage.strategy_overrides import StrategyOverrideStore
from workstation.storage.transactions import TransactionStore

T0 = datetime(2026, 3, 2, 15, 1, 2, 345678, tzinfo=UTC)


def _option_fill(n: int = 0, **changes: object) -> Transaction:
    row = Transaction(
        broker="tastytrade",
        account="5WT1",
        key="pending",
        kind=TransactionKind.TRADE,
        executed_at=T0 + timedelta(minutes=n),
        sub_type="Sell to Open",
        instrument=InstrumentKind.EQUITY_OPTION,
        symbol="SPY   261218P00450000",
        underlying="SPY",
        expiry=date(2026, 12, 18),
        strike=Decimal("450"),
        right=OptionRight.PUT,
        multiplier=Decimal(100),
        quantity=Decimal(-2),
        price=Decimal("1.25"),
        value=Decimal("250.00"),
        commission=Decimal("2.00"),
        clearing_fee=Decimal("0.20"),
        regulatory_fee=Decimal("0.04"),
        effect=PositionEffect.OPEN,
        order_id="123",
        description="Sold 2 SPY 12/18/26 Put 450.00 @ 1.25",
        sequence=n,
    )
    row = dataclasses.replace(row, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(row, key=occurrence_keys([row])[0])


def _keyed(rows: list[Transaction]) -> list[Transaction]:
    return [dataclasses.replace(r, key=k) for r, k in zip(rows, occurrence_keys(rows), strict=True)]


def test_every_field_round_trips_exactly(db: Database) -> None:
    store = TransactionStore(db)
    option = _option_fill()
    deposit = Transaction(
        "tastytrade", "5WT1", "api-9", TransactionKind.DEPOSIT, T0, value=Decimal("50000"),
        source=TransactionSource.API, sub_type="Deposit",
    )  # fmt: skip
    assert store.add([option, deposit]) == 2
    loaded = store.all()
    assert loaded == [option, deposit]
    assert [r.content_key for r in loaded] == [option.content_key, deposit.content_key]
    assert loaded[0].executed_at == T0


def test_adding_the_same_rows_again_adds_nothing(db: Database) -> None:
    store = TransactionStore(db)
    rows = _keyed([_option_fill(), _option_fill()])  # two identical partial fills
    assert rows[0].key != rows[1].key
    assert store.add(rows) == 2
    assert store.add(rows) == 0
    assert store.count() == 2


def test_plan_recognises_rows_a_sync_already_stored_under_the_broker_id(db: Database) -> None:
    store = TransactionStore(db)
    synced = dataclasses.replace(_option_fill(), key="987654", source=TransactionSource.API)
    store.add([synced])
    file_rows = _keyed([_option_fill(), _option_fill(), _option_fill(5)])
    plan = store.plan(file_rows)
    # The first identical fill is the synced one; the second is a real second fill.
    assert plan.present == (file_rows[0],)
    assert plan.new == (file_rows[1], file_rows[2])
    assert store.add(list(plan.new)) == 2
    assert store.plan(file_rows).new == ()


def test_a_failure_midway_writes_nothing(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    store = TransactionStore(db)
    rows = _keyed([_option_fill(n) for n in range(50)])
    monkeypatch.setattr(store_module, "BIG_BATCH_ROWS", 10)
    calls = {"n": 0}
    original = store_module._to_row

    def failing(row: Transaction, run: int | None) -> tuple[object, ...]:
        calls["n"] += 1
        if calls["n"] == 35:
            raise RuntimeError("disk full")
        return original(row, run)

    monkeypatch.setattr(store_module, "_to_row", failing)
    indexes = _indexes(db)
    with pytest.raises(RuntimeError, match="disk full"):
        store.add(rows)  # big for BIG_BATCH_ROWS 10: the content index was dropped for it
    assert store.count() == 0
    assert _indexes(db) == indexes


def _indexes(db: Database) -> dict[str, str]:
    sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'transactions'"
    with db.driver_connection() as connection:
        return dict(connection.execute(sql).fetchall())


def _recorded_rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    rebuilt: list[tuple[str, ...]] = []
    original = store_module._indexes_rebuilt

    def recorded(cursor: object, names: tuple[str, ...]) -> object:
        rebuilt.append(tuple(names))
        return original(cursor, names)

    monkeypatch.setattr(store_module, "_indexes_rebuilt", recorded)
    return rebuilt


def test_a_batch_as_big_as_the_table_rebuilds_the_content_index_as_it_was(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = TransactionStore(db)
    indexes = _indexes(db)
    assert {store_module.CONTENT_INDEX, store_module.KEY_INDEX} <= set(indexes)
    monkeypatch.setattr(store_module, "BIG_BATCH_ROWS", 10)
    rebuilt = _recorded_rebuilds(monkeypatch)
    both = (store_module.CONTENT_INDEX, store_module.KEY_INDEX)
    assert store.add(_keyed([_option_fill(n) for n in range(50)])) == 50
    assert rebuilt == [both]  # into an empty table: the key index too
    assert _indexes(db) == indexes
    assert store.add(_keyed([_option_fill(n) for n in range(50, 70)])) == 20  # smaller
    assert rebuilt == [both, ()]
    again = [dataclasses.replace(row, key=f"x{n}") for n, row in enumerate(store.all())]
    assert store.add(again + _keyed([_option_fill(n) for n in range(70, 100)])) == 100
    assert rebuilt[-1] == (store_module.CONTENT_INDEX,)  # rows stored: keys could conflict
    assert _indexes(db) == indexes
    query = "SELECT key FROM transactions WHERE broker = ? AND account = ? AND content_key = ?"
    with db.driver_connection() as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        plan = connection.execute(f"EXPLAIN QUERY PLAN {query}", ("tastytrade", "5WT1", "x"))
        assert store_module.CONTENT_INDEX in str(plan.fetchall())
    synced = dataclasses.replace(_option_fill(3), key="987", source=TransactionSource.API)
    assert store.plan([synced]).present == (synced,)  # found by its content, not its key


def test_a_first_batch_repeating_a_key_keeps_the_key_index_and_stores_it_once(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = TransactionStore(db)
    monkeypatch.setattr(store_module, "BIG_BATCH_ROWS", 10)
    rebuilt = _recorded_rebuilds(monkeypatch)
    rows = _keyed([_option_fill(n) for n in range(30)])
    assert store.add([*rows, rows[7]]) == 30
    assert rebuilt == [(store_module.CONTENT_INDEX,)]
    assert _indexes(db)[store_module.KEY_INDEX]  # still there, still unique:
    unique = pytest.raises(sqlite3.IntegrityError, match="UNIQUE")
    with db.driver_connection() as connection, unique:
        connection.execute(store_module._INSERT_NEW, store_module._to_row(rows[3], None))


def test_plan_of_a_first_import_is_every_row_in_order(db: Database) -> None:
    rows = _keyed([_option_fill(), _option_fill(), _option_fill(5)])
    plan = TransactionStore(db).plan(rows)
    assert plan.new == tuple(rows)
    assert plan.present == ()


def test_accounts_revision_and_filtered_reads(db: Database) -> None:
    store = TransactionStore(db)
    assert store.revision() == (0, 0, 0)
    store.add([_option_fill(), _option_fill(1, account="5WT2")])
    assert store.accounts() == [("tastytrade", "5WT1"), ("tastytrade", "5WT2")]
    assert [r.account for r in store.all("5WT2")] == ["5WT2"]
    assert store.count("5WT1") == 1
    assert store.revision()[0] == 2


def test_overrides_survive_and_can_be_cleared(db: Database) -> None:
    overrides = StrategyOverrideStore(db)
    overrides.regroup("fp:a#1", "fp:b#1")
    overrides.rename("fp:b#1", "  Earnings condor ")
    overrides.set_tags("fp:b#1", ("earnings", " ", "earnings", "IWM"))
    loaded = overrides.load()
    assert loaded.regroup == {"fp:a#1": "fp:b#1"}
    assert loaded.names == {"fp:b#1": "Earnings condor"}
    assert loaded.tags == {"fp:b#1": ("earnings", "IWM")}
    overrides.rename("fp:b#1", "")
    overrides.set_tags("fp:b#1", ())
    assert overrides.load().names == {}
    assert overrides.load().tags == {}
    with pytest.raises(ValueError, match="not one of"):
        overrides.clear("colour", "x")
