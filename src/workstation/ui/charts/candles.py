"""Candlesticks and volume bars whose repaint cost does not grow with the number of bars.

Both layers ask the series for the candles in view at the current zoom (one
per bar when bars are wider than a pixel, one per pixel column when zoomed
out) and draw them in four batched QPainter calls: wicks and bodies, up and
down. Candles snap to whole device pixels, so they stay crisp at any zoom.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from workstation.ui.charts.layer import ChartLayer, Viewport, cosmetic_pen, draw_lines, fill_rects
from workstation.ui.charts.merge import CLOSE, HIGH, LOW, OPEN, VOLUME, Candles
from workstation.ui.charts.palette import ChartColors, with_alpha
from workstation.ui.charts.series import CandleSeries

FloatArray = npt.NDArray[np.float64]
BODY_MIN_PX = 3.0  # below this many pixels per bar a candle is its wick only
BODY_SHARE = 0.8  # share of the bar's width its body fills
VOLUME_ALPHA = 120


def body_width(pixels_per_bar: float) -> int:
    """Width of a candle body in device pixels: odd, so the wick sits in its middle."""
    width = int(pixels_per_bar * BODY_SHARE)
    if width % 2 == 0:
        width -= 1
    return max(width, 1)


def candle_columns(candles: Candles, view: Viewport) -> FloatArray:
    """Device pixel column of each candle's middle."""
    columns: FloatArray = np.floor(view.px(candles.centre))
    return columns


class CandleLayer(ChartLayer):
    """Candlesticks of a series; up (close >= open) and down in the theme's colours."""

    def __init__(self, series: CandleSeries, palette: ChartColors) -> None:
        super().__init__(series)
        self.palette = palette

    def draw(self, painter: QPainter, view: Viewport) -> None:
        """Draw the candles in view: wicks, then bodies when bars are wide enough."""
        candles = self.series.candles(*view.bar_range(len(self.series)), view.bars_per_pixel)
        if not len(candles):
            return
        o, h, lo, c = (candles.ohlcv[row] for row in (OPEN, HIGH, LOW, CLOSE))
        up = c >= o
        x = candle_columns(candles, view)
        top, bottom = np.floor(view.py(h)), np.floor(view.py(lo))
        pixels_per_bar = abs(view.sx)
        for side, color in ((up, self.palette.up), (~up, self.palette.down)):
            pen = cosmetic_pen(color)
            draw_lines(painter, x[side], top[side], x[side], bottom[side], pen)
        width = body_width(pixels_per_bar)
        if pixels_per_bar < BODY_MIN_PX or width < 2:
            return
        upper = np.floor(view.py(np.maximum(o, c)))
        lower = np.floor(view.py(np.minimum(o, c)))
        left = x - width // 2
        height = np.maximum(lower - upper, 1.0)
        widths = np.full(x.size, float(width))
        for side, color in ((up, self.palette.up), (~up, self.palette.down)):
            fill_rects(painter, left[side], upper[side], widths[side], height[side], color)


class VolumeLayer(ChartLayer):
    """Volume bars (shares) of a series, tinted like their candles, in their own ViewBox."""

    def __init__(self, series: CandleSeries, palette: ChartColors) -> None:
        super().__init__(series)
        self.palette = palette

    def data_bounds(self) -> QRectF:
        """From zero to an upper bound of any bar's volume."""
        n = len(self.series)
        return QRectF(-n - 1.0, 0.0, 3.0 * n + 2.0, self.series.volume_bound())

    def draw(self, painter: QPainter, view: Viewport) -> None:
        """Draw one bar per candle in view, from zero up to its (summed) volume."""
        candles = self.series.candles(*view.bar_range(len(self.series)), view.bars_per_pixel)
        if not len(candles):
            return
        up = candles.ohlcv[CLOSE] >= candles.ohlcv[OPEN]
        x = candle_columns(candles, view)
        top = np.floor(view.py(candles.ohlcv[VOLUME]))
        base = np.full(x.size, np.floor(view.py(0.0)))
        width = body_width(abs(view.sx))
        for side, color in ((up, self.palette.up), (~up, self.palette.down)):
            tint = with_alpha(color, VOLUME_ALPHA)
            if width < 2:
                draw_lines(painter, x[side], top[side], x[side], base[side], cosmetic_pen(tint))
            else:
                heights = np.maximum(base[side] - top[side], 1.0)
                widths = np.full(heights.size, float(width))
                fill_rects(painter, x[side] - width // 2, top[side], widths, heights, tint)


def visible_price_range(candles: Candles) -> tuple[float, float] | None:
    """Lowest low and highest high of the candles in view (None when there are none)."""
    if not len(candles):
        return None
    return float(candles.ohlcv[LOW].min()), float(candles.ohlcv[HIGH].max())


def visible_volume_max(candles: Candles) -> float:
    """Largest volume among the candles in view, shares (0 when there are none)."""
    return float(candles.ohlcv[VOLUME].max()) if len(candles) else 0.0
