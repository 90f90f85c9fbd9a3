"""Legacy PDT day-trade counting on hand-written fills, real NYSE sessions and random tapes."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain.daytrades import DayTrade, DayTradeMethod
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OccSymbol, OptionRight
from workstation.domain.transactions import Transaction, TransactionKind
from workstation.engines.risk.daytrades import day_trade_status, find_day_trades
from workstation.engines.sessions import xnys

D = Decimal
NY = ZoneInfo("America/New_York")
ACCOUNT = "5WT00001"
PAIRS, DIRECTION = DayTradeMethod.PAIRS, DayTradeMethod.DIRECTION
MON = date(2026, 11, 16)  # Monday of the week before Thanksgiving
TUE = date(2026, 11, 17)
EXPIRY = date(2026, 12, 18)


@cache
def sessions() -> tuple[date, ...]:
    """Return real NYSE sessions from November 2025 to January 2027."""
    return tuple(xnys().sessions(date(2025, 11, 3), date(2027, 1, 29)))


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """Return ``day`` at ``hour:minute`` New York time."""
    return datetime.combine(day, time(hour, minute), tzinfo=NY)


def series(strike: str, right: OptionRight = OptionRight.CALL, root: str = "SPY") -> OccSymbol:
    """Return an option series expiring on :data:`EXPIRY`."""
    return OccSymbol(root, EXPIRY, right, D(strike))


def fill(
    key: str,
    quantity: int | str,
    when: datetime,
    *,
    symbol: str = "XYZ",
    option: OccSymbol | None = None,
    order: str = "",
    kind: TransactionKind = TransactionKind.TRADE,
    account: str = ACCOUNT,
    reverses: str = "",
) -> Transaction:
    """Return a stock fill, or an option fill when ``option`` is given (signed quantity)."""
    q = D(quantity)
    common = dict(quantity=q, order_id=order, account=account, reverses_key=reverses)
    if option is None:
        return Transaction(
            "tastytrade", key=key, kind=kind, executed_at=when, instrument=InstrumentKind.EQUITY,
            symbol=symbol, underlying=symbol, price=D(10), value=-q * 10, **common,
        )  # fmt: skip
    return Transaction(
        "tastytrade", key=key, kind=kind, executed_at=when,
        instrument=InstrumentKind.EQUITY_OPTION, symbol=str(option), underlying=option.root,
        expiry=option.expiry, strike=option.strike, right=option.right, multiplier=D(100),
        price=D(1), value=-q * 100, **common,
    )  # fmt: skip


def day_trades(
    rows: list[Transaction], method: DayTradeMethod = PAIRS, **kw: bool
) -> list[DayTrade]:
    return find_day_trades(rows, sessions(), method, **kw)


def count(rows: list[Transaction], method: DayTradeMethod = PAIRS, **kw: bool) -> int:
    return len(day_trades(rows, method, **kw))


# ---------------------------------------------------------------- regulator's examples


def test_buying_and_selling_one_option_in_a_session_is_one_day_trade() -> None:
    call = series("600")
    rows = [fill("b", 1, at(MON, 10), option=call), fill("s", -1, at(MON, 14), option=call)]
    [trade] = day_trades(rows)
    assert (trade.symbol, trade.underlying, trade.session) == (str(call), "SPY", MON)
    assert trade.quantity == 1
    assert (trade.open_keys, trade.close_keys) == (("b",), ("s",))
    assert trade.closed_at == at(MON, 14)
    # Sessions after Mon 16 Nov: 17, 18, 19, 20, 23 -> counts through Fri 20, gone on Mon 23.
    assert trade.drops_off == date(2026, 11, 23)


def test_held_overnight_sold_then_bought_back_is_no_day_trade() -> None:
    rows = [fill("b", 100, at(MON)), fill("s", -100, at(TUE, 10)), fill("b2", 100, at(TUE, 11))]
    assert count(rows) == 0
    assert count(rows, DIRECTION) == 0


def test_adding_to_an_overnight_position_then_trimming_is_a_day_trade() -> None:
    # Held 50, bought 25 and sold 25 the same day: the sale closes today's purchase.
    rows = [fill("h", 50, at(MON)), fill("b", 25, at(TUE, 10)), fill("s", -25, at(TUE, 11))]
    [trade] = day_trades(rows)
    assert (trade.session, trade.quantity, trade.open_keys) == (TUE, 25, ("b",))


def test_selling_more_than_bought_today_counts_only_the_same_day_part() -> None:
    rows = [fill("h", 50, at(MON)), fill("b", 25, at(TUE, 10)), fill("s", -60, at(TUE, 11))]
    [trade] = day_trades(rows)
    assert trade.quantity == 25


# ---------------------------------------------------------------- counting methods


def test_buy_buy_sell_sell_is_two_pairs_but_one_change_of_direction() -> None:
    rows = [
        fill("b1", 10, at(MON, 10), order="1"),
        fill("b2", 10, at(MON, 11), order="2"),
        fill("s1", -10, at(MON, 12), order="3"),
        fill("s2", -10, at(MON, 13), order="4"),
    ]
    assert [t.close_keys for t in day_trades(rows)] == [("s1",), ("s2",)]
    [run] = day_trades(rows, DIRECTION)
    assert run.close_keys == ("s1", "s2")
    assert run.open_keys == ("b1", "b2")
    assert run.order_ids == ("1", "2", "3", "4")
    assert run.quantity == 20


def test_buy_sell_buy_sell_is_two_under_both_methods() -> None:
    rows = [
        fill("b1", 10, at(MON, 10)),
        fill("s1", -10, at(MON, 11)),
        fill("b2", 10, at(MON, 12)),
        fill("s2", -10, at(MON, 13)),
    ]
    assert count(rows) == 2
    assert [t.open_keys for t in day_trades(rows, DIRECTION)] == [("b1",), ("b2",)]


def test_partial_fills_of_one_order_are_one_transaction() -> None:
    opens = [fill("b", 30, at(MON, 10), order="O1")]
    closes = [fill(f"s{i}", -10, at(MON, 11, i), order="C1") for i in range(3)]
    [trade] = day_trades(opens + closes)
    assert (trade.close_keys, trade.quantity, trade.order_ids) == (
        ("s0", "s1", "s2"),
        30,
        ("O1", "C1"),
    )
    # Without an order id each fill is its own transaction.
    unordered = [fill(f"s{i}", -10, at(MON, 11, i)) for i in range(3)]
    assert count(opens + unordered) == 3
    assert count(opens + unordered, DIRECTION) == 1


def test_partial_fills_of_one_order_are_one_trade_in_the_window() -> None:
    rows = [fill(f"b{i}", 10, at(MON, 10, i), order="O1") for i in range(3)]
    rows += [fill("s", -30, at(MON, 11), order="C1")]
    status = day_trade_status(rows, sessions(), MON)
    assert (status.count, status.trades_in_window) == (1, 2)


def test_selling_short_then_buying_to_cover_is_a_day_trade() -> None:
    put = series("580", OptionRight.PUT)
    rows = [fill("sto", -3, at(MON, 10), option=put), fill("btc", 2, at(MON, 15), option=put)]
    [trade] = day_trades(rows)
    assert (trade.quantity, trade.open_keys, trade.close_keys) == (2, ("sto",), ("btc",))


def test_a_fill_through_zero_closes_todays_long_and_opens_a_short() -> None:
    rows = [
        fill("b", 100, at(MON, 10)),
        fill("flip", -150, at(MON, 11)),  # closes the 100 bought today, opens 50 short
        fill("cover", 50, at(MON, 12)),  # closes the short opened today
    ]
    assert [(t.close_keys, t.quantity) for t in day_trades(rows)] == [
        (("flip",), 100),
        (("cover",), 50),
    ]
    assert count(rows, DIRECTION) == 2


def test_a_fill_through_an_overnight_position_counts_only_the_reopened_part() -> None:
    rows = [fill("h", 100, at(MON)), fill("flip", -150, at(TUE, 10)), fill("c", 50, at(TUE, 11))]
    [trade] = day_trades(rows)
    assert (trade.close_keys, trade.open_keys, trade.quantity) == (("c",), ("flip",), 50)


def test_accounts_are_counted_apart() -> None:
    rows = [fill("b", 10, at(MON, 10), account="A"), fill("s", -10, at(MON, 11), account="B")]
    assert count(rows) == 0
    rows += [fill("s2", -10, at(MON, 12), account="A")]
    assert [t.account for t in day_trades(rows)] == ["A"]


def test_extended_hours_fills_belong_to_their_new_york_date() -> None:
    evening = [fill("b", 10, at(MON, 18)), fill("s", -10, at(TUE, 8))]
    assert count(evening) == 0
    same_day = [fill("b", 10, at(MON, 7)), fill("s", -10, at(MON, 19, 30))]
    assert count(same_day) == 1


# ---------------------------------------------------------------- rows that are not trades


def test_assignment_and_expiration_move_the_position_but_are_not_trades() -> None:
    put = series("580", OptionRight.PUT)
    assigned = [
        fill("sto", -1, at(MON, 10), option=put),
        fill("asg", 1, at(MON, 16), option=put, kind=TransactionKind.ASSIGNMENT),
    ]
    assert count(assigned) == 0
    # Two bought, one sold, one expired: only the sale closes a same-day open.
    expired = [
        fill("b", 2, at(MON, 10), option=put),
        fill("s", -1, at(MON, 11), option=put),
        fill("x", -1, at(MON, 16), option=put, kind=TransactionKind.EXPIRATION),
    ]
    assert [t.quantity for t in day_trades(expired)] == [1]


def test_a_position_removed_by_assignment_is_not_closed_again() -> None:
    # Bought 2 today, 2 exercised away, then a new short opened and covered.
    call = series("600")
    rows = [
        fill("b", 2, at(MON, 10), option=call),
        fill("ex", -2, at(MON, 11), option=call, kind=TransactionKind.EXERCISE),
        fill("sto", -1, at(MON, 12), option=call),
        fill("btc", 1, at(MON, 13), option=call),
    ]
    [trade] = day_trades(rows)
    assert (trade.open_keys, trade.quantity) == (("sto",), 1)


def test_a_partial_expiration_shrinks_what_was_opened_today() -> None:
    # 2 bought, 1 expired: only 1 of today's opens is still held, so the fill
    # through zero closes it and the cover closes the short the flip opened.
    call = series("600")
    rows = [
        fill("b", 2, at(MON, 10), option=call),
        fill("x", -1, at(MON, 11), option=call, kind=TransactionKind.EXPIRATION),
        fill("flip", -2, at(MON, 12), option=call),
        fill("cover", 1, at(MON, 13), option=call),
    ]
    assert [(t.open_keys, t.close_keys, t.quantity) for t in day_trades(rows)] == [
        (("b",), ("flip",), 1),
        (("flip",), ("cover",), 1),
    ]


def test_a_reversed_fill_is_not_a_trade() -> None:
    rows = [
        fill("b", 10, at(MON, 10)),
        fill("s", -10, at(MON, 11)),
        fill("undo", 10, at(MON, 12), reverses="s"),
    ]
    assert count(rows) == 0


def test_rows_before_the_first_session_only_set_the_position() -> None:
    early = [fill("old", 100, at(date(2025, 6, 2))), fill("s", -100, at(MON, 10))]
    assert count(early) == 0
    bought_early = [fill("b", 5, at(date(2025, 6, 2), 10)), fill("s", -5, at(date(2025, 6, 2), 11))]
    assert count(bought_early) == 0  # before the sessions given: not looked for


# ---------------------------------------------------------------- sessions, holidays, windows


@pytest.mark.parametrize(
    ("session", "drops_off"),
    [
        (date(2026, 11, 20), date(2026, 11, 30)),  # skips Thanksgiving, Thu 26 Nov
        (date(2025, 12, 19), date(2025, 12, 29)),  # skips Christmas, Thu 25 Dec
        (date(2025, 12, 24), date(2026, 1, 2)),  # skips Christmas and New Year's Day
        (date(2026, 11, 25), date(2026, 12, 3)),  # half day Fri 27 Nov is a session
    ],
)
def test_drop_off_is_five_sessions_later_skipping_holidays(session: date, drops_off: date) -> None:
    rows = [fill("b", 1, at(session, 10)), fill("s", -1, at(session, 11))]
    [trade] = day_trades(rows)
    assert trade.drops_off == drops_off


def test_window_crossing_thanksgiving_holds_five_sessions() -> None:
    rows = [fill("b", 1, at(date(2026, 11, 19), 10)), fill("s", -1, at(date(2026, 11, 19), 11))]
    status = day_trade_status(rows, sessions(), date(2026, 11, 27))
    assert status.window == (
        date(2026, 11, 20),
        date(2026, 11, 23),
        date(2026, 11, 24),
        date(2026, 11, 25),
        date(2026, 11, 27),
    )
    assert status.count == 0  # Thu 19 Nov dropped off on Fri 27 Nov
    assert len(status.history) == 1
    on_the_holiday = day_trade_status(rows, sessions(), date(2026, 11, 26))
    assert on_the_holiday.as_of == date(2026, 11, 25)
    assert on_the_holiday.window[0] == date(2026, 11, 19)
    assert on_the_holiday.count == 1
    assert on_the_holiday.next_drop_off == date(2026, 11, 27)


def test_a_fill_on_a_holiday_or_weekend_is_a_data_error_naming_the_row() -> None:
    thanksgiving = [fill("bad-row", 1, at(date(2026, 11, 26), 10))]
    with pytest.raises(ValueError, match=r"bad-row.*2026-11-26.*not an exchange session"):
        find_day_trades(thanksgiving, sessions())
    saturday = [fill("sat-row", 1, at(date(2026, 11, 21), 10))]
    with pytest.raises(ValueError, match=r"sat-row"):
        find_day_trades(saturday, sessions())


def test_sessions_must_reach_past_the_fills_and_their_drop_off() -> None:
    rows = [fill("b", 1, at(MON, 10)), fill("s", -1, at(MON, 11))]
    with pytest.raises(ValueError, match="after the last session"):
        find_day_trades(rows, [date(2026, 11, 13)])
    with pytest.raises(ValueError, match="drop-off"):
        find_day_trades(rows, [MON, TUE])
    with pytest.raises(ValueError, match="ascending"):
        find_day_trades(rows, [TUE, MON])


# ---------------------------------------------------------------- the account's standing


def _day_trade_on(day: date, n: int, account: str = ACCOUNT) -> list[Transaction]:
    """Return a round trip on ``day`` (one day trade, two trades)."""
    b = fill(f"b{day}{n}", 1, at(day, 10, n), account=account)
    return [b, fill(f"s{day}{n}", -1, at(day, 11, n), account=account)]


WEEK = [date(2026, 11, d) for d in (17, 18, 19, 20, 23)]


def test_the_fourth_day_trade_in_five_sessions_flags_the_account() -> None:
    rows = [row for i, day in enumerate(WEEK[:4]) for row in _day_trade_on(day, i)]
    status = day_trade_status(rows, sessions(), WEEK[-1], equity=D("18250"))
    assert status.window == tuple(WEEK)
    assert (status.count, status.trades_in_window, status.share) == (4, 8, D("0.5"))
    assert status.is_pattern
    assert status.below_minimum
    assert status.remaining == 0
    assert status.next_drop_off == date(2026, 11, 24)  # Tue 17's trade
    three = day_trade_status(rows[2:], sessions(), WEEK[-1], equity=D("25000"))
    assert (three.count, three.is_pattern, three.remaining, three.below_minimum) == (
        3,
        False,
        0,
        False,
    )


def test_four_day_trades_among_a_hundred_trades_fail_the_six_percent_test() -> None:
    rows = [row for i, day in enumerate(WEEK[:4]) for row in _day_trade_on(day, i)]
    others = [
        fill(f"x{i}", 1, at(WEEK[-1], 12 + i // 60, i % 60), symbol=f"S{i}") for i in range(92)
    ]
    status = day_trade_status(rows + others, sessions(), WEEK[-1])
    assert (status.count, status.trades_in_window, status.share) == (4, 100, D("0.04"))
    assert not status.is_pattern
    assert not status.below_minimum  # equity unknown


def test_day_trades_before_the_window_and_in_other_accounts_are_left_out() -> None:
    rows = _day_trade_on(MON, 0) + _day_trade_on(WEEK[0], 1) + _day_trade_on(WEEK[1], 2, "B")
    status = day_trade_status(rows, sessions(), WEEK[-1], account=ACCOUNT)
    assert [t.session for t in status.history] == [MON, WEEK[0]]
    assert [t.session for t in status.day_trades] == [WEEK[0]]
    assert (status.count, status.remaining, status.trades_in_window) == (1, 2, 2)
    with pytest.raises(ValueError, match="pass account="):
        day_trade_status(rows, sessions(), WEEK[-1])


def test_an_account_with_no_trades_has_a_clean_status() -> None:
    status = day_trade_status([], sessions(), WEEK[-1], account="NEW", equity=D("30000"))
    assert (status.count, status.share, status.remaining, status.next_drop_off) == (0, 0, 3, None)
    assert not status.is_pattern


# ---------------------------------------------------------------- multi-leg orders


def _vertical(day: date) -> list[Transaction]:
    long, short = series("600"), series("605")
    return [
        fill("o-long", 1, at(day, 10), option=long, order="OPEN"),
        fill("o-short", -1, at(day, 10), option=short, order="OPEN"),
        fill("c-long", -1, at(day, 14), option=long, order="CLOSE"),
        fill("c-short", 1, at(day, 14), option=short, order="CLOSE"),
    ]


def test_a_vertical_opened_and_closed_in_a_session_is_two_day_trades_by_default() -> None:
    trades = day_trades(_vertical(MON))
    assert sorted(t.symbol for t in trades) == [str(series("600")), str(series("605"))]
    status = day_trade_status(_vertical(MON), sessions(), MON)
    assert (status.count, status.trades_in_window) == (2, 4)


def test_a_vertical_counts_once_when_legs_of_one_order_count_once() -> None:
    [trade] = day_trades(_vertical(MON), legs_of_one_order_count_once=True)
    assert set(trade.symbols) == {str(series("600")), str(series("605"))}
    assert trade.order_ids == ("OPEN", "CLOSE")
    assert set(trade.close_keys) == {"c-long", "c-short"}
    status = day_trade_status(_vertical(MON), sessions(), MON, legs_of_one_order_count_once=True)
    assert (status.count, status.trades_in_window) == (1, 2)
    assert count(_vertical(MON), DIRECTION, legs_of_one_order_count_once=True) == 1


def test_a_three_leg_position_closed_by_two_orders_under_each_count() -> None:
    # Long 2 of the 600 calls, short one each of the 605 and 610, opened in one
    # order; closed the same day as 600/605 (order C1), then 600/610 (order C3).
    x, y, z = series("600"), series("605"), series("610")
    rows = [
        fill("o-x", 2, at(MON, 10), option=x, order="OPEN"),
        fill("o-y", -1, at(MON, 10), option=y, order="OPEN"),
        fill("o-z", -1, at(MON, 10), option=z, order="OPEN"),
        fill("c1-x", -1, at(MON, 14), option=x, order="C1"),
        fill("c1-y", 1, at(MON, 14), option=y, order="C1"),
        fill("c3-x", -1, at(MON, 15), option=x, order="C3"),
        fill("c3-z", 1, at(MON, 15), option=z, order="C3"),
    ]
    assert count(rows) == 4  # each leg's each closing order
    assert count(rows, DIRECTION) == 3  # one change of direction per series
    assert count(rows, legs_of_one_order_count_once=True) == 2  # one per closing order
    # The 600s closed in one run by both orders, which ties them into one.
    [whole] = day_trades(rows, DIRECTION, legs_of_one_order_count_once=True)
    assert (whole.quantity, whole.order_ids) == (2, ("OPEN", "C1", "C3"))
    assert whole.close_keys == ("c1-x", "c1-y", "c3-x", "c3-z")


def test_an_iron_condor_with_only_the_put_side_closed_the_same_day() -> None:
    legs = {
        "lp": (series("560", OptionRight.PUT), 1),
        "sp": (series("570", OptionRight.PUT), -1),
        "sc": (series("630"), -1),
        "lc": (series("640"), 1),
    }
    rows = [fill(f"o-{n}", q, at(MON, 10), option=s, order="IC") for n, (s, q) in legs.items()]
    rows += [
        fill(f"c-{n}", -q, at(MON, 15), option=s, order="PUTS")
        for n, (s, q) in legs.items()
        if n in {"lp", "sp"}
    ]
    rows += [
        fill(f"c-{n}", -q, at(TUE, 10), option=s, order="CALLS")
        for n, (s, q) in legs.items()
        if n in {"sc", "lc"}
    ]
    by_default = day_trades(rows)
    assert sorted(t.close_keys for t in by_default) == [("c-lp",), ("c-sp",)]
    [once] = day_trades(rows, legs_of_one_order_count_once=True)
    assert (once.session, once.quantity, once.order_ids) == (MON, 1, ("IC", "PUTS"))


# ---------------------------------------------------------------- invariants on random tapes

SYMBOLS = ("XYZ", "ABC")
ACCOUNTS = ("A", "B")
DAYS = [date(2026, 11, d) for d in (16, 17, 18)]
tapes = st.lists(
    st.tuples(
        st.sampled_from(ACCOUNTS),
        st.sampled_from(SYMBOLS),
        st.integers(-5, 5).filter(bool),
        st.integers(0, 2),  # session
        st.integers(0, 5),  # minute (ties are common)
        st.integers(0, 3),  # order id, 0 = none
        st.booleans(),  # an expiration-like removal instead of a trade
    ),
    max_size=30,
)


def _tape(spec: list[tuple[str, str, int, int, int, int, bool]]) -> list[Transaction]:
    rows = []
    for i, (account, symbol, quantity, day, minute, order, removal) in enumerate(spec):
        kind = TransactionKind.EXPIRATION if removal else TransactionKind.TRADE
        when = at(DAYS[day], 10, minute)
        order_id = f"{account}{symbol}{day}-{order}" if order else ""
        rows.append(
            fill(
                f"k{i:03}",
                quantity,
                when,
                symbol=symbol,
                account=account,
                order=order_id,
                kind=kind,
            )
        )
    return rows


@settings(max_examples=150, deadline=None)
@given(
    tapes, st.randoms(use_true_random=False), st.sampled_from(tuple(DayTradeMethod)), st.booleans()
)
def test_the_count_does_not_depend_on_row_order(
    spec: list[tuple[str, str, int, int, int, int, bool]],
    rng: random.Random,
    method: DayTradeMethod,
    once: bool,
) -> None:
    rows = _tape(spec)
    shuffled = list(rows)
    rng.shuffle(shuffled)
    assert day_trades(shuffled, method, legs_of_one_order_count_once=once) == day_trades(
        rows, method, legs_of_one_order_count_once=once
    )


@settings(max_examples=150, deadline=None)
@given(tapes)
def test_direction_never_counts_more_than_pairs(
    spec: list[tuple[str, str, int, int, int, int, bool]],
) -> None:
    rows = _tape(spec)
    assert count(rows, DIRECTION) <= count(rows, PAIRS)


@settings(max_examples=150, deadline=None)
@given(tapes, st.sampled_from(tuple(DayTradeMethod)))
def test_day_trade_quantity_never_exceeds_what_was_opened_that_session(
    spec: list[tuple[str, str, int, int, int, int, bool]], method: DayTradeMethod
) -> None:
    rows = _tape(spec)
    bought: dict[tuple[str, str, date], Decimal] = defaultdict(Decimal)
    sold: dict[tuple[str, str, date], Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.kind is TransactionKind.TRADE:
            side = bought if row.quantity > 0 else sold
            side[row.account, row.symbol, row.trade_date] += abs(row.quantity)
    counted: dict[tuple[str, str, date], Decimal] = defaultdict(Decimal)
    for trade in day_trades(rows, method):
        assert trade.quantity > 0
        counted[trade.account, trade.symbol, trade.session] += trade.quantity
    for where, quantity in counted.items():
        # Every unit closed the same day was both opened and closed by that day's trades.
        assert quantity <= min(bought[where], sold[where])
