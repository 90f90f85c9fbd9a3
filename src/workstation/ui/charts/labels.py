"""Small text tags on the chart (level names, zone kinds, event codes) that never overlap.

A ``LabelPlacer`` lives for one paint: each tag is placed only if it does not
touch one already placed, and at most ``limit`` are drawn, so a crowded,
zoomed-out chart shows a few readable tags instead of a smear.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from workstation.ui.charts.palette import with_alpha

TAG_POINT_SIZE = 8.0
PAD = 2.0


def tag_font() -> QFont:
    """The font chart tags are written in."""
    font = QFont()
    font.setPointSizeF(TAG_POINT_SIZE)
    return font


class LabelPlacer:
    """Places up to ``limit`` non-overlapping tags inside ``bounds`` (device pixels)."""

    def __init__(self, painter: QPainter, background: QColor, limit: int, bounds: QRectF) -> None:
        self._painter = painter
        self._bounds = bounds
        self._background = with_alpha(background, 200)
        self._limit = limit
        self._metrics = QFontMetricsF(tag_font())
        self.placed: list[tuple[QRectF, str]] = []
        painter.setFont(tag_font())

    @property
    def full(self) -> bool:
        """True once ``limit`` tags are placed."""
        return len(self.placed) >= self._limit

    def place(
        self, text: str, x: float, y: float, color: QColor, align_right: bool = False
    ) -> bool:
        """Write ``text`` with its bottom-left (or bottom-right) corner at (x, y), device pixels.

        Returns False, drawing nothing, if the tag would overlap another, stick
        out of the bounds (the view) or the limit is reached.
        """
        if self.full:
            return False
        width = self._metrics.horizontalAdvance(text) + 2 * PAD
        height = self._metrics.height()
        rect = QRectF(x - width if align_right else x, y - height, width, height)
        if not self._bounds.contains(rect) or any(rect.intersects(o) for o, _ in self.placed):
            return False
        self._painter.fillRect(rect, self._background)
        self._painter.setPen(color)
        self._painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        self.placed.append((rect, text))
        return True

    def place_by_line(
        self, text: str, x: float, y: float, color: QColor, align_right: bool = False
    ) -> bool:
        """Write ``text`` just above a horizontal line at device y ``y``, or else just below it."""
        above = self.place(text, x, y - 1, color, align_right)
        return above or self.place(text, x, y + self._metrics.height() + 1, color, align_right)
