"""AccountStore: stable ids across upserts, listing, validation."""

from __future__ import annotations

import pytest

from tests.fakes.clock import FixedClock
from workstation.domain.accounts import Account, AccountKind
from workstation.storage.accounts import AccountStore
from workstation.storage.database import Database


def test_upsert_returns_stable_id_and_updates(db: Database, clock: FixedClock) -> None:
    store = AccountStore(db, clock)
    first = store.upsert(Account("tastytrade", "5WT0001", AccountKind.MARGIN, "main"))
    other = store.upsert(Account("schwab", "1234", AccountKind.IRA))
    again = store.upsert(Account("tastytrade", "5WT0001", AccountKind.CASH, "renamed"))
    assert first == again != other
    assert store.list() == [
        Account("schwab", "1234", AccountKind.IRA),
        Account("tastytrade", "5WT0001", AccountKind.CASH, "renamed"),
    ]


@pytest.mark.parametrize(
    ("account", "message"),
    [
        (Account("", "1", AccountKind.CASH), "broker"),
        (Account("demo", " 1", AccountKind.CASH), "number"),
        (Account("demo", "1", "crypto"), "kind 'crypto'"),  # type: ignore[arg-type]
    ],
)
def test_bad_accounts_are_refused(db: Database, account: Account, message: str) -> None:
    store = AccountStore(db)
    with pytest.raises(ValueError, match=message):
        store.upsert(account)
    assert store.list() == []
