"""A labelled bar chart (pyqtgraph) of one dollar figure per group: green up, red down.

Each bar prints its value; the title carries the unit. pyqtgraph is imported
here only, and this module is loaded off the GUI thread with the panel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from workstation.ui.docks.risk.formatting import dollars
from workstation.ui.theme import colors

BAR_WIDTH = 0.6
EMPTY_HINT = "Nothing to chart: no priced positions"


class BarPlot(QWidget):
    """Vertical bars of ``values`` over ``labels``; ``places`` decimals in the printed values."""

    def __init__(self, title: str, places: int = 0) -> None:
        super().__init__()
        self.title, self.places = title, places
        self.labels: tuple[str, ...] = ()
        self.values: tuple[float, ...] = ()
        self.plot = pg.PlotWidget(background=None)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setAccessibleName(title)
        self.plot.setMinimumHeight(160)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._style()

    def _style(self) -> None:
        palette = colors()
        self.plot.setTitle(self.title, color=palette.text.name(), size="10pt")
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setPen(pg.mkPen(palette.muted))
            axis.setTextPen(pg.mkPen(palette.text))
        self.plot.showGrid(x=False, y=True, alpha=0.15)

    def set_bars(self, labels: Sequence[str], values: Sequence[float]) -> None:
        """Draw one bar per label (unknown values are left out)."""
        kept = [(lab, v) for lab, v in zip(labels, values, strict=True) if math.isfinite(v)]
        self.labels = tuple(lab for lab, _ in kept)
        self.values = tuple(v for _, v in kept)
        self._style()
        item = self.plot.getPlotItem()
        item.clear()
        if not kept:
            hint = pg.TextItem(EMPTY_HINT, color=colors().muted, anchor=(0.5, 0.5))
            item.addItem(hint)
            hint.setPos(0, 0)
            self.plot.setXRange(-1, 1)
            self.plot.setYRange(-1, 1)
            return
        self._draw(item)

    def _draw(self, item: pg.PlotItem) -> None:
        xs = list(range(len(self.values)))
        brushes = [pg.mkBrush(_tint(v)) for v in self.values]
        bars = pg.BarGraphItem(x=xs, height=list(self.values), width=BAR_WIDTH, brushes=brushes)
        item.addItem(bars)
        item.addLine(y=0, pen=pg.mkPen(colors().muted))
        for x, value in zip(xs, self.values, strict=True):
            anchor = (0.5, 1.0) if value >= 0 else (0.5, 0.0)
            text = pg.TextItem(dollars(value, self.places), color=colors().text, anchor=anchor)
            text.setPos(x, value)
            item.addItem(text)
        item.getAxis("bottom").setTicks([list(zip(xs, self.labels, strict=True))])
        low, high = min(0.0, *self.values), max(0.0, *self.values)
        pad = (high - low) * 0.18 or 1.0  # room for the printed values
        self.plot.setXRange(-0.6, len(xs) - 0.4, padding=0)
        self.plot.setYRange(low - (pad if low < 0 else 0), high + (pad if high > 0 else 0))


def _tint(value: float) -> QColor:
    return colors().positive if value >= 0 else colors().negative
