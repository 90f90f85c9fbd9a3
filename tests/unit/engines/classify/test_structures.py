"""Every structure the issue lists, opened as one order, is one group of the right kind and name."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from tests.unit.engines.classify.tape import C, P, Tape, at, keys, opt, shares
from workstation.domain.strategies import StrategyKind as K
from workstation.engines.classify import classify

DEC = date(2026, 12, 18)
JAN = date(2027, 1, 15)
DAY = date(2026, 11, 2)


def _spy(right, strike, qty, price, expiry=DEC):
    return opt("SPY", right, strike, expiry, qty, price)


STRUCTURES = [
    ("bull put credit", [_spy(P, 450, -1, 2.5), _spy(P, 445, 1, 1.6)],
     K.BULL_PUT_CREDIT, "SPY 450/445 bull put credit spread 12/18"),
    ("bear call credit", [_spy(C, 530, -2, 1.5), _spy(C, 540, 2, 0.7)],
     K.BEAR_CALL_CREDIT, "SPY 530/540 bear call credit spread 12/18"),
    ("bull call debit", [_spy(C, 500, 1, 6.0), _spy(C, 510, -1, 3.0)],
     K.BULL_CALL_DEBIT, "SPY 500/510 bull call debit spread 12/18"),
    ("bear put debit", [_spy(P, 500, 3, 7.0), _spy(P, 490, -3, 4.0)],
     K.BEAR_PUT_DEBIT, "SPY 500/490 bear put debit spread 12/18"),
    ("iron condor", [_spy(P, 460, 1, 0.5), _spy(P, 470, -1, 1.0), _spy(C, 530, -1, 0.8),
                     _spy(C, 540, 1, 0.4)],
     K.IRON_CONDOR, "SPY 460/470/530/540 iron condor 12/18"),
    ("iron butterfly", [_spy(P, 490, 2, 4.0), _spy(P, 500, -2, 7.0), _spy(C, 500, -2, 6.0),
                        _spy(C, 510, 2, 3.0)],
     K.IRON_BUTTERFLY, "SPY 490/500/510 iron butterfly 12/18"),
    ("call butterfly", [_spy(C, 490, 1, 12.0), _spy(C, 500, -2, 6.0), _spy(C, 510, 1, 3.0)],
     K.CALL_BUTTERFLY, "SPY 490/500/510 call butterfly 12/18"),
    ("put butterfly", [_spy(P, 480, 1, 2.0), _spy(P, 490, -2, 4.0), _spy(P, 500, 1, 7.0)],
     K.PUT_BUTTERFLY, "SPY 480/490/500 put butterfly 12/18"),
    ("long straddle", [_spy(C, 500, 1, 6.0), _spy(P, 500, 1, 7.0)],
     K.LONG_STRADDLE, "SPY 500 long straddle 12/18"),
    ("short straddle", [_spy(C, 500, -1, 6.0), _spy(P, 500, -1, 7.0)],
     K.SHORT_STRADDLE, "SPY 500 short straddle 12/18"),
    ("short strangle", [_spy(P, 480, -1, 2.0), _spy(C, 520, -1, 1.5)],
     K.SHORT_STRANGLE, "SPY 480/520 short strangle 12/18"),
    ("long strangle", [_spy(P, 480, 1, 2.0), _spy(C, 520, 1, 1.5)],
     K.LONG_STRANGLE, "SPY 480/520 long strangle 12/18"),
    ("call calendar", [_spy(C, 500, -1, 6.0), _spy(C, 500, 1, 9.0, JAN)],
     K.CALL_CALENDAR, "SPY 500 call calendar 12/18-1/15"),
    ("put calendar", [_spy(P, 480, -1, 2.0), _spy(P, 480, 1, 4.0, JAN)],
     K.PUT_CALENDAR, "SPY 480 put calendar 12/18-1/15"),
    ("call diagonal", [_spy(C, 510, -1, 3.0), _spy(C, 500, 1, 9.0, JAN)],
     K.CALL_DIAGONAL, "SPY 510/500 call diagonal 12/18-1/15"),
    ("put diagonal", [_spy(P, 470, -1, 1.0), _spy(P, 480, 1, 4.0, JAN)],
     K.PUT_DIAGONAL, "SPY 470/480 put diagonal 12/18-1/15"),
    ("call ratio", [_spy(C, 500, 1, 6.0), _spy(C, 520, -2, 1.5)],
     K.CALL_RATIO_SPREAD, "SPY 500/520 call ratio spread 12/18"),
    ("put ratio", [_spy(P, 500, 1, 7.0), _spy(P, 480, -2, 2.0)],
     K.PUT_RATIO_SPREAD, "SPY 480/500 put ratio spread 12/18"),
    ("jade lizard", [_spy(P, 480, -1, 2.0), _spy(C, 520, -1, 1.5), _spy(C, 530, 1, 0.8)],
     K.JADE_LIZARD, "SPY 480/520/530 jade lizard 12/18"),
    ("covered call", [shares("SPY", 100, 500.0), _spy(C, 520, -1, 1.5)],
     K.COVERED_CALL, "SPY 520 covered call 12/18"),
    ("covered call, 2 lots", [shares("SPY", 200, 500.0), _spy(C, 520, -2, 1.5)],
     K.COVERED_CALL, "SPY 520 covered call 12/18"),
    ("long call", [_spy(C, 500, 1, 6.0)], K.LONG_CALL, "SPY 500 long call 12/18"),
    ("long put", [_spy(P, 500, 2, 7.0)], K.LONG_PUT, "SPY 500 long put 12/18"),
    ("short call", [_spy(C, 520, -1, 1.5)], K.SHORT_CALL, "SPY 520 short call 12/18"),
    ("short put", [_spy(P, 480, -1, 2.0)], K.SHORT_PUT, "SPY 480 short put 12/18"),
    ("custom: five legs", [_spy(P, 460, 1, 0.5), _spy(P, 470, -1, 1.0), _spy(C, 530, -1, 0.8),
                           _spy(C, 540, 1, 0.4), _spy(C, 500, 1, 6.0)],
     K.CUSTOM, "SPY 460/470/500/530/540 custom 12/18"),
    ("custom: collar", [shares("SPY", 100, 500.0), _spy(C, 520, -1, 1.5), _spy(P, 480, 1, 2.0)],
     K.CUSTOM, "SPY 480/520 custom 12/18"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("legs", "kind", "name"),
    [case[1:] for case in STRUCTURES],
    ids=[case[0] for case in STRUCTURES],
)
def test_one_order_is_one_group_of_its_structure(legs, kind, name):
    tape = Tape()
    opened = tape.trade(at(DAY, "10:00"), *legs)

    (group,) = classify(tape.rows, tape.closes()).groups

    assert group.kind is kind
    assert group.name == name
    assert group.opening_keys == keys(opened)
    assert group.id == opened[0].key
    assert group.is_open
    assert group.entry_cash == sum(row.net_value for row in opened)


def test_legs_summary_lists_what_was_opened_with_signed_quantities():
    tape = Tape()
    tape.trade(at(DAY, "10:00"), _spy(P, 450, -2, 2.5), _spy(P, 445, 2, 1.6))

    (group,) = classify(tape.rows, tape.closes()).groups

    short, long = group.legs
    assert (short.right, short.strike, short.expiry, short.quantity) == (P, 450, DEC, -2)
    assert (long.right, long.strike, long.quantity) == (P, 445, 2)
    assert short.symbol == "SPY   261218P00450000"


def test_a_short_put_is_cash_secured_only_when_the_broker_says_so():
    tape = Tape()
    tape.trade(at(DAY, "10:00"), _spy(P, 480, -1, 2.0))
    tape.trade(at(DAY, "14:00"), opt("AAPL", P, 150, DEC, -1, 2.0))
    note = "Sold 1 AAPL 12/18/26 Put 150.00 @ 2.00 (cash secured)"
    tape.rows[-1] = replace(tape.rows[-1], description=note)

    groups = {group.underlying: group for group in classify(tape.rows, tape.closes()).groups}

    assert groups["SPY"].kind is K.SHORT_PUT
    assert groups["AAPL"].kind is K.CASH_SECURED_PUT
    assert groups["AAPL"].name == "AAPL 150 cash-secured put 12/18"


def test_stock_alone_is_named_by_its_shares():
    tape = Tape()
    tape.trade(at(DAY, "10:00"), shares("AAPL", 100, 150.0))
    tape.trade(at(DAY, "11:00"), shares("TSLA", -50, 250.0))

    names = [group.name for group in classify(tape.rows, tape.closes()).groups]

    assert names == ["AAPL 100 shares", "TSLA short 50 shares"]


def test_kind_ignores_how_many_lots():
    tape = Tape()
    legs = [
        _spy(P, 460, 4, 0.5),
        _spy(P, 470, -4, 1.0),
        _spy(C, 530, -4, 0.8),
        _spy(C, 540, 4, 0.4),
    ]
    tape.trade(at(DAY, "10:00"), *legs)

    (group,) = classify(tape.rows, tape.closes()).groups

    assert group.kind is K.IRON_CONDOR
    assert [leg.quantity for leg in group.legs] == [Decimal(4), -4, -4, 4]
