"""A tiny line chart drawn with QPainter (no chart library): term structure, smile."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from workstation.ui.theme import colors

MARGIN = 6.0


class Sparkline(QWidget):
    """Plots y against x with a title, the y range and an optional vertical marker."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self._x: npt.NDArray[np.float64] = np.zeros(0)
        self._y: npt.NDArray[np.float64] = np.zeros(0)
        self._marker: float | None = None
        self._y_format = "{:.1%}"
        self.setMinimumSize(150, 64)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_series(
        self,
        x: npt.ArrayLike,
        y: npt.ArrayLike,
        marker: float | None = None,
        y_format: str = "{:.1%}",
    ) -> None:
        """Show the finite points of (x, y); ``marker`` draws a vertical line at that x."""
        xs, ys = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        keep = np.isfinite(xs) & np.isfinite(ys)
        self._x, self._y, self._marker, self._y_format = xs[keep], ys[keep], marker, y_format
        self.setToolTip(self._summary())
        self.update()

    def _summary(self) -> str:
        if self._y.size == 0:
            return f"{self.title}: no data"
        low, high = self._y_format.format(self._y.min()), self._y_format.format(self._y.max())
        return f"{self.title}: {low} to {high}"

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw title, line and marker."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = colors()
        painter.setPen(palette.muted)
        painter.drawText(
            QRectF(MARGIN, 0, self.width() - 2 * MARGIN, 16),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self.title,
        )
        plot = QRectF(MARGIN, 18, self.width() - 2 * MARGIN, self.height() - 24)
        if self._x.size >= 2:
            self._draw(painter, plot)
        painter.end()

    def _draw(self, painter: QPainter, plot: QRectF) -> None:
        x0, x1 = float(self._x.min()), float(self._x.max())
        y0, y1 = float(self._y.min()), float(self._y.max())
        pad = (y1 - y0) * 0.1 or abs(y0) * 0.05 or 0.01
        y0, y1 = y0 - pad, y1 + pad

        def point(x: float, y: float) -> QPointF:
            fx = 0.5 if x1 == x0 else (x - x0) / (x1 - x0)
            return QPointF(
                plot.left() + fx * plot.width(),
                plot.bottom() - (y - y0) / (y1 - y0) * plot.height(),
            )

        palette = colors()
        if self._marker is not None and x0 <= self._marker <= x1:
            painter.setPen(QPen(palette.muted, 1, Qt.PenStyle.DashLine))
            top, bottom = point(self._marker, y1), point(self._marker, y0)
            painter.drawLine(top, bottom)
        path = QPainterPath(point(float(self._x[0]), float(self._y[0])))
        for x, y in zip(self._x[1:], self._y[1:], strict=True):
            path.lineTo(point(float(x), float(y)))
        painter.setPen(QPen(palette.text, 1.6))
        painter.drawPath(path)
        painter.setPen(palette.muted)
        label = f"{self._y_format.format(self._y.min())}–{self._y_format.format(self._y.max())}"
        painter.drawText(
            QRectF(plot.left(), plot.top() - 16, plot.width(), 14),
            Qt.AlignmentFlag.AlignRight,
            label,
        )
