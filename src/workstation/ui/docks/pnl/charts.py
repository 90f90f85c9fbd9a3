"""Charts of the P&L panel drawn with QPainter: equity curve, horizontal bars, net-liq waterfall.

The snapshot's Decimal dollars are kept for every label; they become floats
only to place pixels. Each chart draws a one-line hint instead of an empty
frame when it has nothing to show.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from workstation.domain.pnl import EquityPoint
from workstation.ui.docks.pnl.formatting import ZERO, compact_money, money
from workstation.ui.theme import colors

ACCENT = QColor("#4c8dff")  # the theme's focus blue: totals that are neither gain nor loss
TITLE_HEIGHT = 22.0
MAX_BARS = 24


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Return round values (1, 2, 2.5, 5 × 10^n steps) covering [low, high]."""
    span = high - low
    if span <= 0 or not math.isfinite(span):
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def month_ticks(first: date, last: date, most: int) -> list[date]:
    """Return month starts inside [first, last], every 1/2/3/6/12… months so at most ``most``."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if months / s <= max(most, 1)), 120)
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        start = date(year, month, 1)
        # Counting months from year 0 keeps quarters on Jan/Apr/Jul/Oct and years on January.
        if start >= first and (year * 12 + month - 1) % step == 0:
            out.append(start)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def axis_money(value: float) -> str:
    """Return an axis label in whole dollars (``-$2,500``), millions as ``$1.5M``."""
    if abs(value) >= 1_000_000:
        return f"{'-' if value < 0 else ''}${abs(value) / 1_000_000:,.1f}M"
    return f"{'-' if round(value) < 0 else ''}${abs(value):,.0f}"


def _pnl_color(value: Decimal) -> QColor:
    return colors().positive if value >= ZERO else colors().negative


def _hint(painter: QPainter, rect: QRectF, text: str) -> None:
    painter.setPen(colors().muted)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)


def _title(painter: QPainter, width: float, text: str, right: str = "") -> None:
    painter.setPen(colors().muted)
    box = QRectF(8, 2, width - 16, TITLE_HEIGHT - 4)
    painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
    if right:
        painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, right)


class EquityCurveChart(QWidget):
    """Cumulative realized P&L (net of fees) by day: dollars up, dates across, a zero line."""

    LEFT, RIGHT, TOP, BOTTOM = 76.0, 20.0, TITLE_HEIGHT + 10, 26.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: tuple[EquityPoint, ...] = ()
        self._x: list[int] = []  # day ordinals
        self._y: list[float] = []  # dollars, for placing pixels only
        self._end = 0  # ordinal of the last day drawn (the curve runs flat to it)
        self._range = (0.0, 1.0, 0.0, 1.0)
        self._frame = (0.0, 1.0, 1.0, 1.0)  # plot left, bottom, width, height (set per paint)
        self._hover: int | None = None
        self.hint = "No closed trades yet: the curve starts at the first realized P&L"
        self.setMinimumSize(320, 180)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_points(self, points: tuple[EquityPoint, ...], through: date | None = None) -> None:
        """Show ``points`` (days in order), running flat to ``through`` when that is later."""
        self.points = points
        self._x = [p.day.toordinal() for p in points]
        self._y = [float(p.cumulative) for p in points]
        self._hover = None
        if points:
            self._end = max(self._x[-1], through.toordinal() if through else 0)
            self._range = self._ranges()
        last = f"; {money(points[-1].cumulative)} on {points[-1].day}" if points else ""
        self.setToolTip(f"Cumulative realized P&L, net of fees{last}")
        self.update()

    def _plot(self) -> QRectF:
        return QRectF(
            self.LEFT,
            self.TOP,
            max(self.width() - self.LEFT - self.RIGHT, 1.0),
            max(self.height() - self.TOP - self.BOTTOM, 1.0),
        )

    def _ranges(self) -> tuple[float, float, float, float]:
        x0, x1 = float(self._x[0]), float(self._end)
        if x1 - x0 < 10:  # a handful of days still gets a readable axis
            x0, x1 = x0 - 5, x1 + 5
        y0, y1 = min(*self._y, 0.0), max(*self._y, 0.0)
        pad = 0.08 * (y1 - y0 or 1.0)
        return x0, x1, y0 - pad, y1 + pad

    def _point(self, x: float, y: float) -> QPointF:
        left, bottom, width, height = self._frame
        x0, x1, y0, y1 = self._range
        return QPointF(left + (x - x0) / (x1 - x0) * width, bottom - (y - y0) / (y1 - y0) * height)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw grid, axes, the step curve with its fill, the last value and the hover."""
        plot = self._plot()
        self._frame = (plot.left(), plot.bottom(), plot.width(), plot.height())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        _title(painter, self.width(), "Cumulative realized P&L (net of fees)")
        if not self.points:
            _hint(painter, self._plot(), self.hint)
            painter.end()
            return
        self._axes(painter)
        self._curve(painter)
        self._last_label(painter)
        self._readout(painter)
        painter.end()

    def _axes(self, painter: QPainter) -> None:
        plot = self._plot()
        x0, x1, y0, y1 = self._range
        palette = colors()
        for y in nice_ticks(y0, y1, max(2, int(plot.height() // 48))):
            p = self._point(x0, y)
            painter.setPen(QPen(palette.muted, 0.5, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(plot.left(), p.y()), QPointF(plot.right(), p.y()))
            painter.setPen(palette.muted)
            label = QRectF(0, p.y() - 8, self.LEFT - 8, 16)
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(label, right, axis_money(y))
        first, last = date.fromordinal(math.ceil(x0)), date.fromordinal(math.floor(x1))
        ticks = month_ticks(first, last, int(plot.width() // 70))
        for i, day in enumerate(ticks):
            p = self._point(day.toordinal(), y0)
            painter.setPen(QPen(palette.muted, 0.5, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(p.x(), plot.top()), QPointF(p.x(), plot.bottom()))
            text = f"{day:%b %Y}" if i == 0 or day.month == 1 else f"{day:%b}"
            painter.setPen(palette.muted)
            box = QRectF(p.x() - 40, plot.bottom() + 4, 80, 16)
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter, text)
        painter.setPen(QPen(palette.muted, 1.2))
        zero = self._point(x0, 0.0).y()
        painter.drawLine(QPointF(plot.left(), zero), QPointF(plot.right(), zero))

    def _path(self) -> QPainterPath:
        """Cumulative P&L only changes on days with closes: a step from one point to the next."""
        path = QPainterPath(self._point(self._x[0], self._y[0]))
        for i in range(1, len(self._x)):
            path.lineTo(self._point(self._x[i], self._y[i - 1]))
            path.lineTo(self._point(self._x[i], self._y[i]))
        path.lineTo(self._point(self._end, self._y[-1]))
        return path

    def _curve(self, painter: QPainter) -> None:
        plot = self._plot()
        zero = self._point(self._range[0], 0.0).y()
        line = self._path()
        area = QPainterPath(line)
        area.lineTo(QPointF(self._point(self._end, 0.0).x(), zero))
        area.lineTo(QPointF(self._point(self._x[0], 0.0).x(), zero))
        area.closeSubpath()
        palette = colors()
        for color, band in (
            (palette.positive, QRectF(plot.left(), plot.top(), plot.width(), zero - plot.top())),
            (palette.negative, QRectF(plot.left(), zero, plot.width(), plot.bottom() - zero)),
        ):
            tint = QColor(color)
            tint.setAlpha(50)
            painter.save()
            painter.setClipRect(band)
            painter.fillPath(area, tint)
            painter.restore()
        painter.setPen(QPen(palette.text, 1.8))
        painter.drawPath(line)

    def _last_label(self, painter: QPainter) -> None:
        last = self.points[-1]
        point = self._point(self._end, self._y[-1])
        color = _pnl_color(last.cumulative)
        painter.setBrush(color)
        painter.setPen(QPen(color, 1.0))
        painter.drawEllipse(point, 3.5, 3.5)
        text = f"{money(last.cumulative)}  {date.fromordinal(self._end):%b %d}"
        width = QFontMetricsF(painter.font()).horizontalAdvance(text) + 8
        plot = self._plot()
        left = point.x() - width - 6 if point.x() + width + 6 > plot.right() else point.x() + 6
        above = point.y() - 20 > plot.top()
        box = QRectF(left, point.y() - 20 if above else point.y() + 4, width, 16)
        painter.setPen(color)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def readout(self) -> str:
        """Return the pointed day's cumulative P&L as shown top right (empty when none)."""
        if self._hover is None:
            return ""
        point = self.points[self._hover]
        return f"{point.day:%a %b %d %Y}: {money(point.cumulative)}"

    def _readout(self, painter: QPainter) -> None:
        if self._hover is None:
            return
        x = self._point(self._x[self._hover], 0.0).x()
        plot = self._plot()
        painter.setPen(QPen(colors().muted, 0.8))
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        painter.setPen(colors().text)
        painter.drawText(
            QRectF(plot.left(), 2, plot.width(), TITLE_HEIGHT - 4),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            self.readout(),
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Left/Right step the read-out from close to close; Home/End jump to the ends."""
        last = len(self.points) - 1
        key = Qt.Key(event.key())
        current = last if self._hover is None else self._hover
        steps = {Qt.Key.Key_Left: current - 1, Qt.Key.Key_Right: current + 1}
        steps |= {Qt.Key.Key_Home: 0, Qt.Key.Key_End: last}
        if last < 0 or key not in steps or event.modifiers() != Qt.KeyboardModifier.NoModifier:
            super().keyPressEvent(event)
            return
        self._hover = min(max(steps[key], 0), last)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Hide the read-out with the keyboard gone."""
        super().focusOutEvent(event)
        self._hover = None
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Read out the cumulative P&L at the day under the pointer."""
        if not self.points:
            return
        plot = self._plot()
        x0, x1, _, _ = self._range
        fx = min(max((event.position().x() - plot.left()) / plot.width(), 0.0), 1.0)
        day = x0 + fx * (x1 - x0)
        i = min(bisect_left(self._x, day), len(self._x) - 1)
        if i > 0 and day - self._x[i - 1] < self._x[i] - day:
            i -= 1
        self._hover = i
        self.update()

    def leaveEvent(self, event: object) -> None:
        """Hide the read-out."""
        self._hover = None
        self.update()


class BarChart(QWidget):
    """Horizontal bars of a dollar figure per label (largest first when there are many)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: tuple[tuple[str, Decimal], ...] = ()
        self.left_out = 0
        self.setMinimumSize(260, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: Sequence[tuple[str, Decimal]]) -> None:
        """Show ``bars`` in their order; with more than MAX_BARS keep the largest by size."""
        chosen = list(bars)
        if len(chosen) > MAX_BARS:
            keep = {id(b) for b in sorted(chosen, key=lambda b: abs(b[1]), reverse=True)[:MAX_BARS]}
            chosen = [b for b in chosen if id(b) in keep]
        self.bars, self.left_out = tuple(chosen), len(bars) - len(chosen)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw labels, a zero line, the bars and their values."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        note = (
            f"largest {len(self.bars)} of {len(self.bars) + self.left_out}" if self.left_out else ""
        )
        _title(painter, self.width(), self.title, note)
        area = QRectF(8, TITLE_HEIGHT + 4, self.width() - 16, self.height() - TITLE_HEIGHT - 10)
        if not self.bars:
            _hint(painter, area, "Nothing to chart yet")
        else:
            self._draw(painter, area)
        painter.end()

    def _draw(self, painter: QPainter, area: QRectF) -> None:
        metrics = QFontMetricsF(painter.font())
        label_width = min(
            max(metrics.horizontalAdvance(b[0]) for b in self.bars) + 10, area.width() * 0.35
        )
        value_width = max(metrics.horizontalAdvance(compact_money(b[1])) for b in self.bars) + 10
        low = min(0.0, *(float(b[1]) for b in self.bars))
        high = max(0.0, *(float(b[1]) for b in self.bars))
        span = high - low or 1.0
        left = area.left() + label_width + (value_width if low < 0 else 0)
        width = max(area.right() - left - (value_width if high > 0 else 0), 1.0)
        zero = left + (0.0 - low) / span * width
        pitch = min(28.0, area.height() / len(self.bars))
        palette = colors()
        for i, (label, value) in enumerate(self.bars):
            top = area.top() + i * pitch
            painter.setPen(palette.text)
            name = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_width - 10)
            painter.drawText(QRectF(area.left(), top, label_width - 10, pitch), _LEFT, name)
            end = left + (float(value) - low) / span * width
            bar = QRectF(min(zero, end), top + pitch * 0.2, max(abs(end - zero), 1.0), pitch * 0.6)
            painter.fillRect(bar, _pnl_color(value))
            painter.setPen(_pnl_color(value))
            text = compact_money(value)
            if value >= ZERO:
                box, align = QRectF(bar.right() + 4, top, value_width, pitch), _LEFT
            else:
                box, align = QRectF(bar.left() - value_width - 4, top, value_width, pitch), _RIGHT
            painter.drawText(box, align, text)
        painter.setPen(QPen(palette.muted, 1.0))
        bottom = area.top() + pitch * len(self.bars)
        painter.drawLine(QPointF(zero, area.top()), QPointF(zero, bottom))


_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter


class WaterfallChart(QWidget):
    """The net-liq bridge as steps: each component moves the running total up or down.

    After the components come the explained change (from zero) and, when
    broker snapshots exist, the broker's own change beside it.
    """

    BOTTOM = 40.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps: tuple[tuple[str, Decimal], ...] = ()
        self.broker: Decimal | None = None
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_steps(self, steps: Sequence[tuple[str, Decimal]], broker: Decimal | None) -> None:
        """Show the components ``steps`` and the broker's change (None without snapshots)."""
        self.steps, self.broker = tuple(steps), broker
        self.update()

    def _bars(self) -> list[tuple[str, Decimal, Decimal, QColor]]:
        """Return (label, from, to, colour) per bar, in dollars."""
        out, running = [], ZERO
        for label, amount in self.steps:
            out.append((label, running, running + amount, _pnl_color(amount)))
            running += amount
        out.append(("Explained", ZERO, running, ACCENT))
        if self.broker is not None:
            out.append(("Broker", ZERO, self.broker, colors().muted))
        return out

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the grid, the floating bars, their connectors, values and labels."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        _title(painter, self.width(), "Change in net liquidity, step by step")
        plot = QRectF(
            70,
            TITLE_HEIGHT + 18,
            self.width() - 80,
            self.height() - TITLE_HEIGHT - 18 - self.BOTTOM,
        )
        if not self.steps:
            _hint(painter, plot, "No net-liquidity bridge for this period")
        else:
            self._draw(painter, plot)
        painter.end()

    def _draw(self, painter: QPainter, plot: QRectF) -> None:
        bars = self._bars()
        low = float(min(ZERO, *(min(a, b) for _, a, b, _ in bars)))
        high = float(max(ZERO, *(max(a, b) for _, a, b, _ in bars)))
        pad = 0.06 * (high - low or 1.0)
        scale = _Scale(plot, low - pad, high + pad)
        self._grid(painter, scale)
        slot = plot.width() / len(bars)
        for i, bar in enumerate(bars):
            self._bar(painter, scale, QRectF(plot.left() + i * slot, plot.top(), slot, 0), bar)
            if i < len(self.steps):  # dashed step to where the next bar starts
                y = scale.y(float(bar[2]))
                painter.setPen(QPen(colors().muted, 0.8, Qt.PenStyle.DashLine))
                right = plot.left() + (i + 0.82) * slot
                painter.drawLine(QPointF(right, y), QPointF(right + slot * 0.36, y))
        painter.setPen(QPen(colors().muted, 1.0))
        zero = scale.y(0.0)
        painter.drawLine(QPointF(plot.left(), zero), QPointF(plot.right(), zero))

    def _grid(self, painter: QPainter, scale: _Scale) -> None:
        plot, palette = scale.plot, colors()
        for tick in nice_ticks(scale.low, scale.high, max(2, int(plot.height() // 50))):
            y = scale.y(tick)
            painter.setPen(QPen(palette.muted, 0.5, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(palette.muted)
            painter.drawText(QRectF(0, y - 8, plot.left() - 6, 16), _RIGHT, axis_money(tick))

    def _bar(
        self,
        painter: QPainter,
        scale: _Scale,
        slot: QRectF,
        bar: tuple[str, Decimal, Decimal, QColor],
    ) -> None:
        label, first, last, color = bar
        top, bottom = sorted((scale.y(float(first)), scale.y(float(last))))
        body = QRectF(slot.left() + slot.width() * 0.18, top, slot.width() * 0.64, 0)
        body.setHeight(max(bottom - top, 1.5))
        painter.fillRect(body, color)
        palette = colors()
        painter.save()
        font = painter.font()
        font.setPixelSize(11)
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        room = slot.width() - 2
        amount = compact_money(last - first)
        if metrics.horizontalAdvance(amount) <= room:  # too narrow: the table has the number
            above = last >= first
            y = body.top() - 15 if above else body.bottom() + 1
            painter.setPen(palette.text)
            painter.drawText(QRectF(slot.left(), y, slot.width(), 14), _CENTRE, amount)
        painter.setPen(palette.muted)
        below = QRectF(slot.left() + 1, scale.plot.bottom() + 5, room, self.BOTTOM - 5)
        if max(metrics.horizontalAdvance(word) for word in label.split()) <= room:
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            painter.drawText(below, flags | Qt.TextFlag.TextWordWrap, label)
        else:
            short = metrics.elidedText(label, Qt.TextElideMode.ElideRight, room)
            painter.drawText(
                below, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, short
            )
        painter.restore()


@dataclass(frozen=True, slots=True)
class _Scale:
    """Dollars to pixels on a vertical axis."""

    plot: QRectF
    low: float
    high: float

    def y(self, value: float) -> float:
        """Return the pixel row of ``value`` dollars."""
        return self.plot.bottom() - (value - self.low) / (self.high - self.low) * self.plot.height()
