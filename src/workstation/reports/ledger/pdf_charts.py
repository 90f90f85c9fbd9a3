"""Charts for the P&L statement: the equity curve and the realized-P&L calendar heatmap.

Both are reportlab ``Drawing`` objects (vector, so they print sharply) sized
in points. Chart coordinates are floats; the figures they show come in as
Decimal dollars and are only converted at the drawing edge.
"""

from __future__ import annotations

import calendar
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from reportlab.graphics.shapes import (  # type: ignore[import-untyped, unused-ignore]
    Drawing,
    Line,
    Polygon,
    PolyLine,
    Rect,
    String,
)
from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.pdfmetrics import (  # type: ignore[import-untyped, unused-ignore]
    stringWidth,
)

from workstation.domain.pnl import EquityPoint

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#d9dee5")
NAVY = colors.HexColor("#1f3a5f")
GAIN = colors.HexColor("#1b7f3b")
LOSS = colors.HexColor("#c0392b")
GAIN_LIGHT = colors.HexColor("#d5efdc")
LOSS_LIGHT = colors.HexColor("#f8dcd7")
QUIET_DAY = colors.HexColor("#e8ebef")
WEEKEND = colors.HexColor("#f3f4f6")
OUTSIDE = colors.HexColor("#fafbfc")
FONT = "Helvetica"
BOLD = "Helvetica-Bold"
CENT = Decimal("0.01")


def money_text(amount: Decimal, *, sign: bool = False, cents: bool = True) -> str:
    """Return dollars as ``$1,234.50`` / ``-$1,234.50`` (``+$`` for gains when ``sign``)."""
    rounded = amount.quantize(CENT if cents else Decimal(1), rounding=ROUND_HALF_UP)
    body = f"{abs(rounded):,.2f}" if cents else f"{abs(rounded):,.0f}"
    if rounded < 0:
        return f"-${body}"
    return f"+${body}" if sign and rounded > 0 else f"${body}"


def color_of(amount: Decimal | float) -> colors.Color:
    """Return the gain colour for a positive amount, loss for negative, ink for zero."""
    if amount > 0:
        return GAIN
    return LOSS if amount < 0 else INK


# ---------------------------------------------------------------- equity curve


@dataclass(frozen=True, slots=True)
class _Frame:
    """Where the plot area sits in the drawing and the data range it maps (days, dollars)."""

    left: float
    bottom: float
    width: float
    height: float
    first: date
    last: date
    low: float
    high: float

    def x(self, day: date) -> float:
        span = max((self.last - self.first).days, 1)
        return self.left + self.width * (day - self.first).days / span

    def y(self, value: float) -> float:
        return self.bottom + self.height * (value - self.low) / (self.high - self.low)


def equity_curve_chart(
    curve: Sequence[EquityPoint], first: date, last: date, width: float
) -> Drawing:
    """Draw cumulative realized P&L (net, dollars) as a step line over the period's dates.

    The line starts at zero on ``first`` and holds its last value to
    ``last``; the area between the line and zero is tinted by sign.
    """
    height = 168.0
    drawing = Drawing(width, height)
    steps = _steps(curve, first, last)
    values = [value for _, value in steps]
    low, high, step = _nice_range(min(values), max(values))
    # The final value sits in a gutter right of the plot, level with the line's
    # end, where no part of the line can run through it.
    gutter = _END_GAP + stringWidth(_end_text(curve), BOLD, _END_SIZE) if curve else 0.0
    plot_width = width - 66.0 - gutter
    frame = _Frame(54.0, 22.0, plot_width, height - 34.0, steps[0][0], steps[-1][0], low, high)
    _draw_value_grid(drawing, frame, step)
    _draw_date_axis(drawing, frame)
    _draw_area(drawing, frame, steps)
    points = [coordinate for day, value in steps for coordinate in (frame.x(day), frame.y(value))]
    drawing.add(PolyLine(points, strokeColor=NAVY, strokeWidth=1.6, strokeLineJoin=1))
    _draw_end_label(drawing, frame, steps[-1], curve)
    return drawing


def _steps(curve: Sequence[EquityPoint], start: date, end: date) -> list[tuple[date, float]]:
    if curve:
        start = min(start, curve[0].day)
    steps: list[tuple[date, float]] = [(start, 0.0)]
    for point in curve:
        steps += [(point.day, steps[-1][1]), (point.day, float(point.cumulative))]
    end = max(end, steps[-1][0])
    if end == start:
        # A one-day period still needs a visible x span.
        end = start + timedelta(days=1)
    steps.append((end, steps[-1][1]))
    return steps


def _nice_range(low: float, high: float) -> tuple[float, float, float]:
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low < 1.0:
        high = low + 100.0
    raw = (high - low) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _axis_money(value: float, compact: bool) -> str:
    if value == 0:
        return "$0"
    if compact:
        text = f"${abs(value) / 1000:,.1f}".removesuffix(".0") + "k"
    else:
        text = f"${abs(value):,.0f}"
    return f"-{text}" if value < 0 else text


