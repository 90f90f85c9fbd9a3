"""Moving along a bar chart: pan, zoom, jump to the start or the latest bar.

Ranges are in bars (x = bar index). The chart keeps at least ``MIN_BARS``
in view, never more than all bars plus margins, and leaves ``RIGHT_MARGIN``
empty bars right of the latest one, where the next bars will appear.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsSceneWheelEvent

MIN_BARS = 10.0
RIGHT_MARGIN = 5.0  # empty bars right of the latest
DEFAULT_BARS = 150.0  # bars in view after loading a chart
PAN_SHARE = 0.1  # of the view per arrow key or wheel notch
ZOOM_STEP = 1.25  # per +/- key or Ctrl + wheel notch

XRange = tuple[float, float]


def clamp_range(x0: float, x1: float, bars: int) -> XRange:
    """``[x0, x1]`` kept between ``MIN_BARS`` wide and all bars plus margins, inside them."""
    low, high = -RIGHT_MARGIN, max(bars, 1) - 1 + RIGHT_MARGIN
    width = min(max(x1 - x0, MIN_BARS), high - low)
    x0 = min(max(x0, low), high - width)
    return x0, x0 + width


def zoom_range(x0: float, x1: float, factor: float, anchor: float, bars: int) -> XRange:
    """Zoom in (``factor`` > 1) or out about x = ``anchor``, which stays where it is."""
    left, right = (anchor - x0) / factor, (x1 - anchor) / factor
    return clamp_range(anchor - left, anchor + right, bars)


def pan_range(x0: float, x1: float, share: float, bars: int) -> XRange:
    """Move the view by ``share`` of its width (positive: towards later bars)."""
    shift = (x1 - x0) * share
    return clamp_range(x0 + shift, x1 + shift, bars)


def latest_range(width: float, bars: int) -> XRange:
    """A view ``width`` bars wide ending ``RIGHT_MARGIN`` after the latest bar."""
    end = bars - 1 + RIGHT_MARGIN
    return clamp_range(end - width, end, bars)


def start_range(width: float, bars: int) -> XRange:
    """A view ``width`` bars wide starting at the first bar."""
    return clamp_range(-RIGHT_MARGIN, width - RIGHT_MARGIN, bars)


def centred_range(bar: float, width: float, bars: int) -> XRange:
    """A view ``width`` bars wide centred on ``bar`` (as near as the ends allow)."""
    return clamp_range(bar - width / 2, bar + width / 2, bars)


class ChartViewBox(pg.ViewBox):  # type: ignore[misc]
    """A ViewBox that pans with the wheel and zooms with Ctrl + wheel (x only)."""

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseEnabled(x=True, y=False)
        self.zoom_about: Callable[[float, float], None] | None = None  # (factor, anchor x)
        self.pan_by: Callable[[float], None] | None = None  # share of the view

    def wheelEvent(self, ev: QGraphicsSceneWheelEvent, axis: int | None = None) -> None:
        """Ctrl + wheel zooms about the pointer; the wheel alone pans."""
        notches = ev.delta() / 120.0
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if self.zoom_about is not None:
                anchor = self.mapSceneToView(ev.scenePos()).x()
                self.zoom_about(ZOOM_STEP**notches, anchor)
        elif self.pan_by is not None:
            self.pan_by(-PAN_SHARE * notches)
        ev.accept()
