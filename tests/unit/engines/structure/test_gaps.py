"""Fair value gaps: geometry, the tag and the fill, including a fill on the very next bar."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from tests.unit.engines.structure.bars import random_walks
from workstation.domain.structure import GAP_DTYPE
from workstation.engines.structure import fair_value_gaps


def _gaps(ohlc):
    o, h, lo, c = (np.array(col) for col in zip(*ohlc, strict=True))
    return fair_value_gaps(o, h, lo, c)


def test_bullish_gap_tagged_later_and_filled_after():
    found = _gaps(
        [
            (10.0, 11.0, 9.5, 10.8),
            (10.8, 13.0, 10.7, 12.9),  # middle candle
            (12.9, 14.0, 12.0, 13.8),  # low 12 above the first high 11: gap 11..12
            (13.8, 14.5, 12.5, 14.0),  # stays above the gap
            (14.0, 14.2, 11.8, 12.0),  # trades into it: tag
            (12.0, 12.3, 10.9, 11.0),  # through its bottom: filled (and a bearish gap 12.3..12.5)
        ]
    )
    expected = np.array(
        [(1, 2, 1, 12.0, 11.0, 4, 5), (4, 5, -1, 12.5, 12.3, -1, -1)], dtype=GAP_DTYPE
    )
    assert np.array_equal(found, expected)


def test_a_gap_filled_on_the_next_bar_is_tagged_and_mitigated_there():
    found = _gaps(
        [
            (10.0, 11.0, 9.5, 10.8),
            (10.8, 13.0, 10.7, 12.9),
            (12.9, 14.0, 12.0, 13.8),
            (13.8, 13.9, 10.5, 10.6),
        ]
    )
    assert np.array_equal(found, np.array([(1, 2, 1, 12.0, 11.0, 3, 3)], dtype=GAP_DTYPE))


def test_bearish_gap_where_touching_the_edge_counts():
    found = _gaps(
        [
            (20.0, 20.5, 19.0, 19.2),
            (19.2, 19.3, 17.0, 17.1),
            (17.1, 18.0, 16.5, 16.6),  # high 18 below the first low 19: gap 18..19
            (16.6, 18.0, 16.4, 17.9),  # high reaches the bottom edge exactly: tag
            (17.9, 19.5, 17.8, 19.4),  # through the top: filled
        ]
    )
    assert np.array_equal(found, np.array([(1, 2, -1, 19.0, 18.0, 3, 4)], dtype=GAP_DTYPE))


def test_the_middle_candle_colour_does_not_matter():
    # an opening gap makes the middle candle red, yet nothing traded between 11 and 12
    found = _gaps([(10.0, 11.0, 9.5, 10.8), (13.0, 13.2, 12.4, 12.5), (12.5, 14.0, 12.0, 13.8)])
    assert found["side"].tolist() == [1]
    assert (found["top"][0], found["bottom"][0]) == (12.0, 11.0)


def test_touching_highs_and_lows_are_no_gap():
    assert (
        len(_gaps([(10.0, 11.0, 9.5, 10.8), (10.8, 13.0, 10.7, 12.9), (12.9, 14.0, 11.0, 13.8)]))
        == 0
    )


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="same length"):
        fair_value_gaps([1.0], [1.0, 2.0], [1.0, 2.0], [1.0, 2.0])


def _brute(b):
    h, lo = b["high"], b["low"]
    rows = []
    for i in range(1, len(b) - 1):
        if lo[i + 1] > h[i - 1]:
            side, top, bottom = 1, lo[i + 1], h[i - 1]
        elif h[i + 1] < lo[i - 1]:
            side, top, bottom = -1, lo[i - 1], h[i + 1]
        else:
            continue
        later = range(i + 2, len(b))
        if side > 0:
            tag = next((j for j in later if lo[j] <= top), -1)
            fill = next((j for j in later if lo[j] <= bottom), -1)
        else:
            tag = next((j for j in later if h[j] >= bottom), -1)
            fill = next((j for j in later if h[j] >= top), -1)
        rows.append((i, i + 1, side, top, bottom, tag, fill))
    return np.array(rows, dtype=GAP_DTYPE)


@settings(max_examples=100, deadline=None)
@given(random_walks(max_bars=80))
def test_gaps_follow_the_definition(b):
    assert np.array_equal(fair_value_gaps(b["open"], b["high"], b["low"], b["close"]), _brute(b))
