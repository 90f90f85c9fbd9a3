"""Content keys and file keys are stored identities: pin their exact values.

Workspaces already hold these keys and strategy overrides refer to them, so
re-importing a file must reproduce them byte for byte. If one of these tests
fails, the change broke every existing workspace: undo it, do not update the pins.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from tests.unit.adapters.csv.conftest import parse
from tests.unit.adapters.csv.synthetic import synthetic_export
from workstation.adapters.csv import parse_statement
from workstation.domain.transactions import (
    Transaction,
    TransactionKind,
    content_key_of,
    trade_date_content_key,
)

EST = timezone(timedelta(hours=-5))


def _digest(keys: list[str]) -> str:
    return hashlib.sha256(" ".join(keys).encode()).hexdigest()


def test_content_key_of_an_option_fill_with_microseconds_and_sub_cent_value():
    row = Transaction(
        "tastytrade", "5WT1", "pending", TransactionKind.TRADE,
        datetime(2026, 3, 2, 10, 1, 2, 345678, tzinfo=EST), symbol="SPY   261218P00450000",
        quantity=Decimal("-2.000"), value=Decimal("250.005"), order_id="123",
    )  # fmt: skip
    assert row.content_key == "9e7bfa96323a07f6833c59599a0444af"
    assert content_key_of(row) == row.content_key
    assert trade_date_content_key(row, time(16)) == "8034ffe86312db942385794e89ecfc4b"


def test_content_key_of_negative_zero_and_exponent_forms():
    cash = Transaction(
        "tastytrade", "5WT1", "pending", TransactionKind.DEPOSIT,
        datetime(2026, 3, 2, 15, 1, 2, tzinfo=UTC), quantity=Decimal("-0"),
        value=Decimal("-0.001"),
    )  # fmt: skip
    dividend = Transaction(
        "schwab", "9", "x", TransactionKind.DIVIDEND, datetime(2026, 3, 2, 15, 1, 2, tzinfo=UTC),
        value=Decimal("1E+3"), quantity=Decimal("0.50"),
    )  # fmt: skip
    assert cash.content_key == "cd121896814ab2ce2db4a8368e262340"
    assert dividend.content_key == "ab7441879fd0406924bd3ad5c1ee7d4f"


@pytest.mark.parametrize(
    ("name", "account", "digest"),
    [
        (
            "tastytrade_current.csv", "5WT38291",
            "f818ba74b7ece26530baffde602d7d8a8e4e170884187a58cd1e912bbe0eed32",
        ),
        (
            "tastytrade_web.csv", "5WT38291",
            "85c053d65ba77a587c7da34227372024e33519346baa3759a048a5e6285a0192",
        ),
        (
            "tastytrade_legacy.csv", None,
            "8cb961032db732e1d8cbd4d11bc5f9ccf2c8aca9a3730834eabdbde19616c54e",
        ),
        (
            "schwab.csv", "1234-5678",
            "36ac88a8f7b59304a520540e8bda2e2ccc46e867c28fe72a13a60ae1a1973e51",
        ),
    ],
)  # fmt: skip
def test_fixture_files_keep_their_keys(name: str, account: str | None, digest: str):
    statement = parse(name, **({"account": account} if account else {}))
    assert _digest([row.key for row in statement.rows]) == digest


def test_a_synthetic_export_keeps_its_keys():
    statement = parse_statement(synthetic_export(2000), name="s.csv", account="5WT00001")
    keys = [row.key for row in statement.rows]
    assert keys[:2] == [
        "fp:b4d86b8075d1cb34106b2a2568f49a91#1",
        "fp:bad0c7515cf477ff8084480e2dbaa111#1",
    ]
    assert (
        hashlib.sha256("\n".join(keys).encode()).hexdigest()
        == "181c26e08f258ee2f6088adeb048ad497128fb3ef2a9fe77df7192f4a6874609"
    )
    assert all(row.key.startswith(f"fp:{row.content_key}#") for row in statement.rows)
