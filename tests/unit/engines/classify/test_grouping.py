"""How fills over time become groups: legged entries, partial fills, adds, closes, assignment."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.unit.engines.classify.tape import C, P, Tape, at, keys, later, opt, shares
from workstation.domain.strategies import StrategyKind as K
from workstation.domain.transactions import Transaction, TransactionKind
from workstation.engines.classify import classify

DEC = date(2026, 12, 18)
JAN = date(2027, 1, 15)
DAY = date(2026, 11, 2)
OPEN = at(DAY, "10:00")


def _spy(right, strike, qty, price, expiry=DEC):
    return opt("SPY", right, strike, expiry, qty, price)


def _groups(tape):
    return classify(tape.rows, tape.closes()).groups


def test_a_spread_legged_in_as_two_orders_30_seconds_apart_is_one_spread():
    tape = Tape()
    short = tape.trade(OPEN, _spy(P, 450, -1, 2.5))
    long = tape.trade(later(OPEN, 30), _spy(P, 445, 1, 1.6))

    (group,) = _groups(tape)

    assert group.kind is K.BULL_PUT_CREDIT
    assert group.opening_keys == keys(short + long)


def test_an_iron_condor_legged_in_as_two_spreads_is_one_condor():
    tape = Tape()
    puts = tape.trade(OPEN, _spy(P, 460, 1, 0.5), _spy(P, 470, -1, 1.0))
    calls = tape.trade(later(OPEN, 75), _spy(C, 530, -1, 0.8), _spy(C, 540, 1, 0.4))

    (group,) = _groups(tape)

    assert group.kind is K.IRON_CONDOR
    assert group.opening_keys == keys(puts + calls)


def test_a_second_leg_after_the_window_is_a_trade_of_its_own():
    tape = Tape()
    tape.trade(OPEN, _spy(P, 450, -1, 2.5))
    tape.trade(later(OPEN, 180), _spy(P, 445, 1, 1.6))

    assert [group.kind for group in _groups(tape)] == [K.SHORT_PUT, K.LONG_PUT]


def test_the_window_is_configurable():
    tape = Tape()
    tape.trade(OPEN, _spy(P, 450, -1, 2.5))
    tape.trade(later(OPEN, 180), _spy(P, 445, 1, 1.6))

    result = classify(tape.rows, tape.closes(), window=timedelta(minutes=5))

    assert [group.kind for group in result.groups] == [K.BULL_PUT_CREDIT]


def test_unrelated_orders_inside_the_window_stay_apart():
    tape = Tape()
    tape.trade(OPEN, _spy(P, 450, -1, 2.5))
    tape.trade(later(OPEN, 20), _spy(P, 440, -1, 2.0))  # two short puts: no known structure
    tape.trade(later(OPEN, 40), opt("QQQ", P, 400, DEC, 1, 3.0))  # another underlying

    kinds = [(group.underlying, group.kind) for group in _groups(tape)]

    assert kinds == [("SPY", K.SHORT_PUT), ("SPY", K.SHORT_PUT), ("QQQ", K.LONG_PUT)]


def test_fills_without_order_ids_close_in_time_are_one_order():
    tape = Tape()
    first = tape.trade(OPEN, _spy(P, 460, 1, 0.5), _spy(P, 470, -1, 1.0), order="")
    second = tape.trade(later(OPEN, 5), _spy(C, 530, -1, 0.8), _spy(C, 540, 1, 0.4), order="")
    tape.trade(at(DAY, "11:00"), _spy(C, 560, 1, 0.1), order="")

    condor, lottery = _groups(tape)

    assert condor.kind is K.IRON_CONDOR
    assert condor.opening_keys == keys(first + second)
    assert lottery.kind is K.LONG_CALL


def test_partial_fills_of_one_order_are_one_group():
    tape = Tape()
    fills = tape.trade(OPEN, _spy(P, 450, -2, 2.5), _spy(P, 445, 2, 1.6), order="7001")
    fills += tape.trade(later(OPEN, 4), _spy(P, 450, -1, 2.5), _spy(P, 445, 1, 1.6), order="7001")

    (group,) = _groups(tape)

    assert group.opening_keys == keys(fills)
    assert group.kind is K.BULL_PUT_CREDIT
    assert [leg.quantity for leg in group.legs] == [-3, 3]


def test_adding_contracts_days_later_stays_in_the_position():
    tape = Tape()
    first = tape.trade(OPEN, _spy(P, 450, -1, 2.5), _spy(P, 445, 1, 1.6))
    added = tape.trade(at(date(2026, 11, 5), "13:00"), _spy(P, 450, -2, 3.1), _spy(P, 445, 2, 2.0))

    (group,) = _groups(tape)

    assert group.opening_keys == keys(first + added)
    assert group.kind is K.BULL_PUT_CREDIT


def test_a_different_spread_later_is_a_new_group():
    tape = Tape()
    tape.trade(OPEN, _spy(P, 450, -1, 2.5), _spy(P, 445, 1, 1.6))
    tape.trade(at(date(2026, 11, 5), "13:00"), _spy(P, 440, -1, 2.0), _spy(P, 435, 1, 1.4))

    assert len(_groups(tape)) == 2


def test_partial_closes_keep_the_group_open_until_the_last_contract():
    tape = Tape()
    tape.trade(OPEN, _spy(P, 450, -2, 2.5), _spy(P, 445, 2, 1.6))
    half = tape.trade(at(DAY, "14:00"), _spy(P, 450, 1, 1.0), _spy(P, 445, -1, 0.5))
    result = classify(tape.rows, tape.closes())
    assert result.groups[0].is_open
    assert result.groups[0].closing_keys == keys(half)

    rest = tape.trade(at(date(2026, 11, 9), "10:30"), _spy(P, 450, 1, 0.6), _spy(P, 445, -1, 0.2))
    (group,) = _groups(tape)

    assert not group.is_open
    assert group.closed_at == rest[-1].executed_at
    assert group.closing_keys == keys(half + rest)
    assert group.cash_flow == sum(row.net_value for row in tape.rows)


def test_expiration_closes_the_legs_it_removes():
    tape = Tape()
    legs = (
        _spy(P, 460, 1, 0.5),
        _spy(P, 470, -1, 1.0),
        _spy(C, 530, -1, 0.8),
        _spy(C, 540, 1, 0.4),
    )
    tape.trade(OPEN, *legs)
    expired = tape.expire(at(DEC, "16:00"), *legs)

    (group,) = _groups(tape)

    assert group.closing_keys == keys(expired)
    assert group.closed_at == at(DEC, "16:00")
    assert group.cash_flow == Decimal("90") - Decimal("0.56")  # 0.90 credit, 4 x 0.14 fees
    assert group.kind is K.IRON_CONDOR


@pytest.mark.parametrize(
    "stock_kind", [TransactionKind.TRADE, TransactionKind.ASSIGNMENT], ids=["trade", "assignment"]
)
def test_a_wheel_stays_one_group_and_ends_as_a_covered_call(stock_kind):
    tape = Tape()
    put = opt("AAPL", P, 150, DEC, -1, 2.0)
    sold = tape.trade(OPEN, put)
    assigned = tape.assign(at(DEC, "16:30"), put, stock_kind=stock_kind)
    call = opt("AAPL", C, 155, JAN, -1, 1.2)
    covered = tape.trade(at(date(2026, 12, 21), "10:00"), call)
    called = tape.assign(at(JAN, "16:30"), call, stock_kind=stock_kind)

    (group,) = _groups(tape)

    assert group.kind is K.COVERED_CALL
    assert group.name == "AAPL 155 covered call 1/15"
    assert group.opening_keys == (*keys(sold), assigned[1].key, *keys(covered))
    assert group.closing_keys == (assigned[0].key, *keys(called))
    assert not group.is_open
    # premium 200 + call 120 + stock bought at 150 sold at 155 (500), fees 0.14 + 0.14 + 0.02
    assert group.cash_flow == Decimal("819.70")


def test_a_call_sold_against_stock_bought_earlier_makes_a_covered_call():
    tape = Tape()
    bought = tape.trade(OPEN, shares("MSFT", 300, 410.0))
    calls = tape.trade(at(date(2026, 11, 6), "11:00"), opt("MSFT", C, 430, DEC, -3, 4.0))

    (group,) = _groups(tape)

    assert group.opening_keys == keys(bought + calls)
    assert group.kind is K.COVERED_CALL


def test_a_call_beyond_the_shares_held_is_not_covered():
    tape = Tape()
    tape.trade(OPEN, shares("MSFT", 100, 410.0))
    tape.trade(at(date(2026, 11, 6), "11:00"), opt("MSFT", C, 430, DEC, -2, 4.0))

    kinds = [group.kind for group in _groups(tape)]

    assert kinds == [K.CUSTOM, K.SHORT_CALL]


def test_a_close_spanning_two_groups_counts_in_both_and_keeps_the_cash():
    tape = Tape()
    naked = tape.trade(OPEN, _spy(P, 450, -1, 2.0))
    spread = tape.trade(at(DAY, "15:00"), _spy(P, 450, -1, 2.4), _spy(P, 445, 1, 1.5))
    (close,) = tape.trade(at(date(2026, 11, 9), "10:00"), _spy(P, 450, 2, 1.0))

    result = classify(tape.rows, tape.closes())
    a, b = result.groups

    assert (a.opening_keys, b.opening_keys) == (keys(naked), keys(spread))
    assert close.key in a.closing_keys
    assert close.key in b.closing_keys
    assert result.group_of[close.key] == naked[0].key
    assert not a.is_open
    assert b.is_open  # the long 445 put is still held
    assert a.cash_flow + b.cash_flow == sum(row.net_value for row in tape.rows)
    assert a.cash_flow == Decimal("200") - Decimal("0.14") + (close.net_value / 2)


def test_closes_of_positions_opened_before_the_history_form_their_own_group():
    tape = Tape()
    legs = (_spy(P, 460, 1, 0.5), _spy(P, 470, -1, 1.0))
    tape.held.update({legs[0].symbol: Decimal(1), legs[1].symbol: Decimal(-1)})
    closed = tape.trade(OPEN, _spy(P, 460, -1, 0.2), _spy(P, 470, 1, 0.4))

    (group,) = _groups(tape)

    assert group.id == closed[0].key
    assert group.opening_keys == ()
    assert group.closing_keys == keys(closed)
    assert group.kind is K.BULL_PUT_CREDIT
    assert not group.is_open


def test_a_sale_larger_than_the_position_flips_it_inside_the_same_group():
    tape = Tape()
    tape.trade(OPEN, shares("AMD", 100, 150.0))
    (flip,) = tape.trade(at(DAY, "12:00"), shares("AMD", -150, 152.0))

    result = classify(tape.rows, tape.closes())
    (group,) = result.groups

    assert group.closing_keys == (flip.key,)
    assert group.is_open  # short 50 shares remain


def test_rows_that_move_no_position_are_not_grouped():
    tape = Tape()
    tape.trade(OPEN, _spy(P, 450, -1, 2.0))
    dividend = Transaction(
        broker="tastytrade",
        account=tape.account,
        key="D1",
        kind=TransactionKind.DIVIDEND,
        executed_at=OPEN,
        symbol="SPY",
        value=Decimal("12.5"),
    )

    result = classify([*tape.rows, dividend], tape.closes())

    assert "D1" not in result.group_of
    assert len(result.groups) == 1


def test_group_of_reads_like_a_mapping_of_every_grouped_row():
    tape = Tape()
    opened = tape.trade(OPEN, _spy(P, 450, -1, 2.5), _spy(P, 445, 1, 1.6))
    tape.trade(at(DAY, "11:00"), opt("QQQ", C, 430, DEC, 1, 3.0))

    result = classify(tape.rows, tape.closes())

    assert len(result.group_of) == 3
    assert dict(result.group_of) == {row.key: opened[0].key for row in opened} | {
        tape.rows[-1].key: tape.rows[-1].key
    }
    assert result.group(opened[0].key) is result.groups[0]
    assert result.group("nope") is None
    with pytest.raises(KeyError):
        result.group_of["nope"]
