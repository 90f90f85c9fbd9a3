"""An API row and the Schwab CSV row of the same transaction share a content key.

The CSV export carries no time of day (rows sit at 16:00 New York) and no
order number, so the twins here are API rows at 16:00 New York without an
order id: every fact the CSV does carry (kind, symbol, signed quantity,
gross value) must come out identical. An API fill with its real time and
order id differs from its CSV twin only in those two fields.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.unit.adapters.csv.conftest import parse
from tests.unit.adapters.schwab.conftest import recorded
from workstation.adapters.csv.schwab import CLOSE_OF_TRADING
from workstation.adapters.schwab import wire
from workstation.adapters.schwab.transactions import parse_transactions
from workstation.domain.transactions import Transaction, content_key_of, trade_date_content_key

ACCOUNT = "1234-5678"
# activityId of the API twin -> (CSV sub type, CSV symbol or "") of the row it describes
TWINS = {
    "81000000001": ("MoneyLink Deposit", ""),
    "81000000002": ("Buy to Open", "SPXW  260116P05900000"),
    "81000000003": ("Sell to Open", "SPY   260220P00560000"),
    "81000000004": ("Expired", "QQQ   260220C00530000"),
    "81000000005": ("Qualified Dividend", "SPY"),
    "81000000006": ("Wire Sent", ""),
    "81000000007": ("Journal", ""),
}


@pytest.fixture(scope="module")
def api_rows() -> dict[str, Transaction]:
    items = wire.decode(wire.TRANSACTIONS, recorded("transactions_csv_twins.json"), "twins")
    return {row.key: row for row in parse_transactions(ACCOUNT, items)}


@pytest.fixture(scope="module")
def csv_rows() -> list[Transaction]:
    return list(parse("schwab.csv", account=ACCOUNT).rows)


def _csv_twin(csv_rows: list[Transaction], api: Transaction) -> Transaction:
    sub_type, symbol = TWINS[api.key]
    found = [
        row
        for row in csv_rows
        if (row.sub_type, row.symbol, row.trade_date) == (sub_type, symbol, api.trade_date)
        and row.value == api.value
    ]
    assert len(found) == 1, f"{api.key}: {len(found)} CSV rows match"
    return found[0]


@pytest.mark.parametrize("key", sorted(TWINS))
def test_content_keys_are_equal(api_rows, csv_rows, key):
    api = api_rows[key]
    twin = _csv_twin(csv_rows, api)
    assert api.content_key == twin.content_key
    assert (api.kind, api.symbol, api.quantity, api.value, api.fees) == (
        twin.kind,
        twin.symbol,
        twin.quantity,
        twin.value,
        twin.fees,
    )
    assert (api.instrument, api.underlying, api.expiry, api.strike, api.right) == (
        twin.instrument,
        twin.underlying,
        twin.expiry,
        twin.strike,
        twin.right,
    )


def test_a_real_fill_is_keyed_like_its_csv_row(api_rows, csv_rows):
    """A fill carries its real time and order id, yet keeps the export's content key
    (trade date at the close, no order id), so import and sync never double count."""
    api = api_rows["81000000003"]
    real = dataclasses.replace(
        api,
        executed_at=api.executed_at.replace(hour=15, minute=2, second=7),
        order_id="1003188474286",
        content_key="",
    )
    twin = _csv_twin(csv_rows, api)
    assert content_key_of(real) != twin.content_key
    assert trade_date_content_key(real, CLOSE_OF_TRADING) == twin.content_key
    assert api.content_key == twin.content_key
