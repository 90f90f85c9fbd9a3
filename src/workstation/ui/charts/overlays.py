"""Structure overlays: liquidity levels, fair value gaps and order blocks, VWAP and EMA lines.

Each layer keeps its structure array as given (``LEVEL_DTYPE``, ``GAP_DTYPE``,
``BLOCK_DTYPE``, per-bar float arrays) and, per paint, selects with numpy
what crosses the view and is at least a couple of pixels long, then draws it
in one batch per colour. Lines are sampled at about one point per pixel
column. Tags are few and never overlap (see ``labels``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PySide6.QtGui import QColor, QPainter, QPen

from workstation.domain.structure import GAP_DTYPE, LEVEL_DTYPE, LevelKind, StructArray, empty
from workstation.ui.charts.labels import LabelPlacer
from workstation.ui.charts.layer import (
    ChartLayer,
    Viewport,
    cosmetic_pen,
    draw_lines,
    draw_polyline,
    fill_rects,
)
from workstation.ui.charts.palette import ChartColors, with_alpha
from workstation.ui.charts.series import CandleSeries
from workstation.ui.charts.time_axis import DAY

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MIN_SEGMENT_PX = 2.0  # shorter levels and zones are not drawn at this zoom
OPEN_LEVELS = 24  # intact levels drawn: those nearest the last price
OPEN_ZONES = 20  # unmitigated zones drawn: the most recent
MAX_CLOSED = 1000  # swept levels / mitigated zones drawn: the most recent
LEVEL_LABELS = 16
ZONE_LABELS = 12
SWEPT_ALPHA = 120
SESSION_BREAK_SHARE = 0.25  # above this share of sampled points opening a day, draw through

_LEVEL_TAGS = {
    LevelKind.EQUAL: ("EQH", "EQL"),
    LevelKind.PRIOR_DAY: ("PDH", "PDL"),
    LevelKind.PRIOR_WEEK: ("PWH", "PWL"),
    LevelKind.OVERNIGHT: ("ONH", "ONL"),
    LevelKind.OPENING_RANGE: ("ORH", "ORL"),
}


def level_tag(kind: int, side: int) -> str:
    """Trader's shorthand for a level: PDH, PDL, EQH, ONL, ORH..."""
    high, low = _LEVEL_TAGS[LevelKind(kind)]
    return high if side > 0 else low


@dataclass(frozen=True, slots=True)
class Spans:
    """Visible pieces of horizontal things: row in the source array and device geometry."""

    rows: IntArray
    left: FloatArray
    right: FloatArray
    top: FloatArray
    bottom: FloatArray
    open: npt.NDArray[np.bool_]  # not swept / mitigated yet: runs to the right edge

    def subset(self, keep: IntArray) -> Spans:
        """The spans at positions ``keep``."""
        return Spans(self.rows[keep], self.left[keep], self.right[keep], self.top[keep],
                     self.bottom[keep], self.open[keep])  # fmt: skip


def limit_spans(spans: Spans, open_rank: FloatArray, recency: FloatArray, open_limit: int) -> Spans:
    """At most ``open_limit`` open spans (lowest ``open_rank`` first) and ``MAX_CLOSED`` others
    (highest ``recency`` first); both arrays are per span. Keeps the spans' order."""
    chosen = []
    for still_open, score, limit in ((True, open_rank, open_limit), (False, -recency, MAX_CLOSED)):
        index = np.flatnonzero(spans.open == still_open)
        if index.size > limit:
            index = index[np.argsort(score[index], kind="stable")[:limit]]
        chosen.append(index)
    return spans.subset(np.sort(np.concatenate(chosen)))


@dataclass(frozen=True, slots=True)
class SpanSource:
    """Horizontal things as contiguous arrays, built once per structure.

    ``start`` .. ``stop`` in bars (``stop`` infinite while open), ``top`` ..
    ``bottom`` in dollars per share.
    """

    start: FloatArray
    stop: FloatArray
    top: FloatArray
    bottom: FloatArray

    @classmethod
    def of(cls, start: IntArray, end: IntArray, top: FloatArray, bottom: FloatArray) -> SpanSource:
        """From bar fields (``end`` -1 = still open) and price fields of a structure array."""
        stop = np.where(end < 0, np.inf, end).astype(np.float64)
        return cls(np.asarray(start, np.float64), stop, np.array(top, np.float64),
                   np.array(bottom, np.float64))  # fmt: skip


