"""Plain fills: long and short lots, partial closes, fee allocation, cost methods, problems."""

from __future__ import annotations

import pytest

from tests.unit.engines.ledger.rows import ACCOUNT, D, at, option, stock
from workstation.domain.lots import CloseReason, CostMethod, FeeKind, PnlConvention
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import PositionEffect, TransactionKind
from workstation.engines.ledger import realized, rebuild


def test_long_stock_round_trip_realizes_price_difference_and_both_fees():
    ledger = rebuild(
        [
            stock("b1", 100, "10.00", fees="1.00"),
            stock("s1", -100, "12.00", fees="1.25", when=at(days=3)),
        ]
    )
    [match] = ledger.matches
    assert (match.open_key, match.close_key, match.quantity) == ("b1", "s1", D(100))
    assert (match.open_price, match.close_price) == (D("10.00"), D("12.00"))
    assert (match.gross, match.fees, match.net) == (D("200.00"), D("2.25"), D("197.75"))
    assert match.reason is CloseReason.TRADE
    assert (match.opened_at, match.closed_at) == (at(), at(days=3))
    assert ledger.lots == ()
    assert ledger.positions == {}


def test_short_stock_is_covered_with_negative_quantity():
    ledger = rebuild(
        [stock("s1", -50, "40.00", fees="0.50"), stock("b1", 50, "35.00", when=at(60))]
    )
    [match] = ledger.matches
    assert match.quantity == D(-50)
    assert match.gross == D("250.00")
    assert match.net == D("249.50")


def test_option_result_uses_the_multiplier_through_the_rows_value():
    ledger = rebuild(
        [
            option("o1", 2, "1.50", right=OptionRight.CALL, fees="1.30"),
            option("c1", -2, "2.25", right=OptionRight.CALL, fees="1.30", when=at(5)),
        ]
    )
    [match] = ledger.matches
    assert match.gross == D("150.00")  # (2.25 - 1.50) x 2 x 100
    assert match.fees == D("2.60")


def test_partial_closes_share_open_fees_to_the_cent_and_lose_nothing():
    rows = [stock("b1", 3, "10.00", fees="1.00")]
    rows += [stock(f"s{n}", -1, price, when=at(n)) for n, price in enumerate(("11", "12", "13"), 1)]
    ledger = rebuild(rows)
    assert [m.fees for m in ledger.matches] == [D("0.33"), D("0.34"), D("0.33")]
    assert sum(m.fees for m in ledger.matches) == D("1.00")
    assert [m.gross for m in ledger.matches] == [D("1.00"), D("2.00"), D("3.00")]


def test_one_fill_closing_two_lots_splits_its_cash_and_fees_by_quantity():
    ledger = rebuild(
        [
            stock("b1", 100, "10.00", fees="1.00"),
            stock("b2", 100, "11.00", fees="1.00", when=at(1)),
            stock("s1", -150, "12.00", fees="3.00", when=at(2)),
        ]
    )
    first, second = ledger.matches
    assert (first.open_key, first.quantity, first.gross, first.fees) == (
        "b1",
        D(100),
        D("200.00"),
        D("3.00"),
    )
    assert (second.open_key, second.quantity, second.gross, second.fees) == (
        "b2",
        D(50),
        D("50.00"),
        D("1.50"),
    )
    [lot] = ledger.lots
    assert (lot.open_key, lot.quantity, lot.cost, lot.fees) == (
        "b2",
        D(50),
        D("-550.00"),
        D("0.50"),
    )
    assert ledger.positions == {(ACCOUNT, "XYZ"): D(50)}


def test_a_fill_through_zero_closes_the_long_and_opens_a_short_with_the_rest():
    ledger = rebuild(
        [
            stock("b1", 100, "10.00", fees="1.00"),
            stock("s1", -150, "12.00", fees="3.00", when=at(1)),
        ]
    )
    [match] = ledger.matches
    assert (match.gross, match.fees) == (D("200.00"), D("3.00"))
    [lot] = ledger.lots
    assert (lot.open_key, lot.quantity, lot.cost, lot.fees) == (
        "s1",
        D(-50),
        D("600.00"),
        D("1.00"),
    )
    assert ledger.problems == ()


def test_closing_more_than_is_open_opens_the_rest_and_says_so():
    ledger = rebuild(
        [
            stock("b1", 10, "10.00"),
            stock("s1", -15, "11.00", effect=PositionEffect.CLOSE, when=at(1)),
        ]
    )
    assert [m.quantity for m in ledger.matches] == [D(10)]
    assert ledger.positions == {(ACCOUNT, "XYZ"): D(-5)}
    [problem] = ledger.problems
    assert problem.key == "s1"
    assert "only 10 was open" in problem.problem


def test_a_close_with_nothing_open_opens_a_lot_and_says_so():
    ledger = rebuild([stock("s1", -5, "11.00", effect=PositionEffect.CLOSE)])
    assert ledger.positions == {(ACCOUNT, "XYZ"): D(-5)}
    assert "nothing was open" in ledger.problems[0].problem


