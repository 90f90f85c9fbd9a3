"""The 2021-2024 web export: no Sub Type, so kinds are read from Type, Action and wording."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.unit.adapters.csv.conftest import EDT, EST, edit, expect, fixture_text, line_of, parse
from tests.unit.adapters.csv.conftest import problem_of as problem
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import PositionEffect, TransactionKind

NAME = "tastytrade_web.csv"
ACCOUNT = "5WT38291"
K = TransactionKind


@pytest.fixture(scope="module")
def rows():
    statement = parse(NAME, account=ACCOUNT)
    assert statement.format == "tastytrade-web"
    return statement.rows


def test_kinds_and_labels_are_inferred_for_every_row(rows):
    assert [(row.kind, row.sub_type) for row in rows] == [
        (K.DEPOSIT, "Deposit"),
        (K.TRADE, "Sell to Open"),
        (K.TRADE, "Buy to Open"),
        (K.TRADE, "Sell to Open"),
        (K.TRADE, "Buy to Open"),
        (K.TRADE, "Buy to Open"),
        (K.TRADE, "Buy to Open"),
        (K.TRADE, "Buy to Open"),
        (K.EXPIRATION, "Expiration"),
        (K.INTEREST, "Credit Interest"),
        (K.TRADE, "Sell to Open"),
        (K.ASSIGNMENT, "Assignment"),
        (K.TRADE, "Buy to Open"),
        (K.EXERCISE, "Exercise"),
        (K.TRADE, "Sell to Close"),
        (K.TRADE, "Buy"),
        (K.TRADE, "Buy to Open"),
        (K.CASH_SETTLEMENT, "Cash Settled Assignment"),
        (K.FEE, "Fee"),
        (K.BALANCE_ADJUSTMENT, "Balance Adjustment"),
        (K.MARK_TO_MARKET, "Mark to Market"),
        (K.DIVIDEND, "Dividend"),
        (K.WITHDRAWAL, "Withdrawal"),
        (K.SPLIT, "Forward Split"),
        (K.SPLIT, "Forward Split"),
        (K.SPLIT, "Forward Split"),
        (K.SYMBOL_CHANGE, "Symbol Change"),
        (K.SYMBOL_CHANGE, "Symbol Change"),
    ]


def test_currency_defaults_to_dollars_without_a_currency_column(rows):
    assert {row.currency for row in rows} == {"USD"}


def test_assignment_and_exercise_of_a_put_spread(rows):
    assigned, bought, exercised, sold = rows[11:15]
    assert (assigned.symbol, assigned.quantity, assigned.effect) == (
        "IWM   240216P00185000",
        1,
        PositionEffect.CLOSE,
    )
    assert (bought.quantity, bought.price, bought.value, bought.clearing_fee) == (
        100,
        185,
        -18500,
        5,
    )
    assert (exercised.symbol, exercised.quantity) == ("IWM   240216P00190000", -1)
    expect(
        sold,
        broker="tastytrade",
        account=ACCOUNT,
        kind=K.TRADE,
        executed_at=datetime(2024, 2, 16, 17, 0, tzinfo=EST),
        sub_type="Sell to Close",
        instrument=InstrumentKind.EQUITY,
        symbol="IWM",
        underlying="IWM",
        quantity=Decimal(-100),
        price=Decimal(190),
        value=Decimal(19000),
        clearing_fee=Decimal(5),
        effect=PositionEffect.CLOSE,
        description="Sold 100 IWM @ 190.00",
    )


def test_cash_settlement_wording_wins_over_assignment(rows):
    expect(
        rows[17],
        broker="tastytrade",
        account=ACCOUNT,
        kind=K.CASH_SETTLEMENT,
        executed_at=datetime(2024, 3, 15, 16, 0, tzinfo=EDT),
        sub_type="Cash Settled Assignment",
        instrument=InstrumentKind.INDEX_OPTION,
        symbol="SPXW  240315C05100000",
        underlying="SPX",
        expiry=date(2024, 3, 15),
        strike=Decimal(5100),
        right=OptionRight.CALL,
        multiplier=Decimal(100),
        quantity=Decimal(1),
        price=Decimal("17.84"),
        value=Decimal(-1784),
        effect=PositionEffect.CLOSE,
        description="Cash settlement of 1 SPXW 03/15/24 Call 5100.00 due to assignment",
    )


def test_micro_futures_option(rows):
    option = rows[16]
    assert (option.instrument, option.symbol, option.underlying) == (
        InstrumentKind.FUTURE_OPTION,
        "./MESM4 MEXJ4 240405C5200",
        "/MESM4",
    )
    assert (option.expiry, option.strike, option.right) == (
        date(2024, 4, 5),
        Decimal(5200),
        OptionRight.CALL,
    )
    assert option.quantity * option.price * option.multiplier == -option.value


def test_identical_fills_get_counted_keys(rows):
    assert rows[4].content_key == rows[5].content_key
    assert (rows[4].key[-2:], rows[5].key[-2:]) == ("#1", "#2")


@pytest.mark.parametrize(
    ("description", "value", "kind", "label"),
    [
        ("ACH DEPOSIT", "100.00", K.DEPOSIT, "Deposit"),
        ("ACH DISBURSEMENT", "-100.00", K.WITHDRAWAL, "Withdrawal"),
        ("Transfer from 5WT00001", "100.00", K.DEPOSIT, "Deposit"),
        ("Transfer to 5WT00001", "-100.00", K.WITHDRAWAL, "Withdrawal"),
        ("FROM 03/16 THRU 04/15 @ 9.5  %", "-3.21", K.INTEREST, "Debit Interest"),
        ("INTEREST ON CREDIT BALANCE", "0.41", K.INTEREST, "Credit Interest"),
    ],
)
def test_money_movement_wording(description, value, kind, label):
    text = fixture_text(NAME)
    changed = edit(text, 'Wire Funds Received,"10,000.00"', f"{description},{value}")
    first = parse(NAME, changed, account=ACCOUNT).rows[0]
    assert (first.kind, first.sub_type) == (kind, label)


def test_unknown_wording_is_refused_naming_the_description():
    text = fixture_text(NAME)
    changed = edit(text, "Wire Funds Received", "Something new")
    line, column, why = problem(NAME, changed, account=ACCOUNT)
    assert (line, column) == (line_of(changed, "Something new"), "Description")
    assert "Something new" in why


def test_a_symbol_with_non_ascii_digits_is_refused_naming_the_symbol():
    text = fixture_text(NAME)
    # SUPERSCRIPT TWO passes str.isdigit(), yet int() refuses it.
    bad = "IWM   240216P0018500\u00b2"
    changed = edit(
        text,
        "IWM   240216P00185000,Equity Option,Sold",
        f"{bad},Equity Option,Sold",
    )
    line, column, why = problem(NAME, changed, account=ACCOUNT)
    assert (line, column) == (line_of(changed, bad), "Symbol")
    assert bad in why
