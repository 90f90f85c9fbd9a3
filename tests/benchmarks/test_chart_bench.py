"""Price chart: a full repaint with 1,000,000 bars loaded, against pyqtgraph's QPicture candles.

Run on demand: .venv/bin/pytest -m benchmark -s tests/benchmarks/test_chart_bench.py

One million one-minute bars (about ten years of regular sessions) with a
dense synthetic structure (two prior-day levels and a few equal highs/lows a
day, a gap every ~25 bars, an event every ~10 bars, session VWAP with bands,
EMA 200) go into a 1600x900 chart, offscreen. A full repaint is
``widget.grab()`` (axes, grid, every layer, read-out) - median of ``RUNS`` -
zoomed all the way out and at a typical zoom of 300 bars.

Baseline in the same run: the candlestick item of pyqtgraph's
``customGraphicsItem`` example, re-implemented here: it records every bar
(a wick line, a coloured body) into a QPicture once and replays the whole
picture on each paint, in a plain PlotWidget of the same size with the same
bars (candles only: a kind comparison for it).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter, QPicture
from PySide6.QtWidgets import QApplication, QWidget
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
from workstation.engines.indicators import ema
from workstation.ui.charts.chart import PriceChart

BARS = 1_000_000
SESSION = 390
WIDTH, HEIGHT = 1600, 900
TYPICAL_BARS = 300
RUNS = 15
BASELINE_RUNS = 3
MAX_REPAINT_S = 0.010
MIN_SPEED_UP = 50.0


def million_bars(n: int = BARS, seed: int = 5) -> BarArray:
    """Regular-session minutes on consecutive weekdays from 2016: a clustered random walk."""
    rng = np.random.default_rng(seed)
    days = -(-n // SESSION)
    weekdays = np.busday_offset("2016-01-04", np.arange(days), roll="forward")
    opens = weekdays.astype("datetime64[s]").astype(np.int64) + 14 * 3600 + 1800
    ts = (opens[:, None] + 60 * np.arange(SESSION)[None, :]).ravel()[:n]
    vol = 0.0005 * np.exp(0.3 * np.cumsum(rng.normal(0, 0.03, n)) / np.sqrt(n / 1e4))
    close = 200.0 * np.exp(np.cumsum(vol * rng.standard_normal(n)))
    open_ = np.r_[200.0, close[:-1]]
    wick = np.abs(rng.normal(0, 1, (2, n))) * vol * close
    bars = np.zeros(n, dtype=BAR_DTYPE)
    bars["ts"], bars["open"], bars["close"] = ts, open_, close
    bars["high"] = np.maximum(open_, close) + wick[0]
    bars["low"] = np.minimum(open_, close) - wick[1]
    bars["volume"] = np.round(rng.lognormal(10, 0.5, n))
    return bars


def _first_after(
    values: np.ndarray, start: np.ndarray, span: int, beyond: np.ndarray
) -> np.ndarray:
    """First bar within ``span`` after ``start`` whose value passes ``beyond`` (-1 if none)."""
    window = start[:, None] + 1 + np.arange(span)[None, :]
    window = np.minimum(window, values.size - 1)
    hit = values[window] > beyond[:, None]
    return np.where(hit.any(axis=1), window[np.arange(start.size), hit.argmax(axis=1)], -1)


def dense_structure(bars: BarArray, seed: int = 6) -> Structure:
    """Levels, gaps, blocks and events as dense as a busy engine's, built vectorised."""
    rng = np.random.default_rng(seed)
    n, high, low, close = len(bars), bars["high"], bars["low"], bars["close"]
    day_start = np.arange(0, n - SESSION, SESSION)
    level_bar = np.concatenate([day_start + rng.integers(0, SESSION, day_start.size)
                                for _ in range(6)])  # fmt: skip
    side = np.where(np.arange(level_bar.size) % 2, 1, -1).astype(np.int8)
    price = np.where(side > 0, high[level_bar], low[level_bar])
    up = side > 0
    swept = np.empty(level_bar.size, dtype=np.int64)
    swept[up] = _first_after(high, level_bar[up], 2 * SESSION, price[up])
    swept[~up] = _first_after(-low, level_bar[~up], 2 * SESSION, -price[~up])
    kinds = np.where(np.arange(level_bar.size) < 2 * day_start.size, LevelKind.PRIOR_DAY,
                     LevelKind.EQUAL)  # fmt: skip
    levels = np.zeros(level_bar.size, LEVEL_DTYPE)
    levels["kind"], levels["side"], levels["price"] = kinds, side, price
    levels["first"] = levels["last"] = level_bar
    levels["confirmed"], levels["touches"], levels["swept"] = level_bar + 5, 2, swept
    gap_bar = np.sort(rng.choice(np.arange(1, n - 1), n // 25, replace=False))
    gaps = np.zeros(gap_bar.size, GAP_DTYPE)
    gaps["bar"], gaps["confirmed"] = gap_bar, gap_bar + 1
    gaps["side"] = np.where(rng.random(gap_bar.size) < 0.5, 1, -1)
    gaps["top"], gaps["bottom"] = high[gap_bar], low[gap_bar]
    gaps["tagged"] = gap_bar + rng.integers(2, 50, gap_bar.size)
    gaps["mitigated"] = np.where(rng.random(gap_bar.size) < 0.8, gaps["tagged"] + 30, -1)
    blocks = np.zeros(n // 200, BLOCK_DTYPE)
    block_bar = np.sort(rng.choice(n - 1, blocks.size, replace=False))
    blocks["bar"], blocks["confirmed"], blocks["side"] = block_bar, block_bar + 3, 1
    blocks["top"], blocks["bottom"] = high[block_bar], low[block_bar]
    blocks["mitigated"] = np.where(rng.random(blocks.size) < 0.9, block_bar + 400, -1)
    events = np.zeros(n // 10, EVENT_DTYPE)
    events["bar"] = np.sort(rng.choice(n, events.size, replace=False))
    events["kind"] = rng.integers(1, max(EventKind) + 1, events.size)
    events["side"] = np.where(rng.random(events.size) < 0.5, 1, -1)
    events["price"], events["ref"] = close[events["bar"]], -1
    vwap = _session_vwap(bars)
    band = 0.002 * vwap
    bands = {1.0: (vwap + band, vwap - band), 2.0: (vwap + 2 * band, vwap - 2 * band)}
    return Structure(np.zeros(0, SWING_DTYPE), levels, gaps, blocks, events, vwap, bands,
                     {200: ema(close, 200)})  # fmt: skip


def _session_vwap(bars: BarArray) -> np.ndarray:
    typical = (bars["high"] + bars["low"] + bars["close"]) / 3 * bars["volume"]
    cum_pv, cum_v = np.cumsum(typical), np.cumsum(bars["volume"])
    starts = np.arange(0, len(bars), SESSION)
    before = np.repeat(np.r_[0.0, cum_pv[starts[1:] - 1]], SESSION)[: len(bars)]
    before_v = np.repeat(np.r_[0.0, cum_v[starts[1:] - 1]], SESSION)[: len(bars)]
    vwap: np.ndarray = (cum_pv - before) / (cum_v - before_v)
    return vwap


class PictureCandles(pg.GraphicsObject):  # type: ignore[misc]
    """pyqtgraph's example candlestick item: every bar pre-recorded into one QPicture."""

    def __init__(self, bars: BarArray) -> None:
        super().__init__()
        self.picture = QPicture()
        painter = QPainter(self.picture)
        painter.setPen(pg.mkPen("w"))
        up, down = pg.mkBrush("g"), pg.mkBrush("r")
        half = 1.0 / 3.0
        rows = zip(bars["open"].tolist(), bars["high"].tolist(), bars["low"].tolist(),
                   bars["close"].tolist(), strict=True)  # fmt: skip
        for t, (o, h, lo, c) in enumerate(rows):
            painter.drawLine(QPointF(t, lo), QPointF(t, h))
            painter.setBrush(down if o > c else up)
            painter.drawRect(QRectF(t - half, o, 2 * half, c - o))
        painter.end()

    def paint(self, painter: QPainter, *args: object) -> None:
        """Replay every recorded bar."""
        painter.drawPicture(0, 0, self.picture)

    def boundingRect(self) -> QRectF:
        """The recorded picture's bounds."""
        return QRectF(self.picture.boundingRect())


def _median_repaint(widget: QWidget, runs: int) -> float:
    QApplication.processEvents()
    widget.grab()  # warm caches (axis pictures, glyphs)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        widget.grab()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@pytest.mark.benchmark
def test_a_full_repaint_with_a_million_bars(qtbot: QtBot) -> None:
    bars = million_bars()
    structure = dense_structure(bars)
    chart = PriceChart()
    qtbot.addWidget(chart)
    chart.resize(WIDTH, HEIGHT)
    chart.show()
    qtbot.waitExposed(chart)
    load = _timed(lambda: chart.set_bars("SPY", Timeframe.M1, bars, structure))
    chart.set_x_range(-5, BARS + 4)
    ours_out = _median_repaint(chart, RUNS)
    chart.set_x_range(BARS - TYPICAL_BARS, BARS + 4)
    ours_typical = _median_repaint(chart, RUNS)
    chart.set_structure(None)
    candles_only = _median_repaint(chart, RUNS)
    chart.set_x_range(-5, BARS + 4)
    candles_only_out = _median_repaint(chart, RUNS)
    tick = bars[-1].copy()
    tick["close"] = tick["high"]
    live = statistics.median(_timed(lambda: chart.apply_tail(tick, bars[:0])) for _ in range(RUNS))

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(WIDTH, HEIGHT)
    plot.show()
    qtbot.waitExposed(plot)
    record = time.perf_counter()
    item = PictureCandles(bars)
    record = time.perf_counter() - record
    plot.addItem(item)
    plot.setXRange(-5, BARS + 4, padding=0)
    theirs_out = _median_repaint(plot, BASELINE_RUNS)
    plot.setXRange(BARS - TYPICAL_BARS, BARS + 4, padding=0)
    plot.setYRange(bars["low"][-TYPICAL_BARS:].min(), bars["high"][-TYPICAL_BARS:].max())
    theirs_typical = _median_repaint(plot, BASELINE_RUNS)

    print(
        f"\nchart, {BARS:,} one-minute bars, {len(structure.levels):,} levels, "
        f"{len(structure.gaps):,} gaps, {len(structure.events):,} events, {WIDTH}x{HEIGHT}:"
        f"\n  load {load * 1000:.0f} ms; live tick (last bar moved) {live * 1e6:.0f} µs"
        f"\n  full repaint, all bars in view: ours {ours_out * 1000:.2f} ms, "
        f"QPicture candles {theirs_out * 1000:.0f} ms -> {theirs_out / ours_out:.0f}x"
        f"\n  full repaint, {TYPICAL_BARS} bars in view: ours {ours_typical * 1000:.2f} ms, "
        f"QPicture candles {theirs_typical * 1000:.0f} ms -> {theirs_typical / ours_typical:.0f}x"
        f"\n  ours with candles and volume only (no structure): {candles_only_out * 1000:.2f} ms "
        f"all bars, {candles_only * 1000:.2f} ms {TYPICAL_BARS} bars"
        f"\n  (recording the QPicture once took {record:.1f} s)"
    )
    assert max(ours_out, ours_typical) < MAX_REPAINT_S
    assert min(theirs_out / ours_out, theirs_typical / ours_typical) >= MIN_SPEED_UP
