"""A price chart: candles over volume, structure overlays, crosshair, keyboard navigation.

x is the bar index in both panes (linked), so closed hours take no room; the
time axis labels exchange times. The price pane fits its y range to the
candles in view whenever x changes. Keyboard: Left/Right pan, +/- zoom,
Home/End jump to the first/latest bar, 1-5 ask for 1m/5m/15m/1h/1d bars
(``timeframe_requested``). Ctrl + wheel zooms about the pointer; the wheel
and dragging pan.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QToolTip, QWidget

from workstation.domain.bars import BarArray, Timeframe
from workstation.domain.structure import Structure
from workstation.ui.charts.axes import (
    TIME_AXIS_HEIGHT,
    GridLayer,
    PriceAxis,
    VolumeAxis,
    style_axis,
)
from workstation.ui.charts.candles import (
    CandleLayer,
    VolumeLayer,
    visible_price_range,
    visible_volume_max,
)
from workstation.ui.charts.crosshair import Crosshair, legend_html, readout_text
from workstation.ui.charts.layer import ChartLayer, Viewport, visible_bars
from workstation.ui.charts.markers import EventLayer
from workstation.ui.charts.navigation import (
    DEFAULT_BARS,
    PAN_SHARE,
    ZOOM_STEP,
    ChartViewBox,
    centred_range,
    clamp_range,
    latest_range,
    pan_range,
    start_range,
    zoom_range,
)
from workstation.ui.charts.palette import chart_colors
from workstation.ui.charts.series import CandleSeries
from workstation.ui.charts.structure_layers import StructureLayers
from workstation.ui.charts.time_axis import TimeAxis

TIMEFRAME_KEYS = {
    Qt.Key.Key_1: Timeframe.M1,
    Qt.Key.Key_2: Timeframe.M5,
    Qt.Key.Key_3: Timeframe.M15,
    Qt.Key.Key_4: Timeframe.H1,
    Qt.Key.Key_5: Timeframe.D1,
}
PRICE_PAD = 0.08  # share of the visible price range left above and below the candles
VOLUME_SHARE = 4  # the price pane is this many times taller than the volume pane


class PriceChart(pg.GraphicsLayoutWidget):  # type: ignore[misc]
    """Candlesticks and volume of one symbol and timeframe with its market structure."""

    timeframe_requested = Signal(object)  # Timeframe

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors = chart_colors()
        self.setBackground(self.colors.background)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Price chart")
        self.series = CandleSeries()
        self.symbol, self.timeframe = "", Timeframe.M5
        self.structure: Structure | None = None
        self.tooltip = ""
        self.price_box, self.volume_box = ChartViewBox(), ChartViewBox()
        self.grids: list[GridLayer] = []
        self.time_axis = TimeAxis(lambda: self.series.local)
        self.time_axis.setHeight(TIME_AXIS_HEIGHT)
        self.price_plot = self._pane(self.price_box, PriceAxis(), self.series.price_range)
        self.volume_plot = self._pane(self.volume_box, VolumeAxis(), self._volume_span)
        self.volume_plot.setXLink(self.price_plot)
        self.ci.layout.setRowStretchFactor(0, VOLUME_SHARE)
        self.ci.layout.setRowStretchFactor(1, 1)
        self.ci.layout.setSpacing(0)
        self.ci.setContentsMargins(0, 4, 0, 0)
        self.candles = CandleLayer(self.series, self.colors)
        self.volume = VolumeLayer(self.series, self.colors)
        self.overlays = StructureLayers(self.series, self.colors)
        self.events = EventLayer(self.series, self.colors)
        for layer in (*self.overlays.below_candles(), self.candles):
            self.price_plot.addItem(layer)
        for layer in (*self.overlays.above_candles(), self.events):
            self.price_plot.addItem(layer)
        self.volume_plot.addItem(self.volume)
        self.highlight = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(
            self.colors.buy_side, width=1, style=Qt.PenStyle.DashLine))  # fmt: skip
        self.price_plot.addItem(self.highlight, ignoreBounds=True)
        self.highlight.hide()
        self.crosshair = Crosshair(self.price_plot, self.volume_plot, self.colors)
        self.readout = self._readout_label(4)
        self.legend = self._readout_label(22)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        for box in (self.price_box, self.volume_box):
            box.zoom_about, box.pan_by = self.zoom, self.pan
        self.price_box.sigXRangeChanged.connect(self._fit_y)
        self.price_box.sigResized.connect(self._fit_y)
        self.scene().sigMouseMoved.connect(self._pointer_moved)

    # ------------------------------------------------------------------ building
    def _pane(
        self, box: ChartViewBox, right: pg.AxisItem, values: Callable[[], tuple[float, float]]
    ) -> pg.PlotItem:
        """A plot below the others: prices first, then volume, which carries the time axis.

        Every pane draws the grid at the time axis' ticks.
        """
        axes = {"bottom": self.time_axis, "right": right} if self.grids else {"right": right}
        plot = pg.PlotItem(viewBox=box, axisItems=axes)
        plot.hideAxis("left")
        plot.showAxis("right")
        plot.showAxis("bottom", bool(self.grids))
        plot.hideButtons()
        plot.setMenuEnabled(False)
        for axis in (self.time_axis, right):
            style_axis(axis, self.colors)
        self.grids.append(GridLayer(self.series, self.colors, right, self.time_axis, values))
        plot.addItem(self.grids[-1])
        self.addItem(plot, row=len(self.grids) - 1, col=0)
        return plot

    def _volume_span(self) -> tuple[float, float]:
        return 0.0, self.series.volume_bound()

    def _readout_label(self, top: int) -> QLabel:
        label = QLabel(self)
        label.setObjectName("ChartReadout")
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        label.setStyleSheet(f"background: transparent; color: {self.colors.text.name()};")
        label.move(8, top)
        return label

    # ------------------------------------------------------------------ data
    def set_bars(
        self, symbol: str, timeframe: Timeframe, bars: BarArray, structure: Structure | None = None
    ) -> None:
        """Show ``bars`` (``BAR_DTYPE``, oldest first) with their structure, the latest in view."""
        self.symbol, self.timeframe = symbol, timeframe
        self.series.set_bars(bars, daily=timeframe is Timeframe.D1)
        self.time_axis.intraday = timeframe is not Timeframe.D1
        self._refresh_bars()
        self.set_structure(structure)
        self.set_x_range(*latest_range(DEFAULT_BARS, len(self.series)))
        self.show_readout(None)

    def set_structure(self, structure: Structure | None) -> None:
        """Draw ``structure`` (computed on these bars) over the candles; None clears it."""
        self.structure = structure
        self.overlays.set_structure(structure)
        self.events.set_events(self.overlays.events_of(structure))

    def apply_tail(self, last: np.void | None, new: BarArray) -> None:
        """Live data: replace the forming bar with ``last`` and append ``new`` bars.

        If the latest bar was in view, the view moves along with new bars.
        """
        follow = self.shows_latest()
        if last is not None:
            self.series.replace_last(last)
        for bar in new:
            self.series.append(bar)
        self._refresh_bars()
        if len(new) and follow:
            x0, x1 = self.x_range()
            self.set_x_range(x0 + len(new), x1 + len(new))
        else:
            self._fit_y()
        if self.crosshair.bar is None:
            self.show_readout(None)

    def _refresh_bars(self) -> None:
        for layer in all_layers(self):
            layer.refresh()

    def set_overlay_visible(self, name: str, visible: bool) -> None:
        """Show or hide one overlay: levels, fvg, blocks, vwap, ema, events or volume."""
        if name == "events":
            self.events.setVisible(visible)
        elif name == "volume":
            self.volume_plot.setVisible(visible)
        else:
            self.overlays.set_visible(name, visible)

    # ------------------------------------------------------------------ navigation
    def x_range(self) -> tuple[float, float]:
        """Visible bars, as x (bar index) from left to right edge."""
        x0, x1 = self.price_box.viewRange()[0]
        return float(x0), float(x1)

    def set_x_range(self, x0: float, x1: float) -> None:
        """Show bars x0..x1 (bar index; kept within the data and margins)."""
        x0, x1 = clamp_range(x0, x1, len(self.series))
        self.price_box.setXRange(x0, x1, padding=0)

    def shows_latest(self) -> bool:
        """True when the latest bar is in view."""
        x0, x1 = self.x_range()
        return x0 <= len(self.series) - 1 <= x1

    def pan(self, share: float) -> None:
        """Move by ``share`` of the view's width (positive: later bars)."""
        self.set_x_range(*pan_range(*self.x_range(), share, len(self.series)))

    def zoom(self, factor: float, anchor: float | None = None) -> None:
        """Zoom in (``factor`` > 1) or out about bar ``anchor`` (default: the latest bar if in view,
        else the middle)."""
        x0, x1 = self.x_range()
        if anchor is None:
            anchor = len(self.series) - 1 if self.shows_latest() else (x0 + x1) / 2
        self.set_x_range(*zoom_range(x0, x1, factor, anchor, len(self.series)))

    def go_start(self) -> None:
        """Jump to the first bar, keeping the zoom."""
        x0, x1 = self.x_range()
        self.set_x_range(*start_range(x1 - x0, len(self.series)))

    def go_latest(self) -> None:
        """Jump to the latest bar, keeping the zoom."""
        x0, x1 = self.x_range()
        self.set_x_range(*latest_range(x1 - x0, len(self.series)))

    def centre_on(self, bar: int, width: float | None = None) -> None:
        """Centre the view on bar ``bar`` and mark it with a dashed line."""
        x0, x1 = self.x_range()
        self.set_x_range(*centred_range(bar, width or (x1 - x0), len(self.series)))
        self.highlight.setPos(bar)
        self.highlight.show()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrows pan, +/- zoom, Home/End jump, 1-5 switch the timeframe."""
        key = Qt.Key(event.key())
        actions = {
            Qt.Key.Key_Left: lambda: self.pan(-PAN_SHARE),
            Qt.Key.Key_Right: lambda: self.pan(PAN_SHARE),
            Qt.Key.Key_Plus: lambda: self.zoom(ZOOM_STEP),
            Qt.Key.Key_Equal: lambda: self.zoom(ZOOM_STEP),
            Qt.Key.Key_Minus: lambda: self.zoom(1 / ZOOM_STEP),
            Qt.Key.Key_Underscore: lambda: self.zoom(1 / ZOOM_STEP),
            Qt.Key.Key_Home: self.go_start,
            Qt.Key.Key_End: self.go_latest,
        }
        if key in TIMEFRAME_KEYS:
            self.timeframe_requested.emit(TIMEFRAME_KEYS[key])
        elif key in actions and len(self.series):
            actions[key]()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # ------------------------------------------------------------------ fitting
    def _fit_y(self, *_: object) -> None:
        n = len(self.series)
        width = self.price_box.width()
        if not n or width <= 0:
            return
        x0, x1 = self.x_range()
        candles = self.series.candles(*visible_bars(x0, x1, n), (x1 - x0) / width)
        prices = visible_price_range(candles)
        if prices is None:
            return
        low, high = prices
        pad = (high - low) * PRICE_PAD or max(abs(high) * 0.001, 0.01)
        self.price_box.setYRange(low - pad, high + pad, padding=0)
        self.volume_box.setYRange(0.0, visible_volume_max(candles) * 1.1 or 1.0, padding=0)

    # ------------------------------------------------------------------ pointer
    def _pointer_moved(self, pos: QPointF) -> None:
        n = len(self.series)
        boxes = [
            b for b in (self.price_box, self.volume_box) if b.sceneBoundingRect().contains(pos)
        ]
        if not n or not boxes:
            self.hover(None)
            return
        point = boxes[0].mapSceneToView(pos)
        bar = min(max(round(point.x()), 0), n - 1)
        self.hover(bar, point.y() if boxes[0] is self.price_box else None)
        self._tooltip(pos)

    def hover(self, bar: int | None, price: float | None = None) -> None:
        """Put the crosshair on ``bar`` (None: hide it and read out the latest bar)."""
        if bar is None:
            self.crosshair.hide()
        else:
            self.crosshair.move(bar, price)
        self.show_readout(bar)

    def show_readout(self, bar: int | None) -> None:
        """Read out bar ``bar`` (None: the latest bar; empty without bars)."""
        n = len(self.series)
        bar = n - 1 if bar is None else bar
        self.readout.setText(
            readout_text(self.symbol, self.timeframe, self.series, bar) if n else ""
        )
        self.legend.setText(legend_html(self.overlays.legend(bar)) if n else "")
        for label in (self.readout, self.legend):
            label.adjustSize()

    def _tooltip(self, pos: QPointF) -> None:
        events = self.events.events_near(scene_viewport(self.price_box), pos.x(), pos.y())
        self.tooltip = "\n".join(self.events.describe(e) for e in events)
        if self.tooltip:
            global_pos = self.mapToGlobal(self.mapFromScene(pos))
            QToolTip.showText(global_pos, self.tooltip, self)
        else:
            QToolTip.hideText()

    def leaveEvent(self, event: object) -> None:
        """The pointer left: hide the crosshair, read out the latest bar."""
        self.hover(None)
        super().leaveEvent(event)


def scene_viewport(box: pg.ViewBox) -> Viewport:
    """The data-to-scene map of ``box`` (scene pixels are the view's pixels)."""
    (x0, x1), (y0, y1) = box.viewRange()
    origin, unit = box.mapViewToScene(QPointF(0, 0)), box.mapViewToScene(QPointF(1, 1))
    sx, sy = unit.x() - origin.x(), unit.y() - origin.y()
    return Viewport(x0, x1, y0, y1, sx, origin.x(), sy, origin.y())


def all_layers(chart: PriceChart) -> list[ChartLayer]:
    """Every drawing layer of ``chart`` (for tests and benchmarks)."""
    return [chart.candles, chart.volume, chart.events, *chart.overlays.layers(), *chart.grids]
