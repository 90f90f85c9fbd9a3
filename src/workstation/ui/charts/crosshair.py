"""The crosshair and the OHLC read-out of the bar under the pointer (or of the latest bar)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pyqtgraph as pg
from PySide6.QtGui import QColor

from workstation.domain.bars import Timeframe
from workstation.ui.charts.layer import cosmetic_pen
from workstation.ui.charts.merge import CLOSE, OPEN
from workstation.ui.charts.palette import ChartColors, with_alpha
from workstation.ui.charts.series import CandleSeries


def volume_text(shares: float) -> str:
    """Volume the way a tape shows it: 950, 12.3K, 4.56M, 1.20B (shares)."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(shares) >= size:
            value = shares / size
            places = 2 if value < 10 else 1 if value < 100 else 0
            return f"{value:.{places}f}{suffix}"
    return f"{shares:.0f}"


def bar_time_text(series: CandleSeries, bar: int) -> str:
    """When bar ``bar`` opened: exchange time for intraday bars, the date for daily ones."""
    when = datetime.fromtimestamp(int(series.local[bar]), UTC)
    return f"{when:%a %b %d %Y}" if series.daily else f"{when:%a %b %d %Y %H:%M}"


def readout_text(symbol: str, timeframe: Timeframe, series: CandleSeries, bar: int) -> str:
    """One line: symbol, timeframe, time, OHLC (dollars), change from the prior close, volume."""
    o, h, low, c, v = (float(x) for x in series.ohlcv[:, bar])
    before = float(series.ohlcv[CLOSE, bar - 1]) if bar > 0 else float(series.ohlcv[OPEN, bar])
    change = c - before
    share = change / before * 100 if before else math.nan
    return (
        f"{symbol} · {timeframe.value} · {bar_time_text(series, bar)}   "
        f"O {o:.2f}  H {h:.2f}  L {low:.2f}  C {c:.2f}  "
        f"{change:+.2f} ({share:+.2f}%)  Vol {volume_text(v)}"
    )


def legend_html(entries: list[tuple[str, float, QColor]]) -> str:
    """The lines' legend: each name and value (dollars) in the line's colour."""
    return "&nbsp;&nbsp;&nbsp;".join(
        f'<span style="color:{color.name()}">{name} {value:.2f}</span>'
        for name, value, color in entries
    )


class Crosshair:
    """Dashed lines through the pointed bar (both panes) and price; the price tagged."""

    def __init__(self, price: pg.PlotItem, volume: pg.PlotItem, palette: ChartColors) -> None:
        pen = cosmetic_pen(palette.crosshair, 1.0, dashed=True)
        self.vertical = pg.InfiniteLine(angle=90, movable=False, pen=pen)
        self.volume_vertical = pg.InfiniteLine(angle=90, movable=False, pen=pen)
        self.horizontal = pg.InfiniteLine(
            angle=0,
            movable=False,
            pen=pen,
            label="{value:.2f}",
            labelOpts={
                "position": 0.985,
                "color": palette.text,
                "fill": with_alpha(QColor(palette.grid), 230),
                "anchors": [(1, 0.5), (1, 0.5)],
            },
        )
        for line in (self.vertical, self.horizontal):
            price.addItem(line, ignoreBounds=True)
        volume.addItem(self.volume_vertical, ignoreBounds=True)
        self.bar: int | None = None
        self.hide()

    def move(self, bar: int, price: float | None) -> None:
        """Put the crosshair on bar ``bar`` and, over the price pane, at ``price``."""
        self.bar = bar
        for line in (self.vertical, self.volume_vertical):
            line.setPos(bar)
            line.show()
        self.horizontal.setVisible(price is not None)
        if price is not None:
            self.horizontal.setPos(price)

    def hide(self) -> None:
        """Hide every line (the pointer left the chart)."""
        self.bar = None
        for line in (self.vertical, self.volume_vertical, self.horizontal):
            line.hide()
