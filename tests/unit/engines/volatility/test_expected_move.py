import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.chains import CHAIN_DTYPE
from workstation.engines.volatility import (
    atm_term_structure,
    expected_move,
    horizon_moves,
    iv_at_horizon,
    straddle_expected_move,
)


def test_expected_move_reference_values():
    # 500 * 0.20 * sqrt(30/365) = 28.6691...
    assert float(expected_move(500.0, 0.20, 30)) == pytest.approx(28.669108, abs=1e-6)
    # trading-day convention: 500 * 0.20 * sqrt(21/252) = 28.8675...
    assert float(expected_move(500.0, 0.20, 21, 252.0)) == pytest.approx(28.867513, abs=1e-6)


def test_expected_move_vectorises_and_is_nan_for_negative_days():
    out = expected_move([100.0, 200.0], 0.3, [-1.0, 365.0])
    assert math.isnan(out[0])
    assert out[1] == pytest.approx(60.0)


@given(spot=st.floats(1, 1e4), iv=st.floats(0.01, 3), days=st.floats(0.01, 730))
def test_expected_move_scales_with_sqrt_time(spot, iv, days):
    one = float(expected_move(spot, iv, days))
    four = float(expected_move(spot, iv, 4 * days))
    assert four == pytest.approx(2 * one, rel=1e-12)


def _chain(expiries_ivs, spot=100.0):
    rows = []
    for expiry, iv in expiries_ivs:
        for strike in (90.0, 95.0, 100.0, 105.0, 110.0):
            skew = iv + 0.001 * (100.0 - strike)
            for is_call in (True, False):
                intrinsic = max(0.0, spot - strike) if is_call else max(0.0, strike - spot)
                mid = intrinsic + 2.0
                rows.append(
                    (
                        np.datetime64(expiry),
                        strike,
                        is_call,
                        mid - 0.05,
                        mid + 0.05,
                        mid,
                        skew,
                        np.nan,
                        100,
                        10,
                    )
                )
    return np.array(rows, dtype=CHAIN_DTYPE)


def test_atm_iv_interpolates_otm_curve_at_spot():
    chain = _chain([("2026-12-04", 0.20), ("2026-12-18", 0.25)], spot=102.5)
    term = atm_term_structure(chain, 102.5, np.array([14.0, 28.0]))
    # OTM: put IV at 100 (0.20), call IV at 105 (0.195): halfway -> 0.1975
    assert term.atm_iv[0] == pytest.approx(0.1975)
    assert term.atm_iv[1] == pytest.approx(0.2475)
    # nearest strike to 102.5 is 100 (first of the tie); both straddle legs are priced
    assert term.straddle_strike[0] in (100.0, 105.0)
    assert term.straddle[0] == pytest.approx(2.0 + 2.0 + abs(102.5 - 102.5) + 0.0, abs=3.0)


def test_atm_iv_is_nan_when_spot_is_outside_the_listed_strikes():
    chain = _chain([("2026-12-04", 0.20)])
    term = atm_term_structure(chain, 150.0, np.array([14.0]))
    assert math.isnan(term.atm_iv[0])


def test_mismatched_day_counts_are_refused():
    with pytest.raises(ValueError, match="2 expiries but 1 day counts"):
        atm_term_structure(
            _chain([("2026-12-04", 0.2), ("2026-12-11", 0.2)]), 100.0, np.array([1.0])
        )


def test_horizon_iv_interpolates_total_variance():
    days = np.array([10.0, 40.0])
    ivs = np.array([0.30, 0.20])
    # w(25) = (0.09*10 + 0.04*40)/2 = 1.25 -> iv = sqrt(1.25/25)
    assert iv_at_horizon(days, ivs, 25.0) == pytest.approx(math.sqrt(0.05))
    assert iv_at_horizon(days, ivs, 5.0) == 0.30
    assert iv_at_horizon(days, ivs, 90.0) == 0.20
    assert math.isnan(iv_at_horizon(days, np.array([np.nan, np.nan]), 20.0))


def test_straddle_conventions():
    assert straddle_expected_move(10.0) == (pytest.approx(8.5), pytest.approx(12.5))


def test_horizon_moves_in_both_day_conventions():
    moves = horizon_moves(500.0, 0.20, [30.0, 7.0], [21.0, 5.0])
    np.testing.assert_allclose(moves.calendar.move, [28.669108, 500 * 0.2 * math.sqrt(7 / 365)])
    np.testing.assert_allclose(moves.trading.move, [28.867513, 500 * 0.2 * math.sqrt(5 / 252)])
    np.testing.assert_allclose(moves.calendar.low_1sd[0], 500 - 28.669108, atol=1e-6)
    np.testing.assert_allclose(moves.calendar.high_2sd[0], 500 + 2 * 28.669108, atol=1e-6)
    np.testing.assert_array_equal(moves.iv, [0.2, 0.2])
    np.testing.assert_array_equal(moves.trading_days, [21.0, 5.0])


def test_horizon_moves_to_each_listed_expiry_with_nan_iv():
    moves = horizon_moves(100.0, [0.25, np.nan], [36.5, 73.0], [25.0, 50.0])
    assert moves.calendar.move[0] == pytest.approx(100 * 0.25 * math.sqrt(0.1))
    assert np.isnan(moves.calendar.move[1])
    assert np.isnan(moves.trading.low_2sd[1])


@given(
    spot=st.floats(1, 1e4),
    iv=st.floats(0.01, 3),
    days=st.floats(0.01, 730),
    trading=st.floats(0.01, 500),
)
def test_bands_are_symmetric_and_two_sigma_is_twice_one_sigma(spot, iv, days, trading):
    moves = horizon_moves(spot, iv, days, trading)
    for bands in (moves.calendar, moves.trading):
        up, down = bands.high_1sd - spot, spot - bands.low_1sd
        assert float(up) == pytest.approx(float(down), rel=1e-9)
        assert float(bands.high_2sd - spot) == pytest.approx(2 * float(up), rel=1e-9)
        assert float(bands.low_2sd) <= float(bands.low_1sd) <= spot <= float(bands.high_1sd)
