"""Event markers: a small triangle at the bar where a structure event became knowable.

Bullish events (side +1) point up under the bar's low, bearish ones point down
over its high; the colour says the kind. Zoomed out, each 12-pixel cell shows
one marker per side, so the number drawn is bounded by the view's width.
Zoomed in, a short code (SWP, BOS, CHoCH...) is written next to each. The
chart asks ``events_near`` for the tooltip under the pointer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtGui import QColor, QPainter

from workstation.domain.structure import EVENT_DTYPE, EventKind, StructArray, empty
from workstation.ui.charts.candles import candle_columns
from workstation.ui.charts.labels import LabelPlacer
from workstation.ui.charts.layer import ChartLayer, Viewport
from workstation.ui.charts.merge import HIGH, LOW
from workstation.ui.charts.palette import ChartColors
from workstation.ui.charts.series import CandleSeries

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

GAP_PX = 4.0  # between the candle and the marker
HALF_PX = 5.0  # half the triangle's base
HEIGHT_PX = 7.0
CODE_LABELS = 40
HIT_PX = 8.0  # how close the pointer must be for a tooltip
STACK = 3  # markers drawn on one bar and side when zoomed in
CELL_PX = 12.0  # zoomed out, one marker per side in each cell this wide

# Which event a crowded cell shows: lower first.
_PRIORITY = np.zeros(max(EventKind) + 1, dtype=np.int64)
for _rank, _kind in enumerate(
    (
        EventKind.SWEEP,
        EventKind.CHANGE_OF_CHARACTER,
        EventKind.BREAK_OF_STRUCTURE,
        EventKind.RANGE_BREAK_PRIOR_DAY,
        EventKind.RANGE_BREAK_OPENING,
        EventKind.VWAP_RECLAIM,
        EventKind.VWAP_REJECT,
        EventKind.FVG_TAG,
        EventKind.DISPLACEMENT,
    )
):
    _PRIORITY[_kind] = _rank

CODES = {
    EventKind.SWEEP: "SWP",
    EventKind.FVG_TAG: "FVG",
    EventKind.DISPLACEMENT: "DISP",
    EventKind.RANGE_BREAK_OPENING: "ORB",
    EventKind.RANGE_BREAK_PRIOR_DAY: "PDB",
    EventKind.BREAK_OF_STRUCTURE: "BOS",
    EventKind.CHANGE_OF_CHARACTER: "CHoCH",
    EventKind.VWAP_RECLAIM: "VWAP↑",
    EventKind.VWAP_REJECT: "VWAP↓",
}


def _rank_in_groups(group: IntArray, priority: IntArray) -> IntArray:
    """Position of each item within its group, best ``priority`` (lowest) first."""
    order = np.lexsort((np.arange(group.size), priority, group))
    ordered = group[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    rank = np.empty(group.size, dtype=np.int64)
    rank[order] = np.arange(group.size) - np.repeat(starts, np.diff(np.r_[starts, group.size]))
    return rank


def triangle_vertices(x: FloatArray, tip: FloatArray, up: npt.NDArray[np.bool_]) -> FloatArray:
    """Vertices (4 per triangle, the last closing it) of markers with their tip at (x, tip).

    Up triangles hang below the tip, down triangles stand above it. Returns
    shape (4 n, 2), device pixels.
    """
    base = tip + np.where(up, HEIGHT_PX, -HEIGHT_PX)
    xs = np.stack([x, x - HALF_PX, x + HALF_PX, x], axis=1).ravel()
    ys = np.stack([tip, base, base, tip], axis=1).ravel()
    vertices: FloatArray = np.stack([xs, ys], axis=1)
    return vertices


@dataclass(frozen=True, slots=True)
class _SideIndex:
    """The events of one side, for picking the best per cell without sorting on each paint.

    ``rows`` are positions in the layer's events, ``bars`` their bars
    (contiguous, rising), ``key`` priority · size + position: the smallest
    key in a cell is its most telling, earliest event.
    """

    rows: IntArray
    bars: IntArray
    key: IntArray

    @classmethod
    def of(cls, events: StructArray, up: bool) -> _SideIndex:
        rows = np.flatnonzero((events["side"] > 0) == up)
        key = _PRIORITY[events["kind"][rows]] * rows.size + np.arange(rows.size)
        return cls(rows, np.ascontiguousarray(events["bar"][rows]), key)

    def best_per_cell(self, first: int, stop: int, view: Viewport) -> IntArray:
        """Positions (in the layer's events) of the best event per ``CELL_PX`` cell in view.

        Cells rise with the bars, so one ``minimum.reduceat`` does it: cost
        O(events in view) in a few vectorised passes.
        """
        lo, hi = np.searchsorted(self.bars, [first, stop])
        if hi <= lo:
            return np.zeros(0, np.int64)
        cells = np.floor((self.bars[lo:hi] * view.sx + view.dx) / CELL_PX).astype(np.int64)
        starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
        best: IntArray = self.rows[np.minimum.reduceat(self.key[lo:hi], starts) % self.rows.size]
        return best


class EventLayer(ChartLayer):
    """Markers for structure events (``EVENT_DTYPE``) with tooltips naming them."""

    def __init__(self, series: CandleSeries, palette: ChartColors) -> None:
        super().__init__(series)
        self.palette = palette
        self.codes: list[str] = []  # codes written on the last paint
        self.set_events(empty(EVENT_DTYPE))

    def set_events(self, events: StructArray) -> None:
        """Show ``events``; they are kept sorted by bar."""
        self.events = events[np.argsort(events["bar"], kind="stable")]
        self._bars = np.ascontiguousarray(self.events["bar"])  # fast searchsorted
        self._sides = [_SideIndex.of(self.events, up) for up in (True, False)]
        self.refresh()

    def visible(self, view: Viewport) -> tuple[StructArray, FloatArray, FloatArray]:
        """Events drawn at this view: rows, device x of each marker's tip, device y of it.

        Zoomed in (a bar at least ``CELL_PX`` wide), markers on one bar and
        side stack away from the candle, at most ``STACK`` deep. Zoomed out,
        each ``CELL_PX`` wide cell and side shows its most telling event only
        (sweeps first, see ``PRIORITY``), so markers never pile up.
        """
        first, stop = view.bar_range(len(self.series))
        bars = self._bars
        rows = self.events[np.searchsorted(bars, first) : np.searchsorted(bars, stop)]
        if not rows.size:
            return rows, np.zeros(0), np.zeros(0)
        if abs(view.sx) >= CELL_PX:
            rank = _rank_in_groups(rows["bar"] * 2 + (rows["side"] > 0), _PRIORITY[rows["kind"]])
            rows, rank = rows[rank < STACK], rank[rank < STACK]
        else:
            chosen = [side.best_per_cell(first, stop, view) for side in self._sides]
            rows = self.events[np.sort(np.concatenate(chosen))]
            rank = np.zeros(rows.size, dtype=np.int64)
        candles = self.series.candles(first, stop, view.bars_per_pixel)
        at = np.searchsorted(candles.first, rows["bar"], side="right") - 1
        x = candle_columns(candles, view)[at]
        up = rows["side"] > 0
        step = (HEIGHT_PX + 2) * rank
        below = view.py(candles.ohlcv[LOW, at]) + GAP_PX + step
        above = view.py(candles.ohlcv[HIGH, at]) - GAP_PX - step
        return rows, x, np.where(up, below, above)

    def draw(self, painter: QPainter, view: Viewport) -> None:
        """Fill the triangles, one batch per kind, then the codes when there is room."""
        rows, x, tip = self.visible(view)
        self.codes = []
        if not rows.size:
            return
        up = rows["side"] > 0
        vertices = triangle_vertices(x, tip, up)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        joins = np.tile(np.array([1, 1, 1, 0], dtype=np.int32), rows.size)
        groups = rows["kind"].astype(np.int64) * 2 + up
        for group in np.unique(groups).tolist():
            pick = np.repeat(groups == group, 4)
            path = pg.arrayToQPath(vertices[pick, 0], vertices[pick, 1], connect=joins[pick])
            painter.fillPath(path, self.color(EventKind(group // 2), 1 if group % 2 else -1))
        if rows.size <= CODE_LABELS and abs(view.sx) >= 3:
            self._codes(painter, view, rows, x, tip)

    def _codes(
        self, painter: QPainter, view: Viewport, rows: StructArray, x: FloatArray, tip: FloatArray
    ) -> None:
        placer = LabelPlacer(painter, self.palette.background, CODE_LABELS, view.rect())
        for i, row in enumerate(rows):
            kind = EventKind(int(row["kind"]))
            below = row["side"] > 0
            y = tip[i] + HEIGHT_PX + 13 if below else tip[i] - HEIGHT_PX - 1
            color = self.color(kind, int(row["side"]))
            placer.place(CODES[kind], float(x[i]) - 12, float(y), color)
        self.codes = [text for _, text in placer.placed]

    def color(self, kind: EventKind, side: int) -> QColor:
        """Marker colour: by kind; a break of structure takes the up / down colour of its side."""
        if kind is EventKind.BREAK_OF_STRUCTURE:
            return self.palette.up if side > 0 else self.palette.down
        return self.palette.events[kind]

    def events_near(self, view: Viewport, x_px: float, y_px: float) -> StructArray:
        """Events whose marker lies within ``HIT_PX`` of the device point (x_px, y_px)."""
        rows, x, tip = self.visible(view)
        middle = tip + np.where(rows["side"] > 0, HEIGHT_PX, -HEIGHT_PX) / 2
        near = (np.abs(x - x_px) <= HIT_PX) & (np.abs(middle - y_px) <= HIT_PX)
        found: StructArray = rows[near]
        return found

    def describe(self, event: np.void) -> str:
        """Tooltip line: kind, price and exchange time of one event."""
        kind = EventKind(int(event["kind"])).label
        bar = int(event["bar"])
        when = datetime.fromtimestamp(int(self.series.local[bar]), UTC)
        stamp = f"{when:%a %b %d %Y}" if self.series.daily else f"{when:%a %b %d %H:%M}"
        side = "bullish" if event["side"] > 0 else "bearish"
        return f"{kind} ({side}) at {float(event['price']):.2f} · {stamp}"
