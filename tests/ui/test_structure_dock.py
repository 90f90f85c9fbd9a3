"""The Structure panel: loading charts, folding live one-minute bars in, several charts at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.test_structure_chart_render import minute_bars
from workstation.domain.bars import BAR_DTYPE, BarArray, Timeframe
from workstation.domain.structure import (
    BLOCK_DTYPE,
    EVENT_DTYPE,
    GAP_DTYPE,
    LEVEL_DTYPE,
    SWING_DTYPE,
    Structure,
    empty,
)
from workstation.engines.bars import resample
from workstation.ui.docks.structure.controller import (
    BAR_CONTEXT,
    FLUSH_MS,
    StructureChartController,
)
from workstation.ui.docks.structure.feed import StructureChart, StructureUpdate
from workstation.ui.docks.structure.live import fold_minutes
from workstation.ui.docks.structure.panel import StructureCharts
from workstation.ui.docks.structure.view import StructureChartWidget


def plain_structure(bars: BarArray) -> Structure:
    """No levels or events; VWAP as the running mean close (enough to tell two apart)."""
    vwap = np.cumsum(bars["close"]) / np.arange(1, len(bars) + 1)
    return Structure(
        empty(SWING_DTYPE), empty(LEVEL_DTYPE), empty(GAP_DTYPE), empty(BLOCK_DTYPE),
        empty(EVENT_DTYPE), vwap,
    )  # fmt: skip


class FakeFeed:
    """Serves charts resampled from its one-minute bars and publishes updates on demand."""

    def __init__(self) -> None:
        self.minutes = {"SPY": minute_bars(2, seed=1), "QQQ": minute_bars(2, seed=2)}
        self.minutes["IWM"] = minute_bars(5, seed=3)
        self.asked: list[tuple[str, Timeframe]] = []
        self.listeners: list[Callable[[StructureUpdate], None]] = []
        self.failure: Exception | None = None

    async def chart(self, symbol: str, timeframe: Timeframe) -> StructureChart:
        self.asked.append((symbol, timeframe))
        if self.failure is not None:
            raise self.failure
        minutes = self.minutes[symbol]
        bars = minutes if timeframe is Timeframe.M1 else resample(minutes, timeframe.seconds)
        return StructureChart(symbol, timeframe, bars.copy(), plain_structure(bars))

    def on_update(self, listener: Callable[[StructureUpdate], None]) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def tick(self, symbol: str, close: float, new_minute: bool = False) -> StructureUpdate:
        """Move the forming minute (or open a new one) to ``close`` and publish."""
        minutes = self.minutes[symbol]
        if new_minute:
            bar = minutes[-1:].copy()
            bar["ts"] += 60
            bar["open"] = bar["close"]
            bar["volume"] = 0.0
            minutes = np.concatenate([minutes, bar])
        else:
            minutes = minutes.copy()
        last = minutes[-1]
        last["close"] = close
        last["high"], last["low"] = max(last["high"], close), min(last["low"], close)
        last["volume"] += 100.0
        self.minutes[symbol] = minutes
        update = StructureUpdate(symbol, minutes, plain_structure(minutes), empty(EVENT_DTYPE))
        for listener in list(self.listeners):
            listener(update)
        return update


def run_now(coro: Coroutine[Any, Any, Any], name: str) -> None:
    asyncio.run(coro)


class LaterSpawn:
    """Keeps spawned coroutines until ``run_all`` (a load still under way)."""

    def __init__(self) -> None:
        self.pending: list[Coroutine[Any, Any, Any]] = []

    def __call__(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        self.pending.append(coro)

    def run_all(self) -> None:
        while self.pending:
            asyncio.run(self.pending.pop(0))


Setup = tuple[StructureChartWidget, StructureChartController, FakeFeed]


@pytest.fixture
def setup(qtbot: QtBot) -> Setup:
    widget = StructureChartWidget("SPY", Timeframe.M5)
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    feed = FakeFeed()
    controller = StructureChartController(widget, feed, run_now)
    controller.timer.stop()  # the tests flush by hand
    widget.request("SPY", Timeframe.M5)
    return widget, controller, feed


# ------------------------------------------------------------------ folding
def test_fold_minutes_rebuilds_the_last_bar_and_adds_new_ones() -> None:
    minutes = np.zeros(12, dtype=BAR_DTYPE)
    minutes["ts"] = 1_800_000_000 + 60 * np.arange(12)  # 5m buckets start at minute 0, 5, 10
    minutes["open"] = np.arange(12) + 100.0
    minutes["close"] = minutes["open"] + 0.5
    minutes["high"] = minutes["close"] + 1.0
    minutes["low"] = minutes["open"] - 1.0
    minutes["volume"] = 10.0
    last_ts = 1_800_000_000 + 300
    folded = fold_minutes(minutes, last_ts, 300)
    assert folded["ts"].tolist() == [last_ts, last_ts + 300]
    assert folded[0].tolist() == (last_ts, 105.0, 110.5, 104.0, 109.5, 50.0)
    assert folded[1].tolist() == (last_ts + 300, 110.0, 112.5, 109.0, 111.5, 20.0)
    assert len(fold_minutes(minutes[:3], last_ts, 300)) == 0  # nothing from the last bar on


@settings(max_examples=40, deadline=None)
@given(
    seconds=st.sampled_from([60, 300, 900, 3600]),
    cut=st.floats(0.0, 1.0),
    seed=st.integers(0, 50),
)
def test_folding_equals_resampling_from_the_last_bar_on(
    seconds: int, cut: float, seed: int
) -> None:
    minutes = minute_bars(2, seed=seed)[: 300 + seed * 7]
    chart = resample(minutes, seconds)
    last = int(cut * (len(chart) - 1))
    folded = fold_minutes(minutes, int(chart["ts"][last]), seconds)
    np.testing.assert_array_equal(folded, chart[last:])


# ------------------------------------------------------------------ loading
def test_asking_for_a_ticker_loads_its_chart(setup: Setup) -> None:
    widget, controller, feed = setup
    assert feed.asked == [("SPY", Timeframe.M5)]
    assert len(widget.chart.series) == len(resample(feed.minutes["SPY"], 300))
    assert widget.chart.symbol == "SPY"
    assert widget.status.text() == ""
    widget.ticker.setText("qqq")
    widget.ticker.returnPressed.emit()
    assert feed.asked[-1] == ("QQQ", Timeframe.M5)
    assert controller.symbol == "QQQ"


def test_number_keys_and_the_combo_switch_the_timeframe(qtbot: QtBot, setup: Setup) -> None:
    widget, _, feed = setup
    qtbot.keyClick(widget.chart, Qt.Key.Key_1)
    assert feed.asked[-1] == ("SPY", Timeframe.M1)
    assert widget.timeframe() is Timeframe.M1
    assert len(widget.chart.series) == len(feed.minutes["SPY"])
    widget.timeframes.setCurrentIndex(3)
    widget.timeframes.activated.emit(3)
    assert feed.asked[-1] == ("SPY", Timeframe.H1)


def test_a_failed_load_says_why(setup: Setup) -> None:
    widget, controller, feed = setup
    feed.failure = OSError("no bars stored for SPY")
    with pytest.raises(OSError, match="no bars stored"):
        asyncio.run(controller.load())
    assert widget.status.text() == "Could not load the chart: no bars stored for SPY"
    assert len(widget.chart.series) > 0  # the last chart stays


def test_overlay_buttons_flip_their_overlay(setup: Setup) -> None:
    widget, _, _ = setup
    widget.toggles["levels"].click()
    assert not widget.chart.overlays.levels.isVisible()
    widget.toggles["events"].click()
    assert not widget.chart.events.isVisible()
    widget.toggles["levels"].click()
    assert widget.chart.overlays.levels.isVisible()


# ------------------------------------------------------------------ live
def test_ticks_move_the_forming_bar_in_place_at_the_next_flush(setup: Setup) -> None:
    widget, controller, feed = setup
    series = widget.chart.series
    n, pyramid = len(series), series._pyramid  # live ticks must not rebuild the series
    for close in (455.0, 456.0, 457.25):
        feed.tick("SPY", close)
    assert series.ohlcv[3, -1] != 457.25  # nothing drawn between flushes
    version = series.version
    controller.flush()
    assert series.version == version + 1  # three ticks, one change
    assert len(series) == n
    assert series._pyramid is pyramid
    expected = resample(feed.minutes["SPY"], 300)[-1]
    assert series.bar(-1).tolist() == expected.tolist()
    assert feed.asked == [("SPY", Timeframe.M5)]  # no reload inside a bar


def test_a_new_bar_is_appended_and_its_structure_reloaded(setup: Setup) -> None:
    widget, controller, feed = setup
    series = widget.chart.series
    n = len(series)
    for _ in range(5):  # five new minutes: the next five-minute bar opens
        feed.tick("SPY", 451.0, new_minute=True)
    controller.flush()
    assert len(series) == n + 1
    assert feed.asked == [("SPY", Timeframe.M5)] * 2  # reloaded for the new bar's structure
    assert widget.status.text() == ""  # quietly


def test_a_minute_chart_takes_the_updates_structure_without_reloading(
    qtbot: QtBot, setup: Setup
) -> None:
    widget, controller, feed = setup
    qtbot.keyClick(widget.chart, Qt.Key.Key_1)
    update = feed.tick("SPY", 452.0, new_minute=True)
    controller.flush()
    assert widget.chart.structure is update.structure
    assert len(widget.chart.series) == len(update.bars)
    assert feed.asked[-1] == ("SPY", Timeframe.M1)
    assert len(feed.asked) == 2


def test_other_tickers_are_ignored(setup: Setup) -> None:
    widget, controller, feed = setup
    version = widget.chart.series.version
    feed.tick("QQQ", 1.0, new_minute=True)
    controller.flush()
    assert widget.chart.series.version == version


def test_updates_during_a_load_wait_for_it(qtbot: QtBot) -> None:
    widget = StructureChartWidget("SPY", Timeframe.M5)
    qtbot.addWidget(widget)
    feed, spawn = FakeFeed(), LaterSpawn()
    controller = StructureChartController(widget, feed, spawn)
    controller.timer.stop()
    widget.request("SPY", Timeframe.M5)
    assert widget.status.text() == "Loading SPY 5m…"
    spawn.run_all()
    feed.tick("SPY", 470.0)
    widget.ticker.returnPressed.emit()  # a reload under way
    controller.flush()
    spawn.run_all()
    controller.flush()
    assert widget.chart.series.ohlcv[3, -1] == 470.0


def test_the_timer_flushes_a_few_times_a_second(qtbot: QtBot) -> None:
    assert 1000 / FLUSH_MS <= 5
    widget = StructureChartWidget("SPY", Timeframe.M1)
    qtbot.addWidget(widget)
    feed = FakeFeed()
    controller = StructureChartController(widget, feed, run_now, flush_ms=20)
    widget.request("SPY", Timeframe.M1)
    feed.tick("SPY", 480.0)
    qtbot.waitUntil(lambda: widget.chart.series.ohlcv[3, -1] == 480.0, timeout=2000)
    controller.stop()
    assert not controller.timer.isActive()
    assert feed.listeners == []


# ------------------------------------------------------------------ several charts
def test_several_charts_each_follow_their_own_ticker(qtbot: QtBot) -> None:
    feed = FakeFeed()
    charts = StructureCharts(feed, run_now)
    qtbot.addWidget(charts)
    assert charts.hint.text().startswith("No charts open")
    spy, qqq = charts.add_chart("SPY"), charts.add_chart("qqq", Timeframe.M15)
    assert charts.add_chart("spy") is spy
    assert [c.symbol for c in charts.controllers.values()] == ["SPY", "QQQ"]
    assert qqq.chart.timeframe is Timeframe.M15
    assert len(feed.listeners) == 2
    grid = charts.layout()
    assert grid.itemAtPosition(0, 1).widget() is qqq  # side by side
    feed.tick("QQQ", 333.0)
    for controller in charts.controllers.values():
        controller.flush()
    assert qqq.chart.series.ohlcv[3, -1] == 333.0
    assert spy.chart.series.ohlcv[3, -1] != 333.0
    qqq.close_button.click()
    assert charts.charts() == [spy]
    assert len(feed.listeners) == 1
    charts.stop()
    assert feed.listeners == []


def test_show_bar_opens_the_chart_centred_on_that_bar(qtbot: QtBot) -> None:
    feed = FakeFeed()
    charts = StructureCharts(feed, run_now)
    qtbot.addWidget(charts)
    bars = resample(feed.minutes["IWM"], 300)
    widget = charts.show_bar("IWM", int(bars["ts"][100]) + 120)  # inside bar 100
    x0, x1 = widget.chart.x_range()
    assert (x0 + x1) / 2 == pytest.approx(100)
    assert widget.chart.highlight.value() == 100
    assert x1 - x0 == pytest.approx(BAR_CONTEXT)
    assert charts.show_bar("IWM", int(bars["ts"][250])) is widget
    assert sum(widget.chart.x_range()) / 2 == pytest.approx(250)


def test_show_bar_before_the_chart_loaded_centres_once_it_has(qtbot: QtBot) -> None:
    feed, spawn = FakeFeed(), LaterSpawn()
    charts = StructureCharts(feed, spawn)
    qtbot.addWidget(charts)
    bars = resample(feed.minutes["IWM"], 300)
    widget = charts.show_bar("IWM", int(bars["ts"][140]))
    spawn.run_all()
    assert sum(widget.chart.x_range()) / 2 == pytest.approx(140)


def test_toolbar_shortcuts_focus_the_ticker_and_flip_overlays(qtbot: QtBot, setup: Setup) -> None:
    widget, _, _ = setup
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    widget.chart.setFocus()
    qtbot.keyClick(widget.chart, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert widget.ticker.hasFocus()
    qtbot.keyClick(widget.ticker, Qt.Key.Key_Escape)
    assert widget.chart.hasFocus()
    qtbot.keyClick(widget.chart, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert not widget.toggles["levels"].isChecked()
    assert not widget.chart.overlays.levels.isVisible()
