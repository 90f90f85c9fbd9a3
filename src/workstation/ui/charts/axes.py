"""Axes of the price chart, prices (dollars per share) and volume (shares), and its grid."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from workstation.ui.charts.crosshair import volume_text
from workstation.ui.charts.layer import ChartLayer, Viewport, cosmetic_pen, draw_lines
from workstation.ui.charts.palette import ChartColors
from workstation.ui.charts.series import CandleSeries
from workstation.ui.charts.time_axis import TimeAxis

AXIS_WIDTH = 68  # pixels; equal for both panes so their x scales line up
TIME_AXIS_HEIGHT = 24  # pixels; fixed, so labels show on the first paint


class PriceAxis(pg.AxisItem):  # type: ignore[misc]
    """Prices with two decimals."""

    def __init__(self) -> None:
        super().__init__("right")
        self.setWidth(AXIS_WIDTH)

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:
        """Two decimals, thousands separated."""
        return [f"{v:,.2f}" for v in values]


class VolumeAxis(pg.AxisItem):  # type: ignore[misc]
    """Volumes as 950, 12.3K, 4.56M."""

    def __init__(self) -> None:
        super().__init__("right")
        self.setWidth(AXIS_WIDTH)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:
        """Shares, abbreviated."""
        return [volume_text(v) if v > 0 else "" for v in values]


def style_axis(axis: pg.AxisItem, palette: ChartColors) -> None:
    """Muted axis line, readable labels."""
    axis.setPen(pg.mkPen(palette.grid))
    axis.setTextPen(pg.mkPen(palette.muted))
    axis.setStyle(tickLength=0)


class GridLayer(ChartLayer):
    """Grid lines at the pane's axis ticks: horizontal at ``value_axis``, vertical at the times.

    Drawn in two batched calls under everything else (pyqtgraph's own grid
    replays each axis picture across the whole view, which is slow to raster).
    """

    def __init__(
        self,
        series: CandleSeries,
        palette: ChartColors,
        value_axis: pg.AxisItem,
        time_axis: TimeAxis,
        values: Callable[[], tuple[float, float]],
    ) -> None:
        super().__init__(series)
        self.palette, self.value_axis, self.time_axis = palette, value_axis, time_axis
        self._values = values  # the range the pane's y can show
        self.setZValue(-100)

    def data_bounds(self) -> QRectF:
        """All bars plus margins, over the pane's value range widened threefold."""
        low, high = self._values()
        n, span = len(self.series), (high - low) or 1.0
        return QRectF(-n - 1.0, low - span, 3.0 * n + 2.0, 3.0 * span)

    def draw(self, painter: QPainter, view: Viewport) -> None:
        """Vertical lines at the time ticks, horizontal ones at the value ticks."""
        rect = view.rect()
        pen = cosmetic_pen(self.palette.grid)
        times = self.time_axis.tickValues(view.x0, view.x1, rect.width())
        x = np.floor(view.px(np.asarray([v for _, values in times for v in values], float)))
        low, high = sorted((view.y0, view.y1))
        levels = self.value_axis.tickValues(low, high, rect.height())[:1]  # major ticks only
        y = np.floor(view.py(np.asarray([v for _, values in levels for v in values], float)))
        draw_lines(painter, x, np.full(x.size, rect.top()), x, np.full(x.size, rect.bottom()), pen)
        draw_lines(painter, np.full(y.size, rect.left()), y, np.full(y.size, rect.right()), y, pen)
