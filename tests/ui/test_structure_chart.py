"""The price chart on hand-made series: pixels, overlay geometry, crosshair, keys, live bars."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent
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
from workstation.ui.charts.chart import PriceChart, scene_viewport
from workstation.ui.charts.navigation import DEFAULT_BARS, RIGHT_MARGIN
from workstation.ui.charts.overlays import MIN_SEGMENT_PX, level_tag

MONDAY_OPEN = int(datetime(2026, 11, 23, 14, 30, tzinfo=UTC).timestamp())  # 09:30 ET


def hand_bars(n: int = 20) -> BarArray:
    """Five-minute bars from Monday's open: even bars up, odd bars down, a 0.5 step up each."""
    i = np.arange(n)
    up = i % 2 == 0
    bars = np.zeros(n, dtype=BAR_DTYPE)
    bars["ts"] = MONDAY_OPEN + 300 * i
    bars["open"] = 100 + 0.5 * i
    bars["close"] = bars["open"] + np.where(up, 1.0, -1.0)
    bars["high"] = np.maximum(bars["open"], bars["close"]) + 0.5
    bars["low"] = np.minimum(bars["open"], bars["close"]) - 0.5
    bars["volume"] = 1000.0 * (i + 1)
    return bars


def hand_structure(n: int = 20) -> Structure:
    """One swept and one open level, an open and a filled gap, a block, two events."""
    levels = np.array(
        [
            (LevelKind.PRIOR_DAY, 1, 111.0, 2, 2, 3, 1, 12),  # swept at bar 12
            (LevelKind.EQUAL, -1, 99.0, 4, 6, 8, 2, -1),  # still open
        ],
        dtype=LEVEL_DTYPE,
    )
    gaps = np.array(
        [(5, 6, 1, 103.0, 102.0, 9, -1), (10, 11, -1, 106.0, 105.5, 13, 14)], dtype=GAP_DTYPE
    )
    blocks = np.array([(7, 9, 1, 104.5, 103.5, -1)], dtype=BLOCK_DTYPE)
    events = np.array(
        [(12, EventKind.BREAK_OF_STRUCTURE, -1, 105.0, 0), (1, EventKind.SWEEP, 1, 95.0, 1)],
        dtype=EVENT_DTYPE,
    )
    vwap = np.linspace(100.0, 109.0, n)
    ema = np.full(n, np.nan)
    ema[5:] = np.linspace(101.0, 107.0, n - 5)
    return Structure(np.zeros(0, SWING_DTYPE), levels, gaps, blocks, events, vwap, {}, {200: ema})


@pytest.fixture
def chart(qtbot: QtBot) -> PriceChart:
    chart = PriceChart()
    qtbot.addWidget(chart)
    chart.resize(800, 500)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_bars("SPY", Timeframe.M5, hand_bars(), hand_structure())
    chart.set_x_range(-0.5, 19.5)
    return chart


def _image(chart: PriceChart) -> QImage:
    QApplication.processEvents()
    return chart.grab().toImage()


def _device(chart: PriceChart, x: float, y: float) -> tuple[int, int]:
    """The pixel holding data point (x, y): scene coordinates are the view's pixels."""
    scene = chart.price_box.mapViewToScene(QPointF(x, y))
    return int(np.floor(scene.x())), int(np.floor(scene.y()))


def _pixel(chart: PriceChart, image: QImage, x: float, y: float) -> QColor:
    return image.pixelColor(*_device(chart, x, y))


def _same(a: QColor, b: QColor) -> bool:
    return a.rgb() == b.rgb()


# ------------------------------------------------------------------ candles
def test_each_candle_body_and_wick_is_painted_in_its_colour(chart: PriceChart) -> None:
    image = _image(chart)
    bars = hand_bars()
    palette = chart.colors
    for i in range(0, 20, 3):
        color = palette.up if i % 2 == 0 else palette.down
        middle = (bars["open"][i] + bars["close"][i]) / 2
        assert _same(_pixel(chart, image, i, middle), color), f"body of bar {i}"
        wick = bars["high"][i] - 0.2
        assert _same(_pixel(chart, image, i, wick), color), f"wick of bar {i}"
        gap = _pixel(chart, image, i + 0.5, middle)  # between two candles
        assert not _same(gap, palette.up)
        assert not _same(gap, palette.down)


