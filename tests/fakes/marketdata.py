"""A hand-written market-data provider for service tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime

from workstation.domain.bars import BarSeries, Timeframe, empty_bars
from workstation.domain.chains import ChainSnapshot
from workstation.domain.event_calendar import CalendarEvent
from workstation.domain.metrics import SymbolMetrics
from workstation.domain.quotes import Quote
from workstation.ports.marketdata import IvHistory, UnknownSymbol


class ScriptedMarketData:
    """Serves fixed quotes; its stream plays scripted batches, raising where told."""

    name = "scripted"

    def __init__(
        self,
        quotes: dict[str, Quote],
        stream_script: list[list[list[Quote]] | Exception] | None = None,
        chain: ChainSnapshot | None = None,
        metrics: dict[str, SymbolMetrics] | None = None,
    ) -> None:
        self._quotes = quotes
        self._metrics = metrics or {}
        self._script = list(stream_script or [])
        self._chain = chain
        self.stream_opens = 0
        self.closed = False

    async def quotes(self, symbols: Sequence[str]) -> list[Quote]:
        missing = [s for s in symbols if s not in self._quotes]
        if missing:
            raise UnknownSymbol(f"scripted: unknown symbol {missing[0]}")
        return [self._quotes[s] for s in symbols]

    async def bars(
        self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime
    ) -> BarSeries:
        return BarSeries(symbol, timeframe, empty_bars(0))

    async def option_chain(self, underlying: str) -> ChainSnapshot:
        if self._chain is None or self._chain.underlying != underlying:
            raise UnknownSymbol(f"scripted: no chain for {underlying}")
        return self._chain

    async def iv_history(self, underlying: str, start: date, end: date) -> IvHistory:
        raise UnknownSymbol(underlying)

    async def earnings(self, symbol: str, start: date, end: date) -> list[CalendarEvent]:
        return []

    async def metrics(self, symbol: str, on: date) -> SymbolMetrics:
        return self._metrics.get(symbol, SymbolMetrics(symbol, source="scripted"))

    async def stream(self, symbols: Sequence[str]) -> AsyncIterator[list[Quote]]:
        self.stream_opens += 1
        if not self._script:
            await asyncio.Event().wait()  # a quiet, open connection
        step = self._script.pop(0)
        if isinstance(step, Exception):
            raise step
        for batch in step:
            yield batch
            await asyncio.sleep(0)
        await asyncio.Event().wait()

    async def aclose(self) -> None:
        self.closed = True
