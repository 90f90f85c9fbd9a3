"""An API row and the CSV export row of the same transaction share one content key.

``transactions.json`` holds, in API shape (UTC times, unsigned amounts with
effects, actions as labels, fees split by kind), the 29 transactions of the
current-generation CSV fixture, oldest first. Every kind is there: option
and stock trades, partial fills, verticals, SPXW, futures and futures
options, expirations, assignment with its stock delivery, cash settlement,
splits, a symbol change, dividends, interest, fees and money movements.
"""

from __future__ import annotations

from tests.unit.adapters.csv.conftest import parse
from tests.unit.adapters.tastytrade.conftest import fixture
from workstation.adapters.tastytrade.parse import parse_transaction
from workstation.adapters.tastytrade.wire import ListEnvelope, TransactionWire, decode
from workstation.domain.transactions import TransactionSource

ACCOUNT = "5WT38291"


def api_rows():
    envelope = decode(ListEnvelope[TransactionWire], fixture("transactions.json"), "fixture")
    return [parse_transaction(item) for item in envelope.data.items]


def csv_rows():
    return list(parse("tastytrade_current.csv", account=ACCOUNT).rows)


def test_every_api_row_has_the_content_key_of_its_csv_row():
    api, exported = api_rows(), csv_rows()
    assert len(api) == len(exported) == 29
    for from_api, from_csv in zip(api, exported, strict=True):
        assert from_api.content_key == from_csv.content_key, (from_api.key, from_csv.description)
        assert from_api.source is TransactionSource.API
        assert from_csv.source is TransactionSource.CSV


def test_the_rows_agree_on_what_the_ledger_reads():
    for from_api, from_csv in zip(api_rows(), csv_rows(), strict=True):
        assert (from_api.kind, from_api.symbol, from_api.instrument) == (
            from_csv.kind,
            from_csv.symbol,
            from_csv.instrument,
        )
        assert (from_api.quantity, from_api.value, from_api.fees) == (
            from_csv.quantity,
            from_csv.value,
            from_csv.fees,
        ), from_api.key
        assert (from_api.expiry, from_api.strike, from_api.right) == (
            from_csv.expiry,
            from_csv.strike,
            from_csv.right,
        )
        assert (from_api.effect, from_api.order_id, from_api.sub_type) == (
            from_csv.effect,
            from_csv.order_id,
            from_csv.sub_type,
        )
        assert from_api.executed_at.replace(microsecond=0) == from_csv.executed_at


def test_byte_identical_partial_fills_share_a_content_key_but_keep_their_ids():
    rows = api_rows()
    first, second = rows[4], rows[5]
    assert first.content_key == second.content_key
    assert (first.key, second.key) == ("260000105", "260000106")


def test_a_different_amount_or_second_changes_the_key():
    envelope = decode(ListEnvelope[TransactionWire], fixture("transactions.json"), "fixture")
    item = envelope.data.items[1]
    base = parse_transaction(item).content_key
    moved = item.model_copy(update={"executed_at": item.executed_at.replace(second=13)})
    repriced = item.model_copy(update={"value": item.value + 1})
    assert parse_transaction(moved).content_key != base
    assert parse_transaction(repriced).content_key != base
