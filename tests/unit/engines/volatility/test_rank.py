"""IV rank, IV percentile and the vol regime: by hand, edge cases, properties."""

import math
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.engines.volatility import (
    IvStats,
    IvStatsStatus,
    RegimeBasis,
    RegimeRule,
    VolRegime,
    iv_percentile,
    iv_rank,
    iv_stats,
    vol_regime,
)

AS_OF = date(2026, 11, 20)


def _sessions(n, end="2026-11-19"):
    """``n`` weekday dates ending at ``end`` (a stand-in for exchange sessions)."""
    days = np.busday_offset(np.datetime64(end, "D"), -np.arange(n)[::-1], roll="backward")
    return days.astype("M8[D]")


def test_rank_and_percentile_by_hand():
    ivs = np.array([0.10, 0.30, 0.20, 0.15, 0.25])
    stats = iv_stats(_sessions(5), ivs, 0.22, as_of=AS_OF, min_observations=5)
    # low 0.10, high 0.30: (0.22 - 0.10) / 0.20 = 60; below 0.22: 0.10, 0.20, 0.15 -> 3 of 5
    assert stats.rank == pytest.approx(60.0)
    assert stats.percentile == pytest.approx(60.0)
    assert (stats.low, stats.high, stats.current) == (0.10, 0.30, 0.22)
    assert stats.observations == 5
    assert stats.status is IvStatsStatus.PARTIAL
    assert (stats.window_start, stats.window_end) == (date(2026, 11, 13), date(2026, 11, 19))


def test_current_outside_the_history_reads_0_or_100():
    dates, ivs = _sessions(30), np.linspace(0.2, 0.3, 30)
    assert iv_rank(dates, ivs, 0.35, as_of=AS_OF) == 100.0
    assert iv_percentile(dates, ivs, 0.35, as_of=AS_OF) == 100.0
    assert iv_rank(dates, ivs, 0.10, as_of=AS_OF) == 0.0
    assert iv_percentile(dates, ivs, 0.10, as_of=AS_OF) == 0.0


def test_window_keeps_the_last_252_sessions_before_as_of():
    dates = _sessions(300, end="2026-11-20")  # the last row is dated as_of itself
    ivs = np.concatenate([np.full(47, 0.90), np.linspace(0.20, 0.40, 252), [0.05]])
    stats = iv_stats(dates, ivs, 0.30, as_of=AS_OF)
    assert stats.observations == 252
    assert stats.status is IvStatsStatus.OK
    assert (stats.low, stats.high) == (0.20, 0.40)  # neither 0.90 (too old) nor 0.05 (today)
    assert stats.rank == pytest.approx(50.0)
    assert stats.window_start == dates[47].astype(object)
    assert stats.window_end == date(2026, 11, 19)
    assert iv_stats(dates, ivs, 0.30, as_of=AS_OF, window_sessions=10).observations == 10


def test_unsorted_history_and_nan_rows():
    dates, ivs = _sessions(25), np.linspace(0.1, 0.34, 25)
    ivs[3] = np.nan
    order = np.random.default_rng(1).permutation(25)
    stats = iv_stats(dates[order], ivs[order], 0.215, as_of=AS_OF)
    assert stats.observations == 24
    assert stats.window_start == dates[0].astype(object)
    assert stats.percentile == pytest.approx(100 * 11 / 24)  # 0.10..0.21 minus the NaN at 0.13


def test_too_little_history_is_nan_but_says_how_much():
    stats = iv_stats(_sessions(19), np.linspace(0.1, 0.3, 19), 0.2, as_of=AS_OF)
    assert math.isnan(stats.rank)
    assert math.isnan(stats.percentile)
    assert stats.status is IvStatsStatus.TOO_FEW
    assert stats.observations == 19
    assert (stats.low, stats.high) == (0.1, 0.3)


