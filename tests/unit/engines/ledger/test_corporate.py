"""Splits and symbol changes carry lots across; only cash in lieu is realized."""

from __future__ import annotations

from tests.unit.engines.ledger.rows import ACCOUNT, D, at, cash_row, option, stock
from workstation.domain.lots import CloseReason
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import PositionEffect, TransactionKind
from workstation.engines.ledger import market_value, net_cash_flow, realized, rebuild, unrealized

SPLIT, CHANGE = TransactionKind.SPLIT, TransactionKind.SYMBOL_CHANGE
DAY = 10


def _bought() -> list:
    return [stock("b1", 61, "30.00", fees="1.00"), stock("b2", 40, "33.00", when=at(1))]


def _split(old: str, new: str, *, symbol: str = "XYZ", new_symbol: str = "XYZ") -> list:
    return [
        stock("r", old, None, value="0", kind=SPLIT, symbol=symbol, when=at(days=DAY)),
        stock("n", new, None, value="0", kind=SPLIT, symbol=new_symbol, when=at(days=DAY)),
    ]


def test_forward_split_scales_quantity_and_price_and_keeps_cost_and_open_time():
    ledger = rebuild([*_bought(), *_split("-101", "151.5")])
    first, second = ledger.lots
    assert (first.open_key, first.opened_at, first.quantity, first.price) == (
        "b1",
        at(),
        D("91.5"),
        D(20),
    )
    assert (first.cost, first.fees) == (D("-1830.00"), D("1.00"))
    assert (second.open_key, second.quantity, second.price, second.cost) == (
        "b2",
        D(60),
        D(22),
        D("-1320.00"),
    )
    assert ledger.matches == ()
    assert ledger.positions == {(ACCOUNT, "XYZ"): D("151.5")}


def test_rounding_correction_row_realizes_the_fraction_with_its_share_of_basis():
    correction = stock(
        "rc", "-0.5", None, value="11.00", kind=SPLIT, when=at(days=DAY, minutes=0.1)
    )
    ledger = rebuild([*_bought(), *_split("-101", "151.5"), correction])
    [match] = ledger.matches
    assert (match.open_key, match.quantity, match.reason) == ("b1", D("0.5"), CloseReason.TRADE)
    assert match.gross == D("1.00")  # 11.00 cash - 0.5 x 20.00 of basis
    assert ledger.positions == {(ACCOUNT, "XYZ"): D(151)}
    assert sum(lot.cost for lot in ledger.lots) == D("-3140.00")


def test_cash_in_lieu_as_a_cash_row_closes_the_fractional_share():
    in_lieu = cash_row(
        "cil", TransactionKind.BALANCE_ADJUSTMENT, "11.00", symbol="XYZ", when=at(days=DAY)
    )
    ledger = rebuild([*_bought(), *_split("-101", "151.5"), in_lieu])
    [match] = ledger.matches
    assert (match.close_key, match.quantity, match.gross) == ("cil", D("0.5"), D("1.00"))
    assert ledger.positions == {(ACCOUNT, "XYZ"): D(151)}
    assert net_cash_flow(ledger) == D("3140.00")  # the cash in lieu is position cash


def test_cash_in_lieu_with_no_fraction_open_is_realized_without_basis():
    in_lieu = cash_row(
        "cil", TransactionKind.BALANCE_ADJUSTMENT, "11.00", symbol="XYZ", when=at(days=DAY)
    )
    ledger = rebuild([*_bought(), *_split("-101", "151"), in_lieu])
    [match] = ledger.matches
    assert (match.quantity, match.gross) == (D(0), D("11.00"))
    assert "no fractional share" in ledger.problems[0].problem
    marks = {"XYZ": D(21)}
    total = realized(ledger.matches) + unrealized(ledger.lots, marks).net
    assert total == market_value(ledger.lots, marks) - net_cash_flow(ledger)


def test_reverse_split_with_rounding_correction():
    rows = [
        stock("b1", 1005, "2.00"),
        *_split("-1005", "100.5"),
        stock("rc", "-0.5", None, value="9.00", kind=SPLIT, when=at(days=DAY, minutes=1)),
    ]
    ledger = rebuild(rows)
    [lot] = ledger.lots
    assert (lot.quantity, lot.price, lot.cost) == (D(100), D(20), D("-2000.00"))
    [match] = ledger.matches
    assert match.gross == D("-1.00")  # 9.00 - 0.5 x 20.00


