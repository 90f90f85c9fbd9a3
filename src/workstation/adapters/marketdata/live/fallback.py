"""Several providers as one: each request goes to the first provider that can answer it.

A linked Schwab account serves bars but no earnings dates; tastytrade the
reverse. ``FallbackMarketData([schwab, tastytrade])`` asks Schwab first and
tastytrade for what Schwab lacks. Live quotes stream from the first provider.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import TypeVar

from workstation.domain.bars import BarSeries, Timeframe
from workstation.domain.chains import ChainSnapshot
from workstation.domain.event_calendar import CalendarEvent
from workstation.domain.metrics import SymbolMetrics
from workstation.domain.quotes import Quote
from workstation.ports.marketdata import IvHistory, MarketData, MarketDataError, UnknownSymbol

T = TypeVar("T")


class FallbackMarketData:
    """The MarketData port over ``providers`` in order of preference (at least one)."""

    def __init__(self, providers: Sequence[MarketData]) -> None:
        if not providers:
            raise ValueError("FallbackMarketData needs at least one provider")
        self.providers = tuple(providers)
        self.name = "+".join(provider.name for provider in self.providers)

    async def quotes(self, symbols: Sequence[str]) -> list[Quote]:
        """Return each symbol's quote from the first provider that has it, in the order asked.

        Symbols no provider knows are left out; UnknownSymbol when none is known.
        """
        found: dict[str, Quote] = {}
        failures: list[MarketDataError] = []
        for provider in self.providers:
            missing = [symbol for symbol in symbols if symbol not in found]
            if not missing:
                break
            try:
                found.update((quote.symbol, quote) for quote in await provider.quotes(missing))
            except MarketDataError as exc:
                failures.append(exc)
        if symbols and not found:
            raise _combined(failures)
        return [found[symbol] for symbol in symbols if symbol in found]

    async def bars(
        self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime
    ) -> BarSeries:
        """Return bars whose open time is in [start, end)."""
        return await self._first(lambda p: p.bars(symbol, timeframe, start, end))

    async def option_chain(self, underlying: str) -> ChainSnapshot:
        """Return the full listed chain of ``underlying`` now."""
        return await self._first(lambda p: p.option_chain(underlying))

    async def iv_history(self, underlying: str, start: date, end: date) -> IvHistory:
        """Return daily 30-day ATM IV for sessions in [start, end]."""
        return await self._first(lambda p: p.iv_history(underlying, start, end))

    async def earnings(self, symbol: str, start: date, end: date) -> list[CalendarEvent]:
        """Return ``symbol``'s earnings reports dated in [start, end]."""
        return await self._first(lambda p: p.earnings(symbol, start, end))

    async def metrics(self, symbol: str, on: date) -> SymbolMetrics:
        """Return ``symbol``'s beta and next ex-dividend."""
        return await self._first(lambda p: p.metrics(symbol, on))

    def stream(self, symbols: Sequence[str]) -> AsyncIterator[list[Quote]]:
        """Stream from the first provider (the feed service reconnects on failure)."""
        return self.providers[0].stream(symbols)

    async def aclose(self) -> None:
        """Close every provider."""
        for provider in self.providers:
            await provider.aclose()

    async def _first(self, ask: Callable[[MarketData], Awaitable[T]]) -> T:
        """Return the first answer; raise naming every provider's failure when none answers."""
        failures: list[MarketDataError] = []
        for provider in self.providers:
            try:
                return await ask(provider)
            except MarketDataError as exc:
                failures.append(exc)
        raise _combined(failures)


def _combined(failures: Sequence[MarketDataError]) -> MarketDataError:
    """Return one error naming every provider's failure (UnknownSymbol when all were)."""
    text = "; ".join(str(exc) for exc in failures)
    if all(isinstance(exc, UnknownSymbol) for exc in failures):
        return UnknownSymbol(text)
    return MarketDataError(text)
