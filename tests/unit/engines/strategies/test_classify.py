"""Every template's legs are recognised as the structure they were built as."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.unit.engines.strategies.conftest import DEC, JAN, C, P, sheet
from tests.unit.engines.strategies.test_templates import CASES, _flat
from workstation.domain.strategies import OptionLeg, StrategyKind
from workstation.engines.strategies import templates as t
from workstation.engines.strategies.classify import kind_of


@pytest.mark.parametrize(("build", "kind"), [(case[0], case[1]) for case in CASES])
def test_templates_are_recognised(build, kind):
    expected = StrategyKind.SHORT_PUT if kind is StrategyKind.CASH_SECURED_PUT else kind
    assert kind_of(build().legs) is expected


def test_time_spreads_are_recognised():
    assert kind_of(t.calendar("SPY", _flat, P, 500, DEC, JAN).legs) is StrategyKind.PUT_CALENDAR
    diagonal = t.diagonal("SPY", _flat, C, (DEC, 510), (JAN, 500)).legs
    assert kind_of(diagonal) is StrategyKind.CALL_DIAGONAL


def test_leg_order_does_not_matter_and_odd_shapes_are_custom():
    condor = t.iron_condor("SPY", sheet, DEC, (460, 470, 530, 540)).legs
    assert kind_of(tuple(reversed(condor))) is StrategyKind.IRON_CONDOR
    lopsided = (*condor[:3], OptionLeg(C, Decimal(540), DEC, 2, Decimal("0.4")))
    assert kind_of(lopsided) is StrategyKind.CUSTOM
    reverse_calendar = (
        OptionLeg(C, Decimal(500), DEC, 1, Decimal(5)),
        OptionLeg(C, Decimal(500), JAN, -1, Decimal(9)),
    )
    assert kind_of(reverse_calendar) is StrategyKind.CUSTOM
