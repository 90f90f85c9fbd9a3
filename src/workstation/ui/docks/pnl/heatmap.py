"""A month of daily realized P&L as a heatmap: weekday columns, one row per week, a week total.

Green for a gain, red for a loss; the stronger the colour, the larger the
day relative to the largest day in the snapshot (square-root scaled, so
small days still show). Each day prints its total. Keyboard: arrows move the
selected day, PgUp/PgDn change month, Home/End jump within the month, Enter
or Space (or a click) opens the day.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from workstation.domain.pnl import PeriodPnl
from workstation.ui.docks.pnl.charts import ACCENT
from workstation.ui.docks.pnl.formatting import ZERO, compact_money, money
from workstation.ui.theme import colors

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Week")
HEADER = 22.0
GAP = 3.0
KEY_STEPS = {
    Qt.Key.Key_Left: -1,
    Qt.Key.Key_Right: 1,
    Qt.Key.Key_Up: -7,
    Qt.Key.Key_Down: 7,
}


def add_months(first: date, months: int) -> date:
    """Return the first day of the month ``months`` after ``first``'s month."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_weeks(first: date) -> list[list[date]]:
    """Return the Monday-to-Sunday weeks that cover ``first``'s month."""
    last = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    start = first - timedelta(days=first.weekday())
    weeks = []
    while start <= last:
        weeks.append([start + timedelta(days=i) for i in range(7)])
        start += timedelta(days=7)
    return weeks


