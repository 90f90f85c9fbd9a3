"""Market structure for charts and alerts: bars from the store and the provider, the engine,
and one incremental tracker per watched ticker.

Charts ask for ``chart(symbol, timeframe)``: stored one-minute bars topped up
from the provider, resampled to the timeframe (intraday buckets aligned on
the half hour, sessions open at 09:30 ET), and the structure of the closed
bars. Alerts come from ``step()``, which the schedule runs every few seconds:
each watched ticker's new closed one-minute bars go through its
``StructureTracker`` (the same results as the batch engine, bar by bar), the
events that became knowable are handed to the alert evaluator, and listeners
(the charts) get a ``StructureUpdate`` with the running bar.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from workstation.domain.bars import BAR_DTYPE, BarArray, Timeframe
from workstation.domain.structure import (
    EVENT_DTYPE,
    StructArray,
    Structure,
    StructureChart,
    StructureConfig,
    StructureUpdate,
)
from workstation.engines.bars import resample
from workstation.engines.structure import StructureTracker, analyze
from workstation.ports.clock import Clock
from workstation.ports.marketdata import MarketData, MarketDataError
from workstation.services.blocking import BlockingRunner, run_in_thread
from workstation.storage.bars import BarStore

log = logging.getLogger(__name__)

HALF_HOUR = 1800  # intraday buckets start on the half hour (09:30 ET open)
MINUTE = 60
INTRADAY_DAYS = 45  # one-minute history asked of the provider when nothing is stored
Listener = Callable[[StructureUpdate], None]
# (symbol, new events, structure after them, closed one-minute bars) -> alerts raised
Evaluate = Callable[[str, StructArray, Structure, BarArray], Awaitable[object]]


@dataclass(slots=True)
class _Tracked:
    """One watched ticker: its tracker and the closed one-minute bars it has seen."""

    tracker: StructureTracker
    closed: BarArray
    running: BarArray


class StructureService:
    """Charts with structure on demand; live one-minute trackers for the watched tickers."""

    def __init__(
        self,
        provider: MarketData,
        bars: BarStore,
        clock: Clock,
        config: StructureConfig | None = None,
        run: BlockingRunner = run_in_thread,
    ) -> None:
        self._provider, self._bars, self._clock = provider, bars, clock
        self.config = config or StructureConfig()
        self._run = run
        self._listeners: list[Listener] = []
        self._tracked: dict[str, _Tracked] = {}
        self._wanted: set[str] = set()
        self.evaluate: Evaluate | None = None  # the alert rules, attached by the runtime

    # ------------------------------------------------------------ charts
    async def chart(self, symbol: str, timeframe: Timeframe | str) -> StructureChart:
        """Return ``symbol``'s bars of ``timeframe`` and the structure of the closed ones."""
        frame = Timeframe(timeframe)
        symbol = symbol.strip().upper()
        if frame is Timeframe.D1:
            bars = await self._daily(symbol)
        else:
            minutes = await self.minute_bars(symbol)
            bars = minutes if frame is Timeframe.M1 else resample(minutes, frame.seconds, HALF_HOUR)
        closed = _closed(bars, frame.seconds, self._now_ts())
        structure = await self._run(analyze, bars[:closed], self.config)
        return StructureChart(symbol, frame, bars, structure)

    async def minute_bars(self, symbol: str) -> BarArray:
        """Stored one-minute bars of ``symbol`` topped up from the provider, up to now."""
        stored = await self._run(self._bars.read, symbol, Timeframe.M1)
        now = self._clock.now()
        start = now - timedelta(days=INTRADAY_DAYS)
        if len(stored):
            start = datetime.fromtimestamp(int(stored["ts"][-1]), UTC)
        try:
            fresh = (await self._provider.bars(symbol, Timeframe.M1, start, now)).bars
        except MarketDataError as exc:
            log.warning("%s: one-minute bars unavailable from the provider (%s)", symbol, exc)
            return stored
        return _merged(stored, fresh)

    async def _daily(self, symbol: str) -> BarArray:
        stored = await self._run(self._bars.read, symbol, Timeframe.D1)
        now = self._clock.now()
        start = now - timedelta(days=10)
        try:
            fresh = (await self._provider.bars(symbol, Timeframe.D1, start, now)).bars
        except MarketDataError as exc:
            log.warning("%s: daily bars unavailable from the provider (%s)", symbol, exc)
            return stored
        return _merged(stored, fresh)

    # ------------------------------------------------------------ live
    def on_update(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every live step; returns the function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def watch(self, symbols: Sequence[str]) -> None:
        """Track these tickers from the next step on (others stop being tracked)."""
        wanted = {s.strip().upper() for s in symbols if s.strip()}
        for symbol in set(self._tracked) - wanted:
            del self._tracked[symbol]
        self._wanted = wanted

    @property
    def watched(self) -> list[str]:
        """The tickers tracked live, sorted."""
        return sorted(self._wanted)

    async def step(self) -> list[StructureUpdate]:
        """Feed each watched ticker's new closed bars to its tracker; evaluate and publish.

        A ticker whose bars cannot be fetched is skipped this step (logged) and
        tried again on the next one.
        """
        updates = []
        for symbol in self.watched:
            try:
                update = await self._step(symbol)
            except MarketDataError as exc:
                log.warning("%s: structure step skipped (%s)", symbol, exc)
                continue
            updates.append(update)
            if len(update.new_events) and self.evaluate is not None:
                await self.evaluate(symbol, update.new_events, update.structure, update.bars)
            for listener in list(self._listeners):
                listener(update)
        return updates

    async def _step(self, symbol: str) -> StructureUpdate:
        tracked = self._tracked.get(symbol)
        if tracked is None:
            tracked = self._tracked[symbol] = await self._start(symbol)
            return await self._update(symbol, tracked, np.zeros(0, dtype=EVENT_DTYPE))
        last = int(tracked.closed["ts"][-1]) if len(tracked.closed) else 0
        start = datetime.fromtimestamp(last + MINUTE, UTC)
        fresh = (await self._provider.bars(symbol, Timeframe.M1, start, self._clock.now())).bars
        fresh = fresh[fresh["ts"] > last]
        n_closed = _closed(fresh, MINUTE, self._now_ts())
        events = await self._run(_feed, tracked.tracker, fresh[:n_closed])
        tracked.closed = np.concatenate([tracked.closed, fresh[:n_closed]])
        tracked.running = fresh[n_closed:]
        return await self._update(symbol, tracked, events)

    async def _start(self, symbol: str) -> _Tracked:
        """A tracker fed with the ticker's closed history (no alerts for the past)."""
        bars = await self.minute_bars(symbol)
        n_closed = _closed(bars, MINUTE, self._now_ts())
        tracker = StructureTracker(self.config)
        await self._run(_feed, tracker, bars[:n_closed])
        return _Tracked(tracker, bars[:n_closed].copy(), bars[n_closed:].copy())

    async def _update(self, symbol: str, tracked: _Tracked, events: StructArray) -> StructureUpdate:
        bars = np.concatenate([tracked.closed, tracked.running])
        structure = await self._run(tracked.tracker.structure)  # a few ms per ticker: off the loop
        return StructureUpdate(symbol, bars, structure, events)

    def _now_ts(self) -> int:
        return int(self._clock.now().timestamp())


def _feed(tracker: StructureTracker, bars: BarArray) -> StructArray:
    """Feed closed bars to ``tracker``; return the events they made knowable, in order."""
    found = [tracker.update(bar) for bar in bars]
    if not found:
        return np.zeros(0, dtype=EVENT_DTYPE)
    events: StructArray = np.concatenate([np.asarray(f, dtype=EVENT_DTYPE) for f in found])
    return events


def _closed(bars: BarArray, seconds: int, now_ts: int) -> int:
    """How many leading bars have closed by ``now_ts`` (a bar closes ``seconds`` after its open)."""
    return int(np.searchsorted(bars["ts"] + seconds, now_ts, side="right"))


def _merged(stored: BarArray, fresh: BarArray) -> BarArray:
    """Stored bars, then the provider's from the last stored one on (the provider's win)."""
    if not len(fresh):
        return stored
    keep = stored[stored["ts"] < fresh["ts"][0]]
    merged: BarArray = np.concatenate([keep, fresh]).astype(BAR_DTYPE, copy=False)
    return merged
