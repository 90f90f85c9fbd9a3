"""Order templates: exact Tastytrade and Schwab JSON, the ticket, roots and refusals."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from workstation.domain.occ import OptionRight
from workstation.domain.strategies import OptionLeg, StockLeg, Strategy, StrategyKind
from workstation.engines.sessions import xnys
from workstation.reports.orders import (
    PriceEffect,
    TimeInForce,
    export_order,
    opening_order,
    option_root,
    option_roots,
    roots_of,
    schwab_order,
    tastytrade_order,
)

D = Decimal
CALL, PUT = OptionRight.CALL, OptionRight.PUT
DEC18 = date(2026, 12, 18)
K = StrategyKind


def put(strike, qty, price, expiry=DEC18, **kw):
    return OptionLeg(PUT, D(strike), expiry, qty, D(price), **kw)


def call(strike, qty, price, expiry=DEC18, **kw):
    return OptionLeg(CALL, D(strike), expiry, qty, D(price), **kw)


BULL_PUT = Strategy("SPY", K.BULL_PUT_CREDIT, (put(510, -1, "3.10"), put(500, 1, "1.85")))
IRON_CONDOR = Strategy(
    "SPY",
    K.IRON_CONDOR,
    (put(480, 1, "0.90"), put(490, -1, "1.40"), call(560, -1, "1.30"), call(570, 1, "0.75")),
)
SPX_CALENDAR = Strategy(
    "SPX",
    K.CALL_CALENDAR,
    (call(6800, -1, "42.10", date(2026, 12, 11)), call(6800, 1, "118.60", date(2027, 1, 15))),
)
COVERED_CALL = Strategy(
    "AAPL", K.COVERED_CALL, (StockLeg(100, D("231.40")), call("240", -1, "3.15"))
)


def _option(instruction, qty, symbol):
    return {
        "instruction": instruction,
        "quantity": qty,
        "instrument": {"symbol": symbol, "assetType": "OPTION"},
    }


def _tasty(action, qty, symbol, kind="Equity Option"):
    return {"instrument-type": kind, "symbol": symbol, "quantity": qty, "action": action}


# ------------------------------------------------------------------ vertical


def test_vertical_tastytrade_json():
    text = export_order(BULL_PUT, "SPY", D("1.25"), "tastytrade", quantity=2)
    assert json.loads(text) == {
        "time-in-force": "Day",
        "order-type": "Limit",
        "price": "1.25",
        "price-effect": "Credit",
        "legs": [
            _tasty("Sell to Open", 2, "SPY   261218P00510000"),
            _tasty("Buy to Open", 2, "SPY   261218P00500000"),
        ],
    }
    assert list(json.loads(text)) == [
        "time-in-force",
        "order-type",
        "price",
        "price-effect",
        "legs",
    ]


def test_vertical_schwab_json():
    text = export_order(BULL_PUT, "SPY", D("1.25"), "schwab", quantity=2, time_in_force="GTC")
    assert json.loads(text) == {
        "orderType": "NET_CREDIT",
        "session": "NORMAL",
        "price": "1.25",
        "duration": "GOOD_TILL_CANCEL",
        "orderStrategyType": "SINGLE",
        "complexOrderStrategyType": "VERTICAL",
        "quantity": 2,
        "orderLegCollection": [
            _option("SELL_TO_OPEN", 2, "SPY   261218P00510000"),
            _option("BUY_TO_OPEN", 2, "SPY   261218P00500000"),
        ],
    }


def test_vertical_ticket():
    ticket = export_order(BULL_PUT, "SPY", D("1.25"), "ticket", quantity=2)
    assert ticket.splitlines() == [
        "ORDER TICKET: SPY bull put credit spread",
        "Underlying     SPY",
        "Structure      bull put credit spread (2 legs) × 2",
        "Legs",
        "  #  Action        Qty  Expiry          Strike  Type  Symbol",
        "  1  Sell to Open  2    2026-12-18 Fri  510     Put   SPY   261218P00510000",
        "  2  Buy to Open   2    2026-12-18 Fri  500     Put   SPY   261218P00500000",
        "Net limit      1.25 credit per share (limit order)",
        "Total          $250.00 credit = 1.25 × 100 shares per contract × 2",
        "Time in force  Day (cancelled at today's close if not filled)",
        "NOT SENT: this ticket was not sent to any broker. Enter it yourself and review it.",
    ]


# ------------------------------------------------------------------ iron condor


def test_iron_condor_tastytrade_json():
    body = tastytrade_order(opening_order(IRON_CONDOR, "SPY", D("1.05")))
    assert body == {
        "time-in-force": "Day",
        "order-type": "Limit",
        "price": "1.05",
        "price-effect": "Credit",
        "legs": [
            _tasty("Buy to Open", 1, "SPY   261218P00480000"),
            _tasty("Sell to Open", 1, "SPY   261218P00490000"),
            _tasty("Sell to Open", 1, "SPY   261218C00560000"),
            _tasty("Buy to Open", 1, "SPY   261218C00570000"),
        ],
    }


def test_iron_condor_schwab_json():
    body = schwab_order(opening_order(IRON_CONDOR, "SPY", D("1.05")))
    assert body == {
        "orderType": "NET_CREDIT",
        "session": "NORMAL",
        "price": "1.05",
        "duration": "DAY",
        "orderStrategyType": "SINGLE",
        "complexOrderStrategyType": "IRON_CONDOR",
        "quantity": 1,
        "orderLegCollection": [
            _option("BUY_TO_OPEN", 1, "SPY   261218P00480000"),
            _option("SELL_TO_OPEN", 1, "SPY   261218P00490000"),
            _option("SELL_TO_OPEN", 1, "SPY   261218C00560000"),
            _option("BUY_TO_OPEN", 1, "SPY   261218C00570000"),
        ],
    }


# ------------------------------------------------------------------ calendar across SPXW/SPX


def test_spx_calendar_uses_the_weekly_and_the_monthly_root():
    roots = option_roots(SPX_CALENDAR, xnys())
    assert roots == {date(2026, 12, 11): "SPXW", date(2027, 1, 15): "SPX"}
    order = opening_order(SPX_CALENDAR, roots, D("76.5"), time_in_force=TimeInForce.GTC)
    assert tastytrade_order(order) == {
        "time-in-force": "GTC",
        "order-type": "Limit",
        "price": "76.50",
        "price-effect": "Debit",
        "legs": [
            _tasty("Sell to Open", 1, "SPXW  261211C06800000"),
            _tasty("Buy to Open", 1, "SPX   270115C06800000"),
        ],
    }
    assert schwab_order(order) == {
        "orderType": "NET_DEBIT",
        "session": "NORMAL",
        "price": "76.50",
        "duration": "GOOD_TILL_CANCEL",
        "orderStrategyType": "SINGLE",
        "complexOrderStrategyType": "CALENDAR",
        "quantity": 1,
        "orderLegCollection": [
            _option("SELL_TO_OPEN", 1, "SPXW  261211C06800000"),
            _option("BUY_TO_OPEN", 1, "SPX   270115C06800000"),
        ],
    }
    assert order.total == D("7650.00")


# ------------------------------------------------------------------ covered call


def test_covered_call_tastytrade_and_schwab_json():
    order = opening_order(COVERED_CALL, "AAPL", D("228.25"), quantity=3)
    assert order.units == 3
    assert order.total == D("68475.00")
    assert tastytrade_order(order) == {
        "time-in-force": "Day",
        "order-type": "Limit",
        "price": "228.25",
        "price-effect": "Debit",
        "legs": [
            _tasty("Buy to Open", 300, "AAPL", kind="Equity"),
            _tasty("Sell to Open", 3, "AAPL  261218C00240000"),
        ],
    }
    assert schwab_order(order) == {
        "orderType": "NET_DEBIT",
        "session": "NORMAL",
        "price": "228.25",
        "duration": "DAY",
        "orderStrategyType": "SINGLE",
        "complexOrderStrategyType": "COVERED",
        "quantity": 3,
        "orderLegCollection": [
            {
                "instruction": "BUY",
                "quantity": 300,
                "instrument": {"symbol": "AAPL", "assetType": "EQUITY"},
            },
            _option("SELL_TO_OPEN", 3, "AAPL  261218C00240000"),
        ],
    }


def test_covered_call_ticket_lists_the_shares():
    ticket = export_order(COVERED_CALL, "AAPL", D("228.25"), "ticket")
    assert "  1  Buy to Open   100 sh  —               —       Stock  AAPL" in ticket.splitlines()
    assert "Total          $22,825.00 debit = 228.25 × 100 shares per contract × 1" in ticket


# ------------------------------------------------------------------ single legs and Schwab names


def test_single_leg_is_a_plain_limit_order_at_schwab():
    long_put = Strategy("QQQ", K.LONG_PUT, (put("455.5", 1, "7.40"),))
    order = opening_order(long_put, "QQQ", D("7.4"), quantity=5)
    assert schwab_order(order) == {
        "orderType": "LIMIT",
        "session": "NORMAL",
        "price": "7.40",
        "duration": "DAY",
        "orderStrategyType": "SINGLE",
        "complexOrderStrategyType": "NONE",
        "orderLegCollection": [_option("BUY_TO_OPEN", 5, "QQQ   261218P00455500")],
    }
    assert tastytrade_order(order)["price-effect"] == "Debit"


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        (
            Strategy(
                "SPY",
                K.IRON_BUTTERFLY,
                (put(500, 1, 1), put(520, -1, 5), call(520, -1, 5), call(540, 1, 1)),
            ),
            "CUSTOM",  # Schwab has no iron-butterfly type
        ),
        (Strategy("SPY", K.CALL_RATIO_SPREAD, (call(520, 1, "6.5"), call(530, -2, 3))), "CUSTOM"),
        (
            Strategy("SPY", K.CALL_RATIO_SPREAD, (call(520, -1, 6), call(530, 2, "3.5"))),
            "BACK_RATIO",
        ),
        (
            Strategy("SPY", K.BULL_CALL_DEBIT, (call(520, 1, 6), call(530, -1, 3), put(500, 1, 1))),
            "CUSTOM",
        ),
        (
            Strategy("SPY", K.CALL_BUTTERFLY, (call(510, 1, 9), call(520, -2, 5), call(530, 1, 2))),
            "BUTTERFLY",
        ),
        (Strategy("SPY", K.SHORT_STRANGLE, (put(490, -1, 2), call(550, -1, 2))), "STRANGLE"),
    ],
)
def test_schwab_complex_order_strategy_type(strategy, expected):
    order = opening_order(strategy, "SPY", D("1"))
    assert schwab_order(order)["complexOrderStrategyType"] == expected


def test_ratio_units_and_prices_per_unit():
    ratio = Strategy("SPY", K.PUT_RATIO_SPREAD, (put(520, 2, 6), put(500, -4, 2)))
    order = opening_order(ratio, "SPY", D("0.35"), effect=PriceEffect.DEBIT)
    assert order.units == 2  # two copies of 1 x 2
    assert [line.quantity for line in order.lines] == [2, 4]
    assert schwab_order(order)["quantity"] == 2
    assert order.total == D("70.00")


def test_limit_text_keeps_sub_penny_and_pads_cents():
    for limit, text in [("2", "2.00"), ("0.5", "0.50"), ("0.125", "0.125"), ("12.3456", "12.3456")]:
        assert opening_order(BULL_PUT, "SPY", D(limit)).limit_text == text


# ------------------------------------------------------------------ roots


def test_option_root_picks_pm_weeklies_and_am_monthlies():
    cal = xnys()
    assert option_root("SPX", DEC18, cal) == "SPX"  # third Friday: AM-settled monthly
    assert option_root("SPX", DEC18, cal, pm_settled_monthly=True) == "SPXW"
    assert option_root("SPX", date(2026, 12, 11), cal) == "SPXW"
    assert option_root("SPX", date(2026, 12, 31), cal) == "SPXW"  # month-end
    assert option_root("NDX", date(2026, 12, 11), cal) == "NDXP"
    assert option_root("RUT", date(2026, 12, 9), cal) == "RUTW"
    assert option_root("RUT", DEC18, cal) == "RUT"
    # Good Friday 2025 fell on the third Friday: the monthly expired Thursday the 17th.
    assert option_root("SPX", date(2025, 4, 17), cal) == "SPX"
    assert option_root("SPY", DEC18, cal) == "SPY"
    assert option_root("BRK.B", DEC18, cal) == "BRKB"
    with pytest.raises(ValueError, match="VIX options list as VIX or VIXW"):
        option_root("VIX", DEC18, cal)


def test_roots_of_an_underlying():
    assert roots_of("SPX") == {"SPX", "SPXW"}
    assert "BRKB" in roots_of("BRK.B")
    assert "AAPL1" in roots_of("AAPL")
    assert "AAPLX" not in roots_of("AAPL")


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(limit=D("0")), "limit must be a positive net price per share"),
        (dict(limit=D("-1.25")), "limit must be a positive net price per share"),
        (dict(limit=1.25), "limit must be a positive net price per share"),
        (dict(limit=D("NaN")), "limit must be a positive"),
        (dict(limit=D("1.23456")), "limit 1.23456 has more than 4 decimals"),
        (dict(quantity=0), "quantity must be a whole number of 1 or more, got 0"),
        (dict(root="QQQ"), "option root 'QQQ' is not an option root of SPY"),
        (dict(root="spy"), "option root 'spy' is not an option root of SPY"),
        (dict(root={date(2026, 12, 11): "SPY"}), "leg 1: no option root given for the 2026-12-18"),
        (dict(time_in_force="IOC"), "time in force must be Day or GTC, got 'IOC'"),
        (dict(effect="even"), "effect must be Debit or Credit, got 'even'"),
    ],
)
def test_bad_order_terms_name_what_is_wrong(kwargs, message):
    terms = {"root": "SPY", "limit": D("1.25"), **kwargs}
    root, limit = terms.pop("root"), terms.pop("limit")
    with pytest.raises(ValueError, match=message):
        opening_order(BULL_PUT, root, limit, **terms)


@pytest.mark.parametrize(
    ("strategy", "message"),
    [
        (
            Strategy("SPY", K.LONG_PUT, (put("510.0005", 1, 1),)),
            r"leg 1 \(put 510.0005 2026-12-18\): not a valid OCC contract: strike .* 3 decimals",
        ),
        (
            Strategy("SPY", K.LONG_CALL, (call("100000", 1, 1),)),
            r"leg 1 \(call 100000 2026-12-18\): not a valid OCC contract",
        ),
        (
            Strategy("SPY", K.CUSTOM, (put(500, 1, 2), put(500, -1, 1))),
            "legs 1 and 2 are the same contract",
        ),
        (
            Strategy("SPX", K.COVERED_CALL, (StockLeg(100, D(6800)), call(7000, -1, 20))),
            "SPX is an index: it has no shares to trade",
        ),
        (Strategy("SPY", K.CUSTOM, (StockLeg(100, D(500)),)), "no option legs"),
        (
            Strategy("SPY", K.CUSTOM, (call(500, 1, 2), call(510, -1, 1, multiplier=10))),
            r"different multipliers \(10, 100\)",
        ),
        (
            Strategy("SPY", K.CUSTOM, (call(500, 1, 2), call(510, -1, 2))),
            "leg prices net to zero",
        ),
    ],
)
def test_invalid_strategies_are_refused(strategy, message):
    with pytest.raises(ValueError, match=message):
        export_order(strategy, "SPY" if strategy.underlying == "SPY" else "SPXW", D(1), "ticket")


def test_effect_must_match_a_one_sided_order():
    with pytest.raises(ValueError, match="an order that only sells cannot be a Debit"):
        opening_order(Strategy("SPY", K.SHORT_PUT, (put(500, -1, 2),)), "SPY", D(2), effect="Debit")
    with pytest.raises(ValueError, match="an order that only buys cannot be a Credit"):
        opening_order(Strategy("SPY", K.LONG_PUT, (put(500, 1, 0),)), "SPY", D(2), effect="credit")


def test_effect_can_be_given_when_the_legs_do_not_say():
    flat = Strategy("SPY", K.CUSTOM, (call(500, 1, 2), call(510, -1, 2)))
    assert opening_order(flat, "SPY", D("0.10"), effect="credit").effect is PriceEffect.CREDIT
    zero_priced = Strategy("SPY", K.LONG_CALL, (call(500, 1, 0),))
    assert opening_order(zero_priced, "SPY", D(2)).effect is PriceEffect.DEBIT


def test_tastytrade_refuses_more_than_four_legs_but_schwab_sends_custom():
    five = Strategy(
        "SPY",
        K.CUSTOM,
        (put(480, 1, 1), put(490, -1, 2), call(550, -1, 2), call(560, 1, 1), call(600, 1, "0.10")),
    )
    with pytest.raises(ValueError, match="Tastytrade takes at most 4 legs"):
        export_order(five, "SPY", D("1.9"), "tastytrade")
    assert json.loads(export_order(five, "SPY", D("1.9"), "schwab"))[
        "complexOrderStrategyType"
    ] == ("CUSTOM")


def test_unknown_format_is_refused_before_anything_is_built():
    with pytest.raises(ValueError, match="order format must be one of tastytrade, schwab, ticket"):
        export_order(BULL_PUT, "SPY", D("1.25"), "ibkr")  # type: ignore[arg-type]
