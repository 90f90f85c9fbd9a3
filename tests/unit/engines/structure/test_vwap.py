"""Session VWAP and bands, anchored VWAP, and the vectorised EMA."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.engines.structure.bars import MONDAY, bars, et
from workstation.engines import indicators
from workstation.engines.structure import anchored_vwap, ema, session_vwap
from workstation.engines.structure.averages import EmaLine
from workstation.engines.structure.vwap import _running

TUESDAY = date(2024, 6, 4)
SESSION = bars(
    [
        (et(MONDAY, "09:00"), 10.0, 11.0, 9.0, 10.0, 1000),  # pre-market: not in VWAP
        (et(MONDAY, "09:30"), 10.0, 11.0, 9.0, 10.0, 100),  # typical price 10
        (et(MONDAY, "09:31"), 10.0, 13.0, 11.0, 12.0, 300),  # typical price 12
        (et(MONDAY, "09:32"), 12.0, 12.0, 10.0, 11.0, 0),  # no volume: VWAP unchanged
        (et(MONDAY, "16:05"), 11.0, 11.0, 11.0, 11.0, 500),  # after hours: not in VWAP
        (et(TUESDAY, "09:30"), 20.0, 21.0, 19.0, 20.0, 50),  # a new session starts afresh
    ]
)


def _vwap(b, multiples=(1.0, 2.0)):
    return session_vwap(b["ts"], b["high"], b["low"], b["close"], b["volume"], multiples)


def test_session_vwap_and_bands_by_hand():
    vwap, bands = _vwap(SESSION)
    nan = math.nan
    # (100·10 + 300·12) / 400 = 11.5; variance (100·100 + 300·144) / 400 - 11.5² = 0.75
    assert np.array_equal(vwap, [nan, 10.0, 11.5, 11.5, nan, 20.0], equal_nan=True)
    sigma = math.sqrt(0.75)
    upper, lower = bands[2.0]
    assert upper[1:4].tolist() == [
        10.0,
        pytest.approx(11.5 + 2 * sigma),
        pytest.approx(11.5 + 2 * sigma),
    ]
    assert lower[2] == pytest.approx(11.5 - 2 * sigma)
    assert np.isnan(upper[[0, 4]]).all()
    assert upper[5] == lower[5] == 20.0


def test_vwap_is_nan_until_volume_trades():
    b = bars(
        [
            (et(MONDAY, "09:30"), 10.0, 11.0, 9.0, 10.0, 0),
            (et(MONDAY, "09:31"), 10.0, 13.0, 11.0, 12.0, 5),
        ]
    )
    vwap, _ = _vwap(b)
    assert np.array_equal(vwap, [math.nan, 12.0], equal_nan=True)


def test_uneven_sessions_give_the_same_sums_as_even_ones():
    rng = np.random.default_rng(3)
    rows = [
        (et(d, f"{9 + (30 + m) // 60:02d}:{(30 + m) % 60:02d}"), 10.0, 11.0 + r, 9.0, 10.0, 7.0)
        for d, count in ((MONDAY, 5), (TUESDAY, 390))
        for m, r in zip(range(count), rng.random(count), strict=True)
    ]
    b = bars(rows)
    vwap, _ = _vwap(b)
    for day in (slice(0, 5), slice(5, None)):
        typical = (b["high"][day] + b["low"][day] + b["close"][day]) / 3
        expected = np.cumsum(typical * b["volume"][day]) / np.cumsum(b["volume"][day])
        assert np.allclose(vwap[day], expected, rtol=1e-12)


@pytest.mark.parametrize("lengths", [[4, 4, 4], [1, 7, 3], [1, 1, 9000]])
def test_running_sums_restart_per_session_exactly_like_a_live_total(lengths):
    values = np.random.default_rng(5).normal(size=(2, sum(lengths)))
    starts = np.cumsum([0, *lengths[:-1]])
    out = _running(values, starts, np.array(lengths))
    expected = []
    for row in values.tolist():
        total, line = 0.0, []
        for k, x in enumerate(row):
            total = x if k in starts else total + x
            line.append(total)
        expected.append(line)
    assert out.tolist() == expected


def test_anchored_vwap_from_a_bar():
    high = np.array([11.0, 13.0, 15.0])
    low = np.array([9.0, 11.0, 13.0])
    close = np.array([10.0, 12.0, 14.0])
    out = anchored_vwap(high, low, close, [100.0, 300.0, 100.0], 1)
    assert np.array_equal(out, [math.nan, 12.0, 12.5], equal_nan=True)
    with pytest.raises(ValueError, match="outside"):
        anchored_vwap(high, low, close, [1.0] * 3, 3)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(1, 1000), min_size=1, max_size=300), st.integers(1, 50))
def test_ema_agrees_with_the_indicator_and_the_live_line(closes, span):
    vectorised = ema(closes, span)
    reference = indicators.ema(closes, span)
    assert np.array_equal(np.isnan(vectorised), np.isnan(reference))
    assert np.allclose(vectorised, reference, rtol=1e-12, equal_nan=True)
    line = EmaLine(span)
    assert np.array_equal([line.update(c) for c in closes], vectorised, equal_nan=True)


def test_ema_by_hand_and_its_limits():
    assert ema([10.0, 11.0, 13.0], 3).tolist()[2] == 11.75  # alpha 0.5: 10, 10.5, 11.75
    assert len(ema([], 5)) == 0
    with pytest.raises(ValueError, match="span"):
        ema([1.0], 0)
