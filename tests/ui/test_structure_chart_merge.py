"""Merging bars for display: exact buckets, the pyramid, pixel buckets and the visible range."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.ui.charts.layer import Viewport
from workstation.ui.charts.merge import (
    CLOSE,
    DETAIL,
    HIGH,
    LOW,
    OPEN,
    VOLUME,
    BarPyramid,
    bucket_edges,
    merge_buckets,
)


def _bars(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    close = 100 + np.cumsum(rng.normal(0, 1, n))
    open_ = np.r_[100.0, close[:-1]]
    high = np.maximum(open_, close) + rng.random(n)
    low = np.minimum(open_, close) - rng.random(n)
    return np.stack([open_, high, low, close, rng.integers(1, 1000, n).astype(float)])


def _reference(ohlcv: np.ndarray, first: int, stop: int) -> list[float]:
    part = ohlcv[:, first:stop]
    return [part[OPEN, 0], part[HIGH].max(), part[LOW].min(), part[CLOSE, -1], part[VOLUME].sum()]


# ------------------------------------------------------------------ merge_buckets
def test_merge_buckets_on_a_hand_made_series() -> None:
    ohlcv = np.array(
        [
            [10.0, 11.0, 12.0, 11.5, 13.0],  # open
            [11.5, 12.5, 12.2, 13.5, 13.2],  # high
            [9.5, 10.8, 11.0, 11.2, 12.9],  # low
            [11.0, 12.0, 11.4, 13.0, 13.1],  # close
            [100, 200, 300, 400, 500],  # volume
        ]
    )
    merged = merge_buckets(ohlcv, [0, 2, 4])
    np.testing.assert_array_equal(
        merged,
        [
            [10.0, 12.0, 13.0],
            [12.5, 13.5, 13.2],
            [9.5, 11.0, 12.9],
            [12.0, 13.0, 13.1],
            [300, 700, 500],
        ],
    )


@pytest.mark.parametrize("starts", [[1, 2], [0, 2, 2], [0, 3, 1], [0, 5]])
def test_merge_buckets_refuses_bad_starts(starts: list[int]) -> None:
    with pytest.raises(ValueError, match="bucket starts"):
        merge_buckets(_bars(5), starts)


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(1, 300),
    cuts=st.lists(st.integers(1, 299), max_size=40),
    seed=st.integers(0, 1000),
)
def test_each_merged_bucket_is_open_first_max_high_min_low_close_last_summed_volume(
    n: int, cuts: list[int], seed: int
) -> None:
    ohlcv = _bars(n, seed)
    starts = np.unique([0, *(c for c in cuts if c < n)])
    merged = merge_buckets(ohlcv, starts)
    ends = [*starts[1:], n]
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        np.testing.assert_allclose(merged[:, i], _reference(ohlcv, a, b))


# ------------------------------------------------------------------ pixel buckets
def test_bucket_edges_follow_the_pixel_grid_aligned_at_bar_zero() -> None:
    # 2.5 bars per pixel, run length 1: buckets start at floor(j * 2.5).
    np.testing.assert_array_equal(bucket_edges(3, 11, 2.5, 1), [2, 5, 7, 10, 11])
    # Runs of 2 round the edges down to even bars; the last edge is the stop.
    np.testing.assert_array_equal(bucket_edges(3, 11, 2.5, 2), [2, 4, 6, 10, 11])


@settings(max_examples=80, deadline=None)
@given(
    first=st.integers(0, 5000),
    span=st.integers(1, 5000),
    bars_per_pixel=st.floats(1.0, 400.0),
)
def test_pixel_buckets_cover_the_range_once_and_stay_put_when_panning(
    first: int, span: int, bars_per_pixel: float
) -> None:
    stop = first + span
    edges = bucket_edges(first, stop, bars_per_pixel, 1)
    assert edges[0] <= first
    assert edges[-1] == stop
    assert np.all(np.diff(edges) > 0)
    assert edges.size - 1 <= span / bars_per_pixel + 2  # about one bucket per pixel column
    # Panning right by some bars keeps the interior edges where they were.
    later = bucket_edges(first + 7, stop + 7, bars_per_pixel, 1)
    shared = np.intersect1d(edges[1:-1], later[1:-1])
    overlap = [e for e in edges[1:-1] if later[0] < e < stop]
    assert set(overlap) <= set(shared.tolist())


# ------------------------------------------------------------------ the pyramid
def test_pyramid_levels_merge_aligned_runs_of_powers_of_two() -> None:
    ohlcv = _bars(11)
    pyramid = BarPyramid(ohlcv)
    assert pyramid.depth == 5  # 11, 6, 3, 2, 1 candles
    for k in range(pyramid.depth):
        run = 1 << k
        expected = merge_buckets(ohlcv, np.arange(0, 11, run))
        np.testing.assert_allclose(pyramid.level(k), expected)


def test_candles_are_one_per_bar_below_one_bar_per_pixel() -> None:
    pyramid = BarPyramid(_bars(50))
    candles = pyramid.candles(10, 20, 0.25)
    np.testing.assert_array_equal(candles.first, np.arange(10, 20))
    np.testing.assert_array_equal(candles.count, np.ones(10))
    np.testing.assert_array_equal(candles.ohlcv, pyramid.bars[:, 10:20])
    np.testing.assert_array_equal(candles.centre, np.arange(10, 20))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 3000),
    where=st.tuples(st.floats(0, 1), st.floats(0, 1)),
    bars_per_pixel=st.floats(1.0, 600.0),
    seed=st.integers(0, 100),
)
def test_merged_candles_are_exact_contiguous_and_bounded_by_the_pixels(
    n: int, where: tuple[float, float], bars_per_pixel: float, seed: int
) -> None:
    ohlcv = _bars(n, seed)
    first, stop = sorted(int(w * (n - 1)) for w in where)
    stop += 1
    candles = BarPyramid(ohlcv).candles(first, stop, bars_per_pixel)
    ends = candles.first + candles.count
    assert candles.first[0] <= first
    assert ends[-1] >= min(stop, n)
    np.testing.assert_array_equal(candles.first[1:], ends[:-1])  # no gaps, no overlap
    assert len(candles) <= (stop - first) / bars_per_pixel + 3
    # Each bucket is within 1/DETAIL pixel of the pixel grid: at least ~1 pixel wide.
    assert np.all(candles.count[:-1] >= bars_per_pixel * (1 - 2 / DETAIL) - 1)
    for i in range(len(candles)):
        a, b = int(candles.first[i]), int(ends[i])
        np.testing.assert_allclose(candles.ohlcv[:, i], _reference(ohlcv, a, b))


def test_a_zoomed_out_query_reads_a_coarse_level_not_every_bar() -> None:
    n = 1 << 18
    pyramid = BarPyramid(_bars(n))
    candles = pyramid.candles(0, n, n / 1600)
    assert 1500 <= len(candles) <= 1602
    assert candles.count.max() <= 2 * n / 1600


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 200), ticks=st.lists(st.booleans(), min_size=1, max_size=300))
def test_live_appends_and_replacements_match_a_fresh_pyramid(n: int, ticks: list[bool]) -> None:
    bars = _bars(n + len(ticks), 3)
    live = BarPyramid(bars[:, :n])
    size = n
    for append in ticks:
        if append:
            live.append(bars[:, size])
            size += 1
        else:
            moved = bars[:, size - 1] * np.array([1.0, 1.01, 0.99, 1.0, 2.0])
            bars[:, size - 1] = moved
            live.replace_last(moved)
    fresh = BarPyramid(bars[:, :size])
    assert live.depth == fresh.depth
    for k in range(fresh.depth):
        np.testing.assert_allclose(live.level(k), fresh.level(k))


# ------------------------------------------------------------------ the visible range
@pytest.mark.parametrize(
    ("x0", "x1", "n", "expected"),
    [
        (-5.0, 4.2, 100, (0, 5)),  # left of the data: from bar 0
        (10.6, 20.4, 100, (11, 21)),  # bar i spans x = i ± 0.5: 10 is out, 20 half in
        (10.4, 20.6, 100, (10, 22)),
        (90.0, 120.0, 100, (90, 100)),  # right of the data: up to the last bar
        (150.0, 160.0, 100, (100, 100)),  # nothing in view
    ],
)
def test_bar_range_covers_every_partly_visible_bar(
    x0: float, x1: float, n: int, expected: tuple[int, int]
) -> None:
    view = Viewport(x0, x1, 0.0, 1.0, 10.0, 0.0, -1.0, 0.0)
    assert view.bar_range(n) == expected