def _draw_value_grid(drawing: Drawing, frame: _Frame, step: float) -> None:
    count = round((frame.high - frame.low) / step)
    # Thousands get a "k" only when every label is that large, so the axis reads one way.
    compact = max(abs(frame.low), abs(frame.high)) >= 10_000
    for n in range(count + 1):
        value = frame.low + n * step
        y = frame.y(value)
        is_zero = abs(value) < step / 1000
        drawing.add(
            Line(
                frame.left,
                y,
                frame.left + frame.width,
                y,
                strokeColor=MUTED if is_zero else RULE,
                strokeWidth=0.8 if is_zero else 0.5,
            )
        )
        label = String(
            frame.left - 6, y - 2.5, _axis_money(value, compact), fontName=FONT, fontSize=7
        )
        label.textAnchor, label.fillColor = "end", MUTED
        drawing.add(label)


def _draw_date_axis(drawing: Drawing, frame: _Frame) -> None:
    bottom = frame.bottom
    drawing.add(Line(frame.left, bottom, frame.left + frame.width, bottom, strokeColor=MUTED))
    for day, text in date_ticks(frame.first, frame.last):
        x = frame.x(day)
        drawing.add(Line(x, bottom, x, bottom - 3, strokeColor=MUTED, strokeWidth=0.6))
        label = String(x, bottom - 12, text, fontName=FONT, fontSize=7, fillColor=MUTED)
        label.textAnchor = "middle"
        drawing.add(label)


def date_ticks(first: date, last: date) -> list[tuple[date, str]]:
    """Return (day, label) x-axis ticks: weekly, monthly or quarterly by the span's length."""
    span = (last - first).days
    if span <= 10:
        return [
            (first + timedelta(days=n), _short_day(first + timedelta(days=n)))
            for n in range(span + 1)
        ]
    if span <= 62:
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        every = 7 if span <= 31 else 14
        days = [monday + timedelta(days=n) for n in range(0, span + 1, every)]
        return [(d, _short_day(d)) for d in days if d <= last]
    months = 1 if span <= 430 else 3 if span <= 1100 else 12
    ticks: list[tuple[date, str]] = []
    cursor = _next_month_start(first - timedelta(days=1))
    while cursor <= last:
        if (cursor.month - 1) % months == 0:
            with_year = cursor.month == 1 or not ticks
            ticks.append((cursor, f"{cursor:%b '%y}" if with_year else f"{cursor:%b}"))
        cursor = _next_month_start(cursor)
    return ticks


def _short_day(day: date) -> str:
    return f"{day:%b} {day.day}"