def visible_spans(source: SpanSource, view: Viewport) -> Spans:
    """Pieces of the spans inside the view; open ones run to the view's right edge.

    Pieces shorter than ``MIN_SEGMENT_PX`` are left out. Device coordinates
    are snapped to the pixel holding them.
    """
    low_y, high_y = min(view.y0, view.y1), max(view.y0, view.y1)
    seen = (source.start <= view.x1) & (source.stop >= view.x0)
    seen &= (source.bottom <= high_y) & (source.top >= low_y)
    rows = np.flatnonzero(seen)
    left = np.floor(view.px(np.maximum(source.start[rows], view.x0)))
    stop = source.stop[rows]
    right = np.floor(view.px(np.minimum(stop, view.x1)))
    keep = right - left >= MIN_SEGMENT_PX
    rows = rows[keep]
    return Spans(
        rows,
        left[keep],
        right[keep],
        np.floor(view.py(source.top[rows])),
        np.floor(view.py(source.bottom[rows])),
        np.isinf(stop[keep]),
    )


class LevelLayer(ChartLayer):
    """Liquidity levels: buy-side above highs, sell-side below lows; swept ones dashed."""

    def __init__(self, series: CandleSeries, palette: ChartColors) -> None:
        super().__init__(series)
        self.palette = palette
        self.tags: list[str] = []  # tags written on the last paint
        self.set_levels(empty(LEVEL_DTYPE))

    def set_levels(self, levels: StructArray) -> None:
        """Show ``levels`` (``LEVEL_DTYPE``)."""
        self.levels = levels
        price = levels["price"]
        self._source = SpanSource.of(levels["first"], levels["swept"], price, price)
        self.refresh()

    def spans(self, view: Viewport) -> Spans:
        """The visible level segments (top == bottom == the level's price).

        Of the intact levels, the ``OPEN_LEVELS`` nearest the last close are
        kept; of the swept ones, the ``MAX_CLOSED`` swept last.
        """
        lv = self.levels
        spans = visible_spans(self._source, view)
        kept = lv[spans.rows]
        distance = np.abs(kept["price"] - float(self.series.ohlcv[3, -1]))
        return limit_spans(spans, distance, kept["swept"].astype(np.float64), OPEN_LEVELS)

    def draw(self, painter: QPainter, view: Viewport) -> None:
        """Draw level lines per side and state, then tags for the nearest ones."""
        spans = self.spans(view)
        sides = self.levels["side"][spans.rows]
        for side, color in ((1, self.palette.buy_side), (-1, self.palette.sell_side)):
            for still_open in (True, False):
                pick = (sides == side) & (spans.open == still_open)
                tint = color if still_open else with_alpha(color, SWEPT_ALPHA)
                pen = cosmetic_pen(tint, 1.0, dashed=not still_open)
                y = spans.top[pick]
                draw_lines(painter, spans.left[pick], y, spans.right[pick], y, pen)
        self._tags(painter, view, spans)

    def _tags(self, painter: QPainter, view: Viewport, spans: Spans) -> None:
        placer = LabelPlacer(painter, self.palette.background, LEVEL_LABELS, view.rect())
        rows = self.levels[spans.rows]
        last_close = float(self.series.ohlcv[3, -1])
        # Open levels nearest to the price first, then the most recently swept.
        order = np.lexsort((-rows["swept"], np.abs(rows["price"] - last_close), ~spans.open))
        for i in order[: 4 * LEVEL_LABELS].tolist():  # a few tries per tag, not thousands
            if placer.full:
                break
            row = rows[i]
            color = self.palette.buy_side if row["side"] > 0 else self.palette.sell_side
            text = f"{level_tag(int(row['kind']), int(row['side']))} {float(row['price']):.2f}"
            placer.place_by_line(text, float(spans.right[i]) - 2, float(spans.top[i]), color, True)
        self.tags = [text for _, text in placer.placed]


