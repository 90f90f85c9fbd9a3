"""Strikes against the expected-move range, in move units."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.engines.volatility import MovePosition, move_bands, strike_vs_move


def test_strikes_against_a_range_by_hand():
    # range 95-105: half-width 5 = one move
    found = strike_vs_move([90.0, 95.0, 100.0, 105.0, 112.0], 95.0, 105.0)
    np.testing.assert_array_equal(found.position, [MovePosition.BELOW, 0, 0, 0, MovePosition.ABOVE])
    np.testing.assert_array_equal(found.inside, [False, True, True, True, False])
    np.testing.assert_allclose(found.moves_from_center, [-2.0, -1.0, 0.0, 1.0, 2.4])
    np.testing.assert_allclose(found.outside_by, [1.0, 0.0, 0.0, 0.0, 1.4])


def test_nan_and_inverted_ranges_are_unknown():
    found = strike_vs_move([np.nan, 100.0, 100.0], [95.0, np.nan, 105.0], [105.0, 105.0, 95.0])
    np.testing.assert_array_equal(found.position, [MovePosition.UNKNOWN] * 3)
    assert not found.inside.any()
    assert np.isnan(found.outside_by).all()
    assert np.isnan(found.moves_from_center).all()


def test_zero_width_range():
    found = strike_vs_move([99.0, 100.0], 100.0, 100.0)
    np.testing.assert_array_equal(found.position, [MovePosition.BELOW, MovePosition.INSIDE])
    assert np.isnan(found.outside_by[0])
    assert found.outside_by[1] == 0.0


def test_a_ladder_against_one_range_per_expiry_broadcasts():
    bands = move_bands(100.0, [[2.0], [10.0]])  # two expiries
    found = strike_vs_move(np.array([95.0, 100.0, 105.0]), bands.low_1sd, bands.high_1sd)
    assert found.position.shape == (2, 3)
    np.testing.assert_array_equal(found.inside, [[False, True, False], [True, True, True]])
    np.testing.assert_allclose(found.outside_by[0], [1.5, 0.0, 1.5])


@given(
    strike=st.floats(1.0, 1000.0),
    spot=st.floats(1.0, 1000.0),
    move=st.floats(0.01, 500.0),
)
def test_inside_exactly_when_within_one_move(strike, spot, move):
    bands = move_bands(spot, move)
    found = strike_vs_move(strike, bands.low_1sd, bands.high_1sd)
    assert bool(found.inside) == (float(bands.low_1sd) <= strike <= float(bands.high_1sd))
    assert float(found.outside_by) >= 0.0
    if not found.inside:
        expected = (abs(strike - spot) - move) / move
        assert float(found.outside_by) == pytest.approx(expected, rel=1e-6, abs=1e-9)
