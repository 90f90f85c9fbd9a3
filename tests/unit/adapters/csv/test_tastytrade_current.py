import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.unit.adapters.csv.conftest import EDT, EST, edit, expect, fixture_text, line_of, parse
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import ImportFileError, PositionEffect, TransactionKind

NAME = "tastytrade_current.csv"
ACCOUNT = "5WT38291"
OPEN, CLOSE = PositionEffect.OPEN, PositionEffect.CLOSE
COMMON = {"broker": "tastytrade", "account": ACCOUNT}


@pytest.fixture(scope="module")
def rows():
    statement = parse(NAME, account=ACCOUNT)
    assert (statement.broker, statement.format) == ("tastytrade", "tastytrade-current")
    assert statement.path == NAME
    assert statement.accounts == (ACCOUNT,)
    assert statement.date_range == (date(2026, 1, 5), date(2026, 3, 31))
    return statement.rows


def test_every_row_is_read_oldest_first_with_its_sequence(rows):
    assert len(rows) == 29
    assert [row.sequence for row in rows] == list(range(29))
    assert [row.executed_at for row in rows] == sorted(row.executed_at for row in rows)


def test_a_short_put_sale(rows):
    expect(
        rows[1],
        **COMMON,
        kind=TransactionKind.TRADE,
        executed_at=datetime(2026, 1, 6, 9, 45, 12, tzinfo=EST),
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
        value=Decimal("345.00"),
        commission=Decimal("1.00"),
        clearing_fee=Decimal("0.14"),
        effect=OPEN,
        order_id="401001",
        description="Sold 1 SPY 02/20/26 Put 560.00 @ 3.45",
    )
    assert rows[1].executed_at.utcoffset() == EST.utcoffset(None)


def test_vertical_legs_share_the_order_number_in_broker_order(rows):
    long_leg, short_leg = rows[2], rows[3]
    assert (long_leg.order_id, short_leg.order_id) == ("401002", "401002")
    assert long_leg.executed_at == short_leg.executed_at
    assert (long_leg.strike, long_leg.quantity, long_leg.price) == (520, 1, Decimal("6.10"))
    assert (short_leg.strike, short_leg.quantity, short_leg.price) == (530, -1, Decimal("2.35"))
    assert long_leg.net_value == Decimal("-611.14")
    assert short_leg.net_value == Decimal("233.86")


def test_byte_identical_partial_fills_are_both_kept_with_distinct_keys(rows):
    first, second = rows[4], rows[5]
    assert first.content_key == second.content_key
    assert first.key == f"fp:{first.content_key}#1"
    assert second.key == f"fp:{first.content_key}#2"
    assert len({row.key for row in rows}) == len(rows)


def test_expiration_of_a_long_and_a_short_call(rows):
    long_leg, short_leg = rows[14], rows[15]
    expect(
        long_leg,
        **COMMON,
        kind=TransactionKind.EXPIRATION,
        executed_at=datetime(2026, 2, 20, 16, 0, tzinfo=EST),
        sub_type="Expiration",
        instrument=InstrumentKind.EQUITY_OPTION,
        symbol="QQQ   260220C00520000",
        underlying="QQQ",
        expiry=date(2026, 2, 20),
        strike=Decimal(520),
        right=OptionRight.CALL,
        multiplier=Decimal(100),
        quantity=Decimal(-1),
        price=Decimal(0),
        effect=CLOSE,
        description="Removal of 1.0 QQQ 02/20/26 Call 520.00 due to expiration.",
    )
    assert (short_leg.kind, short_leg.quantity, short_leg.value) == (
        TransactionKind.EXPIRATION,
        1,
        0,
    )


def test_assignment_removes_the_option_and_delivers_stock_at_the_strike(rows):
    option, stock = rows[16], rows[17]
    assert option.executed_at == stock.executed_at
    expect(
        option,
        **COMMON,
        kind=TransactionKind.ASSIGNMENT,
        executed_at=datetime(2026, 2, 20, 17, 5, tzinfo=EST),
        sub_type="Assignment",
        instrument=InstrumentKind.EQUITY_OPTION,
        symbol="SPY   260220P00560000",
        underlying="SPY",
        expiry=date(2026, 2, 20),
        strike=Decimal(560),
        right=OptionRight.PUT,
        multiplier=Decimal(100),
        quantity=Decimal(1),
        price=Decimal(0),
        effect=CLOSE,
        description="Removal of option due to assignment",
    )
    expect(
        stock,
        **COMMON,
        kind=TransactionKind.TRADE,
        executed_at=datetime(2026, 2, 20, 17, 5, tzinfo=EST),
        sub_type="Buy to Open",
        instrument=InstrumentKind.EQUITY,
        symbol="SPY",
        underlying="SPY",
        quantity=Decimal(100),
        price=Decimal(560),
        value=Decimal(-56000),
        clearing_fee=Decimal(5),
        effect=OPEN,
        description="Buy to Open 100 SPY @ 560.00",
    )


def test_cash_settled_index_option_carries_the_cash(rows):
    sale, settlement = rows[9], rows[27]
    assert (sale.instrument, sale.underlying, sale.price) == (
        InstrumentKind.INDEX_OPTION,
        "SPX",
        Decimal("12.50"),
    )
    assert sale.clearing_fee == Decimal("0.66")
    expect(
        settlement,
        **COMMON,
        kind=TransactionKind.CASH_SETTLEMENT,
        executed_at=datetime(2026, 3, 20, 16, 0, tzinfo=EDT),
        sub_type="Cash Settled Assignment",
        instrument=InstrumentKind.INDEX_OPTION,
        symbol="SPXW  260320P05800000",
        underlying="SPX",
        expiry=date(2026, 3, 20),
        strike=Decimal(5800),
        right=OptionRight.PUT,
        multiplier=Decimal(100),
        quantity=Decimal(1),
        price=Decimal("23.10"),
        value=Decimal(-2310),
        effect=CLOSE,
        description="Cash settlement of 1 SPXW 03/20/26 Put 5800.00 due to assignment",
    )


