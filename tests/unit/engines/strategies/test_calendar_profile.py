"""Calendars and diagonals: numeric breakevens and extremes at the front expiration."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from tests.unit.engines.strategies.conftest import DEC, JAN, SPOT, C, P, model, years
from workstation.domain.strategies import OptionLeg, Strategy, StrategyKind
from workstation.engines.pricing import bsm
from workstation.engines.strategies import LegArrays, analyze, horizon_pnl
from workstation.engines.strategies import templates as t


def test_calendar_pnl_at_the_front_expiry_is_the_back_leg_value_less_the_debit(market):
    cal = t.calendar("SPY", model, C, 500, DEC, JAN)
    legs = LegArrays.of(cal)
    grid = np.array([450.0, 500.0, 550.0])
    back = bsm.price(True, grid, 500.0, years(JAN) - years(DEC), 0.04, 0.20)
    front = np.maximum(grid - 500.0, 0.0)
    expected = 100.0 * (back - front) - float(cal.net_premium)
    assert horizon_pnl(legs, market, grid) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "build",
    [
        lambda: t.calendar("SPY", model, C, 500, DEC, JAN),
        lambda: t.calendar("SPY", model, P, 480, DEC, JAN),
    ],
)
def test_time_spread_breakevens_are_roots_and_loss_is_capped_by_the_debit(market, build):
    spread = build()
    legs = LegArrays.of(spread)
    metrics = analyze(spread, market)
    profile = metrics.profile
    assert not profile.exact
    assert len(profile.breakevens) == 2
    low, high = profile.breakevens
    assert low < SPOT * 1.05
    assert high > low
    assert horizon_pnl(legs, market, np.array(profile.breakevens)) == pytest.approx(0, abs=1e-5)
    assert profile.max_loss == pytest.approx(metrics.net_premium, rel=1e-3)
    grid = np.linspace(300.0, 700.0, 4001)
    assert profile.max_profit >= horizon_pnl(legs, market, grid).max() - 1e-9
    assert profile.max_profit_at == pytest.approx(
        grid[np.argmax(horizon_pnl(legs, market, grid))], abs=0.2
    )


def test_bullish_diagonal_profits_above_one_breakeven_with_capped_loss(market):
    diagonal = t.diagonal("SPY", model, C, (DEC, 520), (JAN, 510))
    profile = analyze(diagonal, market).profile
    (breakeven,) = profile.breakevens
    assert profile.profitable == ((pytest.approx(breakeven), math.inf),)
    assert profile.max_profit_at == pytest.approx(520.0, abs=0.05)
    assert not profile.unlimited_profit
    assert not profile.unlimited_loss


def test_more_far_calls_sold_than_near_calls_bought_is_unlimited_loss(market):
    legs = (
        OptionLeg(C, Decimal(500), DEC, 1, Decimal("6.00"), 0.2),
        OptionLeg(C, Decimal(520), JAN, -2, Decimal("5.00"), 0.2),
    )
    profile = analyze(Strategy("SPY", StrategyKind.CUSTOM, legs), market).profile
    assert profile.unlimited_loss
    assert not profile.exact
