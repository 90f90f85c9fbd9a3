"""ATM straddle per expiry and the moves read from it."""

import numpy as np
import pytest

from workstation.engines.volatility import atm_straddles, straddle_moves


def test_straddle_moves_by_hand():
    moves = straddle_moves(500.0, 10.0)
    assert float(moves.straddle) == 10.0
    assert float(moves.platform_move) == pytest.approx(8.5)
    assert (float(moves.platform_low), float(moves.platform_high)) == pytest.approx((491.5, 508.5))
    assert float(moves.one_sigma.move) == pytest.approx(12.5)
    assert float(moves.one_sigma.low_1sd) == pytest.approx(487.5)
    assert float(moves.one_sigma.high_2sd) == pytest.approx(525.0)


def test_straddle_moves_keep_nan():
    moves = straddle_moves(100.0, [4.0, np.nan])
    assert np.isnan(moves.platform_move[1])
    assert np.isnan(moves.one_sigma.high_1sd[1])


def test_atm_straddle_per_expiry_at_the_strike_nearest_spot():
    expiry = np.array(["2026-12-04"] * 6 + ["2026-12-18"] * 4, dtype="M8[D]")
    strike = [95, 95, 100, 100, 105, 105, 100, 100, 105, 105]
    is_call = [True, False] * 5
    # 2026-12-04: 100 is nearest 101; 2026-12-18: the 100 put is unpriced -> 105
    mid = [7.0, 1.0, 3.0, 2.0, 1.0, 5.0, 4.0, np.nan, 2.5, 6.0]
    found = atm_straddles(expiry[::-1], strike[::-1], is_call[::-1], mid[::-1], 101.0)
    np.testing.assert_array_equal(found.expiries, np.array(["2026-12-04", "2026-12-18"], "M8[D]"))
    np.testing.assert_array_equal(found.strike, [100.0, 105.0])
    np.testing.assert_allclose(found.price, [5.0, 8.5])


def test_tie_takes_the_lower_strike_and_unpriced_expiry_is_nan():
    expiry = np.array(["2026-12-04"] * 4 + ["2026-12-11"] * 2, dtype="M8[D]")
    found = atm_straddles(
        expiry,
        [100, 100, 105, 105, 100, 100],
        [True, False, True, False, True, False],
        [3.0, 2.0, 1.0, 4.0, np.nan, np.nan],
        102.5,
    )
    assert found.strike[0] == 100.0
    assert np.isnan(found.strike[1])
    assert np.isnan(found.price[1])


def test_empty_chain():
    found = atm_straddles(np.array([], "M8[D]"), [], [], [], 100.0)
    assert found.expiries.size == found.price.size == 0
