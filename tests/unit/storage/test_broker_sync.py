"""Broker sync state in a real SQLite file: pages and cursors commit together, CSV rows are
adopted by the API rows they describe, and links, positions and orders round-trip."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from workstation.domain.accounts import AccountKind
from workstation.domain.brokers import (
    BrokerAccount,
    BrokerOrder,
    BrokerPosition,
    LinkState,
    OrderStatus,
)
from workstation.domain.instruments import InstrumentKind
from workstation.domain.transactions import (
    Transaction,
    TransactionKind,
    TransactionSource,
    occurrence_keys,
)
from workstation.storage import broker_sync as module
from workstation.storage.broker_sync import BrokerSyncStore
from workstation.storage.database import Database
from workstation.storage.transactions import TransactionStore

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)


def _fill(n: int, key: str, source: TransactionSource = TransactionSource.API) -> Transaction:
    return Transaction(
        broker="tastytrade",
        account="5WT1",
        key=key,
        kind=TransactionKind.TRADE,
        executed_at=T0 + timedelta(minutes=n),
        instrument=InstrumentKind.EQUITY,
        symbol="SPY",
        underlying="SPY",
        quantity=Decimal(10),
        price=Decimal("500"),
        value=Decimal("-5000"),
        commission=Decimal("1"),
        order_id=f"o{n}",
        source=source,
    )


def _csv_rows(*minutes: int) -> list[Transaction]:
    rows = [_fill(n, "pending", TransactionSource.CSV) for n in minutes]
    keys = occurrence_keys(rows)
    return [dataclasses.replace(row, key=key) for row, key in zip(rows, keys, strict=True)]


def test_page_and_cursor_commit_together_and_replay_adds_nothing(db: Database) -> None:
    store = BrokerSyncStore(db)
    rows = [_fill(n, f"id{n}") for n in range(5)]
    first = store.commit_page("tastytrade", "5WT1", rows, rows[-1].executed_at, NOW)
    again = store.commit_page("tastytrade", "5WT1", rows + rows[:2], rows[-1].executed_at, NOW)
    assert (first.added, first.present) == (5, 0)
    assert (again.added, again.present) == (0, 5)
    assert store.cursor("tastytrade", "5WT1") == rows[-1].executed_at
    assert TransactionStore(db).count() == 5


def test_cursor_never_moves_back(db: Database) -> None:
    store = BrokerSyncStore(db)
    store.commit_page("tastytrade", "5WT1", [], T0 + timedelta(days=2), NOW)
    store.commit_page("tastytrade", "5WT1", [], T0, NOW)
    assert store.cursor("tastytrade", "5WT1") == T0 + timedelta(days=2)


def test_a_failing_page_leaves_neither_rows_nor_cursor(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = BrokerSyncStore(db)

    def boom(*args: object) -> None:
        raise RuntimeError("killed between rows and cursor")

    monkeypatch.setattr(module, "_advance", boom)
    with pytest.raises(RuntimeError):
        store.commit_page("tastytrade", "5WT1", [_fill(1, "id1")], T0, NOW)
    assert TransactionStore(db).count() == 0
    assert store.cursor("tastytrade", "5WT1") is None


def test_api_rows_adopt_csv_rows_with_the_same_content(db: Database) -> None:
    """Two identical partial fills imported from CSV, then synced: nothing doubles, and
    the stored rows carry the broker's ids so a correction can name them."""
    transactions = TransactionStore(db)
    transactions.add(_csv_rows(1, 1))
    store = BrokerSyncStore(db)
    api = [_fill(1, "id-a"), _fill(1, "id-b"), _fill(2, "id-c")]
    result = store.commit_page("tastytrade", "5WT1", api, api[-1].executed_at, NOW)
    assert (result.added, result.adopted) == (1, 2)
    assert sorted(row.key for row in transactions.all()) == ["id-a", "id-b", "id-c"]
    assert {row.source for row in transactions.all()} == {TransactionSource.API}
    # Re-importing the CSV after the sync adds nothing either.
    plan = transactions.plan(_csv_rows(1, 1))
    assert (len(plan.new), len(plan.present)) == (0, 2)


def test_rows_of_another_account_are_refused(db: Database) -> None:
    row = dataclasses.replace(_fill(1, "id1"), account="OTHER")
    with pytest.raises(ValueError, match="belongs to tastytrade/OTHER"):
        BrokerSyncStore(db).commit_page("tastytrade", "5WT1", [row], T0, NOW)


def test_links_accounts_positions_and_orders_round_trip(db: Database) -> None:
    store = BrokerSyncStore(db)
    store.set_state("schwab", LinkState.LINKED, NOW)
    store.set_state("schwab", LinkState.ERROR, NOW, "HTTP 503")
    assert store.link("schwab") == module.LinkRecord(
        "schwab", LinkState.ERROR, NOW, None, "HTTP 503"
    )
    store.mark_synced("schwab", NOW)
    assert store.link("schwab").state is LinkState.LINKED  # type: ignore[union-attr]
    account = BrokerAccount("schwab", "12345678", AccountKind.MARGIN, "Main", "HASH1")
    store.put_accounts([account])
    assert store.accounts("schwab") == [account]
    position = BrokerPosition(
        "schwab", "12345678", "SPY", InstrumentKind.EQUITY, Decimal(-100), Decimal("500.5")
    )
    store.replace_positions("schwab", "12345678", [position], NOW)
    assert store.positions("schwab", "12345678") == [position]
    order = BrokerOrder(
        "schwab", "12345678", "9", OrderStatus.UNKNOWN, "SPY", "sell 1 put", NOW, "?"
    )
    store.put_orders([order], NOW)
    store.put_orders([dataclasses.replace(order, status=OrderStatus.FILLED)], NOW)
    assert [o.status for o in store.orders("schwab", "12345678")] == [OrderStatus.FILLED]
    store.remove_link("schwab")
    assert (store.links(), store.accounts(), store.positions("schwab", "12345678")) == ([], [], [])
