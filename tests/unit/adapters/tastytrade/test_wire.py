"""Wire parsing: handwritten API responses -> DTOs -> domain objects, and loud refusals."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.adapters.tastytrade.conftest import START, fixture
from workstation.adapters.tastytrade.parse import (
    ChainStrike,
    MarketMetrics,
    QuoteToken,
    parse_account,
    parse_balance_snapshot,
    parse_balances,
    parse_chain,
    parse_market_metrics,
    parse_order,
    parse_position,
    parse_quote,
    parse_quote_token,
    parse_trading_status,
    parse_transaction,
)
from workstation.adapters.tastytrade.parse_transactions import fee, signed
from workstation.adapters.tastytrade.wire import (
    AccountItem,
    BalanceSnapshotWire,
    BalancesWire,
    Envelope,
    ListEnvelope,
    MarketMetricWire,
    NestedChainWire,
    OrderWire,
    PositionWire,
    QuoteTokenWire,
    QuoteWire,
    TradingStatusWire,
    TransactionWire,
    decode,
    error_text,
)
from workstation.domain.accounts import AccountKind
from workstation.domain.brokers import BrokerPosition, NetLiqPoint, OrderStatus
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import PositionEffect, TransactionKind, TransactionSource
from workstation.ports.broker import BrokerDataError

D = Decimal


def items(name: str, model: type) -> list:
    return decode(ListEnvelope[model], fixture(name), f"GET {name}").data.items


def one(name: str, model: type):
    return decode(Envelope[model], fixture(name), f"GET {name}").data


def test_accounts_take_their_kind_from_type_name_and_margin_or_cash():
    accounts = [parse_account(item) for item in items("accounts.json", AccountItem)]
    assert [(a.number, a.kind, a.nickname) for a in accounts] == [
        ("5WT38291", AccountKind.MARGIN, "Main margin"),
        ("5WT38292", AccountKind.IRA, ""),
        ("5WT38293", AccountKind.CASH, ""),
    ]
    assert {a.broker for a in accounts} == {"tastytrade"}
    assert accounts[0].api_id == "5WT38291"


def test_balances_are_decimal_dollars_as_of_the_broker_time():
    balances = parse_balances(one("balances.json", BalancesWire), START)
    assert balances.net_liquidating_value == D("102345.67")
    assert balances.cash_balance == D("45678.9")
    assert balances.buying_power == D("60000.0")
    assert balances.maintenance_requirement == D("12000.5")
    assert balances.as_of == datetime(2026, 1, 6, 15, 0, 0, 123000, tzinfo=UTC)


def test_balance_snapshots_become_end_of_day_points():
    points = [
        parse_balance_snapshot(s) for s in items("balance_snapshots.json", BalanceSnapshotWire)
    ]
    assert points == [
        NetLiqPoint(date(2026, 1, 5), D("100000.0"), D("45000.0")),
        NetLiqPoint(date(2026, 1, 6), D("102345.67"), D("45678.9")),
    ]


def test_positions_are_signed_by_direction_with_padded_occ_symbols():
    positions = [parse_position(p) for p in items("positions.json", PositionWire)]
    short_put, spx, stock, future = positions
    assert short_put == BrokerPosition(
        broker="tastytrade",
        account="5WT38291",
        symbol="SPY   260220P00560000",
        instrument=InstrumentKind.EQUITY_OPTION,
        quantity=D(-2),
        average_price=D("3.45"),
        multiplier=D(100),
        underlying="SPY",
        mark=D("2.1"),
    )
    assert (spx.instrument, spx.quantity, spx.mark, spx.underlying) == (
        InstrumentKind.INDEX_OPTION,
        D(-1),
        D("10.35"),
        "SPX",
    )
    assert (stock.symbol, stock.quantity, stock.instrument) == (
        "AAPL",
        D(100),
        InstrumentKind.EQUITY,
    )
    assert (future.symbol, future.instrument, future.multiplier) == (
        "/ESH6",
        InstrumentKind.FUTURE,
        D(50),
    )


def test_a_position_with_an_unknown_direction_or_instrument_is_refused():
    wire = items("positions.json", PositionWire)[2]
    with pytest.raises(BrokerDataError, match="positions 'AAPL': field 'quantity-direction'"):
        parse_position(wire.model_copy(update={"quantity_direction": "Sideways"}))
    with pytest.raises(BrokerDataError, match="field 'instrument-type'"):
        parse_position(wire.model_copy(update={"instrument_type": "Bond"}))


def test_orders_map_statuses_and_an_unknown_status_is_never_rejected():
    orders = [parse_order(o) for o in items("orders.json", OrderWire)]
    assert [(o.order_id, o.status, o.raw_status) for o in orders] == [
        ("401001", OrderStatus.FILLED, "Filled"),
        ("401002", OrderStatus.WORKING, "Live"),
        ("401003", OrderStatus.UNKNOWN, "Cancel Requested"),
    ]
    assert orders[1].description == (
        "Buy to Open 1 QQQ 260220C00520000, Sell to Open 1 QQQ 260220C00530000 "
        "Limit GTC @ 3.75 Debit"
    )
    assert orders[0].entered_at == datetime(2026, 1, 6, 14, 45, 11, 902000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Received", OrderStatus.WORKING),
        ("Routed", OrderStatus.WORKING),
        ("In Flight", OrderStatus.WORKING),
        ("Live", OrderStatus.WORKING),
        ("Contingent", OrderStatus.WORKING),
        ("Filled", OrderStatus.FILLED),
        ("Cancelled", OrderStatus.CANCELLED),
        ("Expired", OrderStatus.EXPIRED),
        ("Rejected", OrderStatus.REJECTED),
        ("Removed", OrderStatus.UNKNOWN),
        ("Partially Removed", OrderStatus.UNKNOWN),
        ("", OrderStatus.UNKNOWN),
    ],
)
def test_every_order_status(raw: str, status: OrderStatus):
    wire = items("orders.json", OrderWire)[0].model_copy(update={"status": raw})
    assert parse_order(wire).status is status


def test_trading_status_carries_day_trades_and_pdt_flags():
    status = parse_trading_status(one("trading_status.json", TradingStatusWire), START)
    assert (status.day_trade_count, status.is_pattern_day_trader, status.pdt_reset_on) == (
        3,
        True,
        date(2026, 1, 12),
    )
    assert status.as_of == datetime(2026, 1, 8, 14, tzinfo=UTC)
    assert status.account == "5WT38291"


def test_market_metrics_keep_the_zero_to_one_scale():
    aapl, spx = [parse_market_metrics(m) for m in items("market_metrics.json", MarketMetricWire)]
    assert aapl == MarketMetrics(
        symbol="AAPL",
        iv_index=0.2412,
        iv_rank=0.1834,
        iv_percentile=0.3102,
        earnings_date=date(2026, 1, 29),
        beta=1.21,
        liquidity_rating=4,
        expiration_ivs=((date(2026, 1, 16), 0.2511), (date(2026, 2, 20), 0.2377)),
    )
    assert (spx.earnings_date, spx.beta, spx.iv_rank) == (None, None, 0.0512)


def test_nested_chains_list_every_root_by_expiry_with_strikes_ascending():
    chain = parse_chain(items("option_chain_nested.json", NestedChainWire))
    assert [(e.expiry, e.root, e.settlement_type) for e in chain] == [
        (date(2026, 1, 9), "SPXW", "PM"),
        (date(2026, 1, 16), "SPX", "AM"),
    ]
    assert chain[0].strikes[0] == ChainStrike(
        expiry=date(2026, 1, 9),
        strike=D("5800.0"),
        call="SPXW  260109C05800000",
        put="SPXW  260109P05800000",
        call_streamer=".SPXW260109C5800",
        put_streamer=".SPXW260109P5800",
        root="SPXW",
    )
    assert [s.strike for s in chain[0].strikes] == [D(5800), D(5805)]


def test_quotes_fall_back_to_mark_then_mid_and_index_quotes_have_no_bid():
    spy, spx, option = [parse_quote(q, START) for q in items("quotes_by_type.json", QuoteWire)]
    assert (spy.last, spy.prev_close, spy.bid, spy.ask, spy.volume) == (
        571.22,
        568.75,
        571.2,
        571.23,
        41234567.0,
    )
    assert spy.ts == datetime(2026, 1, 6, 15, 0, 1, 250000, tzinfo=UTC)
    assert (spx.last, math.isnan(spx.bid), spx.volume) == (5712.3, True, 0.0)
    assert (option.symbol, option.last) == ("SPY   260220P00560000", 2.1)


def test_quote_token():
    token = parse_quote_token(one("quote_token.json", QuoteTokenWire))
    assert token == QuoteToken(
        "CANARY-TT-QUOTE-TOKEN-FIXTURE", "wss://tasty-openapi-ws.dxfeed.com/realtime", "api"
    )
    assert token.dxlink_url.startswith("wss://")


def test_the_error_envelope_names_code_and_message():
    assert error_text(fixture("error.json")) == "validation_error: Request validation failed"
    assert error_text({"error": "invalid_grant"}) == "invalid_grant"
    assert error_text("<html>") == ""


# ------------------------------------------------------------------ transactions


def test_a_short_put_sale_is_a_signed_api_row():
    row = parse_transaction(items("transactions.json", TransactionWire)[1])
    assert row.key == "260000102"
    assert (row.kind, row.source, row.sub_type) == (
        TransactionKind.TRADE,
        TransactionSource.API,
        "Sell to Open",
    )
    assert (row.symbol, row.instrument, row.strike, row.right, row.expiry) == (
        "SPY   260220P00560000",
        InstrumentKind.EQUITY_OPTION,
        D(560),
        OptionRight.PUT,
        date(2026, 2, 20),
    )
    assert (row.quantity, row.price, row.value, row.multiplier) == (D(-1), D("3.45"), D(345), 100)
    assert (row.commission, row.clearing_fee, row.regulatory_fee) == (D(1), D("0.10"), D("0.04"))
    assert (row.net_value, row.effect, row.order_id) == (D("343.86"), PositionEffect.OPEN, "401001")
    assert row.executed_at == datetime(2026, 1, 6, 14, 45, 12, 417000, tzinfo=UTC)


def test_index_option_fees_and_kinds_across_the_fixture():
    rows = [parse_transaction(item) for item in items("transactions.json", TransactionWire)]
    spx = rows[9]
    assert (spx.instrument, spx.underlying, spx.index_option_fee, spx.net_value) == (
        InstrumentKind.INDEX_OPTION,
        "SPX",
        D("0.65"),
        D("1248.34"),
    )
    fop = rows[11]
    assert (fop.instrument, fop.strike, fop.right, fop.expiry, fop.multiplier) == (
        InstrumentKind.FUTURE_OPTION,
        D(6800),
        OptionRight.PUT,
        date(2026, 2, 13),
        D(50),
    )
    kinds = {row.kind for row in rows}
    assert {TransactionKind.CASH_SETTLEMENT, TransactionKind.SYMBOL_CHANGE} <= kinds
    assert (rows[-1].value, rows[-1].kind) == (D("-3.21"), TransactionKind.INTEREST)


def test_a_correction_points_at_the_row_it_reverses():
    wire = items("transactions.json", TransactionWire)[25]
    fixed = wire.model_copy(update={"reverses_id": 260000126, "value_effect": "Credit"})
    assert parse_transaction(fixed).reverses_key == "260000126"
    assert parse_transaction(fixed).value == D(25)


@pytest.mark.parametrize(
    ("update", "field"),
    [
        ({"action": "Sell Sideways"}, "'action'"),
        ({"transaction_sub_type": "Teleport"}, "'transaction-sub-type'"),
        ({"instrument_type": "Bond"}, "'instrument-type'"),
        ({"instrument_type": "Cryptocurrency"}, "'instrument-type'"),
        ({"symbol": "SPY 12345"}, "'symbol'"),
        ({"value_effect": "None"}, "'value-effect'"),
        ({"value_effect": "Debit"}, "'value'"),
        ({"action": None}, "'action'"),
        ({"commission_effect": None}, "'commission-effect'"),
    ],
)
def test_a_transaction_that_breaks_the_model_is_refused_naming_the_field(update, field):
    wire = items("transactions.json", TransactionWire)[1].model_copy(update=update)
    with pytest.raises(BrokerDataError, match=f"transactions item id 260000102: field {field}"):
        parse_transaction(wire)


def test_a_missing_or_malformed_field_names_the_endpoint_and_the_field():
    payload = fixture("transactions.json")
    del payload["data"]["items"][3]["executed-at"]
    with pytest.raises(BrokerDataError) as caught:
        decode(ListEnvelope[TransactionWire], payload, "GET /accounts/X/transactions")
    assert "GET /accounts/X/transactions: field 'data.items.3.executed-at'" in str(caught.value)
    payload = fixture("balances.json")
    payload["data"]["net-liquidating-value"] = "lots"
    with pytest.raises(BrokerDataError, match=r"'data\.net-liquidating-value'"):
        decode(Envelope[BalancesWire], payload, "GET balances")


def test_naive_timestamps_are_refused():
    payload = fixture("transactions.json")
    payload["data"]["items"][0]["executed-at"] = "2026-01-05T13:30:00"
    with pytest.raises(BrokerDataError, match=r"'data\.items\.0\.executed-at'"):
        decode(ListEnvelope[TransactionWire], payload, "GET transactions")


@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    effect=st.sampled_from(["Credit", "Debit"]),
)
def test_signs_follow_effects(amount: Decimal, effect: str):
    value = signed(amount, effect, "t", "value")  # type: ignore[arg-type]
    assert abs(value) == amount
    assert (value >= 0) == (effect == "Credit" or amount == 0)
    assert fee(amount, effect, "t", "commission") == -value  # type: ignore[arg-type]
