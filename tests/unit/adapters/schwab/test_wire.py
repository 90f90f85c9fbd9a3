"""Recorded Schwab responses -> wire models -> domain objects."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests.unit.adapters.schwab.conftest import recorded
from workstation.adapters.schwab import market, parse, wire
from workstation.adapters.schwab.transactions import fees_of, parse_transactions
from workstation.domain.accounts import AccountKind
from workstation.domain.bars import Timeframe
from workstation.domain.brokers import BrokerAccount, OrderStatus
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import PositionEffect, TransactionKind, TransactionSource
from workstation.ports.broker import BrokerDataError

NOW = datetime(2026, 4, 10, 20, 0, tzinfo=UTC)
MARGIN = BrokerAccount("schwab", "12345678", AccountKind.MARGIN, remote_id="HASH1")
CASH = BrokerAccount("schwab", "87650001", AccountKind.CASH, remote_id="HASH2")


@pytest.fixture(scope="module")
def rows():
    items = wire.decode(wire.TRANSACTIONS, recorded("transactions.json"), "transactions")
    return {row.key: row for row in parse_transactions("12345678", items)}


def test_option_buy_to_open_with_fee_lines(rows):
    row = rows["95512265692"]
    assert (row.kind, row.source, row.order_id) == (
        TransactionKind.TRADE,
        TransactionSource.API,
        "1003188474286",
    )
    assert (row.symbol, row.instrument, row.underlying) == (
        "SPY   260618C00500000",
        InstrumentKind.EQUITY_OPTION,
        "SPY",
    )
    assert (row.expiry, row.strike, row.right, row.multiplier) == (
        date(2026, 6, 18),
        Decimal(500),
        OptionRight.CALL,
        Decimal(100),
    )
    assert (row.quantity, row.price, row.value) == (1, Decimal("13.02"), Decimal("-1302.00"))
    assert (row.commission, row.regulatory_fee, row.net_value) == (
        Decimal("0.65"),
        Decimal("0.02"),
        Decimal("-1302.67"),
    )
    assert row.effect is PositionEffect.OPEN
    assert row.executed_at == datetime(2026, 4, 9, 13, 30, 2, tzinfo=UTC)
    assert row.deliverable is None


def test_index_option_fees_land_in_their_columns(rows):
    row = rows["95512265693"]
    assert (row.instrument, row.symbol, row.underlying) == (
        InstrumentKind.INDEX_OPTION,
        "SPXW  260417P05900000",
        "SPX",
    )
    assert row.quantity == -2
    assert row.value == Decimal("6901.10")
    assert row.commission == Decimal("1.30")
    assert row.regulatory_fee == Decimal("0.05")  # OPT_REG_FEE 0.04 + TAF_FEE 0.01
    assert row.index_option_fee == Decimal("1.28")
    assert row.clearing_fee == Decimal("0.04")  # CDSC_FEE
    assert row.net_value == Decimal("6898.43")


def test_an_unsigned_sale_takes_its_sign_from_the_cash(rows):
    row = rows["95512265700"]
    assert (row.symbol, row.instrument, row.quantity, row.value) == (
        "AAPL",
        InstrumentKind.EQUITY,
        Decimal(-50),
        Decimal("12475.00"),
    )
    assert (row.regulatory_fee, row.effect) == (Decimal("0.06"), PositionEffect.CLOSE)


def test_expiration_keeps_the_delivered_sign(rows):
    row = rows["95512265710"]
    assert (row.kind, row.quantity, row.price, row.value) == (
        TransactionKind.EXPIRATION,
        2,
        None,
        0,
    )
    assert row.effect is PositionEffect.CLOSE


def test_cash_rows(rows):
    dividend, interest = rows["95512265720"], rows["95512265721"]
    assert (dividend.kind, dividend.symbol, dividend.quantity, dividend.value) == (
        TransactionKind.DIVIDEND,
        "SPY",
        0,
        Decimal("171.3"),
    )
    assert (interest.kind, interest.symbol) == (TransactionKind.INTEREST, "")
    assert rows["95512265730"].kind is TransactionKind.DEPOSIT
    assert rows["95512265731"].kind is TransactionKind.WITHDRAWAL  # a journal out


def test_only_valid_rows_are_kept(rows):
    assert "95512265732" not in rows
    assert len(rows) == 8


def test_fee_types_map_to_columns():
    item = {"instrument": {"assetType": "CURRENCY"}}
    lines = [
        wire.TransferItem.model_validate({**item, "feeType": kind, "cost": cost})
        for kind, cost in [
            ("COMMISSION", "-0.65"),
            ("SEC_FEE", "-0.02"),
            ("OPT_REG_FEE", "-0.03"),
            ("TAF_FEE", "-0.01"),
            ("INDEX_OPTION_FEE", "-0.60"),
            ("CDSC_FEE", "-0.10"),
            ("OTHER", "-0.20"),
        ]
    ]
    fees = fees_of(lines)
    assert (fees.commission, fees.regulatory, fees.index_option, fees.clearing) == (
        Decimal("0.65"),
        Decimal("0.06"),
        Decimal("0.60"),
        Decimal("0.30"),
    )


def test_unknown_type_and_missing_field_are_refused_by_name():
    payload = recorded("transactions.json")[:1]
    payload[0]["type"] = "TELEPORT"
    items = wire.decode(wire.TRANSACTIONS, payload, "transactions")
    with pytest.raises(BrokerDataError, match=r"activity 95512265692: field 'type': 'TELEPORT'"):
        parse_transactions("12345678", items)
    del payload[0]["netAmount"]
    with pytest.raises(BrokerDataError, match=r"schwab transactions: field '0\.netAmount'") as e:
        wire.decode(wire.TRANSACTIONS, payload, "transactions")
    assert "1302" not in str(e.value)


def test_the_sign_of_a_fill_follows_its_cash():
    payload = recorded("transactions.json")[:1]
    payload[0]["transferItems"][-1]["cost"] = Decimal("1302.0")
    payload[0]["netAmount"] = Decimal("1301.33")
    items = wire.decode(wire.TRANSACTIONS, payload, "transactions")
    assert parse_transactions("12345678", items)[0].quantity == -1


def test_a_buy_that_pays_cash_is_refused():
    payload = recorded("transactions.json")[:1]
    payload[0]["transferItems"][-1]["cost"] = Decimal(0)
    payload[0]["netAmount"] = Decimal("1301.33")
    items = wire.decode(wire.TRANSACTIONS, payload, "transactions")
    with pytest.raises(BrokerDataError, match=r"activity 95512265692: .*netAmount.*disagree"):
        parse_transactions("12345678", items)


def test_accounts_pair_numbers_with_hashes():
    numbers = wire.decode(wire.ACCOUNT_NUMBERS, recorded("account_numbers.json"), "numbers")
    details = wire.decode(wire.ACCOUNTS, recorded("accounts.json"), "accounts")
    accounts = parse.parse_accounts(numbers, details)
    assert [(a.number, a.kind, a.api_id[:6]) for a in accounts] == [
        ("12345678", AccountKind.MARGIN, "E5B1D2"),
        ("87650001", AccountKind.CASH, "0F1E2D"),
    ]
    with pytest.raises(BrokerDataError, match="missing from"):
        parse.parse_accounts(numbers, details[:1])


def test_positions_and_balances_of_a_margin_account():
    envelope = wire.decode(wire.ACCOUNTS, recorded("accounts.json"), "accounts")[0]
    spy, put, sweep = parse.parse_positions(MARGIN, envelope)
    assert (spy.symbol, spy.quantity, spy.average_price, spy.mark) == (
        "SPY",
        100,
        Decimal("541.2512"),
        Decimal("560.1"),
    )
    assert (put.symbol, put.instrument, put.quantity, put.multiplier, put.mark) == (
        "SPY   260618P00500000",
        InstrumentKind.EQUITY_OPTION,
        -2,
        100,
        Decimal("3.1"),
    )
    assert sweep.symbol == "SWVXX"
    balances = parse.parse_balances(MARGIN, envelope, NOW)
    assert (balances.net_liquidating_value, balances.cash_balance) == (
        Decimal("125432.18"),
        Decimal("60211.5"),
    )
    assert (balances.buying_power, balances.maintenance_requirement) == (
        Decimal("180000.0"),
        Decimal("23150.0"),
    )
    status = parse.parse_trading_status(MARGIN, envelope, NOW)
    assert status is not None
    assert (status.day_trade_count, status.is_pattern_day_trader) == (2, False)


def test_a_cash_account_falls_back_to_its_own_balance_names():
    envelope = wire.decode(wire.ACCOUNTS, recorded("accounts.json"), "accounts")[1]
    balances = parse.parse_balances(CASH, envelope, NOW)
    assert (balances.net_liquidating_value, balances.cash_balance, balances.buying_power) == (
        Decimal("10000.25"),
        Decimal("0"),
        Decimal("1900.25"),
    )
    status = parse.parse_trading_status(CASH, envelope, NOW)
    assert status is not None
    assert status.day_trade_count is None


def test_order_statuses():
    orders = parse.parse_orders(MARGIN, wire.decode(wire.ORDERS, recorded("orders.json"), "orders"))
    by_id = {order.order_id[-1]: order for order in orders}
    assert [by_id[n].status for n in "1234567"] == [
        OrderStatus.WORKING,
        OrderStatus.FILLED,
        OrderStatus.WORKING,
        OrderStatus.CANCELLED,
        OrderStatus.REJECTED,
        OrderStatus.EXPIRED,
        OrderStatus.UNKNOWN,
    ]
    vertical = by_id["1"]
    assert vertical.underlying == "SPY"
    assert vertical.description == (
        "SELL_TO_OPEN 1 SPY   260618P00500000; BUY_TO_OPEN 1 SPY   260618P00495000; NET_CREDIT 1.25"
    )
    assert orders[0].order_id == "1004000000002"  # oldest first
    assert vertical.entered_at.tzinfo is UTC


def test_quotes_with_an_index_and_a_refused_symbol():
    entries, refused = market.split_quote_errors(recorded("quotes.json"))
    quotes = market.parse_quotes(wire.decode(wire.QUOTES, entries, "quotes"), NOW)
    spy, spx = quotes
    assert refused == ["NOPE"]
    assert (spy.symbol, spy.last, spy.bid, spy.ask, spy.prev_close) == (
        "SPY",
        560.01,
        560.0,
        560.02,
        557.5,
    )
    assert spy.ts == datetime.fromtimestamp(1775750400.123, UTC)
    assert spx.symbol == "SPX"
    assert math.isnan(spx.bid)
    assert math.isnan(spx.ask)
    assert market.wire_symbol("SPX") == "$SPX"
    assert market.wire_symbol("SPY") == "SPY"


def test_chain_volatility_is_percent_and_minus_999_is_unknown():
    chain = market.parse_chain(wire.decode(wire.CHAIN, recorded("chain.json"), "chains"), NOW)
    by_symbol = {contract.symbol: contract for contract in chain.contracts}
    call = by_symbol["SPY   260618C00560000"]
    assert call.iv == pytest.approx(0.1852)
    assert (call.expiry, call.strike, call.right, call.open_interest) == (
        date(2026, 6, 18),
        Decimal(560),
        OptionRight.CALL,
        20345,
    )
    deep = by_symbol["SPY   260618P00700000"]
    assert all(math.isnan(v) for v in (deep.iv, deep.delta, deep.last, deep.gamma))
    assert math.isnan(by_symbol["SPY   260515P00560000"].iv)
    assert [c.right for c in chain.contracts][:1] == [OptionRight.CALL]
    snapshot = chain.snapshot()
    assert snapshot.spot == 560.01
    assert snapshot.expirations == [date(2026, 5, 15), date(2026, 6, 18)]
    rows = snapshot.expiry_rows(date(2026, 6, 18))
    assert list(rows["strike"]) == [560.0, 560.0, 700.0]
    assert rows["iv"][0] == pytest.approx(0.1852)


def test_a_contract_filed_under_the_wrong_expiry_is_refused():
    payload = recorded("chain.json")
    payload["putExpDateMap"]["2026-06-19:71"] = payload["putExpDateMap"].pop("2026-06-18:70")
    with pytest.raises(BrokerDataError, match="contradicts"):
        market.parse_chain(wire.decode(wire.CHAIN, payload, "chains"), NOW)


def test_expirations_nearest_first():
    expirations = market.parse_expirations(
        wire.decode(wire.EXPIRATION_CHAIN, recorded("expirationchain.json"), "expirations")
    )
    assert [(e.day, e.cycle) for e in expirations] == [
        (date(2026, 4, 10), "W"),
        (date(2026, 4, 30), "M"),
        (date(2026, 6, 18), "S"),
    ]


def test_price_history_epoch_ms_to_bars():
    history = wire.decode(wire.PRICE_HISTORY, recorded("pricehistory.json"), "pricehistory")
    series = market.parse_price_history(history, "SPY", Timeframe.M1)
    assert len(series) == 3
    assert int(series.bars["ts"][0]) == 1775741400
    assert float(series.bars["close"][-1]) == 560.7
    hourly = market.parse_price_history(history, "SPY", Timeframe.H1)
    assert len(hourly) == 1
    assert float(hourly.bars["high"][0]) == 561.2


def test_price_history_refuses_inconsistent_candles():
    payload = recorded("pricehistory.json")
    payload["candles"][1]["low"] = Decimal(600)
    history = wire.decode(wire.PRICE_HISTORY, payload, "pricehistory")
    with pytest.raises(BrokerDataError, match="row 1"):
        market.parse_price_history(history, "SPY", Timeframe.M1)


def test_user_preference_and_token_shapes():
    preference = wire.decode(wire.USER_PREFERENCE, recorded("user_preference.json"), "pref")
    assert preference.streamer_info[0].schwab_client_channel == "N9"
    assert preference.accounts[0].nick_name == "Individual"
    token = wire.decode(wire.TOKEN, recorded("token.json"), "token")
    assert (token.expires_in, token.token_type) == (1800, "Bearer")
