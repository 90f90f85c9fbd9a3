"""Cash-account settlement: T+1 on real NYSE sessions, good-faith violations, free riding.

Rows are hand-written the way brokers sign them: buying pays (value negative),
selling receives. Week of Thanksgiving 2026: Mon 23, Tue 24, Wed 25 are
sessions, Thu 26 is a holiday, Fri 27 a (half-day) session.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OccSymbol, OptionRight
from workstation.domain.settlement import Funding
from workstation.domain.transactions import (
    EASTERN,
    PositionEffect,
    Transaction,
    TransactionKind,
)
from workstation.engines.risk.settlement import purchase_check, settlement_status
from workstation.engines.risk.settlement_rows import settlement_date
from workstation.engines.sessions import xnys

D = Decimal
ACCOUNT = "CASH1"
MON, TUE, WED, FRI = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 27)
SESSIONS = xnys().sessions(date(2025, 1, 2), date(2027, 6, 30))
EXPIRY = date(2026, 12, 18)


def at(day: date, minute: int = 0) -> datetime:
    """Return 10:00 New York on ``day`` plus ``minute`` minutes."""
    return datetime.combine(day, time(10), tzinfo=EASTERN) + timedelta(minutes=minute)


def stock(
    key: str,
    symbol: str,
    quantity: int,
    price: str,
    day: date,
    minute: int = 0,
    *,
    order: str = "",
    kind: TransactionKind = TransactionKind.TRADE,
    fees: str = "0",
    account: str = ACCOUNT,
) -> Transaction:
    """Return a stock fill: value = -quantity x price."""
    return Transaction(
        "tastytrade",
        account,
        key,
        kind,
        at(day, minute),
        instrument=InstrumentKind.EQUITY,
        symbol=symbol,
        underlying=symbol,
        quantity=D(quantity),
        price=D(price),
        value=-D(quantity) * D(price),
        commission=D(fees),
        order_id=order,
    )


def option(
    key: str,
    strike: str,
    quantity: int,
    price: str,
    day: date,
    minute: int = 0,
    *,
    effect: PositionEffect | None = None,
    order: str = "",
    kind: TransactionKind = TransactionKind.TRADE,
) -> Transaction:
    """Return an XYZ call fill (multiplier 100): value = -quantity x price x 100."""
    occ = OccSymbol("XYZ", EXPIRY, OptionRight.CALL, D(strike))
    return Transaction(
        "tastytrade",
        ACCOUNT,
        key,
        kind,
        at(day, minute),
        instrument=InstrumentKind.EQUITY_OPTION,
        symbol=str(occ),
        underlying="XYZ",
        expiry=EXPIRY,
        strike=D(strike),
        right=OptionRight.CALL,
        multiplier=D(100),
        quantity=D(quantity),
        price=D(price),
        value=-D(quantity) * D(price) * 100,
        effect=effect,
        order_id=order,
    )


def cash(key: str, kind: TransactionKind, value: str, day: date, minute: int = 0) -> Transaction:
    """Return a cash-only row (deposit, withdrawal, dividend...)."""
    return Transaction("tastytrade", ACCOUNT, key, kind, at(day, minute), value=D(value))


def status(rows: list[Transaction], as_of: date, opening: str = "0", sessions: int = 1):
    return settlement_status(
        rows, SESSIONS, as_of, settle_sessions=sessions, opening_cash=D(opening)
    )


def swap_a_for_b(day: date, sell_b_on: date, tag: str = "") -> list[Transaction]:
    """Sell A held from before, buy B with the proceeds, sell B on ``sell_b_on``."""
    return [
        stock(f"{tag}sell-a", "A", -100, "30", day, 0),
        stock(f"{tag}buy-b", "B", 50, "60", day, 5),
        stock(f"{tag}sell-b", "B", -50, "61", sell_b_on, 10),
    ]


# ------------------------------------------------------------ settlement dates
def test_trades_settle_one_session_later_skipping_weekends_and_holidays():
    assert settlement_date(MON, SESSIONS, 1) == TUE
    assert settlement_date(WED, SESSIONS, 1) == FRI  # Thanksgiving is skipped
    assert settlement_date(FRI, SESSIONS, 1) == date(2026, 11, 30)
    assert settlement_date(WED, SESSIONS, 2) == date(2026, 11, 30)


def test_a_trade_on_a_non_session_day_counts_from_the_next_session():
    assert settlement_date(date(2026, 11, 21), SESSIONS, 1) == TUE  # Saturday -> Monday + 1
    assert settlement_date(date(2026, 11, 26), SESSIONS, 1) == date(2026, 11, 30)


def test_sessions_that_stop_too_early_are_refused():
    with pytest.raises(ValueError, match="sessions end on 2026-11-25"):
        settlement_date(WED, [MON, TUE, WED], 1)
    with pytest.raises(ValueError, match="before the first session"):
        settlement_date(date(2026, 11, 20), [MON, TUE, WED], 1)


# ------------------------------------------------------------ cash
def test_settled_and_unsettled_cash_after_a_round_trip_paid_with_settled_cash():
    rows = [
        cash("dep", TransactionKind.DEPOSIT, "10000", date(2026, 11, 20)),
        stock("buy", "XYZ", 100, "50", MON, 0, fees="1"),
        stock("sell", "XYZ", -100, "51", MON, 30, fees="1"),
    ]
    result = status(rows, MON)
    assert result.violations == ()
    assert result.free_rides == ()
    assert result.settled_cash == D(10000)
    # Both fills settle Tuesday: -5,001 + 5,099.
    assert result.unsettled == ((TUE, D(98)),)
    assert result.total_cash == D(10098)
    assert result.total_cash - result.settled_cash == sum(a for _, a in result.unsettled)
    assert result.settled_available == D(4999)
    assert result.unsettled_proceeds == ((TUE, D(5099)),)
    assert result.warnings == ()


def test_on_the_settlement_date_proceeds_become_settled_cash():
    rows = [
        cash("dep", TransactionKind.DEPOSIT, "10000", date(2026, 11, 20)),
        stock("buy", "XYZ", 100, "50", MON),
        stock("sell", "XYZ", -100, "51", MON, 30),
    ]
    result = status(rows, TUE)
    assert result.settled_cash == D(10100)
    assert result.unsettled == ()
    assert result.settled_available == D(10100)
    assert result.unsettled_proceeds == ()


def test_rows_after_as_of_are_ignored_and_dividends_settle_on_their_date():
    rows = [
        cash("div", TransactionKind.DIVIDEND, "12.50", MON),
        cash("later", TransactionKind.DEPOSIT, "500", TUE),
    ]
    result = status(rows, MON, opening="100")
    assert result.settled_cash == D("112.50")
    assert result.total_cash == D("112.50")


def test_rows_from_two_accounts_are_refused_naming_both():
    rows = [stock("x", "A", 1, "1", MON), stock("y", "A", 1, "1", MON, account="OTHER")]
    with pytest.raises(ValueError, match="CASH1, OTHER"):
        status(rows, MON)


# ------------------------------------------------------------ good-faith violations
def test_selling_what_unsettled_proceeds_bought_before_they_settle_is_a_gfv():
    result = status(swap_a_for_b(MON, MON), MON)
    (gfv,) = result.violations
    assert (gfv.symbol, gfv.bought_key, gfv.sold_key) == ("B", "buy-b", "sell-b")
    assert (gfv.bought_on, gfv.sold_on, gfv.funds_settle_on) == (MON, MON, TUE)
    assert gfv.amount == D(3000)
    assert gfv.paid_by == (Funding(D(3000), "sell-a", TUE),)
    assert "2026-11-23" in gfv.explanation
    assert "settle on 2026-11-24" in gfv.explanation
    assert result.gfv_count_12m == 1
    assert result.restricted_until is None
    assert result.free_rides == ()


def test_selling_after_the_funds_settled_is_not_a_gfv():
    result = status(swap_a_for_b(MON, TUE), TUE)
    assert result.violations == ()
    assert result.gfv_count_12m == 0


def test_a_position_bought_with_unsettled_funds_carries_a_warning_until_they_settle():
    rows = swap_a_for_b(MON, TUE)[:2]
    assert status(rows, MON).warnings == (
        "B bought 2026-11-23 with $3,000.00 of unsettled funds: "
        "selling it before 2026-11-24 would be a good-faith violation.",
    )
    assert status(rows, TUE).warnings == ()


def test_proceeds_across_thanksgiving_settle_on_friday():
    rows = swap_a_for_b(WED, WED)
    result = status(rows, WED)
    (gfv,) = result.violations
    assert gfv.funds_settle_on == FRI
    # Sale of A (+3,000), purchase of B (-3,000) and sale of B (+3,050) all settle Friday.
    assert result.unsettled == ((FRI, D(3050)),)
    assert status(swap_a_for_b(WED, FRI), FRI).violations == ()


def test_only_the_unsettled_share_of_a_partly_sold_purchase_is_involved():
    rows = [
        stock("sell-a", "A", -100, "30", MON),
        stock("buy-b", "B", 100, "50", MON, 5),  # 5,000: 2,000 settled + 3,000 unsettled
        stock("sell-b", "B", -50, "50", MON, 10),
    ]
    (gfv,) = status(rows, MON, opening="2000").violations
    assert gfv.amount == D(1500)


def test_fills_of_one_order_are_one_violation():
    rows = [
        stock("sell-a", "A", -100, "30", MON),
        stock("buy-b1", "B", 20, "60", MON, 5, order="O1"),
        stock("buy-b2", "B", 30, "60", MON, 6, order="O1"),
        stock("sell-b1", "B", -25, "61", MON, 10, order="O2"),
        stock("sell-b2", "B", -25, "61", MON, 11, order="O2"),
    ]
    result = status(rows, MON)
    (gfv,) = result.violations
    assert (gfv.bought_key, gfv.sold_key, gfv.amount) == ("buy-b1", "sell-b1", D(3000))
    assert result.gfv_count_12m == 1


def test_settled_cash_is_spent_before_unsettled_proceeds():
    rows = swap_a_for_b(MON, MON)
    result = status(rows, MON, opening="3000")
    assert result.violations == ()
    assert result.unsettled_proceeds == ((TUE, D(6050)),)


def test_an_option_bought_with_unsettled_premium_and_sold_the_same_day_is_a_gfv():
    rows = [
        option("sell-old", "55", -1, "2.00", MON, 0, effect=PositionEffect.CLOSE),
        option("buy", "50", 1, "1.50", MON, 5, effect=PositionEffect.OPEN),
        option("sell", "50", -1, "1.80", MON, 10, effect=PositionEffect.CLOSE),
    ]
    (gfv,) = status(rows, MON).violations
    assert gfv.symbol == "XYZ   261218C00050000"
    assert gfv.amount == D(150)
    assert gfv.paid_by == (Funding(D(150), "sell-old", TUE),)


def test_spread_legs_of_one_order_pay_for_each_other():
    # A debit call spread for a 150 net debit out of 150 settled cash, closed the same day.
    # The short leg sorts first: without netting its unsettled 50 would fund the long leg.
    opening = [
        option("a-short", "55", -1, "0.50", MON, 0, effect=PositionEffect.OPEN, order="O1"),
        option("b-long", "50", 1, "2.00", MON, 0, effect=PositionEffect.OPEN, order="O1"),
    ]
    closing = [
        option("c-long", "50", -1, "2.20", MON, 30, effect=PositionEffect.CLOSE, order="O2"),
        option("d-short", "55", 1, "0.55", MON, 30, effect=PositionEffect.CLOSE, order="O2"),
    ]
    held = status(opening, MON, opening="150")
    assert held.warnings == ()
    assert held.settled_available == D(0)
    assert status(opening + closing, MON, opening="150").violations == ()


def test_a_spread_bought_without_cash_and_sold_the_same_day_free_rides_its_net_debit():
    rows = [
        option("a-short", "55", -1, "0.50", MON, 0, effect=PositionEffect.OPEN, order="O1"),
        option("b-long", "50", 1, "2.00", MON, 0, effect=PositionEffect.OPEN, order="O1"),
        option("c-long", "50", -1, "2.20", MON, 30, effect=PositionEffect.CLOSE),
    ]
    result = status(rows, MON)
    assert result.violations == ()
    (ride,) = result.free_rides
    assert (ride.symbol, ride.bought_key, ride.amount) == (
        "XYZ   261218C00050000",
        "b-long",
        D(150),
    )


def test_stock_from_an_assignment_paid_with_unsettled_funds_then_sold_is_a_gfv():
    rows = [
        stock("sell-a", "A", -100, "60", MON),
        stock("assigned", "XYZ", 100, "50", MON, 5, kind=TransactionKind.ASSIGNMENT),
        stock("sell-xyz", "XYZ", -100, "52", MON, 10),
    ]
    (gfv,) = status(rows, MON).violations
    assert (gfv.bought_key, gfv.amount) == ("assigned", D(5000))


def test_an_option_that_expires_is_not_a_sale():
    friday = date(2026, 12, 18)
    rows = [
        option("sell-old", "55", -1, "2.00", friday, 0, effect=PositionEffect.CLOSE),
        option("buy", "50", 1, "1.50", friday, 5, effect=PositionEffect.OPEN),
        option("gone", "50", -1, "0", friday, 400, kind=TransactionKind.EXPIRATION),
    ]
    result = status(rows, friday)
    assert result.violations == ()
    assert result.warnings == ()


# ------------------------------------------------------------ free riding
def test_buying_without_cash_and_selling_before_paying_is_free_riding():
    rows = [stock("buy", "XYZ", 100, "50", MON), stock("sell", "XYZ", -100, "51", MON, 30)]
    result = status(rows, MON, opening="2000")
    assert result.violations == ()
    (ride,) = result.free_rides
    assert (ride.bought_key, ride.sold_key, ride.bought_on, ride.sold_on) == (
        "buy",
        "sell",
        MON,
        MON,
    )
    assert ride.amount == D(3000)
    assert ride.payment_due_on == TUE
    assert "free riding" in ride.explanation
    assert result.restricted_until == MON + timedelta(days=90)
    assert result.restriction_reason == "free riding in XYZ on 2026-11-23"
    # The sale's proceeds are set aside for what the purchase owes; only 2,100 is spendable.
    assert result.unsettled_proceeds == ((TUE, D(2100)),)


def test_an_uncovered_purchase_still_held_warns_before_it_is_paid():
    result = status([stock("buy", "XYZ", 100, "50", MON)], MON, opening="2000")
    assert result.free_rides == ()
    assert result.settled_available == D(-3000)
    assert result.warnings == (
        "Purchases and withdrawals exceed the account's cash by $3,000.00: "
        "the broker may call for a deposit or sell positions.",
        "XYZ bought 2026-11-23 cost $3,000.00 more than the account's cash: selling it "
        "before it is paid for on 2026-11-24 would be free riding; deposit the difference.",
    )


# ------------------------------------------------------------ restrictions
def gfv_days(*days: date) -> list[Transaction]:
    """Return one good-faith violation per day, with the proceeds withdrawn once settled."""
    rows: list[Transaction] = []
    for day in days:
        rows += swap_a_for_b(day, day, tag=f"{day}-")
        after = settlement_date(day, SESSIONS, 1)
        rows.append(cash(f"{day}-out", TransactionKind.WITHDRAWAL, "-3050", after))
    return rows


def test_three_gfvs_in_twelve_months_restrict_the_account_for_90_days():
    rows = gfv_days(date(2026, 1, 5), date(2026, 6, 1), MON)
    result = status(rows, MON)
    assert result.gfv_count_12m == 3
    assert result.restricted_until == date(2027, 2, 21)
    assert "3 good-faith violations in 12 months, the last on 2026-11-23" in (
        result.restriction_reason
    )
    assert result.warnings[0].startswith(
        "Restricted to buying with settled cash through 2027-02-21"
    )


def test_the_restriction_lifts_after_90_days():
    rows = gfv_days(date(2026, 1, 5), date(2026, 6, 1), MON)
    assert status(rows, date(2027, 2, 21)).restricted_until == date(2027, 2, 21)
    lifted = status(rows, date(2027, 2, 22))
    assert lifted.restricted_until is None
    assert lifted.restriction_reason == ""
    assert lifted.gfv_count_12m == 2  # January 2026 has left the window


def test_gfvs_spread_over_more_than_twelve_months_do_not_restrict():
    rows = gfv_days(date(2025, 11, 21), date(2026, 6, 1), MON)
    result = status(rows, MON)
    assert len(result.violations) == 3
    assert result.gfv_count_12m == 2
    assert result.restricted_until is None
    assert result.warnings[0].startswith("2 good-faith violations in the last 12 months")


# ------------------------------------------------------------ pre-trade check
def test_purchase_check_says_which_funds_a_purchase_would_use():
    rows = [
        cash("dep", TransactionKind.DEPOSIT, "10000", date(2026, 11, 20)),
        stock("buy", "XYZ", 100, "50", MON),
        stock("sell", "XYZ", -100, "51", MON, 30),
    ]
    result = status(rows, MON)  # 5,000 settled available, 5,100 unsettled until Tuesday
    assert purchase_check(result, D(5000)) is None
    assert purchase_check(result, D(7000)) == (
        "This purchase would use $2,000.00 of unsettled funds: selling it before "
        "2026-11-24 would be a good-faith violation."
    )
    assert purchase_check(result, D(12000)) == (
        "This purchase costs $1,900.00 more than all the account's cash ($5,000.00 settled, "
        "$5,100.00 unsettled): paying for it by selling it would be free riding."
    )
    with pytest.raises(ValueError, match="positive"):
        purchase_check(result, D(0))


def test_purchase_check_in_a_restricted_account_allows_settled_cash_only():
    rows = gfv_days(date(2026, 1, 5), date(2026, 6, 1), MON)
    rows.append(stock("more", "C", -10, "100", MON, 60))
    result = status(rows, MON)
    message = purchase_check(result, D(500))
    assert message is not None
    assert message.startswith("The account may buy only with settled cash through 2027-02-21")


# ------------------------------------------------------------ properties
WEEK = SESSIONS[SESSIONS.index(MON) : SESSIONS.index(MON) + 8]
events = st.lists(
    st.tuples(
        st.integers(0, len(WEEK) - 1),  # session index
        st.sampled_from(["deposit", "withdraw", "buy", "sell", "dividend"]),
        st.sampled_from(["A", "B"]),
        st.integers(1, 20),  # shares
        st.decimals(D("1"), D("90"), places=2),  # price
        st.decimals(D("0"), D("2"), places=2),  # fees
    ),
    max_size=25,
)


def tape(items: list[tuple[int, str, str, int, Decimal, Decimal]]) -> list[Transaction]:
    rows = []
    for n, (day, what, symbol, shares, price, fee) in enumerate(items):
        key = f"r{n}"
        if what in {"buy", "sell"}:
            quantity = shares if what == "buy" else -shares
            rows.append(stock(key, symbol, quantity, str(price), WEEK[day], n, fees=str(fee)))
        else:
            kind = {
                "deposit": TransactionKind.DEPOSIT,
                "withdraw": TransactionKind.WITHDRAWAL,
                "dividend": TransactionKind.DIVIDEND,
            }[what]
            value = -price * 10 if what == "withdraw" else price * 10
            rows.append(cash(key, kind, str(value), WEEK[day], n))
    return rows


@settings(max_examples=150, deadline=None)
@given(
    events,
    st.integers(0, len(WEEK) - 4),
    st.integers(1, 3),
    st.decimals(D(0), D(5000), places=2),
)
def test_settled_plus_unsettled_is_all_the_cash(items, as_of_index, lag, opening):
    rows = tape(items)
    as_of = WEEK[as_of_index]
    result = settlement_status(rows, SESSIONS, as_of, settle_sessions=lag, opening_cash=opening)
    expected = opening + sum((r.net_value for r in rows if r.trade_date <= as_of), D(0))
    unsettled = sum((amount for _, amount in result.unsettled), D(0))
    assert result.settled_cash + unsettled == expected == result.total_cash
    assert all(day > as_of for day, _ in result.unsettled)
    assert list(result.unsettled) == sorted(result.unsettled)
    assert result.settled_available <= result.settled_cash
    assert all(day > as_of and amount > 0 for day, amount in result.unsettled_proceeds)
    assert all(v.sold_on < v.funds_settle_on and v.amount > 0 for v in result.violations)
    assert all(r.sold_on < r.payment_due_on and r.amount > 0 for r in result.free_rides)


@settings(max_examples=150, deadline=None)
@given(
    events,
    st.integers(0, len(WEEK) - 4),
    st.integers(1, 3),
    st.integers(0, 2),
    st.decimals(D("0.01"), D("9000"), places=2),
)
def test_settled_cash_never_counts_a_sale_before_it_settles(items, as_of_index, lag, back, value):
    rows = tape(items)
    as_of = WEEK[as_of_index]
    sold_on = WEEK[max(0, as_of_index - back)]
    sale = Transaction(
        "tastytrade",
        ACCOUNT,
        "extra-sale",
        TransactionKind.TRADE,
        at(sold_on, 200),
        instrument=InstrumentKind.EQUITY,
        symbol="HELD",
        quantity=D(-1),
        value=value,
    )
    before = settlement_status(rows, SESSIONS, as_of, settle_sessions=lag)
    after = settlement_status([*rows, sale], SESSIONS, as_of, settle_sessions=lag)
    settles_on = settlement_date(sold_on, SESSIONS, lag)
    if settles_on > as_of:
        assert after.settled_cash == before.settled_cash
        # It may pay for a later purchase (what that purchase owes shrinks), never count
        # as settled cash a purchase could use without a GFV.
        assert after.settled_available <= after.settled_cash
        assert dict(after.unsettled).get(settles_on, D(0)) == (
            dict(before.unsettled).get(settles_on, D(0)) + value
        )
    else:
        assert after.settled_cash == before.settled_cash + value
    assert after.total_cash == before.total_cash + value
