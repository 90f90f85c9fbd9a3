"""Saved P&L views: handed back for their own request, with what changed since; payloads build
domain types only."""

from __future__ import annotations

import io
import os
import pickle
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pytest

from tests.fakes.clock import FixedClock
from workstation.domain.bars import BAR_DTYPE, Timeframe
from workstation.domain.lots import Lot
from workstation.domain.pnl import LedgerView, PnlSummary
from workstation.domain.transactions import Transaction, TransactionKind
from workstation.storage.balance_snapshots import BalanceSnapshot, BalanceSnapshotStore
from workstation.storage.bars import BarStore
from workstation.storage.database import Database
from workstation.storage.ledger_snapshots import (
    LedgerSnapshotStore,
    SavedInputs,
    SavedLedger,
    _DomainUnpickler,
)
from workstation.storage.strategy_overrides import StrategyOverrideStore
from workstation.storage.transactions import TransactionStore

AT = datetime(2026, 11, 20, 21, 0, tzinfo=UTC)
REQUEST = "code|*|fifo"
DAY = "2026-11-20"


def _row(n: int) -> Transaction:
    return Transaction(
        "tastytrade", "5WT1", f"id{n}", TransactionKind.DEPOSIT, AT, value=Decimal(n)
    )


def _saved() -> SavedLedger:
    zero = Decimal(0)
    summary = PnlSummary(zero, zero, zero, zero, zero, 0, 0, 0, zero, zero, zero, zero, 0, "x")
    view = LedgerView(AT, date(2026, 1, 2), date(2026, 11, 20), ("5WT1",), summary, {}, (), (),
                      (), (), (), (), None, transactions={"id1": _row(1)})  # fmt: skip
    return SavedLedger(view, (), {"SPY": Decimal("1.25")})


def _save(store: LedgerSnapshotStore, symbols: tuple[str, ...] = ("SPY",)) -> None:
    inputs = SavedInputs(REQUEST, store.ledger_version(), store.bars_version(symbols), DAY)
    store.save("*", inputs, symbols, _saved(), AT)


def _bars(db: Database, closes: list[float]) -> None:
    bars = np.zeros(len(closes), dtype=BAR_DTYPE)
    bars["ts"] = [1_700_000_000 + 86_400 * i for i in range(len(closes))]
    for field in ("open", "high", "low", "close"):
        bars[field] = closes
    BarStore(db).write("SPY", Timeframe.D1, bars)


def test_a_saved_view_comes_back_while_nothing_changed(db: Database) -> None:
    TransactionStore(db).add([_row(1), _row(2)])
    store = LedgerSnapshotStore(db)
    _save(store)
    saved = store.saved("*", REQUEST, DAY)
    assert saved is not None
    assert saved.changed == ()
    assert saved.ledger.marks == {"SPY": Decimal("1.25")}
    assert saved.ledger.view.summary == _saved().view.summary
    assert dict(saved.ledger.view.transactions) == {}  # the rows stay in the store
    assert store.saved("5WT1", REQUEST, DAY) is None  # another scope
    assert store.saved("*", REQUEST + "x", DAY) is None  # another request (code, buckets, ...)


def test_a_saved_view_from_another_day_comes_back_saying_so(db: Database) -> None:
    store = LedgerSnapshotStore(db)
    _save(store)
    saved = store.saved("*", REQUEST, "2026-11-21")
    assert saved is not None
    assert saved.changed == ("day",)


def _insert(db: Database) -> None:
    TransactionStore(db).add([_row(3)])


def _update(db: Database) -> None:  # what a sync adopting a CSV row does
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE transactions SET commission = '1' WHERE key = 'id1'")


def _delete_and_reinsert_the_last(db: Database) -> None:  # count and max id come back
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM transactions WHERE key = 'id2'")
    TransactionStore(db).add([_row(2)])


def _override(db: Database) -> None:
    StrategyOverrideStore(db, FixedClock(AT)).rename("id1", "mine")


def _balance(db: Database) -> None:
    BalanceSnapshotStore(db).put([BalanceSnapshot("tastytrade", "5WT1", AT.date(), Decimal(1))])


def _new_bar(db: Database) -> None:
    _bars(db, [500.0, 501.0, 502.0])


def _revised_bar(db: Database) -> None:
    _bars(db, [500.0, 499.0])


@pytest.mark.parametrize(
    ("change", "part"),
    [
        (_insert, "ledger"),
        (_update, "ledger"),
        (_delete_and_reinsert_the_last, "ledger"),
        (_override, "ledger"),
        (_balance, "ledger"),
        (_new_bar, "bars"),
        (_revised_bar, "bars"),
    ],
)
def test_any_change_to_an_input_is_reported_with_the_saved_view(  # type: ignore[no-untyped-def]
    db: Database, change, part: str
) -> None:
    TransactionStore(db).add([_row(1), _row(2)])
    _bars(db, [500.0, 501.0])
    store = LedgerSnapshotStore(db)
    _save(store)
    before = store.saved("*", REQUEST, DAY)
    assert before is not None
    assert before.changed == ()
    change(db)
    after = store.saved("*", REQUEST, DAY)
    assert after is not None
    assert after.changed == (part,)
    assert after.ledger.view.summary == _saved().view.summary


def test_inputs_written_in_another_format_are_never_reused(db: Database) -> None:
    store = LedgerSnapshotStore(db)
    _save(store)
    with db.engine.begin() as connection:  # what a version 1 snapshot stored
        connection.exec_driver_sql("UPDATE ledger_snapshots SET inputs = 'v1|1.1.|SPY|code|*'")
    assert store.saved("*", REQUEST, DAY) is None
    assert SavedInputs.from_text("not json") is None
    assert SavedInputs.from_text('{"format": 2, "other": 1}') is None


def test_saving_again_replaces_the_view(db: Database) -> None:
    store = LedgerSnapshotStore(db)
    _save(store)
    _insert(db)
    _save(store)
    saved = store.saved("*", REQUEST, DAY)
    assert saved is not None
    assert saved.changed == ()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM ledger_snapshots").scalar() == 1


class _Exploit:
    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, ("echo pwned",))


def test_a_payload_naming_anything_but_domain_types_is_refused() -> None:
    with pytest.raises(pickle.UnpicklingError, match=r"(posix|os|nt)\.system"):
        _DomainUnpickler(io.BytesIO(pickle.dumps(_Exploit()))).load()
    calling_a_function = pickle.dumps(Lot.__init__)  # a domain module, but not a value type
    with pytest.raises((pickle.UnpicklingError, AttributeError)):
        _DomainUnpickler(io.BytesIO(calling_a_function)).load()


def test_an_unreadable_payload_is_recomputed_not_raised(db: Database) -> None:
    store = LedgerSnapshotStore(db)
    _save(store)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE ledger_snapshots SET payload = x'00'")
    assert store.saved("*", REQUEST, DAY) is None
