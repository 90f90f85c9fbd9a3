"""Realized P&L by period, unrealized P&L at marks, and the cash identity on a worked example."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.unit.engines.ledger.rows import D, option, stock
from workstation.domain.lots import PnlConvention
from workstation.domain.transactions import TransactionKind
from workstation.engines.ledger import (
    MissingMarks,
    Period,
    market_value,
    net_cash_flow,
    period_start,
    realized,
    realized_by_period,
    rebuild,
    total_pnl,
    unrealized,
)


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _closes():
    """Three round trips of 100 shares closing on different days (+100, +200, -50 gross)."""
    rows = []
    closes = [
        (_utc(2026, 3, 2, 15), "11"),  # Monday 2 March
        (_utc(2026, 3, 7, 2, 30), "12"),  # Friday 6 March 21:30 New York
        (_utc(2027, 1, 4, 15), "9.50"),  # Monday 4 January 2027
    ]
    for n, (closed, price) in enumerate(closes):
        rows.append(stock(f"b{n}", 100, "10", fees="1", when=_utc(2026, 3, 2, 14)))
        rows.append(stock(f"s{n}", -100, price, fees="1", when=closed))
    return rebuild(rows).matches


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (Period.DAY, {date(2026, 3, 2): 98, date(2026, 3, 6): 198, date(2027, 1, 4): -52}),
        (Period.WEEK, {date(2026, 3, 2): 296, date(2027, 1, 4): -52}),
        (Period.MONTH, {date(2026, 3, 1): 296, date(2027, 1, 1): -52}),
        (Period.YEAR, {date(2026, 1, 1): 296, date(2027, 1, 1): -52}),
    ],
)
def test_realized_by_period_buckets_by_new_york_close_date(period, expected):
    by_period = realized_by_period(_closes(), period)
    assert by_period == {day: D(amount) for day, amount in expected.items()}
    assert sum(by_period.values()) == realized(_closes())


def test_realized_by_period_gross_leaves_fees_in():
    by_day = realized_by_period(_closes(), Period.DAY, net=False)
    assert list(by_day.values()) == [D(100), D(200), D(-50)]


def test_weeks_start_on_monday_in_new_york():
    sunday_night_utc = _utc(2026, 3, 9, 3, 0)  # Sunday 8 March 23:00 New York
    assert period_start(sunday_night_utc, Period.WEEK) == date(2026, 3, 2)
    assert period_start(_utc(2026, 3, 9, 14, 0), Period.WEEK) == date(2026, 3, 9)


def test_assignment_by_period_moves_the_premium_to_the_stock_sale_under_premium_in_basis():
    when = (_utc(2026, 3, 2, 15), _utc(2026, 3, 20, 21), _utc(2026, 4, 6, 15))
    ledger = rebuild(
        [
            option("p1", -1, "2.00", when=when[0]),
            option("a1", 1, None, value="0", kind=TransactionKind.ASSIGNMENT, when=when[1]),
            stock("a2", 100, "50", when=when[1]),
            stock("s1", -100, "51", when=when[2]),
        ]
    )
    separate = realized_by_period(ledger.matches, Period.MONTH)
    in_basis = realized_by_period(
        ledger.matches, Period.MONTH, convention=PnlConvention.PREMIUM_IN_BASIS
    )
    assert separate == {date(2026, 3, 1): D(200), date(2026, 4, 1): D(100)}
    assert in_basis == {date(2026, 3, 1): D(0), date(2026, 4, 1): D(300)}


def _open_book():
    return rebuild(
        [
            stock("b1", 100, "10.00", fees="1.00"),
            stock("s1", -40, "12.00", fees="1.00"),
            option("p1", -2, "1.25", fees="2.00"),
        ]
    )


def test_unrealized_values_each_lot_and_lists_unmarked_lots():
    ledger = _open_book()
    stock_lot, put_lot = sorted(ledger.lots, key=lambda lot: lot.symbol)
    result = unrealized(ledger.lots, {"XYZ": D("11.50")})
    [valued] = result.lots
    assert valued.lot == stock_lot
    assert (valued.mark, valued.market_value, valued.unrealized) == (D("11.50"), D(690), D(90))
    assert valued.net == D("89.40")  # 0.60 of the open fee still on the 60 shares
    assert result.unmarked == (put_lot,)
    assert (result.gross, result.net, result.market_value) == (D(90), D("89.40"), D(690))


def test_market_value_refuses_to_value_an_unmarked_lot_at_zero():
    with pytest.raises(MissingMarks, match="XYZ   260320P00050000"):
        market_value(_open_book().lots, {"XYZ": D(11)})


def test_total_is_realized_plus_unrealized_and_matches_the_cash_identity():
    ledger = _open_book()
    put = next(lot.symbol for lot in ledger.lots if lot.expiry is not None)
    marks = {"XYZ": D("11.50"), put: D("0.80")}
    realized_net = realized(ledger.matches)
    assert realized_net == D("78.60")  # 40 x (12 - 10) - 0.40 open fee share - 1.00 close fee
    open_net = unrealized(ledger.lots, marks).net
    assert open_net == D("89.40") + D(90) - D("2.00")
    assert total_pnl(ledger, marks) == realized_net + open_net == D(256)
    assert market_value(ledger.lots, marks) == D(690) - D(160)
    # 1000 + 1 paid for shares; 480 - 1 back; 250 - 2 received for the puts
    assert net_cash_flow(ledger) == D("274.00")
    assert total_pnl(ledger, marks) == market_value(ledger.lots, marks) - net_cash_flow(ledger)