@pytest.mark.parametrize(
    ("method", "gross", "left_cost"),
    [
        (CostMethod.FIFO, D("1500.00"), D("-2000.00")),
        (CostMethod.LIFO, D("500.00"), D("-1000.00")),
        (CostMethod.AVERAGE, D("1000.00"), D("-1500.00")),
    ],
)
def test_cost_methods_pick_different_lots_but_agree_once_flat(method, gross, left_cost):
    rows = [
        stock("b1", 100, "10.00", fees="1.00"),
        stock("b2", 100, "20.00", fees="3.00", when=at(1)),
        stock("s1", -100, "25.00", when=at(2)),
    ]
    ledger = rebuild(rows, method=method)
    assert ledger.method is method
    assert ledger.matches[0].gross == gross
    assert sum(lot.cost for lot in ledger.lots) == left_cost
    flat = rebuild([*rows, stock("s2", -100, "30.00", when=at(3))], method=method)
    assert realized(flat.matches) == D("2496.00")  # 5500 - 3000 - 4 of fees


def test_average_cost_reports_the_average_open_price():
    ledger = rebuild(
        [
            stock("b1", 100, "10.00"),
            stock("b2", 300, "20.00", when=at(1)),
            stock("s1", -200, "25.00", when=at(2)),
        ],
        method=CostMethod.AVERAGE,
    )
    # Each lot keeps its own open time (holding period), at the pooled cost.
    assert [m.open_key for m in ledger.matches] == ["b1", "b2"]
    assert {m.open_price for m in ledger.matches} == {D("17.5")}
    assert sum(m.gross for m in ledger.matches) == D("1500.00")  # 200 x (25 - 17.50)


def test_average_cost_gives_every_remaining_lot_the_same_cost_per_share():
    ledger = rebuild(
        [
            stock("b1", 100, "10.00", fees="3.00"),
            stock("b2", 100, "20.00", when=at(1)),
            stock("b3", 100, "30.00", when=at(2)),
            stock("s1", -100, "25.00", when=at(3)),
        ],
        method=CostMethod.AVERAGE,
    )
    [match] = ledger.matches
    assert (match.gross, match.fees) == (D("500.00"), D("1.00"))
    assert [(lot.open_key, lot.cost, lot.fees) for lot in ledger.lots] == [
        ("b2", D("-2000.00"), D("1.00")),
        ("b3", D("-2000.00"), D("1.00")),
    ]


def test_lots_stay_per_account():
    ledger = rebuild(
        [
            stock("b1", 100, "10.00", account="A"),
            stock("s1", -100, "11.00", account="B", when=at(1)),
        ]
    )
    assert ledger.matches == ()
    assert ledger.positions == {("A", "XYZ"): D(100), ("B", "XYZ"): D(-100)}


def test_a_reversal_and_the_row_it_cancels_are_both_ignored():
    rows = [
        stock("b1", 100, "10.00"),
        stock("s1", -100, "11.00", when=at(1)),
        stock("r1", 100, "11.00", when=at(2), reverses="s1"),
        stock("s2", -100, "12.00", when=at(3)),
    ]
    ledger = rebuild(rows)
    [match] = ledger.matches
    assert (match.close_key, match.gross) == ("s2", D("200.00"))
    assert [row.key for row in ledger.rows] == ["b1", "s2"]
    assert ledger.problems == ()


def test_reversing_a_reversal_reinstates_the_original():
    rows = [
        stock("b1", 100, "10.00"),
        stock("r1", -100, "10.00", when=at(1), reverses="b1"),
        stock("r2", 100, "10.00", when=at(2), reverses="r1"),
    ]
    assert [row.key for row in rebuild(rows).rows] == ["b1"]


def test_a_reversal_of_an_unknown_row_is_a_problem_not_a_crash():
    ledger = rebuild([stock("b1", 100, "10.00"), stock("r1", -100, "10", reverses="zz")])
    assert ledger.positions == {(ACCOUNT, "XYZ"): D(100)}
    [problem] = ledger.problems
    assert (problem.key, "'zz'" in problem.problem) == ("r1", True)


def test_rows_in_any_order_give_the_same_ledger():
    rows = [
        stock("b1", 100, "10.00", fees="1"),
        stock("b2", 50, "11.00", when=at(1)),
        stock("s1", -120, "12.00", fees="2", when=at(2)),
        stock("s2", -30, "9.00", when=at(2)),  # same minute: the key breaks the tie
    ]
    assert rebuild(rows) == rebuild(rows[::-1])


def test_cash_rows_are_kept_but_move_no_position():
    from tests.unit.engines.ledger.rows import cash_row

    ledger = rebuild(
        [
            stock("b1", 10, "10.00", fees="0.50"),
            cash_row("d1", TransactionKind.DIVIDEND, "4.00"),
            cash_row("f1", TransactionKind.FEE, "-2.00"),
        ]
    )
    assert ledger.positions == {(ACCOUNT, "XYZ"): D(10)}
    assert ledger.cash_by_kind == {
        TransactionKind.TRADE: D("-100.50"),
        TransactionKind.DIVIDEND: D("4.00"),
        TransactionKind.FEE: D("-2.00"),
    }
    assert ledger.fees_by_kind[FeeKind.COMMISSION] == D("0.50")


def test_realized_nets_fees_only_when_asked():
    ledger = rebuild(
        [stock("b1", 10, "10", fees="1"), stock("s1", -10, "12", fees="1", when=at(1))]
    )
    assert realized(ledger.matches, net=False) == D(20)
    assert realized(ledger.matches) == D(18)
    assert realized(iter(ledger.matches), convention=PnlConvention.PREMIUM_IN_BASIS) == D(18)
