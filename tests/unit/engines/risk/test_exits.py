"""Exit rules on constructed positions: targets, max loss, time exit, and the 0-1 DTE call."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.exits import (
    ExitAssessment,
    ExitLeg,
    ExitPosition,
    ExitRuleKind,
    ExitRules,
    ExitSignal,
    ExpiryAction,
    ExpiryRisk,
    RuleState,
)
from workstation.engines.risk.exits import assess_exit, assess_exits

EXPIRY = date(2026, 12, 18)  # a Friday
THURSDAY = date(2026, 12, 17)
NAN = math.nan
D = Decimal


def _leg(
    is_call: bool,
    strike: float,
    qty: int,
    mark: float,
    *,
    expiry: date = EXPIRY,
    extrinsic: float = NAN,
    delta: float = NAN,
) -> ExitLeg:
    symbol = f"SPY {expiry:%y%m%d}{'C' if is_call else 'P'}{strike:g}"
    return ExitLeg(symbol, is_call, strike, expiry, D(qty), D(100), mark, 1.0, extrinsic, delta)


def call(
    strike: float,
    qty: int,
    mark: float,
    *,
    extrinsic: float = NAN,
    delta: float = NAN,
    expiry: date = EXPIRY,
) -> ExitLeg:
    return _leg(True, strike, qty, mark, expiry=expiry, extrinsic=extrinsic, delta=delta)


def put(strike: float, qty: int, mark: float, *, extrinsic: float = NAN) -> ExitLeg:
    return _leg(False, strike, qty, mark, extrinsic=extrinsic)


def shares(qty: int) -> ExitLeg:
    return ExitLeg("SPY", None, None, None, D(qty), D(1), 600.0, 550.0)


def position(
    *legs: ExitLeg,
    opening: str = "150",
    current: str = "-3",
    spot: float = 600.0,
    em: float = 5.0,
    as_of: date = EXPIRY,
    dte: int | Literal["auto"] | None = "auto",
    pid: str = "p1",
    max_profit: Decimal | None = None,
    max_loss: Decimal | None = None,
    ex_dividend: date | None = None,
    session_after_expiry: date | None = None,
) -> ExitPosition:
    """A SPY position; ``dte`` defaults to the days from ``as_of`` to the nearest leg expiry."""
    days = [(leg.expiry - as_of).days for leg in legs if leg.expiry is not None]
    return ExitPosition(
        id=pid,
        name="SPY test position",
        underlying="SPY",
        legs=legs,
        opening_cash=D(opening),
        current_value=D(current),
        max_profit=max_profit,
        max_loss=max_loss,
        spot=spot,
        expected_move=em,
        dte=(min(days) if days else None) if dte == "auto" else dte,
        as_of=as_of,
        ex_dividend=ex_dividend,
        dividend=D("1.75") if ex_dividend else None,
        session_after_expiry=session_after_expiry,
    )


def signal(assessment: ExitAssessment, rule: ExitRuleKind) -> ExitSignal:
    [found] = [s for s in assessment.signals if s.rule is rule]
    return found


# --------------------------------------------------------------- 0-1 DTE: let expire or close


def test_far_otm_credit_spread_cheap_to_close_at_0_dte_lets_expire_with_reasons():
    spread = position(put(591, -1, 0.03), put(586, 1, 0.01))
    rec = assess_exit(spread).recommendation
    assert rec is not None
    assert rec.action is ExpiryAction.LET_EXPIRE
    assert rec.legs_to_close == ()
    assert rec.reasons == (
        "short 591 put is 1.80 EM out of the money (spot 600.00): expiring worthless is likely",
        "closing the short 591 put costs 0.03/share ($3) against $59,100 of stock if assigned",
        "long 586 put is 2.80 EM out of the money (spot 600.00): it will expire worthless",
        "nothing expiring needs closing: let it expire",
    )
    assert (rec.expected_move, rec.move_source) == (5.0, "implied expected move ±5.00")
    assert rec.risk_score == 0.0
    expiry = signal(assess_exit(spread), ExitRuleKind.EXPIRY)
    assert (expiry.state, expiry.headline) == (RuleState.NEAR, "Expiry: let expire")
    assert expiry.condition_key == "exit:p1:expiry:near"


def test_short_strike_inside_the_pin_band_closes_for_pin_risk():
    spread = position(call(601, -1, 0.90, delta=0.41), call(606, 1, 0.05))
    rec = assess_exit(spread).recommendation
    assert rec is not None
    assert rec.action is ExpiryAction.CLOSE
    assert rec.legs_to_close == (spread.legs[0].symbol, spread.legs[1].symbol)
    assert rec.legs[0].risks == {ExpiryRisk.PIN}
    assert rec.legs[0].distance_em == pytest.approx(0.2)
    assert rec.reasons[0] == (
        "short 601 call is 0.20 EM from spot (600.00): pin risk, it can finish on either side "
        "of the strike and you will not know about assignment until after the close (delta 0.41)"
    )
    assert rec.reasons[-1] == "close short 601 call, long 606 call"
    assert rec.risk_score == 0.5
    assert signal(assess_exit(spread), ExitRuleKind.EXPIRY).condition_key == "exit:p1:expiry:hit"


def test_short_strike_inside_the_safety_margin_but_cheap_is_cheap_insurance():
    rec = assess_exit(position(put(597, -1, 0.04), put(592, 1, 0.01))).recommendation
    assert rec is not None
    assert rec.action is ExpiryAction.CLOSE
    assert rec.legs[0].risks == {ExpiryRisk.NEAR_STRIKE}
    assert rec.reasons[:2] == (
        "short 597 put is 0.60 EM out of the money (spot 600.00), inside the 1 EM safety "
        "margin: a late move can put it in the money",
        "closing the short 597 put costs 0.04/share ($4) against $59,700 of stock if assigned: "
        "cheap insurance",
    )


def test_short_put_in_the_money_at_1_dte_closes_for_assignment():
    naked = position(put(605, -1, 5.02, extrinsic=0.02), as_of=THURSDAY)
    assert naked.dte == 1
    rec = assess_exit(naked).recommendation
    assert rec is not None
    assert rec.action is ExpiryAction.CLOSE
    assert rec.legs[0].risks == {ExpiryRisk.IN_THE_MONEY, ExpiryRisk.LOW_EXTRINSIC}
    assert (rec.legs[0].intrinsic, rec.legs[0].cost_to_close) == (5.0, D("502.00"))
    assert rec.reasons[:3] == (
        "short 605 put is 5.00 in the money (spot 600.00): assignment is likely; "
        "1 contract = 100 shares, +100 shares ($60,500) in the account after expiration",
        "the short 605 put has only 0.02 of extrinsic value left: the holder gains little by "
        "waiting, so early assignment can come at any time",
        "closing the short 605 put costs 5.02/share ($502) against $60,500 of stock if assigned",
    )


def _covered_call(
    extrinsic: float, ex_dividend: date | None, session_after_expiry: date | None = None
) -> ExitPosition:
    return position(
        shares(100),
        call(590, -1, 10.0 + extrinsic, extrinsic=extrinsic),
        as_of=THURSDAY,
        ex_dividend=ex_dividend,
        session_after_expiry=session_after_expiry,
    )


def test_short_call_with_ex_dividend_tomorrow_and_little_extrinsic_closes_for_the_dividend():
    rec = assess_exit(_covered_call(0.40, EXPIRY)).recommendation
    assert rec is not None
    assert rec.action is ExpiryAction.CLOSE
    assert rec.legs_to_close == ("SPY 261218C590",)
    assert rec.legs[0].risks == {ExpiryRisk.EX_DIVIDEND}
    assert (
        "SPY goes ex-dividend 2026-12-18 (1.75/share) and the short 590 call has 0.40 of "
        "extrinsic value: early assignment is likely before the ex-date, the shares held are "
        "called away and the $175 dividend goes with them"
    ) in rec.reasons
    assert "100 shares of SPY stay in the account" in rec.reasons


def test_naked_short_call_before_ex_dividend_would_owe_the_dividend():
    rec = assess_exit(
        position(
            call(590, -1, 10.4, extrinsic=0.4),
            as_of=THURSDAY,
            ex_dividend=EXPIRY,
        )
    ).recommendation
    assert rec is not None
    assert rec.legs[0].risks == {ExpiryRisk.IN_THE_MONEY, ExpiryRisk.EX_DIVIDEND}
    assert any("leaving 100 shares short and owing $175 of dividend" in r for r in rec.reasons)


def test_covered_call_with_time_value_above_the_dividend_is_left_to_be_called_away():
    rec = assess_exit(_covered_call(2.00, EXPIRY)).recommendation
    assert rec is not None
    assert rec.action is ExpiryAction.LET_EXPIRE
    assert rec.legs[0].risks == frozenset()
    assert rec.reasons[0] == (
        "short 590 call is 10.00 in the money (spot 600.00): assignment would sell 100 of the "
        "100 shares held (covered)"
    )


@pytest.mark.parametrize(
    ("ex_dividend", "session_after_expiry", "threat"),
    [
        (THURSDAY, None, False),  # ex-date today: the exercise for it was yesterday
        (EXPIRY, None, True),
        (date(2026, 12, 21), None, False),  # after expiry, and no session given
        (date(2026, 12, 21), date(2026, 12, 21), True),  # the Monday after a Friday expiry
        (date(2026, 12, 22), date(2026, 12, 21), False),
    ],
)
def test_ex_dividend_window_runs_from_tomorrow_to_the_session_after_expiry(
    ex_dividend: date, session_after_expiry: date | None, threat: bool
):
    covered = _covered_call(0.40, ex_dividend, session_after_expiry=session_after_expiry)
    rec = assess_exit(covered).recommendation
    assert rec is not None
    assert (ExpiryRisk.EX_DIVIDEND in rec.legs[0].risks) is threat


def test_iron_condor_with_the_put_side_tested_closes_that_side_only():
    condor = position(
        put(602, -1, 2.30), put(597, 1, 0.20), call(615, -1, 0.01), call(620, 1, 0.01)
    )
    rec = assess_exit(condor).recommendation
    assert rec is not None
    assert rec.action is ExpiryAction.CLOSE_TESTED_SIDE
    assert rec.legs_to_close == ("SPY 261218P602", "SPY 261218P597")
    assert (
        rec.reasons[-1]
        == "close the tested side (short 602 put, long 597 put) and let short 615 call, "
        "long 620 call expire"
    )
    assert (
        "short 615 call is 3.00 EM out of the money (spot 600.00): expiring worthless is likely"
        in rec.reasons
    )
    assert rec.risk_score == 0.25


def test_long_call_in_the_money_at_expiry_notes_the_auto_exercise():
    rec = assess_exit(position(call(590, 1, 10.10), opening="-800", current="1010")).recommendation
    assert rec is not None
    assert rec.action is ExpiryAction.CLOSE
    assert rec.legs[0].risks == {ExpiryRisk.AUTO_EXERCISE}
    assert rec.reasons == (
        "long 590 call is 10.00 in the money (spot 600.00): it will be exercised automatically "
        "(OCC exercises 0.01 in the money and more) into +100 shares ($59,000) unless sold",
        "selling the long 590 call brings in $1,010",
        "close long 590 call",
    )


def test_debit_spread_with_only_the_long_in_the_money_closes_to_avoid_unwanted_stock():
    spread = position(call(595, 1, 5.10), call(605, -1, 0.08), opening="-300", current="502")
    rec = assess_exit(spread).recommendation
    assert rec is not None
    assert rec.action is ExpiryAction.CLOSE
    assert [leg.risks for leg in rec.legs] == [{ExpiryRisk.AUTO_EXERCISE}, frozenset()]


def test_vertical_fully_in_the_money_warns_that_the_offset_can_break_after_hours():
    rec = assess_exit(position(call(590, 1, 10.0), call(595, -1, 5.0))).recommendation
    assert rec is not None
    assert rec.action is ExpiryAction.CLOSE
    assert any(r.startswith("the in-the-money legs offset on exercise") for r in rec.reasons)


def test_unknown_expected_move_at_0_dte_falls_back_to_a_percent_of_spot_and_says_so():
    rec = assess_exit(position(put(591, -1, 0.03), put(586, 1, 0.01), em=NAN)).recommendation
    assert rec is not None
    assert rec.reasons[0] == "expected move unknown: using 1% of spot (±6.00) as the yardstick"
    assert (rec.expected_move, rec.move_source) == (6.0, "1% of spot (±6.00)")
    assert rec.legs[0].distance_em == pytest.approx(1.5)
    assert rec.action is ExpiryAction.LET_EXPIRE


def test_cash_settled_index_put_in_the_money_settles_in_cash_without_assignment():
    spx = ExitLeg(
        "SPXW  261218P06000000", False, 6000.0, EXPIRY, D(-1), D(100), 10.0, 8.0, cash_settled=True
    )
    rec = assess_exit(position(spx, spot=5990.0, em=20.0)).recommendation
    assert rec is not None
    assert rec.action is ExpiryAction.LET_EXPIRE
    assert rec.legs[0].exposure == D(0)
    assert rec.reasons[0] == (
        "short 6000 put is 10.00 in the money and cash-settled: it pays about $1,000 at "
        "settlement and no shares change hands"
    )


def test_calendar_closes_the_tested_front_leg_and_keeps_the_back_month():
    back = call(600, 1, 9.0, expiry=date(2027, 1, 15))
    calendar = position(call(600, -1, 3.05), back, spot=603.0, opening="-500", current="595")
    rec = assess_exit(calendar).recommendation
    assert rec is not None
    assert rec.action is ExpiryAction.CLOSE_TESTED_SIDE
    assert rec.legs_to_close == ("SPY 261218C600",)
    assert rec.reasons[-2:] == (
        "long 600 call expiring 2027-01-15 stays open",
        "close the tested side (short 600 call); the later-dated legs stay open",
    )


def test_unknown_mark_says_the_cost_to_close_is_unknown():
    rec = assess_exit(position(put(591, -1, NAN))).recommendation
    assert rec is not None
    assert rec.legs[0].cost_to_close is None
    assert "no mark for the short 591 put: the cost to close is unknown" in rec.reasons


@pytest.mark.parametrize("days", [2, 5, 30])
def test_no_recommendation_outside_the_expiry_window(days: int):
    far = date(2026, 12, 18 - days) if days < 18 else date(2026, 11, 18)
    spread = position(put(591, -1, 0.30), put(586, 1, 0.10), as_of=far)
    assessment = assess_exit(spread)
    assert assessment.recommendation is None
    expiry = signal(assessment, ExitRuleKind.EXPIRY)
    assert expiry.state is RuleState.OK
    assert expiry.detail == (
        f"{spread.dte} days to expiry: the let-expire or close review starts at 1 DTE"
    )


# --------------------------------------------------------------- profit target and max loss


@pytest.mark.parametrize(
    ("current", "state", "detail"),
    [
        (
            "-75",
            RuleState.HIT,
            "P/L +$75 against a target of $75 (50% of the $150 max profit); 100% of the way there",
        ),
        (
            "-90",
            RuleState.NEAR,
            "P/L +$60 against a target of $75 (50% of the $150 max profit); 80% of the way there",
        ),
        (
            "-91",
            RuleState.OK,
            "P/L +$59 against a target of $75 (50% of the $150 max profit); 79% of the way there",
        ),
        ("-200", RuleState.OK, "P/L -$50 against a target of $75 (50% of the $150 max profit)"),
    ],
)
def test_credit_spread_profit_target(current: str, state: RuleState, detail: str):
    spread = position(
        put(591, -1, 0.75),
        put(586, 1, 0.0),
        current=current,
        dte=40,
        max_profit=D(150),
        as_of=date(2026, 11, 8),
    )
    found = signal(assess_exit(spread), ExitRuleKind.PROFIT_TARGET)
    assert (found.state, found.detail) == (state, detail)
    assert found.condition_key == f"exit:p1:profit_target:{state}"


@pytest.mark.parametrize(
    ("current", "max_profit", "state", "target"),
    [
        ("400", None, RuleState.HIT, "$200 (+100% on the $200 debit)"),
        ("360", None, RuleState.NEAR, "$200 (+100% on the $200 debit)"),
        ("359", None, RuleState.OK, "$200 (+100% on the $200 debit)"),
        (
            "350",
            D(150),
            RuleState.HIT,
            "$150 (+100% on the $200 debit, capped at the $150 max profit)",
        ),
    ],
)
def test_debit_trade_profit_target(
    current: str, max_profit: D | None, state: RuleState, target: str
):
    trade = position(
        call(600, 1, 4.0),
        opening="-200",
        current=current,
        dte=40,
        max_profit=max_profit,
        as_of=date(2026, 11, 8),
    )
    found = signal(assess_exit(trade), ExitRuleKind.PROFIT_TARGET)
    assert found.state is state
    assert f"against a target of {target}" in found.detail


@pytest.mark.parametrize(
    ("current", "max_loss", "state", "limit"),
    [
        ("-300", None, RuleState.HIT, "$200 (2× the $100 credit)"),
        ("-260", None, RuleState.NEAR, "$200 (2× the $100 credit)"),
        ("-259", None, RuleState.OK, "$200 (2× the $100 credit)"),
        ("-250", D(150), RuleState.HIT, "$150 (2× the $100 credit, capped at the $150 max loss)"),
    ],
)
def test_credit_trade_max_loss_at_twice_the_credit(
    current: str, max_loss: D | None, state: RuleState, limit: str
):
    spread = position(
        put(591, -1, 3.0),
        put(586, 1, 0.5),
        opening="100",
        current=current,
        dte=40,
        max_loss=max_loss,
        as_of=date(2026, 11, 8),
    )
    found = signal(assess_exit(spread), ExitRuleKind.MAX_LOSS)
    assert found.state is state
    assert f"against a max loss of {limit}" in found.detail
    assert (
        found.headline
        == {
            RuleState.HIT: "Max loss breached",
            RuleState.NEAR: "Near max loss",
            RuleState.OK: "Within max loss",
        }[state]
    )


def test_debit_trade_max_loss_at_half_the_debit():
    trade = position(
        call(600, 1, 1.0), opening="-200", current="100", dte=40, as_of=date(2026, 11, 8)
    )
    found = signal(assess_exit(trade), ExitRuleKind.MAX_LOSS)
    assert found.state is RuleState.HIT
    assert (
        found.detail
        == "P/L -$100 against a max loss of $100 (50% of the $200 debit); 100% of the way there"
    )


def test_rules_turned_off_or_without_a_basis_are_not_applicable():
    off = ExitRules(profit_target_credit=None, time_exit_dte=None)
    spread = position(put(591, -1, 0.5), dte=30, as_of=date(2026, 11, 18))
    assessed = assess_exit(spread, off)
    assert signal(assessed, ExitRuleKind.PROFIT_TARGET).state is RuleState.NOT_APPLICABLE
    assert signal(assessed, ExitRuleKind.TIME).state is RuleState.NOT_APPLICABLE
    even = assess_exit(position(put(591, -1, 0.5), opening="0", dte=30, as_of=date(2026, 11, 18)))
    assert signal(even, ExitRuleKind.MAX_LOSS).state is RuleState.NOT_APPLICABLE
    stock = assess_exit(position(shares(100), opening="-55000", current="60000"))
    assert [s.state for s in stock.signals] == [RuleState.NOT_APPLICABLE] * 4
    assert stock.worst is RuleState.NOT_APPLICABLE


# --------------------------------------------------------------- time exit and keys


@pytest.mark.parametrize(
    ("dte", "state", "detail"),
    [
        (21, RuleState.HIT, "21 days to expiry, at or inside the 21 DTE time exit"),
        (1, RuleState.HIT, "1 day to expiry, at or inside the 21 DTE time exit"),
        (28, RuleState.NEAR, "28 days to expiry: the 21 DTE time exit comes in 7 days"),
        (29, RuleState.OK, "29 days to expiry: the 21 DTE time exit comes in 8 days"),
    ],
)
def test_time_exit_at_21_dte(dte: int, state: RuleState, detail: str):
    found = signal(assess_exit(position(put(591, -1, 0.5), dte=dte)), ExitRuleKind.TIME)
    assert (found.state, found.detail) == (state, detail)


def test_condition_keys_are_stable_and_distinct_per_position_rule_and_state():
    def keys(current: str, pid: str = "p1") -> set[str]:
        spread = position(
            put(591, -1, 0.5),
            current=current,
            max_profit=D(150),
            dte=40,
            pid=pid,
            as_of=date(2026, 11, 8),
        )
        return {s.condition_key for s in assess_exit(spread).signals}

    assert keys("-75") == keys("-75")
    assert "exit:p1:profit_target:hit" in keys("-75")
    assert "exit:p1:profit_target:near" in keys("-90")
    assert "exit:p1:profit_target:ok" in keys("-100")
    assert keys("-75").isdisjoint(keys("-75", pid="p2"))
    assert len(keys("-75")) == 4


def test_worst_is_the_most_severe_state_and_assess_exits_keeps_order():
    near = position(
        put(591, -1, 0.5),
        current="-90",
        max_profit=D(150),
        dte=40,
        pid="a",
        as_of=date(2026, 11, 8),
    )
    hit = position(
        put(591, -1, 0.5),
        current="-90",
        max_profit=D(150),
        dte=10,
        pid="b",
        as_of=date(2026, 12, 8),
    )
    first, second = assess_exits([near, hit])
    assert (first.position_id, first.worst) == ("a", RuleState.NEAR)
    assert (second.position_id, second.worst) == ("b", RuleState.HIT)


# --------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("profit_target_credit", D("1.5")),
        ("profit_target_credit", D(0)),
        ("profit_target_debit", D(-1)),
        ("max_loss_multiple", D("NaN")),
        ("max_loss_debit", D("1.2")),
        ("time_exit_dte", -1),
        ("time_near_days", -3),
        ("expiry_window_dte", -1),
        ("pin_band_em", 0.0),
        ("safe_distance_em", 0.1),  # below the 0.25 pin band
        ("fallback_move_pct", math.inf),
        ("cheap_close", D(-1)),
        ("low_extrinsic", NAN),
        ("near_fraction", 1.5),
    ],
)
def test_exit_rules_reject_nonsense_naming_the_field(field: str, value: object):
    with pytest.raises(ValueError, match=f"ExitRules.{field}"):
        ExitRules(**{field: value})  # type: ignore[arg-type]


def test_positions_and_legs_reject_nonsense():
    with pytest.raises(ValueError, match="quantity must not be 0"):
        put(591, 0, 0.5)
    with pytest.raises(ValueError, match="needs a strike and an expiry"):
        ExitLeg("X", True, None, EXPIRY, D(1), D(100), 1.0, 1.0)
    with pytest.raises(ValueError, match="spot nan must be a price > 0"):
        position(put(591, -1, 0.5), spot=NAN)
    with pytest.raises(ValueError, match="needs its DTE"):
        position(put(591, -1, 0.5), dte=None)


# --------------------------------------------------------------- properties


@given(
    credit=st.integers(1, 2000),
    losses=st.lists(st.integers(-4000, 2000), min_size=2, max_size=2).map(sorted),
)
def test_a_bigger_profit_never_lowers_the_profit_target_or_raises_the_max_loss_state(
    credit: int, losses: list[int]
):
    def states(current: int) -> tuple[int, int]:
        spread = position(
            put(591, -1, 0.5),
            opening=str(credit),
            current=str(current),
            max_profit=D(credit),
            dte=40,
            as_of=date(2026, 11, 8),
        )
        assessed = assess_exit(spread)
        profit = signal(assessed, ExitRuleKind.PROFIT_TARGET).state.severity
        return profit, signal(assessed, ExitRuleKind.MAX_LOSS).state.severity

    worse, better = losses
    assert states(better)[0] >= states(worse)[0]
    assert states(better)[1] <= states(worse)[1]


@given(
    spots=st.lists(st.floats(560, 640), min_size=2, max_size=2).map(sorted),
    em=st.floats(0.5, 20),
    mark=st.floats(0.0, 5.0),
)
def test_a_short_put_left_to_expire_stays_left_as_spot_rises(
    spots: list[float], em: float, mark: float
):
    def recommend(spot: float):
        rec = assess_exit(position(put(600, -1, mark), spot=spot, em=em)).recommendation
        assert rec is not None
        assert (rec.action is ExpiryAction.LET_EXPIRE) == (rec.legs_to_close == ())
        assert 0.0 <= rec.risk_score <= 1.0
        assert all(reason.strip() for reason in rec.reasons)
        return rec.action

    lower, higher = spots
    if recommend(lower) is ExpiryAction.LET_EXPIRE:
        assert recommend(higher) is ExpiryAction.LET_EXPIRE