class CalendarHeatmap(QWidget):
    """Daily realized P&L of one month; emits ``day_activated(date)`` on click or Enter."""

    day_activated = Signal(object)  # datetime.date
    month_changed = Signal(object)  # first day of the month now shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: dict[date, PeriodPnl] = {}
        self.month: date | None = None
        self.selected: date | None = None
        self._largest = 0.0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(420, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Daily P&L calendar")

    # ------------------------------------------------------------------ state
    def set_days(self, days: Iterable[PeriodPnl], month: date | None = None) -> None:
        """Show daily ``days``; open ``month`` if no month is shown yet."""
        self.days = {p.start: p for p in days}
        sizes = [abs(float(p.net)) for p in self.days.values()]  # colour scale only
        self._largest = max(sizes, default=0.0)
        if self.month is None and month is not None:
            self.show_month(month)
        self.update()

    def show_month(self, day: date) -> None:
        """Show the month of ``day`` (selecting its first day with P&L, else the 1st)."""
        first = day.replace(day=1)
        changed = first != self.month
        self.month = first
        if self.selected is None or self.selected.replace(day=1) != first:
            in_month = sorted(d for d in self.days if d.replace(day=1) == first)
            self.selected = in_month[0] if in_month else first
        if changed:
            self.month_changed.emit(first)
        self.update()

    def step_month(self, months: int) -> None:
        """Show the month ``months`` before (negative) or after the one shown."""
        if self.month is not None:
            self.show_month(add_months(self.month, months))

    def month_total(self) -> tuple[Decimal, int]:
        """Return the shown month's realized P&L (dollars) and its days with closes."""
        if self.month is None:
            return ZERO, 0
        inside = [p for d, p in self.days.items() if d.replace(day=1) == self.month]
        return sum((p.net for p in inside), ZERO), len(inside)

    def total_text(self, day: date) -> str:
        """Return the day's realized P&L as shown in its cell (empty without closes)."""
        period = self.days.get(day)
        return "" if period is None else money(period.net)

    def activate(self, day: date) -> None:
        """Select ``day`` and announce it."""
        if self.month is None or day.replace(day=1) != self.month:
            self.show_month(day)
        self.selected = day
        self.update()
        self.day_activated.emit(day)

    # ------------------------------------------------------------------ geometry
    def _cell_size(self) -> tuple[float, float]:
        weeks = len(month_weeks(self.month)) if self.month else 6
        width = (self.width() - GAP) / len(WEEKDAYS)
        return width, (self.height() - HEADER - GAP) / weeks

    def cell_rect(self, day: date) -> QRectF | None:
        """Return the rectangle of ``day`` in the shown month (None outside it)."""
        if self.month is None or day.replace(day=1) != self.month:
            return None
        first_monday = self.month - timedelta(days=self.month.weekday())
        row, column = divmod((day - first_monday).days, 7)
        width, height = self._cell_size()
        return QRectF(GAP + column * width, HEADER + row * height, width - GAP, height - GAP)

    def day_at(self, point: QPointF) -> date | None:
        """Return the day of the shown month under ``point`` (None elsewhere)."""
        if self.month is None or point.y() < HEADER:
            return None
        width, height = self._cell_size()
        column, row = int((point.x() - GAP) // width), int((point.y() - HEADER) // height)
        weeks = month_weeks(self.month)
        if not (0 <= column < 7 and 0 <= row < len(weeks)):
            return None
        day = weeks[row][column]
        return day if day.month == self.month.month else None

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the weekday header, each day's cell and total, and the week totals."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = colors()
        if self.month is None:
            painter.setPen(palette.muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No realized P&L yet")
            painter.end()
            return
        width, _ = self._cell_size()
        painter.setPen(palette.muted)
        for i, name in enumerate(WEEKDAYS):
            box = QRectF(GAP + i * width, 0, width - GAP, HEADER)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, name)
        for week in month_weeks(self.month):
            for day in week:
                self._day(painter, day)
            self._week(painter, week)
        painter.end()

    def _tint(self, net: Decimal) -> QColor:
        base = QColor(colors().positive if net > ZERO else colors().negative)
        share = math.sqrt(abs(float(net)) / self._largest) if self._largest else 0.0
        base.setAlpha(int(45 + 125 * share))  # capped so the day's text stays readable
        return base

    def _day(self, painter: QPainter, day: date) -> None:
        rect = self.cell_rect(day)
        if rect is None:
            return
        palette = colors()
        period = self.days.get(day)
        painter.fillRect(rect, palette.in_the_money)
        if period is not None and period.net != ZERO:
            painter.fillRect(rect, self._tint(period.net))
        if day == self.selected:
            pen = QPen(ACCENT, 2.5 if self.hasFocus() else 1.5)
            painter.setPen(pen)
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.setPen(palette.muted)
        inner = rect.adjusted(6, 3, -6, -3)
        painter.drawText(
            inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, str(day.day)
        )
        if period is None:
            return
        painter.setPen(colors().text)
        self._amount(painter, inner, period.net)
        if inner.height() >= 64 and period.closes:  # room below the total, or leave it out
            noun = "close" if period.closes == 1 else "closes"
            painter.setPen(palette.muted)
            bottom_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
            painter.drawText(inner, bottom_right, f"{period.closes} {noun}")

    def _amount(self, painter: QPainter, box: QRectF, net: Decimal) -> None:
        """Write ``net`` in full when it fits the box, else in whole dollars (pen set by caller)."""
        bold = QFont(self.font())  # the widget's font: the theme's size, not Qt's default
        bold.setBold(True)
        text = money(net)
        if QFontMetricsF(bold).horizontalAdvance(text) > box.width():
            text = compact_money(net)
        painter.setFont(bold)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(self.font())

    def _week(self, painter: QPainter, week: list[date]) -> None:
        assert self.month is not None
        inside = [d for d in week if d.month == self.month.month]
        rect = self.cell_rect(inside[0])
        assert rect is not None
        width, _ = self._cell_size()
        box = QRectF(GAP + 7 * width, rect.top(), width - GAP, rect.height())
        painter.setPen(QPen(colors().muted, 0.8))
        painter.drawRect(box)
        periods = [self.days[d] for d in inside if d in self.days]
        if periods:
            total = sum((p.net for p in periods), ZERO)
            painter.setPen(colors().positive if total >= ZERO else colors().negative)
            self._amount(painter, box.adjusted(4, 0, -4, 0), total)

    # ------------------------------------------------------------------ input
    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Open the clicked day."""
        day = self.day_at(event.position())
        if day is not None and event.button() == Qt.MouseButton.LeftButton:
            self.setFocus()
            self.activate(day)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Move the selection, change month, or open the selected day."""
        key = Qt.Key(event.key())
        if (
            self.month is None
            or self.selected is None
            or event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            super().keyPressEvent(event)  # Ctrl+PgUp/PgDn and Alt+n belong to the panel
        elif key in KEY_STEPS:
            self._select(self.selected + timedelta(days=KEY_STEPS[key]))
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.step_month(-1 if key == Qt.Key.Key_PageUp else 1)
        elif key in (Qt.Key.Key_Home, Qt.Key.Key_End):
            last = calendar.monthrange(self.month.year, self.month.month)[1]
            self._select(self.month.replace(day=1 if key == Qt.Key.Key_Home else last))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activate(self.selected)
        else:
            super().keyPressEvent(event)

    def _select(self, day: date) -> None:
        self.selected = day
        if self.month is None or day.replace(day=1) != self.month:
            self.show_month(day)
        self.update()

    def event(self, event: QEvent) -> bool:
        """Explain a day on hover: net, gross, fees and closes."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            day = self.day_at(QPointF(event.pos()))
            period = self.days.get(day) if day else None
            if period is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(
                    event.globalPos(),
                    f"{period.start:%a %b %d %Y}: {money(period.net)} net, "
                    f"{money(period.gross)} gross, {money(period.fees)} fees, "
                    f"{period.closes} closing matches",
                    self,
                )
            return True
        return super().event(event)
