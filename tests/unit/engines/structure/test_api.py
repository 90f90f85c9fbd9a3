"""The standalone functions give the same answers as analyze() on the same bars."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from tests.unit.engines.structure.bars import CONFIGS, random_walks
from workstation.engines.structure import (
    analyze,
    ema,
    fair_value_gaps,
    liquidity_levels,
    order_blocks,
    session_vwap,
    swing_points,
)
from workstation.engines.structure.reach import PriceReach


@settings(max_examples=40, deadline=None)
@given(random_walks(), CONFIGS)
def test_each_function_agrees_with_analyze(b, config):
    whole = analyze(b, config)
    o, h, lo, c, v = (b[f] for f in ("open", "high", "low", "close", "volume"))
    assert np.array_equal(swing_points(h, lo, config.swing_length), whole.swings)
    assert np.array_equal(fair_value_gaps(o, h, lo, c), whole.gaps)
    assert np.array_equal(liquidity_levels(b["ts"], h, lo, config), whole.levels)
    assert np.array_equal(order_blocks(o, h, lo, c, config), whole.blocks)
    vwap, bands = session_vwap(b["ts"], h, lo, c, v, config.vwap_bands)
    assert np.array_equal(vwap, whole.vwap, equal_nan=True)
    for m, (upper, lower) in bands.items():
        assert np.array_equal(upper, whole.vwap_bands[m][0], equal_nan=True)
        assert np.array_equal(lower, whole.vwap_bands[m][1], equal_nan=True)
    for span, line in whole.emas.items():
        assert np.array_equal(ema(c, span), line, equal_nan=True)


def test_close_searches_need_closes():
    reach = PriceReach(np.array([2.0]), np.array([1.0]))
    assert reach.low_at_or_below(np.array([0]), np.array([1.0])).tolist() == [0]
    with pytest.raises(ValueError, match="closes"):
        reach.close_above(np.array([0]), np.array([1.0]))
