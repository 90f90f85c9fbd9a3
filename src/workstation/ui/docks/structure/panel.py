"""Several structure charts at once, each on its own ticker, laid out in a grid.

``add_chart`` opens a chart (or returns the one already showing that ticker);
``show_bar`` centres a ticker's chart on one bar, opening the chart if needed
(an alert was clicked). Each chart has its own controller, so each follows
its own ticker live.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.bars import Timeframe
from workstation.ui.docks.structure.controller import (
    FLUSH_MS,
    Spawn,
    StructureChartController,
    StructureFeed,
)
from workstation.ui.docks.structure.view import StructureChartWidget

EMPTY = "No charts open. Add one for a ticker, or click an alert."


class StructureCharts(QWidget):
    """Hosts any number of structure charts; one column per chart up to two, then a grid."""

    def __init__(
        self,
        feed: StructureFeed,
        spawn: Spawn,
        timeframe: Timeframe = Timeframe.M5,
        flush_ms: int = FLUSH_MS,
    ) -> None:
        super().__init__()
        self.setObjectName("StructureCharts")
        self._feed, self._spawn, self._flush_ms = feed, spawn, flush_ms
        self.default_timeframe = timeframe
        self.controllers: dict[StructureChartWidget, StructureChartController] = {}
        self.hint = QLabel(EMPTY)
        self.hint.setObjectName("Muted")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(4)
        self._arrange()

    def charts(self) -> list[StructureChartWidget]:
        """The open charts, oldest first."""
        return list(self.controllers)

    def chart_for(self, symbol: str) -> StructureChartWidget | None:
        """The first open chart showing ``symbol``, if any."""
        wanted = symbol.upper()
        return next((w for w, c in self.controllers.items() if c.symbol == wanted), None)

    def add_chart(self, symbol: str, timeframe: Timeframe | None = None) -> StructureChartWidget:
        """Open a chart of ``symbol`` (or return the open one) and load it."""
        found = self.chart_for(symbol)
        if found is not None:
            return found
        widget = StructureChartWidget(symbol, timeframe or self.default_timeframe, closable=True)
        controller = StructureChartController(widget, self._feed, self._spawn, self._flush_ms)
        self.controllers[widget] = controller
        widget.close_requested.connect(lambda: self.remove_chart(widget))
        self._arrange()
        widget.request(symbol, timeframe or self.default_timeframe)
        return widget

    def remove_chart(self, widget: StructureChartWidget) -> None:
        """Close one chart."""
        controller = self.controllers.pop(widget, None)
        if controller is not None:
            controller.stop()
            self._grid.removeWidget(widget)
            widget.deleteLater()
            self._arrange()

    def show_bar(self, symbol: str, bar_ts: int) -> StructureChartWidget:
        """Centre ``symbol``'s chart on the bar open at ``bar_ts`` (epoch seconds)."""
        widget = self.add_chart(symbol)
        self.controllers[widget].show_bar(bar_ts)
        widget.chart.setFocus()
        return widget

    def stop(self) -> None:
        """Stop every chart's live updates (the app is shutting down)."""
        for controller in self.controllers.values():
            controller.stop()

    def _arrange(self) -> None:
        charts = self.charts()
        for widget in [*charts, self.hint]:
            self._grid.removeWidget(widget)
        self.hint.setVisible(not charts)
        if not charts:
            self._grid.addWidget(self.hint, 0, 0)
            return
        columns = (
            1 if len(charts) == 1 else 2 if len(charts) <= 4 else math.ceil(len(charts) ** 0.5)
        )
        for i, widget in enumerate(charts):
            self._grid.addWidget(widget, i // columns, i % columns)


class StructurePanel(QWidget):
    """The Structure dock: a ticker box that opens charts, above the charts."""

    def __init__(self, charts: StructureCharts) -> None:
        super().__init__()
        self.setObjectName("StructurePanel")
        self.charts = charts
        self.ticker = QLineEdit()
        self.ticker.setPlaceholderText("Ticker, Enter to add a chart")
        self.ticker.setMinimumWidth(260)
        self.ticker.setMaximumWidth(320)
        self.ticker.returnPressed.connect(self._add)
        self.add = QPushButton("Add chart")
        self.add.clicked.connect(self._add)
        top = QHBoxLayout()
        top.addWidget(self.ticker)
        top.addWidget(self.add)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(charts, 1)

    def _add(self) -> None:
        symbol = self.ticker.text().strip().upper()
        if symbol:
            self.charts.add_chart(symbol)
            self.ticker.clear()


@dataclass
class StructureDock:
    """The Structure panel's parts."""

    view: StructurePanel
    charts: StructureCharts

    @classmethod
    def create(cls, feed: StructureFeed, spawn: Spawn, first: Sequence[str] = ()) -> StructureDock:
        """Build the panel with a chart for each of ``first`` (the watched tickers, say)."""
        charts = StructureCharts(feed, spawn)
        for symbol in first:
            charts.add_chart(symbol)
        return cls(StructurePanel(charts), charts)
