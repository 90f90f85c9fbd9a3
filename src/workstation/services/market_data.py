"""Market data for the workstation: latest quotes, staleness, the live feed.

Wraps one MarketData provider. Keeps the last good quote per symbol (a failed
refresh never loses it), says since when a quote is stale, runs the live
stream with retry/backoff, and publishes QuotesUpdated / FeedStatusChanged.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import date

from workstation.domain.chains import ChainSnapshot
from workstation.domain.event_calendar import CalendarEvent
from workstation.domain.events import FeedState, FeedStatusChanged, QuotesUpdated
from workstation.domain.metrics import SymbolMetrics
from workstation.domain.quotes import Quote, QuoteStatus
from workstation.domain.retry import RetryPolicy
from workstation.ports.clock import Clock
from workstation.ports.marketdata import MarketData, UnknownSymbol
from workstation.services.events import EventBus

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class MarketDataService:
    """Latest quotes from one provider, with staleness and a resilient live feed.

    ``note`` (e.g. why the demo market stands in for a broker) goes with every
    feed status that has no detail of its own.
    """

    def __init__(
        self,
        provider: MarketData,
        clock: Clock,
        bus: EventBus,
        *,
        stale_after_seconds: float = 15.0,
        simulated: bool = False,
        note: str = "",
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.provider = provider
        self.note = note
        self._clock = clock
        self._bus = bus
        self.stale_after_seconds = stale_after_seconds
        self.simulated = simulated
        self._retry = retry or RetryPolicy(base_seconds=1.0, cap_seconds=30.0)
        self._sleep = sleep
        self._latest: dict[str, Quote] = {}
        self._rng = random.Random()

    @property
    def provider_name(self) -> str:
        """Name of the provider behind this service."""
        return self.provider.name

    def latest(self, symbol: str) -> Quote | None:
        """Return the last good quote of ``symbol``, however old."""
        return self._latest.get(symbol)

    def seed(self, quotes: Sequence[Quote]) -> None:
        """Adopt cached quotes (e.g. from the store) without overwriting newer ones."""
        self._accept(quotes)

    def status(self, symbols: Sequence[str]) -> list[QuoteStatus]:
        """Return each symbol's quote and, when older than the threshold, since when."""
        now = self._clock.now()
        out = []
        for symbol in symbols:
            quote = self._latest.get(symbol)
            stale = quote is not None and quote.age_seconds(now) > self.stale_after_seconds
            out.append(QuoteStatus(symbol, quote, quote.ts if stale and quote else None))
        return out

    async def refresh(self, symbols: Sequence[str]) -> list[Quote]:
        """Fetch fresh quotes, remember and publish them; errors propagate, old quotes stay."""
        quotes = await self.provider.quotes(list(symbols))
        self._publish(self._accept(quotes))
        return quotes

    async def quote(self, symbol: str) -> Quote:
        """Return a fresh quote for one symbol (UnknownSymbol when the provider has none)."""
        quotes = await self.refresh([symbol])
        if not quotes:
            raise UnknownSymbol(f"{self.provider.name}: no quote for {symbol}")
        return quotes[0]

    async def option_chain(self, underlying: str) -> ChainSnapshot:
        """Return the provider's current chain for ``underlying``."""
        return await self.provider.option_chain(underlying)

    async def earnings(self, symbol: str, start: date, end: date) -> list[CalendarEvent]:
        """Return the provider's earnings dates for ``symbol`` in [start, end]."""
        return await self.provider.earnings(symbol, start, end)

    async def metrics(self, symbol: str, on: date) -> SymbolMetrics:
        """Return the provider's beta and next ex-dividend (on or after ``on``) for ``symbol``."""
        return await self.provider.metrics(symbol, on)

    async def run_stream(self, symbols: Sequence[str]) -> None:
        """Consume the live feed until cancelled, reconnecting with backoff on failure."""
        attempt = 0
        self._feed(FeedState.CONNECTING)
        try:
            while True:
                live = False
                try:
                    async for batch in self.provider.stream(list(symbols)):
                        if not live:
                            live, attempt = True, 0
                            self._feed(FeedState.LIVE)
                        self._publish(self._accept(batch))
                    raise ConnectionError(f"{self.provider.name} feed ended")
                except (ConnectionError, OSError, TimeoutError, RuntimeError) as exc:
                    attempt += 1
                    if self._retry.gives_up_after(attempt):
                        self._feed(FeedState.STOPPED, f"gave up after {attempt} attempts: {exc}")
                        raise
                    wait = self._retry.delay(attempt, self._rng)
                    log.warning(
                        "%s feed failed (%s); retry %d in %.1fs",
                        self.provider.name,
                        exc,
                        attempt,
                        wait,
                    )
                    self._feed(FeedState.RECONNECTING, f"{exc} — retry {attempt} in {wait:.0f}s")
                    await self._sleep(wait)
        except asyncio.CancelledError:
            self._feed(FeedState.STOPPED, "feed closed")
            raise

    def _accept(self, quotes: Sequence[Quote]) -> list[Quote]:
        """Keep quotes newer than what we hold; return the accepted ones."""
        accepted = []
        for quote in quotes:
            held = self._latest.get(quote.symbol)
            if held is None or quote.ts >= held.ts:
                self._latest[quote.symbol] = quote
                accepted.append(quote)
        return accepted

    def _publish(self, quotes: list[Quote]) -> None:
        if quotes:
            self._bus.publish(QuotesUpdated(tuple(quotes)))

    def _feed(self, state: FeedState, detail: str = "") -> None:
        self._bus.publish(
            FeedStatusChanged(
                self.provider.name, state, self._clock.now(), detail or self.note, self.simulated
            )
        )
