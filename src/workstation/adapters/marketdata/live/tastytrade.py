"""Market data from a linked tastytrade account: quotes, priced chains, metrics, DXLink stream.

Quotes come from ``/market-data/by-type``; chains are the nested chain priced
over DXLink (``tastytrade_chain``); earnings dates and beta come from
``/market-metrics``. tastytrade serves no bar or IV history over REST, so
those raise ``MarketDataError`` (a fallback provider can fill them).
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime, time

from workstation.adapters.marketdata.live.errors import broker_errors, in_order, unsupported
from workstation.adapters.marketdata.live.feed import OpenStreamer, stream_quotes
from workstation.adapters.marketdata.live.tastytrade_chain import (
    chain_snapshot,
    price_contracts,
    streamer_symbols,
)
from workstation.adapters.tastytrade.broker import TastytradeBroker
from workstation.adapters.tastytrade.parse import MarketMetrics
from workstation.adapters.tastytrade.streamer import DxLinkStreamer
from workstation.domain.bars import BarSeries, Timeframe
from workstation.domain.chains import ChainSnapshot
from workstation.domain.event_calendar import (
    CalendarEvent,
    EventKind,
    EventStatus,
    eastern_instant,
)
from workstation.domain.metrics import SymbolMetrics
from workstation.domain.quotes import Quote
from workstation.ports.marketdata import IvHistory, UnknownSymbol

NAME = "tastytrade"
#: tastytrade gives the report date, not the hour: treated as before the open, so a
#: position held into that day counts as held through the report.
EARNINGS_ASSUMED_ET = time(8, 0)


class TastytradeMarketData:
    """The MarketData port over a linked tastytrade session (which it closes in ``aclose``).

    ``chain_wait_seconds`` bounds how long a chain waits for DXLink prices.
    """

    name = NAME

    def __init__(
        self,
        broker: TastytradeBroker,
        *,
        open_streamer: OpenStreamer | None = None,
        chain_wait_seconds: float = 5.0,
    ) -> None:
        self._broker = broker
        self._open_streamer = open_streamer or self._streamer
        self.chain_wait_seconds = chain_wait_seconds

    async def quotes(self, symbols: Sequence[str]) -> list[Quote]:
        """Return the latest quote of each symbol, in order (UnknownSymbol names missing ones)."""
        with broker_errors(NAME, "quote snapshot"):
            found = await self._broker.quote_snapshot(list(symbols))
        return in_order(found, symbols, NAME)

    async def bars(
        self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime
    ) -> BarSeries:
        """tastytrade serves no bar history over REST."""
        raise unsupported(NAME, "bar history", "link Schwab for charts")

    async def option_chain(self, underlying: str) -> ChainSnapshot:
        """Return every listed contract of ``underlying``, priced over DXLink."""
        with broker_errors(NAME, f"option chain {underlying}"):
            expirations = await self._broker.option_chain(underlying)
        if not expirations:
            raise UnknownSymbol(f"{NAME} option chain: {underlying} has no listed options")
        (spot,) = await self.quotes([underlying])
        with broker_errors(NAME, f"option prices {underlying}"):
            priced = await price_contracts(
                self._open_streamer, streamer_symbols(expirations), self.chain_wait_seconds
            )
        return chain_snapshot(underlying, expirations, priced, spot.last, spot.ts)

    async def iv_history(self, underlying: str, start: date, end: date) -> IvHistory:
        """tastytrade gives today's IV rank and percentile, not a history."""
        raise unsupported(NAME, "implied-volatility history")

    async def earnings(self, symbol: str, start: date, end: date) -> list[CalendarEvent]:
        """Return the next expected earnings report if it falls in [start, end] ([] for ETFs)."""
        report = (await self._metrics(symbol)).earnings_date
        if report is None or not start <= report <= end:
            return []
        return [
            CalendarEvent(
                id=f"earnings-{symbol}-{report.isoformat()}",
                kind=EventKind.EARNINGS,
                title=f"{symbol} earnings (time not reported)",
                at=eastern_instant(report, EARNINGS_ASSUMED_ET),
                status=EventStatus.SCHEDULED,
                source=NAME,
                symbol=symbol,
                note="tastytrade gives the date only; treated as before the open",
            )
        ]

    async def metrics(self, symbol: str, on: date) -> SymbolMetrics:
        """Return ``symbol``'s beta (NaN when tastytrade has none); dividends are not reported."""
        beta = (await self._metrics(symbol)).beta
        return SymbolMetrics(symbol, math.nan if beta is None else beta, source=NAME)

    async def stream(self, symbols: Sequence[str]) -> AsyncIterator[list[Quote]]:
        """Yield a snapshot of ``symbols``, then DXLink quote and trade updates until cancelled."""
        with broker_errors(NAME, "quote snapshot"):
            snapshot = await self._broker.quote_snapshot(list(symbols))
        async for batch in stream_quotes(self._open_streamer, symbols, snapshot, NAME):
            yield batch

    async def aclose(self) -> None:
        """Close the tastytrade session."""
        await self._broker.aclose()

    async def _metrics(self, symbol: str) -> MarketMetrics:
        with broker_errors(NAME, f"market metrics {symbol}"):
            found = await self._broker.market_metrics([symbol])
        if symbol not in found:
            raise UnknownSymbol(f"{NAME} market metrics: unknown symbol {symbol}")
        return found[symbol]

    def _streamer(self) -> DxLinkStreamer:
        return DxLinkStreamer(None, self._quote_token)

    async def _quote_token(self) -> tuple[str, str]:
        token = await self._broker.quote_token()
        return token.token, token.dxlink_url
