"""The first-reach search answers like a scan from each start, at every tree depth."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.engines.structure.reach import MinTree, PriceReach


def _scan(values: np.ndarray, start: int, limit: float, strict: bool) -> int:
    for i in range(max(start, 0), len(values)):
        if values[i] < limit or (not strict and values[i] == limit):
            return i
    return -1


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 40_000),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_first_at_or_below_matches_a_scan(size, seed, strict):
    rng = np.random.default_rng(seed)
    # a random walk on a coarse grid: ties, long climbs and far-away answers
    values = np.cumsum(rng.integers(-3, 4, size)).astype(float)
    starts = rng.integers(-2, size + 3, 40)
    limits = rng.integers(-60, 60, 40).astype(float)
    found = MinTree(values).first_at_or_below(starts, limits, strict=strict)
    expected = [_scan(values, s, x, strict) for s, x in zip(starts, limits, strict=True)]
    assert found.tolist() == expected


def test_hand_picked_answers():
    tree = MinTree([5.0, 3.0, 4.0, 3.0, 1.0])
    assert tree.first_at_or_below([0, 2, 2, 0, 5], [3.0, 3.0, 2.9, 0.5, 9.0]).tolist() == [
        1,
        3,
        4,
        -1,
        -1,
    ]
    assert tree.first_at_or_below([0], [3.0], strict=True).tolist() == [4]
    assert MinTree([]).first_at_or_below([0], [1.0]).tolist() == [-1]


def test_price_reach_reads_highs_lows_and_closes_on_the_right_side():
    high = np.array([10.0, 12.0, 11.0])
    low = np.array([9.0, 8.0, 10.5])
    close = np.array([9.5, 11.0, 10.8])
    reach = PriceReach(high, low, close)
    one = np.array([0])
    assert reach.high_at_or_above(one, np.array([12.0])).tolist() == [1]
    assert reach.high_above(one, np.array([12.0])).tolist() == [-1]
    assert reach.low_at_or_below(one, np.array([8.0])).tolist() == [1]
    assert reach.low_below(one, np.array([8.0])).tolist() == [-1]
    assert reach.close_above(one, np.array([10.9])).tolist() == [1]
    assert reach.close_below(np.array([1]), np.array([10.9])).tolist() == [2]
    sides = np.array([1, -1], dtype=np.int8)
    assert reach.beyond(sides, np.array([0, 0]), np.array([11.5, 8.5])).tolist() == [1, 1]
    assert reach.close_beyond(sides, np.array([0, 1]), np.array([11.0, 10.9])).tolist() == [-1, 2]
