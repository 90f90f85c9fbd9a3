"""A realistic chart rendered to PNG: three sessions of SPY-like bars with their structure.

The series and structure builders here are shared with the other chart and
dock tests and the chart benchmark. The structure is built by a small
reference implementation in this file (fractal swings, three-candle gaps,
prior-day and equal-high levels, sweeps, order blocks, session VWAP), not by
the engine: the chart is tested on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from workstation.domain.bars import BAR_DTYPE, BarArray, Timeframe
from workstation.domain.structure import (
    BLOCK_DTYPE,
    EVENT_DTYPE,
    GAP_DTYPE,
    LEVEL_DTYPE,
    SWING_DTYPE,
    EventKind,
    LevelKind,
    Structure,
)
from workstation.engines.bars import resample
from workstation.engines.indicators import ema
from workstation.ui.docks.structure.feed import StructureChart
from workstation.ui.docks.structure.view import StructureChartWidget
from workstation.ui.theme import apply_theme, current_theme

RTH_OPEN_UTC = (14, 30)  # 09:30 ET in winter
SESSION_MINUTES = 390
PNG = Path("/tmp/structure_chart.png")


def minute_bars(days: int = 3, seed: int = 11, start: datetime | None = None) -> BarArray:
    """Regular-session one-minute bars on consecutive weekdays: a trending, clustered walk."""
    rng = np.random.default_rng(seed)
    day = start or datetime(2026, 11, 18, *RTH_OPEN_UTC, tzinfo=UTC)
    opens = []
    while len(opens) < days:
        if day.weekday() < 5:
            opens.append(int(day.timestamp()))
        day += timedelta(days=1)
    ts = (np.asarray(opens)[:, None] + 60 * np.arange(SESSION_MINUTES)[None, :]).ravel()
    n = ts.size
    vol = 0.00045 * np.exp(np.cumsum(rng.normal(0, 0.05, n)) * 0.3)
    drift = 0.00012 * np.sin(np.arange(n) / 140.0)
    steps = drift + vol * rng.standard_normal(n)
    steps[::SESSION_MINUTES] += rng.normal(0, 0.003, days)  # overnight gaps
    close = 450.0 * np.exp(np.cumsum(steps))
    open_ = np.r_[450.0, close[:-1]] * np.exp(np.where(np.arange(n) % SESSION_MINUTES, 0, steps))
    open_[0] = 450.0
    wick = np.abs(rng.normal(0, 1, (2, n))) * vol * close * 0.8
    minute = np.arange(n) % SESSION_MINUTES
    u_shape = 1.0 + 2.5 * np.exp(-minute / 25.0) + 1.5 * np.exp((minute - 389) / 30.0)
    bars = np.zeros(n, dtype=BAR_DTYPE)
    bars["ts"], bars["open"], bars["close"] = ts, open_, close
    bars["high"] = np.maximum(open_, close) + wick[0]
    bars["low"] = np.minimum(open_, close) - wick[1]
    bars["volume"] = np.round(2.0e4 * u_shape * rng.lognormal(0, 0.4, n))
    return bars


def five_minute_bars(days: int = 3, seed: int = 11) -> BarArray:
    """``minute_bars`` resampled to five minutes."""
    return resample(minute_bars(days, seed), Timeframe.M5.seconds)


def swings(high: np.ndarray, low: np.ndarray, length: int) -> np.ndarray:
    """Fractal swing highs and lows, confirmed ``length`` bars later."""
    rows = []
    for i in range(length, high.size - length):
        window = slice(i - length, i + length + 1)
        if high[i] == high[window].max():
            rows.append((i, i + length, 1, high[i]))
        if low[i] == low[window].min():
            rows.append((i, i + length, -1, low[i]))
    return np.array(rows, dtype=SWING_DTYPE)


def fair_value_gaps(high: np.ndarray, low: np.ndarray, share: float = 0.4) -> np.ndarray:
    """Three-candle gaps around middle bar i at least ``share`` of the middle candle's range,
    with their first tag and full fill."""
    rows = []
    for i in range(1, high.size - 1):
        for side, top, bottom in ((1, low[i + 1], high[i - 1]), (-1, low[i - 1], high[i + 1])):
            if top - bottom < share * (high[i] - low[i]):
                continue
            later = np.arange(i + 2, high.size)
            into = low[later] <= top if side > 0 else high[later] >= bottom
            fill = low[later] <= bottom if side > 0 else high[later] >= top
            tagged = int(later[into][0]) if into.any() else -1
            filled = int(later[fill][0]) if fill.any() else -1
            rows.append((i, i + 1, side, top, bottom, tagged, filled))
    return np.array(rows, dtype=GAP_DTYPE)


def _first_through(values: np.ndarray, start: int, price: float, side: int) -> int:
    later = values[start:]
    hit = np.flatnonzero(later > price if side > 0 else later < price)
    return int(hit[0]) + start if hit.size else -1


def liquidity_levels(bars: BarArray, found: np.ndarray) -> np.ndarray:
    """Prior-day highs and lows, and equal swing highs / lows (0.04 % tolerance)."""
    high, low = bars["high"], bars["low"]
    day = bars["ts"] // 86_400
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    ends = np.r_[starts[1:], day.size]
    rows = []
    for (a, b), nxt in zip(zip(starts[:-1], ends[:-1], strict=True), starts[1:], strict=True):
        hi, lo = a + int(np.argmax(high[a:b])), a + int(np.argmin(low[a:b]))
        rows.append((LevelKind.PRIOR_DAY, 1, high[hi], hi, hi, nxt, 1,
                     _first_through(high, nxt, high[hi], 1)))  # fmt: skip
        rows.append((LevelKind.PRIOR_DAY, -1, low[lo], lo, lo, nxt, 1,
                     _first_through(low, nxt, low[lo], -1)))  # fmt: skip
    for side in (1, -1):
        pts = found[found["side"] == side]
        for a, b in pairwise(pts):
            if abs(a["price"] - b["price"]) <= 0.0004 * a["price"]:
                price = max(a["price"], b["price"]) if side > 0 else min(a["price"], b["price"])
                values = high if side > 0 else low
                swept = _first_through(values, int(b["confirmed"]), price, side)
                rows.append((LevelKind.EQUAL, side, price, a["bar"], b["bar"], b["confirmed"],
                             2, swept))  # fmt: skip
    return np.array(rows, dtype=LEVEL_DTYPE)


def session_vwap(bars: BarArray) -> tuple[np.ndarray, dict[float, tuple[np.ndarray, np.ndarray]]]:
    """VWAP anchored at each session's first bar, with 1 and 2 standard-deviation bands."""
    typical = (bars["high"] + bars["low"] + bars["close"]) / 3
    day = bars["ts"] // 86_400
    vwap, sigma = np.empty(len(bars)), np.empty(len(bars))
    for d in np.unique(day):
        at = day == d
        w = bars["volume"][at]
        mean = np.cumsum(typical[at] * w) / np.cumsum(w)
        var = np.cumsum(typical[at] ** 2 * w) / np.cumsum(w) - mean**2
        vwap[at], sigma[at] = mean, np.sqrt(np.maximum(var, 0))
    return vwap, {k: (vwap + k * sigma, vwap - k * sigma) for k in (1.0, 2.0)}


