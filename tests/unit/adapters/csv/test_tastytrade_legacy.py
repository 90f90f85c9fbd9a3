"""The legacy desktop export: local times, option terms in columns, the account per row."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.unit.adapters.csv.conftest import edit, expect, fixture_text, line_of, parse
from tests.unit.adapters.csv.conftest import problem_of as problem
from workstation.adapters.csv.cells import NEW_YORK
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import PositionEffect, TransactionKind

NAME = "tastytrade_legacy.csv"
ACCOUNT = "5WX11111"


@pytest.fixture(scope="module")
def rows():
    statement = parse(NAME)
    assert (statement.format, statement.accounts) == ("tastytrade-legacy", (ACCOUNT,))
    return statement.rows


def test_kinds_in_chronological_order(rows):
    assert [row.kind for row in rows] == [
        TransactionKind.DEPOSIT,
        TransactionKind.TRADE,
        TransactionKind.TRADE,
        TransactionKind.TRADE,
        TransactionKind.EXPIRATION,
        TransactionKind.EXPIRATION,
        TransactionKind.ASSIGNMENT,
        TransactionKind.TRADE,
        TransactionKind.INTEREST,
    ]


def test_option_is_built_from_root_and_term_columns(rows):
    expect(
        rows[1],
        broker="tastytrade",
        account=ACCOUNT,
        kind=TransactionKind.TRADE,
        executed_at=datetime(2020, 3, 3, 10, 15, tzinfo=NEW_YORK),
        sub_type="Sell to Open",
        instrument=InstrumentKind.EQUITY_OPTION,
        symbol="SPY   200417P00285000",
        underlying="SPY",
        expiry=date(2020, 4, 17),
        strike=Decimal(285),
        right=OptionRight.PUT,
        multiplier=Decimal(100),
        quantity=Decimal(-1),
        price=Decimal("3.45"),
        value=Decimal(345),
        clearing_fee=Decimal("1.14"),
        effect=PositionEffect.OPEN,
        description="Sold 1 SPY 04/17/20 Put 285.00 @ 3.45",
    )


def test_assignment_stock_row_and_expirations(rows):
    long_call, short_call, assigned, stock = rows[4], rows[5], rows[6], rows[7]
    assert (long_call.quantity, short_call.quantity) == (-1, 1)
    assert long_call.price is None
    assert (assigned.quantity, assigned.effect) == (1, PositionEffect.CLOSE)
    assert (stock.symbol, stock.quantity, stock.price, stock.value, stock.clearing_fee) == (
        "SPY",
        100,
        285,
        -28500,
        5,
    )
    assert stock.executed_at.utcoffset() == datetime(2020, 4, 17, tzinfo=NEW_YORK).utcoffset()


def test_empty_account_cell_takes_the_given_account():
    text = edit(fixture_text(NAME), "ACH DEPOSIT,5WX11111", "ACH DEPOSIT,")
    first = parse(NAME, text, account=ACCOUNT).rows[0]
    assert first.account == ACCOUNT
    line, column, why = problem(NAME, text)
    assert (line, column) == (line_of(text, "ACH DEPOSIT"), "Account Reference")
    assert "--account" in why


def test_a_row_for_another_account_than_the_one_given_is_refused():
    line, column, why = problem(NAME, fixture_text(NAME), account="5WX99999")
    assert (line, column) == (2, "Account Reference")
    assert "5WX11111" in why


def test_bad_buy_sell_is_refused():
    text = edit(fixture_text(NAME), "SPY,Sell,Open", "SPY,Short,Open")
    line, column, _ = problem(NAME, text)
    assert (line, column) == (line_of(text, "Short"), "Buy/Sell")


def test_legacy_futures_and_futures_options():
    header = fixture_text(NAME).splitlines()[0]
    text = "\n".join(
        [
            header,
            "06/01/2020 10:00 AM,Trade,Sell to Open,/ESM0,Sell,Open,1,6/19/2020,3000,C,"
            "12.50,2.50,625.00,Sold 1 /ESM0 06/19/20 Call 3000.00 @ 12.50,5WX11111",
            "05/29/2020 9:45 AM,Trade,Buy to Open,/ESM0,Buy,Open,1,,,,3025.25,3.00,0.00,"
            "Bought 1 /ESM0 @ 3025.25,5WX11111",
        ]
    )
    future, option = parse(NAME, text).rows
    assert (future.instrument, future.symbol, future.underlying) == (
        InstrumentKind.FUTURE,
        "/ESM0",
        "/ESM0",
    )
    assert (future.quantity, future.price, future.value) == (1, Decimal("3025.25"), 0)
    assert (option.instrument, option.symbol, option.underlying) == (
        InstrumentKind.FUTURE_OPTION,
        "./ESM0 200619C3000",
        "/ESM0",
    )
    assert (option.expiry, option.strike, option.right) == (
        date(2020, 6, 19),
        Decimal(3000),
        OptionRight.CALL,
    )
