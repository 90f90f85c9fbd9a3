"""DemoMarketData: the deterministic simulated market behind the MarketData port.

A new user with no accounts and no network gets a living market: the same
seed and clock always give the same quotes, bars, chains and IV history.
Generation (tens of milliseconds per symbol) runs in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime

from workstation.adapters.marketdata.demo.dividends import next_ex_dividend, quarterly_amount
from workstation.adapters.marketdata.demo.market import DemoMarket
from workstation.adapters.marketdata.demo.ticks import Sleep, quote_stream
from workstation.adapters.marketdata.demo.universe import INDICES, UNDERLYINGS, SymbolSpec, spec_of
from workstation.config.defaults import DEFAULT_DEMO_SEED
from workstation.domain.bars import BarSeries, Timeframe
from workstation.domain.chains import ChainSnapshot
from workstation.domain.event_calendar import CalendarEvent
from workstation.domain.instruments import Instrument
from workstation.domain.metrics import SymbolMetrics
from workstation.domain.quotes import Quote
from workstation.engines.sessions import MarketStatus, TradingCalendar
from workstation.ports.clock import Clock
from workstation.ports.marketdata import IvHistory

DEFAULT_SEED = DEFAULT_DEMO_SEED


class DemoMarketData:
    """Simulated quotes, bars (1m/5m/15m/1h for 30 sessions, 1d for two years),
    option chains, IV history, earnings dates and a live stream, all a function
    of (seed, clock).
    """

    name = "demo"

    def __init__(
        self,
        clock: Clock,
        seed: int = DEFAULT_SEED,
        ticks_per_second: float = 3.0,
        *,
        sleep: Sleep = asyncio.sleep,
        calendar: TradingCalendar | None = None,
    ) -> None:
        if not ticks_per_second > 0:
            raise ValueError(f"ticks_per_second must be positive, got {ticks_per_second}")
        self._clock = clock
        self._market = DemoMarket(seed, calendar)
        self._ticks_per_second = ticks_per_second
        self._sleep = sleep

    @property
    def simulator(self) -> DemoMarket:
        """Return the deterministic market simulator behind this provider."""
        return self._market

    # ------------------------------------------------------------ universe
    def symbols(self) -> list[str]:
        """Return the tradable underlyings (ETFs and stocks) in watchlist order."""
        return list(UNDERLYINGS)

    def indices(self) -> list[str]:
        """Return the indices (quotes and bars; options on SPX, NDX and RUT)."""
        return list(INDICES)

    def optionable(self) -> list[str]:
        """Return every symbol with listed options (underlyings, then SPX, NDX and RUT)."""
        return [s for s in [*UNDERLYINGS, *INDICES] if spec_of(s).options is not None]

    def description(self, symbol: str) -> str:
        """Return the long name of ``symbol`` (UnknownSymbol if the demo lacks it)."""
        return spec_of(symbol).description

    def instruments(self) -> list[Instrument]:
        """Return every symbol of the demo as an instrument (underlyings, then indices)."""
        return [
            Instrument(spec.symbol, spec.kind, spec.description)
            for spec in map(spec_of, [*UNDERLYINGS, *INDICES])
        ]

    def market_status(self) -> MarketStatus:
        """Return the market status now; outside the session live prices are simulated."""
        return self._market.status(self._clock.now())

    # ------------------------------------------------------------ the port
    async def quotes(self, symbols: Sequence[str]) -> list[Quote]:
        """Return the latest quote for each symbol, in the order asked."""
        now = self._clock.now()
        return await asyncio.to_thread(lambda: [self._market.quote(s, now) for s in symbols])

    async def bars(
        self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime
    ) -> BarSeries:
        """Return bars whose open time is in [start, end); only what the demo has."""
        timeframe = Timeframe(timeframe)
        now = self._clock.now()
        bars = await asyncio.to_thread(self._market.bars, symbol, timeframe, start, end, now)
        return BarSeries(spec_of(symbol).symbol, timeframe, bars)

    async def option_chain(self, underlying: str) -> ChainSnapshot:
        """Return the full listed chain of ``underlying`` now."""
        return await asyncio.to_thread(self._market.chain, underlying, self._clock.now())

    async def iv_history(self, underlying: str, start: date, end: date) -> IvHistory:
        """Return daily 30-day ATM IV for sessions in [start, end] (two years at most)."""
        now = self._clock.now()
        return await asyncio.to_thread(self._market.iv_history, underlying, start, end, now)

    async def earnings(self, symbol: str, start: date, end: date) -> list[CalendarEvent]:
        """Return ``symbol``'s simulated earnings reports dated in [start, end] (exchange dates).

        Reports come after the close (16:05 ET) of the session before the
        market reacts; ETFs and indices return [].
        """
        now = self._clock.now()
        return await asyncio.to_thread(self._market.earnings, symbol, start, end, now)

    async def metrics(self, symbol: str, on: date) -> SymbolMetrics:
        """Return ``symbol``'s beta to SPY and its next quarterly ex-dividend on or after ``on``."""
        return await asyncio.to_thread(self._metrics, spec_of(symbol), on, self._clock.now())

    def _metrics(self, spec: SymbolSpec, on: date, now: datetime) -> SymbolMetrics:
        ex_date = next_ex_dividend(spec, on, self._market.calendar)
        amount = None
        if ex_date is not None:
            closes = self._market.daily_bars(spec.symbol, now)["close"]
            amount = quarterly_amount(spec, float(closes[-1])) if len(closes) else None
        beta = 1.0 if spec.symbol == "SPY" else spec.beta
        return SymbolMetrics(spec.symbol, beta, spec.dividend_yield, ex_date, amount, "demo")

    async def stream(self, symbols: Sequence[str]) -> AsyncIterator[list[Quote]]:
        """Yield a batch of quotes for ``symbols`` ``ticks_per_second`` times a second.

        Ends when cancelled. Outside the regular session prices follow a
        small simulated after-hours walk around the last close.
        """
        specs = [spec_of(s) for s in symbols]

        async def quotes_at(now: datetime) -> tuple[list[Quote], bool]:
            # A worker thread: the first batch of a new session generates it (~0.5 s).
            return await asyncio.to_thread(self._quotes_and_session, specs, now)

        ticks = quote_stream(
            specs,
            quotes_at,
            self._clock,
            self._market.seed,
            self._ticks_per_second,
            self._sleep,
        )
        try:
            async for batch in ticks:
                yield batch
        finally:
            await ticks.aclose()

    async def aclose(self) -> None:
        """Release nothing: the demo holds no connections."""

    def _quotes_and_session(
        self, specs: Sequence[SymbolSpec], now: datetime
    ) -> tuple[list[Quote], bool]:
        quotes = [self._market.quote(spec.symbol, now) for spec in specs]
        return quotes, self._market.moment(now).live