def test_empty_history():
    stats = iv_stats(np.array([], "M8[D]"), np.array([]), 0.2, as_of=AS_OF)
    assert stats.status is IvStatsStatus.TOO_FEW
    assert (stats.observations, stats.window_start, stats.window_end) == (0, None, None)
    assert math.isnan(stats.rank)
    assert math.isnan(stats.percentile)


def test_flat_history_gives_nan_rank():
    stats = iv_stats(_sessions(40), np.full(40, 0.2), 0.2, as_of=AS_OF)
    assert stats.status is IvStatsStatus.FLAT
    assert math.isnan(stats.rank)
    assert stats.percentile == 0.0  # no session was below today's


def test_nan_current_iv():
    stats = iv_stats(_sessions(40), np.linspace(0.1, 0.3, 40), math.nan, as_of=AS_OF)
    assert stats.status is IvStatsStatus.NO_CURRENT
    assert math.isnan(stats.rank)
    assert math.isnan(stats.percentile)
    assert (stats.low, stats.high) == (0.1, 0.3)


def test_mismatched_history_is_refused():
    with pytest.raises(ValueError, match="3 history dates but 2 IVs"):
        iv_stats(_sessions(3), [0.1, 0.2], 0.2, as_of=AS_OF)


def _stats(rank, percentile):
    return IvStats(rank, percentile, 0.1, 0.3, 0.2, None, None, 252, IvStatsStatus.OK)


def test_regime_by_rank_with_reasons():
    high = vol_regime(_stats(62.0, 40.0))
    assert high.regime is VolRegime.HIGH
    assert high.reason == "IV rank 62 ≥ 50: high"
    assert vol_regime(_stats(25.0, 90.0)).regime is VolRegime.LOW
    neutral = vol_regime(_stats(30.0, 90.0))
    assert neutral.regime is VolRegime.NEUTRAL
    assert neutral.reason == "IV rank 30 between 25 and 50: neutral"
    assert vol_regime(_stats(math.nan, 90.0)).regime is VolRegime.UNKNOWN


def test_regime_by_percentile_or_both_with_custom_thresholds():
    by_pct = RegimeRule(RegimeBasis.PERCENTILE, high_at=80.0, low_at=20.0)
    assert vol_regime(_stats(10.0, 85.0), by_pct).regime is VolRegime.HIGH
    both = RegimeRule(RegimeBasis.BOTH)
    assert vol_regime(_stats(62.0, 40.0), both).regime is VolRegime.NEUTRAL  # they disagree
    agreed = vol_regime(_stats(62.0, 70.0), both)
    assert agreed.regime is VolRegime.HIGH
    assert agreed.reason == "IV rank 62 and IV percentile 70 ≥ 50: high"
    unknown = vol_regime(_stats(62.0, math.nan), both)
    assert unknown.regime is VolRegime.UNKNOWN
    assert unknown.reason == "IV rank and IV percentile unavailable: regime unknown"


history = st.lists(st.floats(0.01, 3.0), min_size=20, max_size=300)


@given(ivs=history, current=st.floats(0.0, 4.0))
def test_rank_and_percentile_stay_on_the_0_100_scale(ivs, current):
    stats = iv_stats(_sessions(len(ivs)), np.array(ivs), current, as_of=AS_OF)
    assert math.isnan(stats.rank) or 0.0 <= stats.rank <= 100.0
    assert 0.0 <= stats.percentile <= 100.0


@given(ivs=history, a=st.floats(0.0, 4.0), b=st.floats(0.0, 4.0))
def test_percentile_and_rank_never_fall_as_current_iv_rises(ivs, a, b):
    dates, values = _sessions(len(ivs)), np.array(ivs)
    low, high = sorted((a, b))
    assert iv_percentile(dates, values, low, as_of=AS_OF) <= iv_percentile(
        dates, values, high, as_of=AS_OF
    )
    r_low, r_high = (iv_rank(dates, values, x, as_of=AS_OF) for x in (low, high))
    if not math.isnan(r_low) and not math.isnan(r_high):
        assert r_low <= r_high + 1e-9