def test_forward_split_with_a_rounding_correction(rows):
    removal, addition, cash = rows[19], rows[20], rows[21]
    assert {row.kind for row in (removal, addition, cash)} == {TransactionKind.SPLIT}
    assert (removal.symbol, removal.quantity, removal.value) == ("CTAS", -25, 0)
    assert (addition.symbol, addition.quantity, addition.value) == ("CTAS", Decimal("37.5"), 0)
    assert (cash.quantity, cash.price, cash.value) == (
        Decimal("-0.5"),
        Decimal("126.74"),
        Decimal("63.37"),
    )
    assert cash.description == "Cash in lieu of 0.5 CTAS, rounding correction"


def test_symbol_change_removes_the_old_and_adds_the_new(rows):
    old, new = rows[22], rows[23]
    assert (old.kind, old.symbol, old.quantity) == (TransactionKind.SYMBOL_CHANGE, "ABC", -10)
    assert (new.kind, new.symbol, new.quantity) == (TransactionKind.SYMBOL_CHANGE, "COR", 10)
    assert old.executed_at == new.executed_at == datetime(2026, 3, 9, 6, 30, tzinfo=EDT)


@pytest.mark.parametrize(
    ("index", "kind", "sub_type", "value"),
    [
        (0, TransactionKind.DEPOSIT, "Deposit", Decimal(25000)),
        (8, TransactionKind.INTEREST, "Credit Interest", Decimal("12.34")),
        (25, TransactionKind.FEE, "Fee", Decimal(-25)),
        (26, TransactionKind.WITHDRAWAL, "Withdrawal", Decimal(-5000)),
        (28, TransactionKind.INTEREST, "Debit Interest", Decimal("-3.21")),
    ],
)
def test_money_movements(rows, index, kind, sub_type, value):
    row = rows[index]
    assert (row.kind, row.sub_type, row.value) == (kind, sub_type, value)
    assert (row.instrument, row.symbol, row.quantity, row.price) == (None, "", 0, None)
    assert row.fees == 0


def test_dividend_keeps_its_symbol(rows):
    dividend = rows[24]
    assert (dividend.kind, dividend.symbol, dividend.value) == (
        TransactionKind.DIVIDEND,
        "CTAS",
        Decimal("14.59"),
    )
    assert dividend.quantity == 0


def test_futures_value_is_realized_pnl_and_price_is_as_quoted(rows):
    buy, sell = rows[10], rows[12]
    expect(
        buy,
        **COMMON,
        kind=TransactionKind.TRADE,
        executed_at=datetime(2026, 2, 10, 9, 31, 5, tzinfo=EST),
        sub_type="Buy",
        instrument=InstrumentKind.FUTURE,
        symbol="/ESH6",
        underlying="/ES",
        multiplier=Decimal(50),
        quantity=Decimal(1),
        price=Decimal("6912.25"),
        value=Decimal(0),
        commission=Decimal("1.25"),
        clearing_fee=Decimal("1.37"),
        order_id="401007",
        description="Bought 1 /ESH6 @ 6912.25",
    )
    assert (sell.quantity, sell.value, sell.price) == (-1, Decimal(625), Decimal("6924.75"))


def test_futures_option_keeps_the_broker_symbol_and_reads_its_terms(rows):
    expect(
        rows[11],
        **COMMON,
        kind=TransactionKind.TRADE,
        executed_at=datetime(2026, 2, 11, 10, 15, 40, tzinfo=EST),
        sub_type="Sell to Open",
        instrument=InstrumentKind.FUTURE_OPTION,
        symbol="./ESH6 E2AG6 260213P6800",
        underlying="/ESH6",
        expiry=date(2026, 2, 13),
        strike=Decimal(6800),
        right=OptionRight.PUT,
        multiplier=Decimal(1),
        quantity=Decimal(-1),
        price=Decimal(725),
        value=Decimal(725),
        commission=Decimal("1.50"),
        clearing_fee=Decimal("0.52"),
        effect=OPEN,
        order_id="401008",
        description="Sold 1 ./ESH6 E2AG6 02/13/26 Put 6800.00 @ 14.50",
    )
    assert rows[13].kind is TransactionKind.EXPIRATION
    assert rows[13].symbol == rows[11].symbol


def test_a_file_without_total_column_parses_the_same():
    records = list(csv.reader(io.StringIO(fixture_text(NAME))))
    drop = records[0].index("Total")
    out = io.StringIO()
    csv.writer(out).writerows([cell for n, cell in enumerate(r) if n != drop] for r in records)
    rows = parse(NAME, out.getvalue(), account=ACCOUNT).rows
    assert rows == parse(NAME, account=ACCOUNT).rows


def test_a_total_that_does_not_add_up_is_refused():
    text = fixture_text(NAME)
    damaged = edit(text, '401010,"57,124.62"', '401010,"57,124.00"')
    with pytest.raises(ImportFileError, match="Value \\+ Commissions \\+ Fees") as caught:
        parse(NAME, damaged, account=ACCOUNT)
    problem = caught.value.problem
    assert (problem.line, problem.column) == (line_of(text, "401010"), "Total")
