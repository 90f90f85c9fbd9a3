"""Analysed chains on demand: fetch from the market-data service, analyse off the loop.

With a live (broker) market, each analysed chain also records the day's
30-day ATM IV, at most every ``record_every``: no broker serves IV history,
so the workspace builds its own (the last value of a day stands for it), and
IV rank and percentile fill in as the days accumulate.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Collection
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from workstation.services.chain_analytics import ChainAnalytics
from workstation.services.chain_view import ChainView
from workstation.services.market_data import MarketDataService

log = logging.getLogger(__name__)

NEW_YORK = ZoneInfo("America/New_York")
#: Store ``underlying``'s 30-day ATM IV (decimal) for a New York date, from ``source``.
IvRecorder = Callable[[str, date, float, str], Awaitable[None]]


class ChainService:
    """Fetches a symbol's chain and returns its analysed view."""

    def __init__(
        self,
        market: MarketDataService,
        analytics: ChainAnalytics,
        recorder: IvRecorder | None = None,
        record_every: timedelta = timedelta(minutes=15),
    ) -> None:
        self.market = market
        self.analytics = analytics
        self._recorder = recorder
        self._record_every = record_every
        self._recorded: dict[str, datetime] = {}

    async def chain_view(
        self,
        symbol: str,
        focus: date | None = None,
        previous: ChainView | None = None,
        also: Collection[date] = (),
    ) -> ChainView:
        """Return the analysed chain of ``symbol`` now (analysis runs in a worker thread).

        Passing the ``previous`` view lets a live panel re-analyse only its
        focused expiration between full surface updates; ``also`` lists more
        expirations to analyse in detail.
        """
        chain = await self.market.option_chain(symbol)
        quote = self.market.latest(symbol) or await self.market.quote(symbol)
        view = await asyncio.to_thread(
            self.analytics.analyze, chain, quote, focus, previous, tuple(also)
        )
        await self._record(view)
        return view

    async def _record(self, view: ChainView) -> None:
        """Store the view's IV30 for its New York date (live markets only, throttled)."""
        if self._recorder is None or self.market.simulated or not math.isfinite(view.iv30):
            return
        last = self._recorded.get(view.underlying)
        if last is not None and view.as_of - last < self._record_every:
            return
        self._recorded[view.underlying] = view.as_of
        day = view.as_of.astimezone(NEW_YORK).date()
        try:
            await self._recorder(view.underlying, day, view.iv30, self.market.provider_name)
        except Exception as exc:
            log.warning("IV history of %s not recorded: %s", view.underlying, exc)
