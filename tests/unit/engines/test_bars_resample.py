import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.bars import empty_bars
from workstation.engines.bars import resample

OPEN_0930_ET = 1_763_649_000  # 2025-11-20 14:30 UTC, a multiple of 300


def _minutes(n, start=OPEN_0930_ET, seed=0):
    rng = np.random.default_rng(seed)
    bars = empty_bars(n)
    bars["ts"] = start + 60 * np.arange(n)
    close = 100 + np.cumsum(rng.normal(0, 0.1, n))
    bars["open"] = np.r_[100.0, close[:-1]]
    bars["close"] = close
    bars["high"] = np.maximum(bars["open"], close) + 0.05
    bars["low"] = np.minimum(bars["open"], close) - 0.05
    bars["volume"] = rng.integers(100, 1000, n)
    return bars


def test_five_minute_bars_aggregate_exactly():
    bars = _minutes(12)
    five = resample(bars, 300)
    assert list(five["ts"]) == [OPEN_0930_ET, OPEN_0930_ET + 300, OPEN_0930_ET + 600]
    assert five["open"][0] == bars["open"][0]
    assert five["close"][1] == bars["close"][9]
    assert five["high"][2] == bars["high"][10:12].max()
    assert five["low"][0] == bars["low"][:5].min()
    assert five["volume"][1] == bars["volume"][5:10].sum()


def test_hourly_bars_align_to_the_half_hour_open():
    bars = _minutes(120)
    hourly = resample(bars, 3600, origin=1800)
    assert list(hourly["ts"]) == [OPEN_0930_ET, OPEN_0930_ET + 3600]


def test_gaps_create_no_empty_buckets():
    bars = _minutes(10)
    bars["ts"][5:] += 86400
    assert len(resample(bars, 300)) == 2
    assert len(resample(empty_bars(0), 300)) == 0


@given(n=st.integers(1, 400), seed=st.integers(0, 1000), size=st.sampled_from([300, 900, 3600]))
def test_resampling_preserves_volume_and_extremes(n, seed, size):
    bars = _minutes(n, seed=seed)
    out = resample(bars, size)
    assert out["volume"].sum() == bars["volume"].sum()
    assert out["high"].max() == bars["high"].max()
    assert out["low"].min() == bars["low"].min()
    assert out["close"][-1] == bars["close"][-1]
