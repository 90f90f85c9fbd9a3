"""Analysed chains on demand: fetch from the market-data service, analyse off the loop."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import date

from workstation.services.chain_analytics import ChainAnalytics
from workstation.services.chain_view import ChainView
from workstation.services.market_data import MarketDataService


class ChainService:
    """Fetches a symbol's chain and returns its analysed view."""

    def __init__(self, market: MarketDataService, analytics: ChainAnalytics) -> None:
        self.market = market
        self.analytics = analytics

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
        return await asyncio.to_thread(
            self.analytics.analyze, chain, quote, focus, previous, tuple(also)
        )