def test_zoomed_out_every_pixel_column_gets_one_merged_candle(qtbot: QtBot) -> None:
    chart = PriceChart()
    qtbot.addWidget(chart)
    chart.resize(500, 400)
    chart.show()
    qtbot.waitExposed(chart)
    bars = np.zeros(20_000, dtype=BAR_DTYPE)
    bars["ts"] = MONDAY_OPEN + 60 * np.arange(bars.size)
    bars["open"], bars["close"] = 99.0, 101.0  # every bar up, 90-110
    bars["high"], bars["low"], bars["volume"] = 110.0, 90.0, 5.0
    chart.set_bars("SPY", Timeframe.M1, bars)
    chart.set_x_range(-RIGHT_MARGIN, bars.size - 1 + RIGHT_MARGIN)
    image = _image(chart)
    (left, y), (right, _) = _device(chart, 0, 100.0), _device(chart, bars.size - 1, 100.0)
    painted = [_same(image.pixelColor(x, y), chart.colors.up) for x in range(left, right + 1)]
    assert len(painted) > 350
    assert all(painted)


def test_the_view_fits_prices_to_the_visible_candles(chart: PriceChart) -> None:
    chart.set_x_range(2.5, 6.5)  # below the minimum width: widened to 10 bars
    x0, x1 = chart.x_range()
    assert x1 - x0 == pytest.approx(10.0)
    bars = hand_bars()[int(np.ceil(x0 - 0.5)) : int(np.floor(x1 + 0.5)) + 1]
    low, high = bars["low"].min(), bars["high"].max()
    pad = (high - low) * 0.08
    y0, y1 = chart.price_box.viewRange()[1]
    assert (y0, y1) == pytest.approx((low - pad, high + pad))
    assert chart.volume_box.viewRange()[1][1] == pytest.approx(bars["volume"].max() * 1.1)


# ------------------------------------------------------------------ overlays
def test_levels_run_from_their_first_bar_to_the_sweep_or_the_right_edge(chart: PriceChart) -> None:
    view = scene_viewport(chart.price_box)
    spans = chart.overlays.levels.spans(view)
    assert spans.rows.tolist() == [0, 1]
    assert spans.left[0] == math.floor(view.px(2))
    assert spans.right[0] == math.floor(view.px(12))
    assert spans.left[1] == math.floor(view.px(4))
    assert spans.right[1] == math.floor(view.right)
    assert spans.top.tolist() == [math.floor(view.py(111.0)), math.floor(view.py(99.0))]
    assert spans.open.tolist() == [False, True]
    image = _image(chart)
    assert _same(_pixel(chart, image, 10, 99.0), chart.colors.sell_side)
    assert chart.overlays.levels.tags == ["EQL 99.00", "PDH 111.00"]  # open levels first


def test_level_tags_use_the_traders_shorthand() -> None:
    assert [level_tag(k, 1) for k in LevelKind] == ["EQH", "PDH", "PWH", "ONH", "ORH"]
    assert level_tag(LevelKind.OVERNIGHT, -1) == "ONL"


def test_gap_boxes_are_tinted_while_open_and_faded_once_filled(chart: PriceChart) -> None:
    view = scene_viewport(chart.price_box)
    spans = chart.overlays.gaps.spans(view)
    assert spans.open.tolist() == [True, False]
    assert spans.left.tolist() == [math.floor(view.px(5)), math.floor(view.px(10))]
    assert spans.right.tolist() == [math.floor(view.right), math.floor(view.px(14))]
    assert spans.top.tolist() == [math.floor(view.py(103.0)), math.floor(view.py(106.0))]
    image = _image(chart)
    background = chart.colors.background
    open_tint = _pixel(chart, image, 18, 102.5)
    filled_tint = _pixel(chart, image, 12.5, 105.75)
    assert open_tint.green() > background.green() + 10  # bullish: greener
    assert 0 < filled_tint.red() - background.red() < open_tint.green() - background.green()
    assert _same(_pixel(chart, image, 17.6, 101.2), background)  # under the box: nothing


