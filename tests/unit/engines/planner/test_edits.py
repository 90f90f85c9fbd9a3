"""Keyboard edits re-price the changed legs and re-name the structure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.unit.engines.planner.market import FRIDAYS, planning_market
from workstation.domain.occ import OptionRight
from workstation.domain.strategies import StrategyKind
from workstation.engines.planner import (
    EditError,
    add_leg,
    change_expiry,
    change_width,
    flip,
    move_strike,
    remove_leg,
)
from workstation.engines.strategies import templates as t

MARKET = planning_market()
DEC18 = date(2026, 12, 18)
P = OptionRight.PUT


def spread():
    return t.vertical("XYZ", MARKET.quote, P, DEC18, 90, 95)  # bull put credit 95/90


def strikes(strategy):
    return [float(leg.strike) for leg in strategy.option_legs]


def test_move_strike_reprices_only_that_leg():
    moved = move_strike(MARKET, spread(), 1, -2)
    assert strikes(moved) == [90.0, 93.0]
    assert moved.legs[0] == spread().legs[0]
    assert float(moved.legs[1].price) == pytest.approx(MARKET.quote(P, 93.0, DEC18).price, abs=1e-4)
    assert moved.kind is StrategyKind.BULL_PUT_CREDIT


def test_width_moves_the_long_wing_away_from_the_short():
    assert strikes(change_width(MARKET, spread(), 2)) == [88.0, 95.0]
    assert strikes(change_width(MARKET, spread(), -1)) == [91.0, 95.0]
    condor = t.iron_condor("XYZ", MARKET.quote, DEC18, (85, 90, 110, 115))
    assert strikes(change_width(MARKET, condor, 1)) == [84.0, 90.0, 110.0, 116.0]


def test_expiry_moves_every_leg_or_one():
    later = change_expiry(MARKET, spread(), 1)
    assert {leg.expiry for leg in later.option_legs} == {FRIDAYS[4]}
    calendar = change_expiry(MARKET, spread(), 2, index=0)
    assert calendar.legs[0].expiry == FRIDAYS[5]
    assert calendar.kind is StrategyKind.PUT_DIAGONAL  # short the near 95, long the far 90


def test_flip_add_and_remove_rename_the_structure():
    single = remove_leg(spread(), 0)
    assert single.kind is StrategyKind.SHORT_PUT
    assert flip(MARKET, single, 0).kind is StrategyKind.LONG_PUT
    condor = add_leg(MARKET, add_leg(MARKET, spread(), "-1 C 105", DEC18), "+1 c 110 DEC18", DEC18)
    assert condor.kind is StrategyKind.IRON_CONDOR
    assert condor.legs[-1].strike == Decimal("110")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda: move_strike(MARKET, spread(), 0, -100), "no quoted strike lower than 90"),
        (lambda: change_expiry(MARKET, spread(), 20), "no analysed expiration later"),
        (lambda: remove_leg(remove_leg(spread(), 0), 0), "at least one leg"),
        (
            lambda: add_leg(MARKET, spread(), "buy some calls", DEC18),
            "cannot read 'buy some calls'",
        ),
        (lambda: add_leg(MARKET, spread(), "+1 C 500", DEC18), "no quote for the 500 call"),
        (lambda: add_leg(MARKET, spread(), "+1 C 105 JAN31", DEC18), "no analysed expiration on"),
        (lambda: change_width(MARKET, remove_leg(spread(), 0), 1), "no short and long legs"),
        (lambda: flip(MARKET, spread(), 5), "no leg 6"),
    ],
)
def test_impossible_edits_say_what_is_missing(edit, message):
    with pytest.raises(EditError, match=message):
        edit()