class ZoneLayer(ChartLayer):
    """Price zones from a bar until mitigated: fair value gaps or order blocks.

    Open zones are tinted, mitigated ones faded; ``border`` outlines them.
    """

    def __init__(
        self,
        series: CandleSeries,
        palette: ChartColors,
        tag: str,
        colors: tuple[QColor, QColor],
        border: bool = False,
    ) -> None:
        super().__init__(series)
        self.palette, self.tag, self.colors, self.border = palette, tag, colors, border
        self.alphas = (56, 18)  # open, mitigated
        self.tags: list[str] = []
        self.set_zones(empty(GAP_DTYPE))

    def set_zones(self, zones: StructArray) -> None:
        """Show ``zones`` (``GAP_DTYPE`` or ``BLOCK_DTYPE``: bar, side, top, bottom, mitigated)."""
        self.zones = zones
        self._source = SpanSource.of(
            zones["bar"], zones["mitigated"], zones["top"], zones["bottom"]
        )
        self.refresh()

    def spans(self, view: Viewport) -> Spans:
        """The visible zone rectangles: the ``OPEN_ZONES`` latest open, ``MAX_CLOSED`` others."""
        spans = visible_spans(self._source, view)
        recency = self._source.start[spans.rows]
        return limit_spans(spans, -recency, recency, OPEN_ZONES)

    def draw(self, painter: QPainter, view: Viewport) -> None:
        """Fill the zones per side and state; tag the larger open ones."""
        spans = self.spans(view)
        if not spans.rows.size:
            self.tags = []
            return
        sides = self.zones["side"][spans.rows]
        height = np.maximum(spans.bottom - spans.top, 1.0)
        width = spans.right - spans.left
        for side, color in zip((1, -1), self.colors, strict=True):
            for still_open, alpha in zip((True, False), self.alphas, strict=True):
                pick = (sides == side) & (spans.open == still_open)
                pen = self._edge(color, still_open)
                fill_rects(painter, spans.left[pick], spans.top[pick], width[pick],
                           height[pick], with_alpha(color, alpha), pen)  # fmt: skip
        placer = LabelPlacer(painter, self.palette.background, ZONE_LABELS, view.rect())
        for i in np.flatnonzero(spans.open & (width >= 40) & (height >= 12)).tolist()[::-1]:
            color = self.colors[0] if sides[i] > 0 else self.colors[1]
            placer.place(self.tag, float(spans.left[i]) + 2, float(spans.top[i]) + 13, color)
        self.tags = [text for _, text in placer.placed]

    def _edge(self, color: QColor, still_open: bool) -> QPen | None:
        if not self.border:
            return None
        return cosmetic_pen(with_alpha(color, 170 if still_open else 60))


@dataclass(frozen=True, slots=True)
class Line:
    """A per-bar line (VWAP, a band, an EMA): ``values`` in dollars per share, NaN = none.

    ``session_breaks`` lifts the pen where a new exchange day starts (VWAP
    resets at each session). Lines with a ``name`` appear in the legend.
    """

    values: FloatArray
    pen: QPen
    session_breaks: bool = False
    name: str = ""


class LineLayer(ChartLayer):
    """Per-bar lines sampled at about one point per pixel column."""

    def __init__(self, series: CandleSeries) -> None:
        super().__init__(series)
        self.lines: list[Line] = []

    def set_lines(self, lines: list[Line]) -> None:
        """Show ``lines`` instead of the current ones."""
        self.lines = lines
        self.refresh()

    def legend(self, bar: int) -> list[tuple[str, float, QColor]]:
        """Name, value at bar ``bar`` and colour of each named line that has one there.

        On the forming bar (past the line's last closed bar) the last value is shown.
        """
        if not self.isVisible():
            return []
        found = []
        for line in self.lines:
            at = min(bar, line.values.size - 1)
            if line.name and at >= 0 and np.isfinite(line.values[at]):
                found.append((line.name, float(line.values[at]), line.pen.color()))
        return found

    def points(self, line: Line, view: Viewport) -> tuple[IntArray, npt.NDArray[np.bool_]]:
        """Bar indices to draw ``line`` through and whether each joins the next."""
        return self._points(min(line.values.size, len(self.series)), line.session_breaks, view)

    def _points(
        self, n: int, session_breaks: bool, view: Viewport
    ) -> tuple[IntArray, npt.NDArray[np.bool_]]:
        first, stop = view.bar_range(n)
        if stop - first < 2:
            return np.zeros(0, np.int64), np.zeros(0, bool)
        stride = max(1, math.ceil(view.bars_per_pixel))
        index = np.arange(first - first % stride, stop, stride, dtype=np.int64)
        if index[-1] != stop - 1:
            index = np.append(index, stop - 1)
        joins = np.ones(index.size, dtype=bool)
        joins[-1] = False
        if session_breaks:
            day = self.series.local[index] // DAY
            opens = day[1:] != day[:-1]
            if opens.mean() <= SESSION_BREAK_SHARE:
                joins[:-1] &= ~opens
        return index, joins

    def draw(self, painter: QPainter, view: Viewport) -> None:
        """Draw each line through its sampled points, antialiased while bars are wider than a
        pixel (zoomed out, a line steps every pixel and smoothing costs ten times more)."""
        smooth = view.bars_per_pixel < 1.0
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
        sampled: dict[tuple[int, bool], tuple[IntArray, npt.NDArray[np.bool_]]] = {}
        for line in self.lines:  # VWAP and its bands share one sampling
            key = (min(line.values.size, len(self.series)), line.session_breaks)
            if key not in sampled:
                sampled[key] = self._points(*key, view)
            index, joins = sampled[key]
            if index.size:
                x = view.px(index.astype(np.float64))
                pen = line.pen if smooth else cosmetic_pen(line.pen.color())  # hairline: fast
                draw_polyline(painter, x, view.py(line.values[index]), joins, pen)
