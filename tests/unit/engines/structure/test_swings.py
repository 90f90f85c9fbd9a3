"""Swing highs and lows: strict on the left, non-strict on the right, confirmed L bars later."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain.structure import SWING_DTYPE
from workstation.engines.structure import swing_points
from workstation.engines.structure.swings import SwingWatch, _window_extreme


def _swings(rows):
    return np.array(rows, dtype=SWING_DTYPE)


def test_a_flat_top_is_one_swing_at_its_first_bar():
    highs = [1.0, 2.0, 5.0, 5.0, 3.0, 2.0, 1.0]
    found = swing_points(highs, [h - 1 for h in highs], 2)
    assert np.array_equal(found, _swings([(2, 4, 1, 5.0)]))


def test_an_equal_high_on_the_right_still_counts_but_not_on_the_left():
    assert swing_points([1.0, 3.0, 3.0, 1.0], [0.0] * 4, 1)["bar"].tolist() == [1]
    assert swing_points([1.0, 3.0, 2.0, 3.0, 1.0], [0.0] * 5, 1)["bar"].tolist() == [1, 3]


def test_a_swing_needs_its_whole_window():
    # bar 0 is the highest high and bar 4 the lowest low, but neither has bars on both sides
    assert len(swing_points([5.0, 1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0, 0.0], 1)) == 0


def test_an_outside_bar_is_a_swing_low_and_high_low_first():
    found = swing_points([2.0, 5.0, 3.0], [1.0, 0.0, 2.0], 1)
    assert np.array_equal(found, _swings([(1, 2, -1, 0.0), (1, 2, 1, 5.0)]))


def test_a_swing_length_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        swing_points([1.0], [1.0], 0)


def _brute(high, low, length):
    rows = []
    for i in range(length, len(high) - length):
        left, right = slice(i - length, i), slice(i + 1, i + length + 1)
        if low[i] < min(low[left]) and low[i] <= min(low[right]):
            rows.append((i, i + length, -1, low[i]))
        if high[i] > max(high[left]) and high[i] >= max(high[right]):
            rows.append((i, i + length, 1, high[i]))
    return _swings(rows)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=0, max_size=80), st.integers(1, 6))
def test_swing_points_follow_the_definition_and_the_live_watch_agrees(ticks, length):
    high = np.array(ticks, dtype=float)
    low = high - np.array([(t * 7) % 3 for t in ticks], dtype=float)
    expected = _brute(high, low, length)
    assert np.array_equal(swing_points(high, low, length), expected)
    watch = SwingWatch(length)
    live = [row for i in range(len(high)) for row in watch.update(i, high[i], low[i])]
    assert np.array_equal(_swings(live), expected)


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=60), st.integers(1, 70))
def test_window_extremes_match_a_direct_reduction(values, length):
    x = np.array(values)
    if length > len(x):
        return
    expected = [max(values[t : t + length]) for t in range(len(x) - length + 1)]
    assert _window_extreme(x, length, np.maximum).tolist() == expected