def test_short_spans_are_left_out_when_zoomed_out(chart: PriceChart) -> None:
    chart.set_bars("SPY", Timeframe.M5, hand_bars(4000), hand_structure(4000))
    chart.set_x_range(-RIGHT_MARGIN, 4000)
    view = scene_viewport(chart.price_box)
    spans = chart.overlays.gaps.spans(view)
    assert view.px(14) - view.px(10) < MIN_SEGMENT_PX
    assert spans.rows.tolist() == [0]  # the filled 4-bar gap is under a pixel wide


def test_lines_are_sampled_about_once_per_pixel_and_skip_missing_values(
    chart: PriceChart,
) -> None:
    view = scene_viewport(chart.price_box)
    layer = chart.overlays.emas
    index, joins = layer.points(layer.lines[0], view)
    np.testing.assert_array_equal(index, np.arange(20))  # 20 bars: every one
    assert not joins[-1]
    chart.set_bars("SPY", Timeframe.M5, hand_bars(5000), hand_structure(5000))
    chart.set_x_range(-RIGHT_MARGIN, 5000)
    view = scene_viewport(chart.price_box)
    index, _ = layer.points(layer.lines[0], view)
    assert index.size <= view.width + 2
    assert index[-1] == 4999


def test_event_markers_point_at_their_bar_with_a_tooltip(chart: PriceChart) -> None:
    view = scene_viewport(chart.price_box)
    rows, x, tip = chart.events.visible(view)
    assert rows["bar"].tolist() == [1, 12]
    bars = hand_bars()
    assert tip[0] > view.py(bars["low"][1])  # bullish: under the low
    assert tip[1] < view.py(bars["high"][12])  # bearish: over the high
    chart._tooltip(QPointF(x[0], tip[0] + 3))
    assert chart.tooltip == "liquidity sweep (bullish) at 95.00 · Mon Nov 23 09:35"
    chart._tooltip(QPointF(x[0] + 40, tip[0]))
    assert chart.tooltip == ""
    _image(chart)
    assert sorted(chart.events.codes) == ["BOS", "SWP"]


def test_overlays_can_be_hidden_one_by_one(chart: PriceChart) -> None:
    before = _image(chart)
    chart.set_overlay_visible("levels", False)
    after = _image(chart)
    assert not _same(_pixel(chart, after, 10, 99.0), _pixel(chart, before, 10, 99.0))
    chart.set_overlay_visible("volume", False)
    assert not chart.volume_plot.isVisible()
    with pytest.raises(ValueError, match="unknown overlay"):
        chart.set_overlay_visible("bands", False)


# ------------------------------------------------------------------ crosshair and keys
def test_the_readout_shows_the_pointed_bar_or_else_the_latest(chart: PriceChart) -> None:
    assert chart.readout.text() == (
        "SPY · 5m · Mon Nov 23 2026 11:05   O 109.50  H 110.00  L 108.00  C 108.50  "
        "-1.50 (-1.36%)  Vol 20.0K"
    )
    point = chart.price_box.mapViewToScene(QPointF(4.2, 101.0))
    chart.scene().sigMouseMoved.emit(point)
    assert chart.crosshair.bar == 4
    assert chart.crosshair.horizontal.value() == pytest.approx(101.0)
    assert chart.readout.text() == (
        "SPY · 5m · Mon Nov 23 2026 09:50   O 102.00  H 103.50  L 101.50  C 103.00  "
        "+2.50 (+2.49%)  Vol 5.00K"
    )
    chart.hover(None)
    assert chart.crosshair.bar is None
    assert not chart.crosshair.vertical.isVisible()
    assert "11:05" in chart.readout.text()


