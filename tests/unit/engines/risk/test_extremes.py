"""Max profit and loss at expiration, checked on structures worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from workstation.engines.risk.extremes import Extremes, PayoffLeg, expiry_extremes

D = Decimal
EXP = date(2026, 12, 18)
HUNDRED = D(100)


def put(strike: str, qty: int, expiry: date = EXP) -> PayoffLeg:
    return PayoffLeg(False, D(strike), D(qty), HUNDRED, expiry)


def call(strike: str, qty: int, expiry: date = EXP) -> PayoffLeg:
    return PayoffLeg(True, D(strike), D(qty), HUNDRED, expiry)


def test_bull_put_credit_spread() -> None:
    # Sold the 590/585 put spread for 1.25 credit: max profit 125, max loss 500 - 125.
    legs = [put("590", -1), put("585", 1)]
    assert expiry_extremes(legs, D("125")) == Extremes(D("125"), D("375"))


def test_iron_condor_two_lots() -> None:
    legs = [put("570", 2), put("575", -2), call("625", -2), call("630", 2)]
    assert expiry_extremes(legs, D("360")) == Extremes(D("360"), D("640"))


def test_naked_short_call_has_unbounded_loss() -> None:
    assert expiry_extremes([call("620", -1)], D("300")) == Extremes(D("300"), None)


def test_long_call_has_unbounded_profit_and_loses_the_debit() -> None:
    assert expiry_extremes([call("600", 1)], D("-450")) == Extremes(None, D("450"))


def test_cash_secured_put_loses_at_most_strike_less_credit() -> None:
    assert expiry_extremes([put("50", -1)], D("200")) == Extremes(D("200"), D("4800"))


def test_covered_call() -> None:
    # 100 shares bought at 100, 110 call sold for 2: max profit 1000 + 200, loss to zero.
    legs = [PayoffLeg(None, None, D(100), D(1)), call("110", -1)]
    assert expiry_extremes(legs, D("-10000") + D("200")) == Extremes(D("1200"), D("9800"))


def test_calendar_is_unknown() -> None:
    legs = [call("600", -1), call("600", 1, date(2027, 1, 15))]
    assert expiry_extremes(legs, D("-300")) == Extremes(None, None, known=False)


@given(
    st.integers(1, 20),
    st.integers(1, 40).map(lambda n: D(n) / 4),
    st.integers(1, 500).map(lambda n: D(n) / 100),
)
def test_vertical_extremes_add_up_to_the_width(qty: int, width: Decimal, price: Decimal) -> None:
    assume(price < width)  # a credit above the width cannot be had
    credit = price * HUNDRED * qty
    legs = [put("500", -qty), put(str(D(500) - width), qty)]
    found = expiry_extremes(legs, credit)
    assert found.max_profit is not None
    assert found.max_loss is not None
    assert (
        found.max_profit + found.max_loss == width * HUNDRED * qty or credit > width * HUNDRED * qty
    )
