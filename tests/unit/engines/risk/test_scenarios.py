"""The scenario grid against direct repricing, and its invariants."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.engines.risk.books import AAPL, SPX, small_book
from workstation.domain.exposure import Book, Leg, OptionTerms, ScenarioMode
from workstation.engines.pricing.models import ExerciseStyle, theoretical_prices
from workstation.engines.risk.scenarios import (
    DEFAULT_DAYS_FORWARD,
    DEFAULT_EM_MOVES,
    DEFAULT_VOL_SHIFTS,
    move_sizes,
    scenario_grid,
)

EXPIRY = date(2025, 4, 4)


def direct_pnl(book: Book, move: float, shift: float, days: float, mode: ScenarioMode) -> float:
    """Reprice every leg one at a time at one cell and add up (USD)."""
    total = 0.0
    for leg in book.legs:
        u = leg["underlying"]
        spot = float(book.spot[u])
        if mode is ScenarioMode.PERCENT:
            step = spot / 100
        else:
            step = spot * book.atm_iv[u] * math.sqrt(max(days, 1.0) / 365)
        moved = max(spot + move * step, 0.0)
        size = leg["quantity"] * leg["multiplier"]
        if not leg["is_option"]:
            total += size * (moved - spot)
            continue
        style = ExerciseStyle.EUROPEAN if leg["european"] else ExerciseStyle.AMERICAN
        terms = (leg["strike"], book.rate[u])
        q = book.dividend_yield[u]
        now_vol, later_vol = max(leg["iv"], 0.01), max(leg["iv"] + shift / 100, 0.01)
        now = theoretical_prices(
            style, leg["is_call"], spot, terms[0], leg["t"], terms[1], now_vol, q
        )
        later = theoretical_prices(
            style, leg["is_call"], moved, terms[0], leg["t"] - days / 365, terms[1], later_vol, q
        )
        total += size * float(later - now)
    return total


def stock_book(quantity: float, spot: float = 200.0) -> Book:
    legs = [Leg(position=0, underlying=AAPL, quantity=quantity, mark=spot, open_cash=0.0)]
    return replace(small_book(legs=legs), spot=np.array([spot, 5_000.0]))


def long_call_book(strike: float, iv: float, t: float, european: bool) -> Book:
    option = OptionTerms(True, strike, EXPIRY, t, iv, european=european)
    legs = [Leg(position=0, underlying=AAPL, quantity=1, multiplier=100, mark=1.0, open_cash=0.0,
                option=option)]  # fmt: skip
    return small_book(legs=legs)


# --------------------------------------------------------------------------- against repricing
@pytest.mark.parametrize("mode", list(ScenarioMode))
def test_grid_equals_direct_repricing_of_each_leg(mode):
    book = small_book()
    moves = (-3.0, -1.0, 0.0, 2.0) if mode is ScenarioMode.EXPECTED_MOVES else (-10.0, 0.0, 5.0)
    grid = scenario_grid(book, moves, DEFAULT_VOL_SHIFTS, DEFAULT_DAYS_FORWARD, mode=mode)
    assert grid.pnl.shape == (len(moves), 5, 3)
    for move in moves:
        for shift in (-10.0, 0.0, 5.0):
            for days in (0.0, 14.0):
                expected = direct_pnl(book, move, shift, days, mode)
                assert grid.cell(move, shift, days) == pytest.approx(expected, abs=1e-9)


def test_no_move_no_shift_no_days_is_zero():
    grid = scenario_grid(small_book())
    assert grid.cell(0.0, 0.0, 0.0) == pytest.approx(0.0, abs=1e-9)
    assert grid.pnl.shape == (len(DEFAULT_EM_MOVES), len(DEFAULT_VOL_SHIFTS), 3)


def test_by_underlying_adds_up_to_the_portfolio():
    grid = scenario_grid(small_book())
    np.testing.assert_allclose(grid.by_underlying.sum(axis=0), grid.pnl, rtol=0, atol=1e-9)
    assert grid.by_underlying.shape[0] == 2


def test_stock_only_book_moves_by_quantity_times_the_move():
    grid = scenario_grid(stock_book(150.0), (-2.0, 1.0, 3.0), (0.0, 5.0), (0.0,), mode="percent")
    # 1 % of 200 is 2 dollars: -2 % is -4 a share, 3 % is +6.
    np.testing.assert_array_equal(
        grid.pnl[:, :, 0], [[-600.0, -600.0], [300.0, 300.0], [900.0, 900.0]]
    )


def test_stock_moves_by_its_expected_move():
    book = stock_book(100.0)
    grid = scenario_grid(book, (-1.0, 2.0), (0.0,), (0.0, 9.0))
    day_move = 200.0 * 0.28 * math.sqrt(1 / 365)  # day 0 counts as one day
    nine_day_move = 200.0 * 0.28 * math.sqrt(9 / 365)
    assert grid.cell(-1.0, 0.0, 0.0) == pytest.approx(-100 * day_move, rel=1e-12)
    assert grid.cell(2.0, 0.0, 9.0) == pytest.approx(200 * nine_day_move, rel=1e-12)


def test_move_sizes_per_mode():
    book = small_book()
    days = np.array([0.0, 4.0])
    em = move_sizes(book, days, ScenarioMode.EXPECTED_MOVES)
    np.testing.assert_allclose(em[SPX], 5_000 * 0.15 * np.sqrt([1 / 365, 4 / 365]), rtol=1e-14)
    fixed = move_sizes(book, days, ScenarioMode.EXPECTED_MOVES, em_horizon_days=30)
    np.testing.assert_allclose(fixed[AAPL], [200 * 0.28 * math.sqrt(30 / 365)] * 2, rtol=1e-14)
    np.testing.assert_array_equal(move_sizes(book, days, ScenarioMode.PERCENT), [[2, 2], [50, 50]])


def test_option_expiring_inside_the_horizon_settles_at_intrinsic():
    book = long_call_book(strike=190.0, iv=0.3, t=3 / 365, european=False)
    grid = scenario_grid(book, (5.0,), (0.0,), (7.0,), mode="percent")
    now = theoretical_prices(ExerciseStyle.AMERICAN, True, 200.0, 190.0, 3 / 365, 0.04, 0.3, 0.0)
    assert grid.pnl[0, 0, 0] == pytest.approx(100 * (210.0 - 190.0 - float(now)), abs=1e-9)


def test_volatility_shift_is_floored_at_one_percent():
    book = long_call_book(strike=210.0, iv=0.2, t=30 / 365, european=True)
    grid = scenario_grid(book, (0.0,), (-50.0, -19.0), (0.0,))
    # -50 and -19 points both leave 1 %: the same cell.
    assert grid.pnl[0, 0, 0] == grid.pnl[0, 1, 0]
    assert grid.pnl[0, 0, 0] == pytest.approx(
        direct_pnl(book, 0, -19, 0, ScenarioMode.EXPECTED_MOVES)
    )


def test_a_crash_past_zero_clips_the_spot_at_zero():
    grid = scenario_grid(stock_book(10.0), (-150.0,), (0.0,), (0.0,), mode="percent")
    assert grid.pnl[0, 0, 0] == -2_000.0


# --------------------------------------------------------------------------- unpriced
def test_leg_without_iv_is_left_out_and_reported():
    book = small_book(put_iv=float("nan"))
    grid = scenario_grid(book)
    assert grid.unpriced_legs == (1,)
    assert np.isfinite(grid.pnl).all()
    priced = scenario_grid(replace(book, legs=book.legs[[0, 2, 3]]))
    np.testing.assert_allclose(grid.pnl, priced.pnl, rtol=0, atol=1e-9)


def test_underlying_without_atm_iv_cannot_move_in_expected_moves():
    book = replace(small_book(), atm_iv=np.array([np.nan, 0.15]))
    grid = scenario_grid(book)
    assert grid.unpriced_legs == (0, 1)  # both AAPL legs
    percent = scenario_grid(book, (-5.0, 5.0), mode="percent")
    assert percent.unpriced_legs == ()


def test_cell_off_the_grid_is_a_key_error():
    with pytest.raises(KeyError, match=r"move 0\.5 is not on the grid"):
        scenario_grid(small_book()).cell(0.5, 0.0, 0.0)


# --------------------------------------------------------------------------- properties
@settings(max_examples=40, deadline=None)
@given(
    strike=st.floats(150.0, 250.0),
    iv=st.floats(0.1, 0.8),
    t=st.floats(2 / 365, 1.0),
    european=st.booleans(),
)
def test_long_call_gains_as_the_underlying_rises(strike, iv, t, european):
    grid = scenario_grid(long_call_book(strike, iv, t, european), mode="em")
    along_moves = np.diff(grid.pnl, axis=0)
    assert (along_moves >= -1e-9).all()


@settings(max_examples=30, deadline=None)
@given(
    scale=st.sampled_from([2.0, 3.0, -1.0, 0.5]),
    put_quantity=st.integers(-5, 5),
    spread_quantity=st.integers(-5, 5),
)
def test_grid_is_linear_in_quantity(scale, put_quantity, spread_quantity):
    legs = small_book().legs.copy()
    legs["quantity"] = [100.0, put_quantity, spread_quantity, -spread_quantity]
    book = replace(small_book(), legs=legs)
    scaled_legs = legs.copy()
    scaled_legs["quantity"] *= scale
    base = scenario_grid(book, mode="percent", moves=(-5.0, 0.0, 5.0))
    scaled = scenario_grid(replace(book, legs=scaled_legs), mode="percent", moves=(-5.0, 0.0, 5.0))
    np.testing.assert_allclose(scaled.pnl, scale * base.pnl, rtol=1e-12, atol=1e-9)
