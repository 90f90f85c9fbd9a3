"""Position sizing: exact cases, caps, errors and the invariants of rounding down."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.engines.sizing import PositionSize, SizingCap, SizingCaps, size_position

D = Decimal


def test_percent_budget_shows_every_step():
    result = size_position(
        D("500"), D("50000"), risk_fraction=D("0.02"), caps=SizingCaps(10, D("0.05"))
    )
    assert result.contracts == 2
    assert result.risk_budget == D("1000.00")
    assert result.total_risk == D("1000")
    assert result.account_fraction == D("0.02")
    assert result.binding_cap is None
    assert result.arithmetic == (
        "risk budget = 2.00% × $50,000.00 = $1,000.00",
        "contracts = floor($1,000.00 / $500.00) = 2",
        "cap: at most 10 contracts per trade (not binding)",
        "cap: at most 5.00% × $50,000.00 = $2,500.00 at risk per trade"
        " → floor($2,500.00 / $500.00) = 5 contracts (not binding)",
        "total risk = 2 × $500.00 = $1,000.00 = 2.00% of $50,000.00",
    )


def test_dollar_budget_rounds_down_and_shows_the_quotient():
    result = size_position(D("350"), D("25000"), risk_dollars=D("1200"))
    assert result.contracts == 3
    assert result.total_risk == D("1050")
    assert result.account_fraction == D("0.042")
    assert result.arithmetic == (
        "risk budget = $1,200.00 (given in dollars: 4.80% of $25,000.00)",
        "contracts = floor($1,200.00 / $350.00) = floor(3.42) = 3",
        "total risk = 3 × $350.00 = $1,050.00 = 4.20% of $25,000.00",
    )


def test_fractional_budget_is_cut_to_whole_cents_never_up():
    result = size_position(D("100"), D("33333.33"), risk_fraction=D("0.015"))
    assert result.risk_budget == D("499.99")  # 499.99995 rounded down
    assert result.contracts == 4
    assert result.arithmetic[0] == "risk budget = 1.50% × $33,333.33 = $499.99"


def test_budget_of_exactly_n_contracts_takes_n():
    result = size_position(D("250"), D("25000"), risk_fraction=D("0.02"))
    assert result.contracts == 2
    assert result.arithmetic[1] == "contracts = floor($500.00 / $250.00) = 2"


def test_budget_below_one_contract_gives_zero_with_a_reason():
    result = size_position(D("700"), D("25000"), risk_dollars=D("500"))
    assert result.contracts == 0
    assert result.total_risk == 0
    assert "the budget $500.00 is below one contract's max loss $700.00: 0 contracts" in (
        result.arithmetic
    )


def test_contract_cap_binds():
    result = size_position(D("100"), D("100000"), risk_fraction=D("0.05"), caps=SizingCaps(10))
    assert result.contracts == 10
    assert result.binding_cap is SizingCap.MAX_CONTRACTS
    assert "cap: at most 10 contracts per trade (binding: 50 → 10)" in result.arithmetic
    assert result.total_risk == D("1000")


def test_risk_cap_binds_after_the_contract_cap():
    caps = SizingCaps(max_contracts=10, max_risk_fraction=D("0.01"))
    result = size_position(D("300"), D("60000"), risk_dollars=D("6000"), caps=caps)
    # budget 20 contracts -> contract cap 10 -> 1% of 60,000 = 600 -> 2 contracts
    assert result.contracts == 2
    assert result.binding_cap is SizingCap.MAX_RISK
    assert result.arithmetic[2] == "cap: at most 10 contracts per trade (binding: 20 → 10)"
    assert result.arithmetic[3] == (
        "cap: at most 1.00% × $60,000.00 = $600.00 at risk per trade"
        " → floor($600.00 / $300.00) = 2 contracts (binding: 10 → 2)"
    )


def test_risk_cap_can_allow_none():
    caps = SizingCaps(max_risk_fraction=D("0.005"))
    result = size_position(D("500"), D("50000"), risk_fraction=D("0.05"), caps=caps)
    assert result.contracts == 0
    assert result.binding_cap is SizingCap.MAX_RISK


def test_equal_caps_name_the_first_that_bound():
    caps = SizingCaps(max_contracts=4, max_risk_fraction=D("0.04"))
    result = size_position(D("100"), D("10000"), risk_fraction=D("0.5"), caps=caps)
    assert result.contracts == 4
    assert result.binding_cap is SizingCap.MAX_CONTRACTS


def test_percent_with_more_than_two_decimals_is_shown_as_given():
    result = size_position(D("10"), D("100000"), risk_fraction=D("0.00125"))
    assert result.arithmetic[0] == "risk budget = 0.125% × $100,000.00 = $125.00"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(max_loss=D("0"), risk_fraction=D("0.02")), "max loss per contract"),
        (dict(max_loss=D("-5"), risk_fraction=D("0.02")), "max loss per contract"),
        (dict(max_loss=D("NaN"), risk_fraction=D("0.02")), "max loss per contract"),
        (dict(account=D("0"), risk_fraction=D("0.02")), "account value"),
        (dict(account=D("-1"), risk_dollars=D("10")), "account value"),
        (dict(risk_dollars=D("30000")), r"risk budget \$30,000.00 is larger than the account"),
        (dict(risk_fraction=D("1.5")), r"risk budget fraction must be in \(0, 1\]"),
        (dict(risk_fraction=D("0")), "risk budget fraction"),
        (dict(risk_dollars=D("-100")), "risk budget must be a positive dollar amount"),
        (dict(risk_dollars=D("100"), risk_fraction=D("0.02")), "either in dollars or"),
        (dict(), "either in dollars or"),
    ],
)
def test_invalid_inputs_name_what_is_wrong(kwargs, message):
    max_loss = kwargs.pop("max_loss", D("500"))
    account = kwargs.pop("account", D("25000"))
    with pytest.raises(ValueError, match=message):
        size_position(max_loss, account, **kwargs)


@pytest.mark.parametrize(
    ("caps", "message"),
    [
        (dict(max_contracts=0), "max contracts per trade must be at least 1"),
        (dict(max_risk_fraction=D("0")), r"max risk per trade must be a fraction in \(0, 1\]"),
        (dict(max_risk_fraction=D("1.01")), "max risk per trade"),
    ],
)
def test_invalid_caps_are_refused(caps, message):
    with pytest.raises(ValueError, match=message):
        SizingCaps(**caps)


money = st.decimals(min_value="0.01", max_value="100000", places=2)
fractions = st.decimals(min_value="0.0001", max_value="1", places=4)


@st.composite
def sizing_case(draw):
    account = draw(money)
    max_loss = draw(money)
    if draw(st.booleans()):
        budget = {"risk_fraction": draw(fractions)}
    else:
        budget = {"risk_dollars": draw(st.decimals(min_value="0.01", max_value=account, places=2))}
    caps = SizingCaps(
        draw(st.none() | st.integers(1, 500)),
        draw(st.none() | st.decimals(min_value="0.0001", max_value="1", places=4)),
    )
    return max_loss, account, budget, caps


def _cap_dollars(result: PositionSize, caps: SizingCaps) -> Decimal | None:
    if caps.max_risk_fraction is None:
        return None
    return (caps.max_risk_fraction * result.account_value).quantize(D("0.01"), "ROUND_DOWN")


@given(sizing_case())
def test_size_never_exceeds_budget_or_caps(case):
    max_loss, account, budget, caps = case
    result = size_position(max_loss, account, caps=caps, **budget)
    assert result.contracts >= 0
    assert result.total_risk == result.contracts * max_loss
    assert result.total_risk <= result.risk_budget <= account
    if caps.max_contracts is not None:
        assert result.contracts <= caps.max_contracts
    allowed = _cap_dollars(result, caps)
    if allowed is not None:
        assert result.total_risk <= allowed


@given(sizing_case())
def test_one_more_contract_would_break_the_budget_or_a_cap(case):
    max_loss, account, budget, caps = case
    result = size_position(max_loss, account, caps=caps, **budget)
    more = (result.contracts + 1) * max_loss
    allowed = _cap_dollars(result, caps)
    reasons = [
        more > result.risk_budget,
        caps.max_contracts is not None and result.contracts + 1 > caps.max_contracts,
        allowed is not None and more > allowed,
    ]
    assert any(reasons)
    if result.binding_cap is None:
        assert more > result.risk_budget


@given(sizing_case())
def test_arithmetic_ends_with_the_total(case):
    max_loss, account, budget, caps = case
    result = size_position(max_loss, account, caps=caps, **budget)
    assert result.arithmetic[-1].startswith(f"total risk = {result.contracts} × ")
    assert result.arithmetic[0].startswith("risk budget = ")
