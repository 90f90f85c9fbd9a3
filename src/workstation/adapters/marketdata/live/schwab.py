"""Market data from a linked Schwab account: quotes, bars, chains and the level-one stream.

Schwab has no earnings calendar, beta or implied-volatility history, so those
raise ``MarketDataError`` (a fallback provider can fill them).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime

from workstation.adapters.marketdata.live.errors import broker_errors, in_order, unsupported
from workstation.adapters.marketdata.live.feed import OpenStreamer, stream_quotes
from workstation.adapters.schwab.broker import SchwabBroker
from workstation.adapters.schwab.streamer import SchwabStreamer
from workstation.domain.bars import BarSeries, Timeframe
from workstation.domain.chains import ChainSnapshot
from workstation.domain.event_calendar import CalendarEvent
from workstation.domain.metrics import SymbolMetrics
from workstation.domain.quotes import Quote
from workstation.ports.marketdata import IvHistory

NAME = "schwab"


class SchwabMarketData:
    """The MarketData port over a linked Schwab session (which it closes in ``aclose``)."""

    name = NAME

    def __init__(self, broker: SchwabBroker, *, open_streamer: OpenStreamer | None = None) -> None:
        self._broker = broker
        self._open_streamer = open_streamer or self._streamer

    async def quotes(self, symbols: Sequence[str]) -> list[Quote]:
        """Return the latest quote of each symbol, in order (UnknownSymbol names refused ones)."""
        with broker_errors(NAME, "quotes"):
            found = await self._broker.quotes(list(symbols))
        return in_order({quote.symbol: quote for quote in found}, symbols, NAME)

    async def bars(
        self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime
    ) -> BarSeries:
        """Return ``/pricehistory`` bars whose open time is in [start, end)."""
        timeframe = Timeframe(timeframe)
        with broker_errors(NAME, f"price history {symbol} {timeframe}"):
            series = await self._broker.price_history(symbol, timeframe, start, end)
        ts = series.bars["ts"]
        inside = (ts >= int(start.timestamp())) & (ts < int(end.timestamp()))
        return BarSeries(symbol, timeframe, series.bars[inside])

    async def option_chain(self, underlying: str) -> ChainSnapshot:
        """Return every listed contract of ``underlying`` with quotes, IV and delta."""
        with broker_errors(NAME, f"option chain {underlying}"):
            chain = await self._broker.option_chain(underlying)
        return chain.snapshot()

    async def iv_history(self, underlying: str, start: date, end: date) -> IvHistory:
        """Schwab keeps no implied-volatility history."""
        raise unsupported(NAME, "implied-volatility history")

    async def earnings(self, symbol: str, start: date, end: date) -> list[CalendarEvent]:
        """Schwab publishes no earnings calendar."""
        raise unsupported(NAME, "earnings dates", "link tastytrade or add them to the calendar")

    async def metrics(self, symbol: str, on: date) -> SymbolMetrics:
        """Schwab publishes no beta or dividend calendar through its API."""
        raise unsupported(NAME, "beta or dividend dates", "link tastytrade or set a beta override")

    async def stream(self, symbols: Sequence[str]) -> AsyncIterator[list[Quote]]:
        """Yield a snapshot of ``symbols``, then level-one updates until cancelled."""
        snapshot = {quote.symbol: quote for quote in await self._known_quotes(symbols)}
        async for batch in stream_quotes(self._open_streamer, symbols, snapshot, NAME):
            yield batch

    async def aclose(self) -> None:
        """Close the Schwab session."""
        await self._broker.aclose()

    async def _known_quotes(self, symbols: Sequence[str]) -> list[Quote]:
        with broker_errors(NAME, "quotes"):
            return await self._broker.quotes(list(symbols))

    def _streamer(self) -> SchwabStreamer:
        return SchwabStreamer(self._broker.user_preference, self._broker.access_token)
