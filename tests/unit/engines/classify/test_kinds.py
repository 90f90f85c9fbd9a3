"""The leg classifier's additions: jade lizards, covered calls with spare shares, shapes only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from workstation.domain.occ import OptionRight
from workstation.domain.strategies import OptionLeg, StockLeg, StrategyKind
from workstation.engines.strategies.classify import kind_of, kind_of_shape

C, P = OptionRight.CALL, OptionRight.PUT
DEC, JAN = date(2026, 12, 18), date(2027, 1, 15)


def _leg(right, strike, qty, expiry=DEC):
    return OptionLeg(right, Decimal(strike), expiry, qty, Decimal("1.00"))


@pytest.mark.parametrize(
    ("legs", "kind"),
    [
        ((_leg(P, 480, -1), _leg(C, 520, -1), _leg(C, 530, 1)), StrategyKind.JADE_LIZARD),
        ((_leg(C, 530, 2), _leg(P, 480, -2), _leg(C, 520, -2)), StrategyKind.JADE_LIZARD),
        # the put above the short call, a long call below it, or a lopsided lot: not a lizard
        ((_leg(P, 525, -1), _leg(C, 520, -1), _leg(C, 530, 1)), StrategyKind.CUSTOM),
        ((_leg(P, 480, -1), _leg(C, 520, 1), _leg(C, 530, -1)), StrategyKind.CUSTOM),
        ((_leg(P, 480, -2), _leg(C, 520, -1), _leg(C, 530, 1)), StrategyKind.CUSTOM),
        ((_leg(P, 480, -1), _leg(C, 520, -1), _leg(C, 530, 1, JAN)), StrategyKind.CUSTOM),
    ],
)
def test_jade_lizard_is_a_short_put_under_a_short_call_spread(legs, kind):
    assert kind_of(legs) is kind


@pytest.mark.parametrize(
    ("shares", "calls", "kind"),
    [
        (100, -1, StrategyKind.COVERED_CALL),
        (250, -2, StrategyKind.COVERED_CALL),
        (150, -2, StrategyKind.CUSTOM),
        (100, 1, StrategyKind.CUSTOM),
    ],
)
def test_a_call_is_covered_when_the_shares_cover_every_contract(shares, calls, kind):
    legs = (StockLeg(shares, Decimal(500)), _leg(C, 520, calls))
    assert kind_of(legs) is kind


def test_shapes_classify_like_priced_legs():
    condor = (_leg(P, 460, 1), _leg(P, 470, -1), _leg(C, 530, -1), _leg(C, 540, 1))
    assert kind_of_shape(condor) is kind_of(condor) is StrategyKind.IRON_CONDOR
    assert kind_of_shape([_leg(C, 520, -1)], Decimal(100)) is StrategyKind.COVERED_CALL
    assert kind_of_shape([], Decimal(100)) is StrategyKind.CUSTOM
