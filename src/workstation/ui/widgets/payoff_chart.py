"""Payoff chart drawn with QPainter: P/L at expiry, today and halfway, over the price.

Shows the 1σ expected-move band, the current price, the breakevens and a
zero line, with dollar and price axes. Hovering (or the mouse) shows the P/L
of each curve at the pointed price.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from workstation.ui.theme import colors

if TYPE_CHECKING:
    from workstation.engines.strategies import PayoffCurves

LEFT, RIGHT, TOP, BOTTOM = 64.0, 12.0, 26.0, 30.0
TODAY = QColor("#5aa9ff")
TICKS = 5


def _nice_ticks(low: float, high: float, count: int = TICKS) -> list[float]:
    """Round tick values covering [low, high]."""
    span = high - low
    if span <= 0 or not math.isfinite(span):
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


def _money(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.0f}"


class PayoffChart(QWidget):
    """Draws one ``PayoffCurves``; ``None`` shows a hint instead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.curves: PayoffCurves | None = None
        self.hint = "Run /plan SYMBOL BIAS DTE, or open a contract from the chain"
        self._hover: float | None = None
        self.setMinimumSize(240, 180)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_curves(self, curves: PayoffCurves | None) -> None:
        """Show ``curves`` (or the hint)."""
        self.curves = curves
        self._hover = None
        self.update()

    # ------------------------------------------------------------------ geometry
    def _plot(self) -> QRectF:
        return QRectF(LEFT, TOP, self.width() - LEFT - RIGHT, self.height() - TOP - BOTTOM)

    def _ranges(self) -> tuple[float, float, float, float]:
        c = self.curves
        assert c is not None
        ys = np.concatenate([c.at_expiry, c.today, c.midway])
        ys = ys[np.isfinite(ys)]
        y0, y1 = (float(ys.min()), float(ys.max())) if ys.size else (-1.0, 1.0)
        y0, y1 = min(y0, 0.0), max(y1, 0.0)
        pad = 0.08 * (y1 - y0 or 1.0)
        return float(c.prices[0]), float(c.prices[-1]), y0 - pad, y1 + pad

    def _point(self, x: float, y: float) -> QPointF:
        plot = self._plot()
        x0, x1, y0, y1 = self._ranges()
        return QPointF(
            plot.left() + (x - x0) / (x1 - x0) * plot.width(),
            plot.bottom() - (y - y0) / (y1 - y0) * plot.height(),
        )

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw axes, band, markers, curves, legend and the hover read-out."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.curves is None or self.curves.prices.size < 2:
            painter.setPen(colors().muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.hint)
            painter.end()
            return
        self._axes(painter)
        self._band(painter)
        self._markers(painter)
        self._curve(painter, self.curves.midway, QPen(colors().muted, 1.2, Qt.PenStyle.DashLine))
        self._curve(painter, self.curves.today, QPen(TODAY, 1.6))
        self._curve(painter, self.curves.at_expiry, QPen(colors().text, 2.2))
        self._legend(painter)
        self._readout(painter)
        painter.end()

    def _axes(self, painter: QPainter) -> None:
        plot = self._plot()
        x0, x1, y0, y1 = self._ranges()
        palette = colors()
        painter.setPen(QPen(palette.muted, 0.6, Qt.PenStyle.DotLine))
        for y in _nice_ticks(y0, y1):
            p = self._point(x0, y)
            painter.drawLine(QPointF(plot.left(), p.y()), QPointF(plot.right(), p.y()))
            painter.drawText(
                QRectF(0, p.y() - 8, LEFT - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                _money(y),
            )
        for x in _nice_ticks(x0, x1):
            p = self._point(x, y0)
            painter.drawText(
                QRectF(p.x() - 40, plot.bottom() + 4, 80, 16),
                Qt.AlignmentFlag.AlignHCenter,
                f"{x:,.0f}",
            )
        painter.setPen(QPen(palette.muted, 1.0))
        zero = self._point(x0, 0.0)
        painter.drawLine(QPointF(plot.left(), zero.y()), QPointF(plot.right(), zero.y()))

    def _band(self, painter: QPainter) -> None:
        c = self.curves
        assert c is not None
        plot = self._plot()
        left, right = self._point(c.band[0], 0.0).x(), self._point(c.band[1], 0.0).x()
        left, right = max(left, plot.left()), min(right, plot.right())
        if right > left:
            painter.fillRect(
                QRectF(left, plot.top(), right - left, plot.height()), colors().in_move
            )
            painter.setPen(colors().muted)
            label = QRectF(left + 3, plot.top() + 2, right - left, 14)
            painter.drawText(label, Qt.AlignmentFlag.AlignLeft, "1σ move")

    def _markers(self, painter: QPainter) -> None:
        c = self.curves
        assert c is not None
        plot = self._plot()
        palette = colors()
        spot = self._point(c.spot, 0.0).x()
        painter.setPen(QPen(TODAY, 1.0, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(spot, plot.top()), QPointF(spot, plot.bottom()))
        painter.drawText(
            QRectF(spot + 4, plot.top(), 120, 14), Qt.AlignmentFlag.AlignLeft, f"{c.spot:,.2f}"
        )
        painter.setPen(QPen(palette.stale, 1.0))
        for i, be in enumerate(c.breakevens):
            x = self._point(be, 0.0).x()
            if plot.left() <= x <= plot.right():
                lift = 14.0 * (i % 2)  # neighbouring labels on alternate rows
                painter.drawLine(QPointF(x, plot.bottom() - 8 - lift), QPointF(x, plot.bottom()))
                painter.drawText(
                    QRectF(x - 40, plot.bottom() - 24 - lift, 80, 14),
                    Qt.AlignmentFlag.AlignHCenter,
                    f"BE {be:,.2f}",
                )

    def _curve(self, painter: QPainter, values: np.ndarray, pen: QPen) -> None:
        c = self.curves
        assert c is not None
        path = QPainterPath()
        started = False
        for x, y in zip(c.prices, values, strict=True):
            if not math.isfinite(float(y)):
                started = False
                continue
            point = self._point(float(x), float(y))
            if started:
                path.lineTo(point)
            else:
                path.moveTo(point)
                started = True
        painter.setPen(pen)
        painter.drawPath(path)

    def _legend(self, painter: QPainter) -> None:
        c = self.curves
        assert c is not None
        palette = colors()
        items = (
            (palette.text, f"at expiry {c.expiry_at:%b %d}"),
            (TODAY, "today"),
            (palette.muted, f"{c.midway_at:%b %d} (halfway)"),
        )
        x = LEFT
        for color, text in items:
            painter.setPen(QPen(color, 2.0))
            painter.drawLine(QPointF(x, 12), QPointF(x + 16, 12))
            painter.setPen(palette.text)
            width = painter.fontMetrics().horizontalAdvance(text)
            painter.drawText(QRectF(x + 20, 4, width + 4, 16), Qt.AlignmentFlag.AlignLeft, text)
            x += width + 40

    def _readout(self, painter: QPainter) -> None:
        c = self.curves
        if c is None or self._hover is None:
            return
        i = int(np.argmin(np.abs(c.prices - self._hover)))
        x = self._point(float(c.prices[i]), 0.0).x()
        plot = self._plot()
        palette = colors()
        painter.setPen(QPen(palette.muted, 0.8))
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        text = (
            f"{c.prices[i]:,.2f}: expiry {_money(float(c.at_expiry[i]))} · "
            f"today {_money(float(c.today[i]))} · halfway {_money(float(c.midway[i]))}"
        )
        painter.setPen(palette.text)
        painter.drawText(
            QRectF(plot.left(), plot.top() + 2, plot.width() - 4, 16),
            Qt.AlignmentFlag.AlignRight,
            text,
        )

    # ------------------------------------------------------------------ mouse
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Follow the pointer with a price read-out."""
        if self.curves is not None:
            plot = self._plot()
            x0, x1, _, _ = self._ranges()
            fx = (event.position().x() - plot.left()) / max(plot.width(), 1.0)
            self._hover = x0 + min(max(fx, 0.0), 1.0) * (x1 - x0)
            self.update()

    def leaveEvent(self, event: object) -> None:
        """Hide the read-out."""
        self._hover = None
        self.update()