def test_arrow_plus_minus_home_end_move_and_zoom(qtbot: QtBot) -> None:
    chart = PriceChart()
    qtbot.addWidget(chart)
    chart.resize(800, 500)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_bars("SPY", Timeframe.M5, hand_bars(1000))
    x0, x1 = chart.x_range()
    assert (x0, x1) == pytest.approx((999 + RIGHT_MARGIN - DEFAULT_BARS, 999 + RIGHT_MARGIN))
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    assert chart.x_range() == pytest.approx((x0 - 15, x1 - 15))
    qtbot.keyClick(chart, Qt.Key.Key_Right)
    assert chart.x_range() == pytest.approx((x0, x1))
    qtbot.keyClick(chart, Qt.Key.Key_Plus)  # latest bar in view: it stays put
    z0, z1 = chart.x_range()
    assert z1 - z0 == pytest.approx(DEFAULT_BARS / 1.25)
    assert (999 - z0) / (z1 - z0) == pytest.approx((999 - x0) / (x1 - x0))
    qtbot.keyClick(chart, Qt.Key.Key_Minus)
    assert chart.x_range() == pytest.approx((x0, x1))
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    assert chart.x_range() == pytest.approx((-RIGHT_MARGIN, DEFAULT_BARS - RIGHT_MARGIN))
    qtbot.keyClick(chart, Qt.Key.Key_End)
    assert chart.x_range() == pytest.approx((x0, x1))


def test_number_keys_ask_for_a_timeframe(qtbot: QtBot, chart: PriceChart) -> None:
    asked: list[Timeframe] = []
    chart.timeframe_requested.connect(asked.append)
    for key in (Qt.Key.Key_1, Qt.Key.Key_3, Qt.Key.Key_5):
        qtbot.keyClick(chart, key)
    assert asked == [Timeframe.M1, Timeframe.M15, Timeframe.D1]