def test_symbol_change_carries_lots_to_the_new_ticker():
    ledger = rebuild(
        [
            stock("b1", 10, "100.00", symbol="FB", fees="1.00"),
            *_split("-10", "10", symbol="FB", new_symbol="META"),
        ]
    )
    [lot] = ledger.lots
    assert (lot.symbol, lot.open_key, lot.quantity, lot.cost, lot.fees, lot.price) == (
        "META",
        "b1",
        D(10),
        D("-1000.00"),
        D("1.00"),
        D(100),
    )
    assert ledger.positions == {(ACCOUNT, "META"): D(10)}


def test_symbol_change_rows_move_stock_and_options_together():
    old_put = {"root": "FB", "strike": "300", "when": at(days=DAY)}
    new_put = {"root": "META", "strike": "300", "when": at(days=DAY)}
    old_call = {"root": "FB", "strike": "350", "right": OptionRight.CALL, "when": at(days=DAY)}
    new_call = {"root": "META", "strike": "350", "right": OptionRight.CALL, "when": at(days=DAY)}
    ledger = rebuild(
        [
            stock("b1", 100, "250.00", symbol="FB"),
            option("p1", -1, "5.00", root="FB", strike="300"),
            option("c1", -1, "4.00", root="FB", strike="350", right=OptionRight.CALL),
            stock("r1", -100, None, value="0", kind=CHANGE, symbol="FB", when=at(days=DAY)),
            stock("n1", 100, None, value="0", kind=CHANGE, symbol="META", when=at(days=DAY)),
            option("r2", 1, None, value="0", kind=CHANGE, **old_put),
            option("n2", -1, None, value="0", kind=CHANGE, **new_put),
            option("r3", 1, None, value="0", kind=CHANGE, **old_call),
            option("n3", -1, None, value="0", kind=CHANGE, **new_call),
        ]
    )
    assert {(lot.symbol[:4], lot.strike, lot.open_key, lot.cost) for lot in ledger.lots} == {
        ("META", None, "b1", D("-25000.00")),
        ("META", D(300), "p1", D("500.00")),
        ("META", D(350), "c1", D("400.00")),
    }
    assert ledger.matches == ()
    assert ledger.problems == ()


def test_adjusted_options_after_a_split_carry_their_lots():
    ledger = rebuild(
        [
            option("p1", -2, "1.50", strike="60"),
            option("r", 2, None, value="0", kind=SPLIT, strike="60", when=at(days=DAY)),
            option(
                "n",
                -2,
                None,
                value="0",
                kind=SPLIT,
                root="XYZ1",
                underlying="XYZ",
                strike="60",
                deliverable="150",
                when=at(days=DAY),
            ),
        ]
    )
    [lot] = ledger.lots
    assert (lot.symbol[:4], lot.quantity, lot.cost, lot.price) == ("XYZ1", D(-2), D(300), D("1.5"))


def test_a_removal_with_no_addition_is_applied_as_a_trade_and_reported():
    ledger = rebuild(
        [stock("b1", 10, "5.00"), stock("r", -10, None, value="0", kind=SPLIT, when=at(1))]
    )
    [match] = ledger.matches
    assert match.gross == D("-50.00")
    assert "no counterpart" in ledger.problems[0].problem


def test_shares_received_in_a_merger_net_against_a_short_in_the_acquirer():
    close, open_ = PositionEffect.CLOSE, PositionEffect.OPEN
    ledger = rebuild(
        [
            stock("b1", 100, "40.00", symbol="TGT"),
            stock("s1", -50, "90.00", symbol="ACQ", fees="1.00"),
            stock(
                "r",
                -100,
                None,
                value="0",
                kind=CHANGE,
                symbol="TGT",
                effect=close,
                when=at(days=DAY),
            ),
            stock(
                "n", 50, None, value="0", kind=CHANGE, symbol="ACQ", effect=open_, when=at(days=DAY)
            ),
        ]
    )
    [match] = ledger.matches
    assert (match.symbol, match.open_key, match.close_key) == ("ACQ", "s1", "n")
    assert (match.quantity, match.gross, match.fees) == (D(-50), D("500.00"), D("1.00"))
    assert ledger.positions == {}
    assert "opposite position" in ledger.problems[0].problem
