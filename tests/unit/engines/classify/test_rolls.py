"""Rolls: closing and opening in one order (or within the window) link groups into a chain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.unit.engines.classify.tape import C, P, Tape, at, keys, later, opt, shares
from workstation.domain.strategies import StrategyKind as K
from workstation.engines.classify import classify

DEC = date(2026, 12, 18)
JAN = date(2027, 1, 15)
FEB = date(2027, 2, 19)
DAY = date(2026, 11, 2)
ROLL_DAY = at(date(2026, 12, 10), "11:00")


def _spread(expiry, short, long, qty, short_price, long_price):
    return (
        opt("SPY", P, short, expiry, -qty, short_price),
        opt("SPY", P, long, expiry, qty, long_price),
    )


def _closing(legs, prices):
    return tuple(opt("SPY", leg.right, leg.strike, leg.expiry, -leg.quantity, price)
                 for leg, price in zip(legs, prices, strict=True))  # fmt: skip


def test_a_roll_for_a_credit_keeps_the_chain_positive_though_the_old_spread_lost():
    tape = Tape()
    old = _spread(DEC, 450, 445, 1, 1.50, 0.90)  # 0.60 credit
    opened = tape.trade(at(DAY, "10:00"), *old)
    # Tested: buy back for 2.40 (a 1.80 loss) and sell the January spread for 2.70 in one order.
    new = _spread(JAN, 445, 440, 1, 4.10, 1.40)
    roll = tape.trade(ROLL_DAY, *_closing(old, (4.60, 2.20)), *new)

    result = classify(tape.rows, tape.closes())
    first, second = result.groups
    (chain,) = result.chains

    assert first.opening_keys == keys(opened)
    assert first.closing_keys == keys(roll[:2])
    assert second.opening_keys == keys(roll[2:])
    assert second.kind is K.BULL_PUT_CREDIT
    assert first.cash_flow < 0  # the closed spread alone is a loss
    assert chain.group_ids == (first.id, second.id)
    assert chain.id == first.id
    assert chain.rolls == 1
    assert chain.cash_flow == first.cash_flow + second.cash_flow
    assert chain.cash_flow == Decimal("60") - Decimal("240") + Decimal("270") - 6 * Decimal("0.14")
    assert chain.cash_flow > 0
    assert first.roll_chain == second.roll_chain == first.id


def test_a_roll_as_two_orders_inside_the_window_is_a_roll():
    tape = Tape()
    old = _spread(DEC, 450, 445, 1, 1.50, 0.90)
    tape.trade(at(DAY, "10:00"), *old)
    tape.trade(ROLL_DAY, *_closing(old, (2.00, 1.00)))
    tape.trade(later(ROLL_DAY, 45), *_spread(JAN, 445, 440, 1, 3.10, 1.40))

    result = classify(tape.rows, tape.closes())

    (chain,) = result.chains
    assert chain.group_ids == tuple(group.id for group in result.groups)


def test_opening_the_new_position_first_and_closing_the_old_one_after_is_a_roll():
    tape = Tape()
    old = _spread(DEC, 450, 445, 1, 1.50, 0.90)
    tape.trade(at(DAY, "10:00"), *old)
    tape.trade(ROLL_DAY, *_spread(JAN, 445, 440, 1, 3.10, 1.40))
    tape.trade(later(ROLL_DAY, 50), *_closing(old, (2.00, 1.00)))

    result = classify(tape.rows, tape.closes())

    (chain,) = result.chains
    assert chain.group_ids == tuple(group.id for group in result.groups)


def test_a_new_trade_long_after_a_close_is_not_a_roll():
    tape = Tape()
    old = _spread(DEC, 450, 445, 1, 1.50, 0.90)
    tape.trade(at(DAY, "10:00"), *old)
    tape.trade(ROLL_DAY, *_closing(old, (2.00, 1.00)))
    tape.trade(later(ROLL_DAY, 600), *_spread(JAN, 445, 440, 1, 3.10, 1.40))

    result = classify(tape.rows, tape.closes())

    assert result.chains == ()
    assert all(group.roll_chain is None for group in result.groups)


def test_a_legged_roll_still_forms_one_new_spread():
    tape = Tape()
    old = _spread(DEC, 450, 445, 1, 1.50, 0.90)
    tape.trade(at(DAY, "10:00"), *old)
    tape.trade(ROLL_DAY, *_closing(old, (2.00, 1.00)))
    short, long = _spread(JAN, 445, 440, 1, 3.10, 1.40)
    sold = tape.trade(later(ROLL_DAY, 20), short)
    bought = tape.trade(later(ROLL_DAY, 50), long)

    result = classify(tape.rows, tape.closes())
    _, new = result.groups

    assert new.opening_keys == keys(sold + bought)
    assert new.kind is K.BULL_PUT_CREDIT
    assert result.chains[0].group_ids[-1] == new.id


def test_rolling_twice_makes_a_three_group_chain_oldest_first():
    tape = Tape()
    first = _spread(DEC, 450, 445, 1, 1.50, 0.90)
    second = _spread(JAN, 445, 440, 1, 3.10, 1.40)
    third = _spread(FEB, 440, 435, 1, 3.30, 1.60)
    tape.trade(at(DAY, "10:00"), *first)
    tape.trade(ROLL_DAY, *_closing(first, (2.0, 1.0)), *second)
    tape.trade(at(JAN, "10:00"), *_closing(second, (3.0, 1.2)), *third)

    result = classify(tape.rows, tape.closes())
    (chain,) = result.chains

    assert chain.group_ids == tuple(group.id for group in result.groups)
    assert len(chain.group_ids) == 3
    assert chain.rolls == 2
    assert chain.cash_flow == sum(row.net_value for row in tape.rows)
    assert result.groups[-1].is_open
    assert not result.groups[0].is_open


def test_rolling_one_side_of_a_condor_links_the_new_side_and_keeps_the_rest_open():
    tape = Tape()
    puts = _spread(DEC, 470, 460, 1, 1.0, 0.5)
    calls = (opt("SPY", C, 530, DEC, -1, 0.8), opt("SPY", C, 540, DEC, 1, 0.4))
    tape.trade(at(DAY, "10:00"), *puts, *calls)
    new_calls = (opt("SPY", C, 545, JAN, -1, 2.0), opt("SPY", C, 555, JAN, 1, 1.1))
    tape.trade(ROLL_DAY, *_closing(calls, (3.5, 1.9)), *new_calls)

    result = classify(tape.rows, tape.closes())
    condor, rolled = result.groups

    assert condor.kind is K.IRON_CONDOR
    assert condor.is_open  # its put spread is still on
    assert rolled.kind is K.BEAR_CALL_CREDIT
    assert result.chains[0].group_ids == (condor.id, rolled.id)


def test_a_covered_call_rolled_against_its_stock_stays_with_the_stock():
    tape = Tape()
    bought = tape.trade(at(DAY, "10:00"), shares("AAPL", 100, 150.0))
    call = opt("AAPL", C, 160, DEC, -1, 1.5)
    tape.trade(at(DAY, "10:05"), call)
    rolled = tape.trade(
        ROLL_DAY, opt("AAPL", C, 160, DEC, 1, 0.3), opt("AAPL", C, 165, JAN, -1, 1.4)
    )

    result = classify(tape.rows, tape.closes())
    (group,) = result.groups

    assert group.id == bought[0].key
    assert rolled[1].key in group.opening_keys
    assert rolled[0].key in group.closing_keys
    assert group.kind is K.COVERED_CALL
    assert group.name == "AAPL 165 covered call 1/15"
    assert result.chains == ()