def test_ctrl_wheel_zooms_about_the_pointer_and_the_wheel_pans(qtbot: QtBot) -> None:
    chart = PriceChart()
    qtbot.addWidget(chart)
    chart.resize(800, 500)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_bars("SPY", Timeframe.M5, hand_bars(1000))
    chart.set_x_range(400, 600)
    middle = sum(chart.price_box.viewRange()[1]) / 2
    anchor = chart.mapFromScene(chart.price_box.mapViewToScene(QPointF(450, middle)))

    def wheel(modifiers: Qt.KeyboardModifier) -> None:
        event = QWheelEvent(QPointF(anchor), QPointF(chart.mapToGlobal(anchor)), QPoint(0, 0),
                            QPoint(0, 120), Qt.MouseButton.NoButton, modifiers,
                            Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
        QApplication.sendEvent(chart.viewport(), event)

    wheel(Qt.KeyboardModifier.ControlModifier)
    x0, x1 = chart.x_range()
    assert x1 - x0 == pytest.approx(200 / 1.25)
    assert (450 - x0) / (x1 - x0) == pytest.approx(0.25, abs=0.01)  # the pointed bar stays
    wheel(Qt.KeyboardModifier.NoModifier)
    assert chart.x_range() == pytest.approx((x0 - 16, x1 - 16))  # back in time by a tenth


def test_centre_on_a_bar_marks_it(chart: PriceChart) -> None:
    chart.set_bars("SPY", Timeframe.M5, hand_bars(1000))
    chart.centre_on(300, 60)
    assert chart.x_range() == pytest.approx((270, 330))
    assert chart.highlight.isVisible()
    assert chart.highlight.value() == 300


# ------------------------------------------------------------------ live
def test_a_tick_moves_the_last_candle_in_place_and_a_new_bar_is_appended(
    chart: PriceChart,
) -> None:
    pyramid = chart.series._pyramid  # live ticks must not rebuild the series
    last = hand_bars()[-1].copy()
    last["close"], last["high"] = 112.0, 112.5  # the down bar turns up
    chart.apply_tail(last, np.zeros(0, dtype=BAR_DTYPE))
    assert chart.series._pyramid is pyramid
    image = _image(chart)
    assert _same(_pixel(chart, image, 19, 111.0), chart.colors.up)
    assert "C 112.00" in chart.readout.text()
    chart.go_latest()
    x0, x1 = chart.x_range()
    new = hand_bars(21)[-1:]
    chart.apply_tail(None, new)
    assert len(chart.series) == 21
    assert chart.series._pyramid is pyramid
    assert chart.x_range() == pytest.approx((x0 + 1, x1 + 1))  # the view follows
    assert "11:10" in chart.readout.text()


def test_the_legend_names_each_line_with_its_value_at_the_pointed_bar(chart: PriceChart) -> None:
    chart.hover(10)
    legend = chart.legend.text()
    assert "VWAP 104.74" in legend
    assert "EMA 200 103.14" in legend
    assert chart.colors.vwap.name() in legend
    chart.hover(2)  # before the EMA has enough history: only VWAP
    assert "VWAP 100.95" in chart.legend.text()
    assert "EMA" not in chart.legend.text()
    chart.set_overlay_visible("vwap", False)
    chart.hover(2)
    assert chart.legend.text() == ""


# ------------------------------------------------------------------ crowded charts
def _crowded_structure(n: int) -> Structure:
    """A gap opening on every 10th bar (none filled) and an event on every bar."""
    base = hand_structure(n)
    bars = np.arange(5, n - 1, 10)
    gaps = np.zeros(bars.size, GAP_DTYPE)
    gaps["bar"], gaps["confirmed"], gaps["side"] = bars, bars + 1, 1
    gaps["bottom"] = 100.0 + 0.5 * bars  # in the bars' price range
    gaps["top"], gaps["tagged"], gaps["mitigated"] = gaps["bottom"] + 1.0, -1, -1
    events = np.zeros(n, EVENT_DTYPE)
    events["bar"] = np.arange(n)
    events["kind"] = np.where(np.arange(n) % 7 == 3, EventKind.SWEEP, EventKind.FVG_TAG)
    events["side"], events["price"], events["ref"] = 1, 100.0, -1
    return Structure(base.swings, base.levels, gaps, base.blocks, events, base.vwap)


def test_only_the_latest_open_zones_are_drawn(chart: PriceChart) -> None:
    chart.set_bars("SPY", Timeframe.M5, hand_bars(2000), _crowded_structure(2000))
    chart.set_x_range(1700, 2000)
    spans = chart.overlays.gaps.spans(scene_viewport(chart.price_box))
    latest = chart.overlays.gaps.zones["bar"][spans.rows]
    assert latest.tolist() == list(range(1805, 2000, 10))  # 20 open: the most recent


def test_zoomed_out_each_cell_shows_its_most_telling_event(chart: PriceChart) -> None:
    n = 5000
    chart.set_bars("SPY", Timeframe.M5, hand_bars(n), _crowded_structure(n))
    chart.set_x_range(-RIGHT_MARGIN, n - 1 + RIGHT_MARGIN)
    view = scene_viewport(chart.price_box)
    rows, _x, _ = chart.events.visible(view)
    assert rows.size <= view.width / 12 + 2  # one per 12-pixel cell: bounded by the width
    cells = np.floor(view.px(rows["bar"]) / 12)
    assert np.unique(cells).size == cells.size
    # Every cell holding a sweep shows a sweep (they outrank FVG tags) ...
    all_bars = np.arange(n)
    all_cells = np.floor(view.px(all_bars) / 12)
    has_sweep = set(all_cells[all_bars % 7 == 3].tolist())
    shown = dict(zip(cells.tolist(), rows["kind"].tolist(), strict=True))
    assert all(shown[c] == EventKind.SWEEP for c in has_sweep if c in shown)
    # ... the earliest one in it.
    for cell, bar in zip(cells.tolist(), rows["bar"].tolist(), strict=True):
        in_cell = all_bars[(all_cells == cell) & (all_bars % 7 == 3)]
        if in_cell.size:
            assert bar == in_cell[0]


def test_an_empty_series_draws_nothing_and_says_nothing(qtbot: QtBot) -> None:
    chart = PriceChart()
    qtbot.addWidget(chart)
    chart.resize(400, 300)
    chart.show()
    qtbot.waitExposed(chart)
    nothing = Structure(
        np.zeros(0, SWING_DTYPE), np.zeros(0, LEVEL_DTYPE), np.zeros(0, GAP_DTYPE),
        np.zeros(0, BLOCK_DTYPE), np.zeros(0, EVENT_DTYPE), np.zeros(0),
    )  # fmt: skip
    chart.set_bars("SPY", Timeframe.D1, np.zeros(0, dtype=BAR_DTYPE), nothing)
    image = _image(chart)
    assert chart.readout.text() == ""
    assert chart.legend.text() == ""
    assert image.pixelColor(100, 100).rgb() == chart.colors.background.rgb()
    qtbot.keyClick(chart, Qt.Key.Key_Home)  # nothing to move to: no error
