"""Feeds one structure chart: loads snapshots and folds live updates in at a few hertz.

Loading: ``feed.chart(symbol, timeframe)`` runs through ``spawn`` when the
trader asks for a ticker or timeframe; one load runs at a time and a request
made meanwhile runs once after it.

Live: the feed calls the listener after each tick, on any thread; the
listener only keeps the latest update (``StructureUpdate.bars`` is the whole
one-minute array, so the latest supersedes the others). A QTimer on the GUI
thread folds it into the chart every ``FLUSH_MS``: the forming bar is
replaced in place and new bars appended, never a full rebuild. A one-minute
chart built on the same bars takes the update's structure as is; any other
chart reloads its snapshot once per new bar of its timeframe, so its levels
and events stay on its own bar indices.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from PySide6.QtCore import QTimer

from workstation.domain.bars import Timeframe
from workstation.ui.docks.structure.feed import StructureChart, StructureUpdate
from workstation.ui.docks.structure.live import fold_minutes, same_bar
from workstation.ui.docks.structure.view import StructureChartWidget

log = logging.getLogger(__name__)
Spawn = Callable[[Coroutine[Any, Any, Any], str], object]
FLUSH_MS = 250  # live updates reach the chart at most four times a second
BAR_CONTEXT = 120.0  # bars in view around a bar shown for an alert


class StructureFeed(Protocol):
    """What the charts need from the structure service."""

    async def chart(self, symbol: str, timeframe: Timeframe) -> StructureChart:
        """Bars of ``symbol`` at ``timeframe`` with their structure."""
        ...

    def on_update(self, listener: Callable[[StructureUpdate], None]) -> Callable[[], None]:
        """Call ``listener`` after every tick of any symbol; returns the unsubscribe call."""
        ...


class StructureChartController:
    """Loads ``StructureChart`` snapshots into one widget and keeps it live."""

    def __init__(
        self,
        view: StructureChartWidget,
        feed: StructureFeed,
        spawn: Spawn,
        flush_ms: int = FLUSH_MS,
    ) -> None:
        self.view, self._feed, self._spawn = view, feed, spawn
        self.symbol, self.timeframe = view.symbol(), view.timeframe()
        self.loaded: StructureChart | None = None
        self._latest: StructureUpdate | None = None  # written by any thread
        self._lock = threading.Lock()
        self._adopted: object = None  # the structure last taken from an update
        self._loading = False
        self._again = False
        self._centre_at: int | None = None  # epoch seconds of a bar to centre on once loaded
        self.timer = QTimer(view, interval=flush_ms)
        self.timer.timeout.connect(self.flush)
        self.timer.start()
        self._unsubscribe = feed.on_update(self._on_update)
        view.chart_requested.connect(self.open)

    def stop(self) -> None:
        """Stop listening and refreshing (the chart is closing)."""
        self.timer.stop()
        self._unsubscribe()

    # ------------------------------------------------------------------ loading
    def open(self, symbol: str, timeframe: Timeframe) -> None:
        """Show ``symbol`` at ``timeframe`` (loads in the background)."""
        if (symbol, timeframe) != (self.symbol, self.timeframe):
            self.symbol, self.timeframe = symbol, timeframe
            with self._lock:
                self._latest = None
        self.refresh()

    def refresh(self, quiet: bool = False) -> None:
        """Load a fresh snapshot in the background (``quiet``: without saying so)."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        if not quiet:
            self.view.show_loading(self.symbol, self.timeframe)
        self._spawn(self.load(), f"structure chart {self.symbol} {self.timeframe.value}")

    async def load(self) -> None:
        """Load snapshots until one matches the latest request (awaitable)."""
        self._loading = True
        try:
            while True:
                self._again = False
                wanted = (self.symbol, self.timeframe)
                chart = await self._feed.chart(*wanted)
                if not self._again and wanted == (self.symbol, self.timeframe):
                    self._show(chart)
                    return
        except Exception as exc:
            self.view.show_failure(str(exc))
            raise  # the supervisor logs it and tells the trader
        finally:
            self._loading = False

    def _show(self, chart: StructureChart) -> None:
        self.loaded = chart
        self._adopted = chart.structure
        self.view.show_chart(chart)
        if self._centre_at is not None:
            self.show_bar(self._centre_at)

    def show_bar(self, bar_ts: int) -> None:
        """Centre the chart on the bar holding ``bar_ts`` (epoch seconds), now or once loaded.

        The view shows ``BAR_CONTEXT`` bars around it.
        """
        series, loaded = self.view.chart.series, self.loaded
        if loaded is None or (loaded.symbol, loaded.timeframe) != (self.symbol, self.timeframe):
            self._centre_at = bar_ts  # the wanted chart is still loading
            return
        self._centre_at = None
        self.view.chart.centre_on(max(series.index_at(bar_ts), 0), BAR_CONTEXT)

    # ------------------------------------------------------------------ live
    def _on_update(self, update: StructureUpdate) -> None:
        if update.symbol == self.symbol:
            with self._lock:
                self._latest = update

    def flush(self) -> None:
        """Fold the latest live update into the chart (called by the timer)."""
        series = self.view.chart.series
        if self.loaded is None or self._loading or not len(series):
            return  # keep the update for after the load
        with self._lock:
            update, self._latest = self._latest, None
        if update is None:
            return
        folded = fold_minutes(update.bars, int(series.ts[-1]), self.timeframe.seconds)
        if not len(folded):
            return
        replaces = int(folded["ts"][0]) == int(series.ts[-1])
        last = folded[0] if replaces and not same_bar(folded[0], series.bar(-1)) else None
        new = folded[1:] if replaces else folded
        if last is not None or len(new):
            self.view.chart.apply_tail(last, new)
        self._take_structure(update, grew=len(new) > 0)

    def _take_structure(self, update: StructureUpdate, grew: bool) -> None:
        series = self.view.chart.series
        same_bars = (
            self.timeframe is Timeframe.M1
            and len(update.bars) == len(series)
            and int(update.bars["ts"][0]) == int(series.ts[0])
        )
        if same_bars:
            if update.structure is not self._adopted:
                self._adopted = update.structure
                self.view.chart.set_structure(update.structure)
        elif grew:
            self.refresh(quiet=True)  # structure on this timeframe's own bar indices