def _next_month_start(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _draw_area(drawing: Drawing, frame: _Frame, steps: list[tuple[date, float]]) -> None:
    # One polygon per run of same-signed values: adjacent slivers would show seams.
    zero = frame.y(0.0)
    segments = [
        (frame.x(day), frame.x(next_day), value)
        for (day, value), (next_day, _) in itertools.pairwise(steps)
        if next_day != day
    ]
    for sign, run in itertools.groupby(segments, key=lambda s: (s[2] > 0) - (s[2] < 0)):
        if sign == 0:
            continue
        edge = [
            coordinate
            for x0, x1, value in run
            for coordinate in (x0, frame.y(value), x1, frame.y(value))
        ]
        outline = [edge[0], zero, *edge, edge[-2], zero]
        tint = GAIN_LIGHT if sign > 0 else LOSS_LIGHT
        drawing.add(Polygon(outline, fillColor=tint, strokeColor=None))


_END_SIZE = 8.0  # points
_END_GAP = 5.0  # points between the line's end and its value


def _end_text(curve: Sequence[EquityPoint]) -> str:
    return money_text(curve[-1].cumulative, sign=True)


def _draw_end_label(
    drawing: Drawing, frame: _Frame, end: tuple[date, float], curve: Sequence[EquityPoint]
) -> None:
    if not curve:
        note = String(
            frame.left + frame.width / 2,
            frame.y(0.0) + 8,
            "No closed trades in the period",
            fontName=FONT,
            fontSize=8,
        )
        note.textAnchor, note.fillColor = "middle", MUTED
        drawing.add(note)
        return
    x, y = frame.left + frame.width, frame.y(end[1])
    label = String(x + _END_GAP, y - _END_SIZE * 0.35, _end_text(curve))
    label.fontName, label.fontSize = BOLD, _END_SIZE
    label.textAnchor, label.fillColor = "start", color_of(curve[-1].cumulative)
    drawing.add(label)


# ---------------------------------------------------------------- calendar heatmap

MONTHS_PER_ROW = 6
_GAP = 12.0
_TITLE = 11.0
_WEEKDAYS = 8.0


def months_between(first: date, last: date) -> list[date]:
    """Return the first day of every month from ``first``'s month to ``last``'s, inclusive."""
    months, cursor = [], first.replace(day=1)
    while cursor <= last:
        months.append(cursor)
        cursor = _next_month_start(cursor)
    return months


def calendar_rows(
    daily: Mapping[date, Decimal],
    monthly: Mapping[date, Decimal],
    first: date,
    last: date,
    width: float,
) -> list[Drawing]:
    """Draw one small month grid per month of the period, days coloured by realized net P&L.

    Returns one drawing per row of six months so a long period can break
    across pages. Colour depth grows with the square root of the day's P&L
    relative to the period's largest day, so small days stay visible.
    """
    scale = max((abs(v) for v in daily.values()), default=Decimal(0))
    cell = (width - _GAP * (MONTHS_PER_ROW - 1)) / MONTHS_PER_ROW / 7
    rows = []
    months = months_between(first, last)
    for start in range(0, len(months), MONTHS_PER_ROW):
        drawing = Drawing(width, _TITLE + _WEEKDAYS + 6 * cell + 6)
        for column, month in enumerate(months[start : start + MONTHS_PER_ROW]):
            grid = _MonthGrid(month, column * (7 * cell + _GAP), drawing.height, cell)
            grid.draw(drawing, daily, monthly.get(month), scale, (first, last))
        rows.append(drawing)
    return rows


@dataclass(frozen=True, slots=True)
class _MonthGrid:
    """One month's block: title with the month's total, weekday initials, day cells."""

    month: date
    left: float
    top: float
    cell: float

    def draw(
        self,
        drawing: Drawing,
        daily: Mapping[date, Decimal],
        total: Decimal | None,
        scale: Decimal,
        period: tuple[date, date],
    ) -> None:
        self._title(drawing, total)
        for column, initial in enumerate("MTWTFSS"):
            x = self.left + (column + 0.5) * self.cell
            label = String(x, self.top - _TITLE - 6, initial, fontName=FONT, fontSize=5.5)
            label.textAnchor, label.fillColor = "middle", MUTED
            drawing.add(label)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(
            self.month.year, self.month.month
        )
        for row, week in enumerate(weeks):
            for column, day in enumerate(week):
                if day.month == self.month.month:
                    fill = _day_colour(day, daily.get(day), scale, period)
                    self._cell(drawing, row, column, fill)

    def _title(self, drawing: Drawing, total: Decimal | None) -> None:
        y = self.top - _TITLE + 2
        name = String(self.left, y, f"{self.month:%b %Y}", fontName=BOLD, fontSize=7)
        name.fillColor = INK
        drawing.add(name)
        if total is not None:
            text = money_text(total, sign=True, cents=False)
            figure = String(self.left + 7 * self.cell - 1, y, text, fontName=FONT, fontSize=6.5)
            figure.textAnchor, figure.fillColor = "end", color_of(total)
            drawing.add(figure)

    def _cell(self, drawing: Drawing, row: int, column: int, fill: colors.Color) -> None:
        x = self.left + column * self.cell
        y = self.top - _TITLE - _WEEKDAYS - (row + 1) * self.cell
        size = self.cell - 1.2
        drawing.add(Rect(x, y, size, size, rx=1.2, ry=1.2, fillColor=fill, strokeColor=None))


def _day_colour(
    day: date, pnl: Decimal | None, scale: Decimal, period: tuple[date, date]
) -> colors.Color:
    if not period[0] <= day <= period[1]:
        return OUTSIDE
    if pnl is None or pnl == 0 or scale == 0:
        return WEEKEND if day.weekday() >= 5 else QUIET_DAY
    depth = 0.25 + 0.75 * math.sqrt(float(abs(pnl) / scale))
    light, strong = (GAIN_LIGHT, GAIN) if pnl > 0 else (LOSS_LIGHT, LOSS)
    return colors.linearlyInterpolatedColor(light, strong, 0.0, 1.0, depth)


def calendar_legend(largest_day: Decimal, width: float) -> Drawing:
    """Draw the heatmap's key: loss shades, a quiet day, profit shades, and the scale."""
    drawing = Drawing(width, 14)
    x = 0.0
    x = _legend_label(drawing, x, "Loss")
    for depth in (1.0, 0.62, 0.25):
        x = _swatch(drawing, x, colors.linearlyInterpolatedColor(LOSS_LIGHT, LOSS, 0, 1, depth))
    x = _swatch(drawing, x + 4, QUIET_DAY)
    for depth in (0.25, 0.62, 1.0):
        x = _swatch(
            drawing,
            x + (4 if depth == 0.25 else 0),
            colors.linearlyInterpolatedColor(GAIN_LIGHT, GAIN, 0, 1, depth),
        )
    x = _legend_label(drawing, x + 2, "Profit")
    scale = f"Darkest = largest day ({money_text(largest_day, cents=False)}); grey = no closes"
    _legend_label(drawing, x + 12, scale)
    return drawing


def _legend_label(drawing: Drawing, x: float, text: str) -> float:
    drawing.add(String(x, 3, text, fontName=FONT, fontSize=6.5, fillColor=MUTED))
    return x + float(stringWidth(text, FONT, 6.5)) + 4


def _swatch(drawing: Drawing, x: float, fill: colors.Color) -> float:
    drawing.add(Rect(x, 1.5, 9, 9, rx=1.2, ry=1.2, fillColor=fill, strokeColor=None))
    return x + 10.5
