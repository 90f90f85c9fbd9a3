"""The base of every chart layer: paint only what is visible, in device pixels, in batches.

A layer finds the visible bar range from its ViewBox, maps data to device
pixels itself (so candles snap to whole pixels) and hands QPainter whole
numpy-backed arrays of lines and rectangles: one call per colour, never one
per bar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from workstation.ui.charts.series import CandleSeries

FloatArray = npt.NDArray[np.float64]


def visible_bars(x0: float, x1: float, n: int) -> tuple[int, int]:
    """Bars ``[first, stop)`` of ``n`` at least partly between x0 and x1 (bar i spans i ± 0.5)."""
    first = min(max(0, math.ceil(x0 - 0.5)), n)
    return first, max(first, min(n, math.floor(x1 + 0.5) + 1))


@dataclass(frozen=True, slots=True)
class Viewport:
    """One paint's view: visible data ranges and the data-to-device-pixel map.

    Device x = ``sx``·x + ``dx``, device y = ``sy``·y + ``dy`` (x in bars,
    y in dollars per share or shares; ``sy`` is negative: prices grow upwards).
    """

    x0: float
    x1: float
    y0: float
    y1: float
    sx: float
    dx: float
    sy: float
    dy: float

    @property
    def bars_per_pixel(self) -> float:
        """Bars per device pixel column."""
        return 1.0 / abs(self.sx) if self.sx else math.inf

    @property
    def width(self) -> float:
        """Width of the view, device pixels."""
        return abs(self.sx * (self.x1 - self.x0))

    def bar_range(self, n: int) -> tuple[int, int]:
        """Bars ``[first, stop)`` of ``n`` at least partly in view."""
        return visible_bars(self.x0, self.x1, n)

    def px(self, x: Any) -> Any:
        """Device x of data x (bar index); scalar or array."""
        return x * self.sx + self.dx

    def py(self, y: Any) -> Any:
        """Device y of data y (price or volume); scalar or array."""
        return y * self.sy + self.dy

    @property
    def left(self) -> float:
        """Device x of the view's left edge."""
        return float(self.px(self.x0))

    @property
    def right(self) -> float:
        """Device x of the view's right edge."""
        return float(self.px(self.x1))

    def rect(self) -> QRectF:
        """The view in device pixels."""
        top, bottom = sorted((float(self.py(self.y1)), float(self.py(self.y0))))
        return QRectF(self.left, top, self.right - self.left, bottom - top)


class ChartLayer(pg.GraphicsObject):  # type: ignore[misc]
    """A layer of a bar chart; subclasses implement ``draw(painter, view)`` in device pixels."""

    def __init__(self, series: CandleSeries) -> None:
        super().__init__()
        self.series = series
        self._bounds = QRectF()

    def boundingRect(self) -> QRectF:
        """Where the layer can paint, data coordinates (from cached data ranges)."""
        return self._bounds

    def data_bounds(self) -> QRectF:
        """The rectangle the layer's data spans; subclasses narrow or widen it."""
        low, high = self.series.price_range()
        n = len(self.series)
        return QRectF(-n - 1.0, low, 3.0 * n + 2.0, high - low)

    def refresh(self) -> None:
        """Repaint after the data changed (bounds first, as Qt requires)."""
        bounds = self.data_bounds()
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds
        self.update()

    def dataBounds(
        self,
        axis: int,
        frac: float = 1.0,
        orthoRange: object = None,  # noqa: N803
    ) -> tuple[None, None]:
        """Keep pyqtgraph's auto-range out: the chart fits its ranges itself."""
        return (None, None)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        """Map data to device pixels and draw the visible part."""
        box = self.getViewBox()
        if box is None or not len(self.series):
            return
        (x0, x1), (y0, y1) = box.viewRange()
        t = painter.combinedTransform()
        view = Viewport(x0, x1, y0, y1, t.m11(), t.dx(), t.m22(), t.dy())
        painter.save()
        painter.resetTransform()
        try:
            self.draw(painter, view)
        finally:
            painter.restore()

    def draw(self, painter: QPainter, view: Viewport) -> None:
        """Draw the visible part in device pixels."""
        raise NotImplementedError


def draw_lines(
    painter: QPainter, x0: FloatArray, y0: FloatArray, x1: FloatArray, y1: FloatArray, pen: QPen
) -> None:
    """Draw segments (x0, y0)-(x1, y1), device pixels, in one QPainter call."""
    if x0.size == 0:
        return
    lines = np.empty((x0.size, 4))
    lines[:, 0], lines[:, 1], lines[:, 2], lines[:, 3] = x0, y0, x1, y1
    painter.setPen(pen)
    painter.drawLines(cast(QLineF, shiboken6.wrapInstance(lines.ctypes.data, QLineF)), x0.size)


def fill_rects(
    painter: QPainter,
    x: FloatArray,
    y: FloatArray,
    w: FloatArray,
    h: FloatArray,
    brush: QBrush | QColor,
    pen: QPen | None = None,
) -> None:
    """Fill rectangles (left, top, width, height in device pixels) in one QPainter call."""
    if x.size == 0:
        return
    rects = np.empty((x.size, 4))
    rects[:, 0], rects[:, 1], rects[:, 2], rects[:, 3] = x, y, w, h
    painter.setPen(pen if pen is not None else Qt.PenStyle.NoPen)
    painter.setBrush(brush)
    painter.drawRects(cast(QRectF, shiboken6.wrapInstance(rects.ctypes.data, QRectF)), x.size)


def draw_polyline(
    painter: QPainter, x: FloatArray, y: FloatArray, connect: npt.NDArray[np.bool_], pen: QPen
) -> None:
    """Draw a line through points (device pixels); ``connect[i]`` joins point i to i + 1.

    Segments touching a non-finite point are left out. The line goes out as
    separate segments in one call: Qt's path stroker takes a hundred times
    longer on a jagged polyline (every point a join).
    """
    if x.size < 2:
        return
    finite = np.isfinite(x) & np.isfinite(y)
    joined = np.flatnonzero(connect[:-1] & finite[:-1] & finite[1:])
    draw_lines(painter, x[joined], y[joined], x[joined + 1], y[joined + 1], pen)


def cosmetic_pen(color: QColor, width: float = 1.0, dashed: bool = False) -> QPen:
    """A pen of ``width`` device pixels whatever the transform."""
    pen = QPen(color, width)
    pen.setCosmetic(True)
    if dashed:
        pen.setDashPattern([4.0, 3.0])
    return pen
