"""Schwab transaction history: dates without times, net amounts, options as text."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.unit.adapters.csv.conftest import edit, expect, fixture_text, line_of, parse
from tests.unit.adapters.csv.conftest import problem_of as problem
from workstation.adapters.csv.cells import NEW_YORK
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import PositionEffect, TransactionKind

NAME = "schwab.csv"
ACCOUNT = "1234-5678"
K = TransactionKind


@pytest.fixture(scope="module")
def rows():
    statement = parse(NAME, account=ACCOUNT)
    assert (statement.broker, statement.format) == ("schwab", "schwab-history")
    return statement.rows


def test_trailer_is_skipped_and_rows_run_oldest_first(rows):
    assert len(rows) == 27
    assert [row.sequence for row in rows] == list(range(27))
    assert rows[0].sub_type == "MoneyLink Deposit"
    assert rows[-1].sub_type == "Buy"


def test_option_sale_value_is_amount_plus_fees(rows):
    expect(
        rows[2],
        broker="schwab",
        account=ACCOUNT,
        kind=K.TRADE,
        executed_at=datetime(2026, 1, 5, 16, 0, tzinfo=NEW_YORK),
        sub_type="Sell to Open",
        instrument=InstrumentKind.EQUITY_OPTION,
        symbol="SPY   260220P00560000",
        underlying="SPY",
        expiry=date(2026, 2, 20),
        strike=Decimal(560),
        right=OptionRight.PUT,
        multiplier=Decimal(100),
        quantity=Decimal(-1),
        price=Decimal("3.45"),
        value=Decimal(345),
        commission=Decimal("0.66"),
        effect=PositionEffect.OPEN,
        description="PUT SPDR S&P 500 $560 EXP 02/20/26",
    )
    assert rows[2].net_value == Decimal("344.34")


def test_weekly_spx_is_an_index_option_on_spx(rows):
    spx = rows[1]
    assert (spx.instrument, spx.symbol, spx.underlying) == (
        InstrumentKind.INDEX_OPTION,
        "SPXW  260116P05900000",
        "SPX",
    )
    assert (spx.value, spx.commission) == (Decimal(-1840), Decimal("1.31"))


def test_rows_of_one_day_keep_the_export_order(rows):
    vertical = rows[3:5]
    assert [row.strike for row in vertical] == [520, 530]
    assert [row.sequence for row in vertical] == [3, 4]
    assert vertical[0].executed_at == vertical[1].executed_at


def test_expired_rows_keep_the_file_sign(rows):
    long_call, short_call = rows[9], rows[10]
    assert (long_call.kind, long_call.quantity, long_call.value) == (K.EXPIRATION, -1, 0)
    assert (short_call.kind, short_call.quantity) == (K.EXPIRATION, 1)
    assert long_call.price is None


def test_as_of_date_uses_the_first_date(rows):
    assigned, stock = rows[11], rows[12]
    assert assigned.kind is K.ASSIGNMENT
    assert assigned.trade_date == date(2026, 2, 23)
    assert (stock.kind, stock.quantity, stock.price, stock.value) == (K.TRADE, 100, 560, -56000)


@pytest.mark.parametrize(
    ("index", "kind", "value", "quantity"),
    [
        (14, K.DIVIDEND, Decimal("171.30"), 0),
        (15, K.INTEREST, Decimal("1.23"), 0),
        (16, K.SPLIT, Decimal(0), 12),
        (17, K.SPLIT, Decimal("63.37"), 0),
        (18, K.SYMBOL_CHANGE, Decimal(0), -10),
        (19, K.SYMBOL_CHANGE, Decimal(0), 10),
        (20, K.WITHDRAWAL, Decimal(-5000), 0),
        (21, K.FEE, Decimal(-25), 0),
        (22, K.DEPOSIT, Decimal(500), 0),
        (23, K.WITHDRAWAL, Decimal(-200), 0),
        (24, K.FEE, Decimal("-1.20"), 0),
        (25, K.EXERCISE, Decimal(0), -1),
    ],
)
def test_non_trade_actions(rows, index, kind, value, quantity):
    row = rows[index]
    assert (row.kind, row.value, row.quantity) == (kind, value, quantity)


def test_title_line_before_the_header_is_skipped():
    text = '"Transactions  for account XXXX-5678 as of 03/17/2026 20:51:37 ET"\n' + fixture_text(
        NAME
    )
    assert parse(NAME, text, account=ACCOUNT).rows == parse(NAME, account=ACCOUNT).rows


def test_unknown_action_is_refused_naming_line_and_column():
    text = edit(fixture_text(NAME), '"Service Fee"', '"Spin-off"')
    line, column, why = problem(NAME, text, account=ACCOUNT)
    assert (line, column) == (line_of(text, "Spin-off"), "Action")
    assert "Spin-off" in why


def test_malformed_option_symbol_is_refused():
    text = edit(
        fixture_text(NAME),
        '"SPY 02/20/2026 560.00 P","PUT SPDR S&P 500 $560 EXP 02/20/26","1","$3.45"',
        '"SPY 02/30/2026 560.00 P","PUT","1","$3.45"',
    )
    line, column, _ = problem(NAME, text, account=ACCOUNT)
    assert (line, column) == (line_of(text, "02/30/2026"), "Symbol")


def test_without_account_says_to_pass_one():
    line, column, why = problem(NAME, fixture_text(NAME))
    assert (line, column) == (1, "")
    assert "--account" in why


@pytest.mark.parametrize("junk", ["02/23/2026 foo", "02/23/2026 as of 02/30/2026", "2026-02-23"])
def test_bad_date_is_refused(junk):
    text = edit(fixture_text(NAME), '"02/25/2026","Sell"', f'"{junk}","Sell"')
    line, column, _ = problem(NAME, text, account=ACCOUNT)
    assert (line, column) == (line_of(text, junk), "Date")
