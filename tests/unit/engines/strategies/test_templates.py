"""Every template against hand-computed premium, breakevens and max profit/loss at expiry."""

from __future__ import annotations

import math

import pytest

from tests.unit.engines.strategies.conftest import DEC, JAN, C, P, sheet
from workstation.domain.strategies import StrategyError, StrategyKind
from workstation.engines.strategies import LegArrays, analyze, expiry_pnl
from workstation.engines.strategies import templates as t

INF = math.inf

# (structure, kind, net premium $, breakevens, max profit $, max loss $)
CASES = [
    (lambda: t.vertical("SPY", sheet, P, DEC, 470, 480), StrategyKind.BULL_PUT_CREDIT,
     -100, (479,), 100, 900),
    (lambda: t.vertical("SPY", sheet, C, DEC, 500, 510), StrategyKind.BULL_CALL_DEBIT,
     300, (503,), 700, 300),
    (lambda: t.vertical("SPY", sheet, C, DEC, 530, 520), StrategyKind.BEAR_CALL_CREDIT,
     -70, (520.7,), 70, 930),
    (lambda: t.vertical("SPY", sheet, P, DEC, 500, 490), StrategyKind.BEAR_PUT_DEBIT,
     300, (497,), 700, 300),
    (lambda: t.iron_condor("SPY", sheet, DEC, (460, 470, 530, 540)), StrategyKind.IRON_CONDOR,
     -90, (469.1, 530.9), 90, 910),
    (lambda: t.iron_butterfly("SPY", sheet, DEC, 500, 10), StrategyKind.IRON_BUTTERFLY,
     -600, (494, 506), 600, 400),
    (lambda: t.butterfly("SPY", sheet, C, DEC, (490, 500, 510)), StrategyKind.CALL_BUTTERFLY,
     300, (493, 507), 700, 300),
    (lambda: t.butterfly("SPY", sheet, P, DEC, (480, 490, 500)), StrategyKind.PUT_BUTTERFLY,
     100, (481, 499), 900, 100),
    (lambda: t.straddle("SPY", sheet, DEC, 500), StrategyKind.LONG_STRADDLE,
     1300, (487, 513), INF, 1300),
    (lambda: t.strangle("SPY", sheet, DEC, 480, 520, long=False), StrategyKind.SHORT_STRANGLE,
     -350, (476.5, 523.5), 350, INF),
    (lambda: t.strangle("SPY", sheet, DEC, 480, 520), StrategyKind.LONG_STRANGLE,
     350, (476.5, 523.5), INF, 350),
    (lambda: t.covered_call("SPY", sheet, 500, DEC, 520), StrategyKind.COVERED_CALL,
     49850, (498.5,), 2150, 49850),
    (lambda: t.cash_secured_put("SPY", sheet, DEC, 480), StrategyKind.CASH_SECURED_PUT,
     -200, (478,), 200, 47800),
    (lambda: t.long_option("SPY", sheet, C, DEC, 500), StrategyKind.LONG_CALL,
     600, (506,), INF, 600),
    (lambda: t.long_option("SPY", sheet, P, DEC, 500), StrategyKind.LONG_PUT,
     700, (493,), 49300, 700),
    (lambda: t.short_option("SPY", sheet, C, DEC, 520), StrategyKind.SHORT_CALL,
     -150, (521.5,), 150, INF),
    (lambda: t.short_option("SPY", sheet, P, DEC, 480), StrategyKind.SHORT_PUT,
     -200, (478,), 200, 47800),
    (lambda: t.ratio_spread("SPY", sheet, C, DEC, 500, 520), StrategyKind.CALL_RATIO_SPREAD,
     300, (503, 537), 1700, INF),
    (lambda: t.ratio_spread("SPY", sheet, P, DEC, 500, 480), StrategyKind.PUT_RATIO_SPREAD,
     300, (463, 497), 1700, 46300),
]  # fmt: skip


@pytest.mark.parametrize(("build", "kind", "premium", "breakevens", "profit", "loss"), CASES)
def test_template_numbers_match_hand_computation(
    market, build, kind, premium, breakevens, profit, loss
):
    strategy = build()
    metrics = analyze(strategy, market)
    profile = metrics.profile
    assert strategy.kind is kind
    assert metrics.net_premium == pytest.approx(premium, abs=1e-9)
    assert profile.breakevens == pytest.approx(breakevens, abs=1e-9)
    assert profile.max_profit == pytest.approx(profit, abs=1e-9)
    assert profile.max_loss == pytest.approx(loss, abs=1e-9)
    assert profile.exact


def test_breakevens_are_where_the_expiry_pnl_is_zero(market):
    for build, *_ in CASES:
        legs = LegArrays.of(build())
        profile = analyze(build(), market).profile
        assert expiry_pnl(legs, list(profile.breakevens)) == pytest.approx(0.0, abs=1e-9)


def test_profitable_ranges_of_an_iron_condor_lie_between_its_breakevens(market):
    condor = t.iron_condor("SPY", sheet, DEC, (460, 470, 530, 540))
    (lo, hi), *rest = analyze(condor, market).profile.profitable
    assert (lo, hi) == (pytest.approx(469.1), pytest.approx(530.9))
    assert not rest


def test_long_call_profits_without_bound_above_its_breakeven(market):
    profile = analyze(t.long_option("SPY", sheet, C, DEC, 500), market).profile
    assert profile.profitable == ((pytest.approx(506.0), math.inf),)
    assert profile.unlimited_profit
    assert not profile.unlimited_loss
    assert profile.risk_reward == math.inf


def test_calendar_and_diagonal_have_two_expirations(market):
    cal = t.calendar("SPY", _flat, C, 500, DEC, JAN)
    diag = t.diagonal("SPY", _flat, C, (DEC, 510), (JAN, 500))
    assert cal.kind is StrategyKind.CALL_CALENDAR
    assert cal.expiries == (DEC, JAN)
    assert diag.kind is StrategyKind.CALL_DIAGONAL
    assert [leg.quantity for leg in cal.option_legs] == [-1, 1]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: t.iron_condor("SPY", sheet, DEC, (470, 460, 530, 540)), "rise strictly"),
        (lambda: t.vertical("SPY", sheet, C, DEC, 500, 500), "both 500"),
        (lambda: t.calendar("SPY", _flat, C, 500, JAN, DEC), "must be after"),
        (lambda: t.ratio_spread("SPY", sheet, C, DEC, 520, 500), "further OTM"),
        (lambda: t.ratio_spread("SPY", sheet, C, DEC, 500, 520, (2, 2)), "sell more"),
        (lambda: t.iron_butterfly("SPY", sheet, DEC, 500, 0), "wing width"),
    ],
)
def test_builders_refuse_impossible_structures(build, message):
    with pytest.raises(StrategyError, match=message):
        build()


def test_quantity_scales_every_leg_and_every_dollar(market):
    one = analyze(t.iron_condor("SPY", sheet, DEC, (460, 470, 530, 540)), market)
    three = analyze(t.iron_condor("SPY", sheet, DEC, (460, 470, 530, 540), quantity=3), market)
    assert three.net_premium == pytest.approx(3 * one.net_premium)
    assert three.profile.max_loss == pytest.approx(3 * one.profile.max_loss)
    assert three.profile.breakevens == pytest.approx(one.profile.breakevens)


def _flat(right, strike, expiry):
    return t.LegQuote(5.0 if expiry == DEC else 9.0, 0.2)