def structure_events(bars: BarArray, levels: np.ndarray, gaps: np.ndarray, found: np.ndarray):
    """Sweeps (close back inside), FVG tags, breaks of structure; plus order blocks."""
    close, open_ = bars["close"], bars["open"]
    rows, blocks = [], []
    for ref, lv in enumerate(levels):
        bar = int(lv["swept"])
        if bar >= 0 and (close[bar] - lv["price"]) * lv["side"] < 0:
            rows.append((bar, EventKind.SWEEP, -lv["side"], lv["price"], ref))
    for ref, gap in enumerate(gaps):
        if gap["tagged"] >= 0:
            rows.append((gap["tagged"], EventKind.FVG_TAG, gap["side"], gap["top"], ref))
    for ref, sw in enumerate(found):
        broken = _first_through(close, int(sw["confirmed"]), sw["price"], int(sw["side"]))
        if broken >= 0:
            kind = EventKind.BREAK_OF_STRUCTURE if ref % 3 else EventKind.CHANGE_OF_CHARACTER
            rows.append((broken, kind, sw["side"], sw["price"], ref))
            opposite = np.flatnonzero((close[:broken] - open_[:broken]) * sw["side"] < 0)
            if opposite.size:
                ob = int(opposite[-1])
                mitigated = _first_through(bars["low"] if sw["side"] > 0 else bars["high"],
                                           broken + 1, bars["high"][ob] if sw["side"] > 0
                                           else bars["low"][ob], -int(sw["side"]))  # fmt: skip
                blocks.append((ob, broken, sw["side"], bars["high"][ob], bars["low"][ob],
                               mitigated))  # fmt: skip
    events = np.array(rows, dtype=EVENT_DTYPE)
    return events[np.argsort(events["bar"], kind="stable")], np.array(blocks, dtype=BLOCK_DTYPE)


def reference_structure(bars: BarArray, swing_length: int = 3) -> Structure:
    """A full ``Structure`` of ``bars`` from the reference builders above."""
    found = swings(bars["high"], bars["low"], swing_length)
    found = found[np.argsort(found["confirmed"], kind="stable")]
    gaps = fair_value_gaps(bars["high"], bars["low"])
    levels = liquidity_levels(bars, found)
    events, blocks = structure_events(bars, levels, gaps, found)
    vwap, bands = session_vwap(bars)
    emas = {20: ema(bars["close"], 20), 200: ema(bars["close"], 200)}
    return Structure(found, levels, gaps, blocks[-6:], events, vwap, bands, emas)


@pytest.fixture
def dark_theme(qapp: QApplication) -> Iterator[None]:
    """The app's dark style sheet for one test (the chart's colours follow the theme)."""
    before = current_theme()
    apply_theme(qapp, "dark")
    yield
    apply_theme(qapp, before)
    qapp.setStyleSheet("")


def test_a_realistic_chart_renders_with_every_overlay_readable(
    qtbot: QtBot, dark_theme: None
) -> None:
    bars = five_minute_bars(days=5)
    widget = StructureChartWidget("SPY", Timeframe.M5)
    qtbot.addWidget(widget)
    widget.resize(1400, 820)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_chart(StructureChart("SPY", Timeframe.M5, bars, reference_structure(bars)))
    chart = widget.chart
    chart.set_x_range(len(bars) - 170, len(bars) + 4)
    middle = len(bars) - 40
    chart.scene().sigMouseMoved.emit(
        chart.price_box.mapViewToScene(QPointF(middle, float(bars["close"][middle])))
    )
    image = widget.grab()
    assert image.save(str(PNG))
    overlays = chart.overlays
    assert overlays.levels.tags
    assert overlays.gaps.tags
    assert overlays.blocks.tags
    assert {"BOS", "CHoCH", "SWP"} <= set(chart.events.codes)
    assert chart.readout.text().startswith("SPY · 5m · Tue Nov 24 2026 12:40")
