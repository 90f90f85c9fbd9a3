"""Open lots gathered into the strategies the trader sees."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tests.unit.engines.ledger.rows import at, future, option, stock
from workstation.domain.occ import OptionRight
from workstation.engines.classify import classify
from workstation.engines.ledger import rebuild
from workstation.engines.risk.positions import open_positions

D = Decimal


def _book(rows):  # type: ignore[no-untyped-def]
    ledger = rebuild(rows)
    closes: dict[str, list[str]] = {}
    for match in ledger.matches:
        closes.setdefault(match.close_key, []).append(match.open_key)
    return open_positions(ledger.lots, classify(rows, closes))


def test_a_vertical_is_one_position_with_two_legs_and_its_opening_cash() -> None:
    rows = [
        replace(option("s", -2, "2.00", strike="50", fees="2.28", when=at()), order_id="o1"),
        replace(option("b", 2, "1.40", strike="45", fees="2.28", when=at()), order_id="o1"),
    ]
    (position,) = _book(rows).positions
    assert [leg.strike for leg in position.legs] == [D(45), D(50)]
    assert [leg.quantity for leg in position.legs] == [D(2), D(-2)]
    assert position.opening_cash == D(400) - D(280) - D("4.56")
    assert position.legs[1].entry_price == D("2.00")


def test_shares_are_named_by_what_is_held_now() -> None:
    rows = [
        stock("b1", 100, "10", when=at()),
        stock("s1", -40, "11", when=at(days=1)),
    ]
    (position,) = _book(rows).positions
    assert position.name == "XYZ 60 shares"
    assert position.legs[0].quantity == D(60)


def test_closed_strategies_vanish_and_futures_are_left_out() -> None:
    rows = [
        option("o", 1, "1.00", right=OptionRight.CALL, when=at()),
        option("c", -1, "1.50", right=OptionRight.CALL, when=at(days=1)),
        future("f", 1, "6000.00", when=at()),
    ]
    book = _book(rows)
    assert book.positions == ()
    assert book.left_out == ("/ESH6",)
