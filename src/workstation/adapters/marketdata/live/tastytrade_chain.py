"""A tastytrade option chain with prices: the nested chain's contracts, priced over DXLink.

tastytrade's REST chain lists contracts without prices; prices, greeks and
open interest come from one short DXLink subscription (Quote, Trade, Summary
and Greeks events) that ends when every contract has answered or the wait
runs out. A contract the feed never priced keeps NaN prices and zero open
interest and volume.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from workstation.adapters.marketdata.live.feed import OpenStreamer
from workstation.adapters.streaming import StreamGreeks, StreamKind, StreamQuote
from workstation.adapters.tastytrade.parse import ChainExpiration
from workstation.domain.chains import CHAIN_DTYPE, ChainSnapshot
from workstation.domain.instruments import INDEX_SYMBOLS

SOURCE = "tastytrade"


@dataclass
class PricedContracts:
    """What the feed said about each streamer symbol so far."""

    wanted: frozenset[str]
    quotes: dict[str, StreamQuote] = field(default_factory=dict)
    greeks: dict[str, StreamGreeks] = field(default_factory=dict)

    def take(self, batch: Sequence[StreamQuote | StreamGreeks]) -> None:
        """Keep the latest quote and greeks of each wanted symbol."""
        for update in batch:
            if update.symbol not in self.wanted:
                continue
            if isinstance(update, StreamGreeks):
                self.greeks[update.symbol] = update
            else:
                self.quotes[update.symbol] = update

    @property
    def complete(self) -> bool:
        """True once every symbol has a two-sided quote, open interest and greeks."""
        return len(self.greeks) == len(self.wanted) and all(
            _priced(self.quotes.get(symbol)) for symbol in self.wanted
        )


def _priced(quote: StreamQuote | None) -> bool:
    return (
        quote is not None
        and math.isfinite(quote.bid)
        and math.isfinite(quote.ask)
        and math.isfinite(quote.open_interest)
    )


async def price_contracts(
    open_streamer: OpenStreamer, symbols: Sequence[str], wait_seconds: float
) -> PricedContracts:
    """Subscribe ``symbols`` (DXLink streamer symbols) and collect until complete or timed out."""
    priced = PricedContracts(frozenset(symbols))
    if not symbols:
        return priced
    streamer = open_streamer()
    async with streamer:
        await streamer.subscribe(symbols, (StreamKind.QUOTE, StreamKind.GREEKS))

        async def collect() -> None:
            async for batch in streamer.updates():
                priced.take(batch)
                if priced.complete:
                    return

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(collect(), wait_seconds)
    return priced


def chain_snapshot(
    underlying: str,
    expirations: Sequence[ChainExpiration],
    priced: PricedContracts,
    spot: float,
    as_of: datetime,
) -> ChainSnapshot:
    """Return the listed contracts as chain rows (prices per share, IV 0-1)."""
    sides = [
        (strike, is_call, strike.call_streamer if is_call else strike.put_streamer)
        for expiration in expirations
        for strike in expiration.strikes
        for is_call in (True, False)
    ]
    rows = np.zeros(len(sides), dtype=CHAIN_DTYPE)
    for i, (strike, is_call, symbol) in enumerate(sides):
        quote, greeks = priced.quotes.get(symbol), priced.greeks.get(symbol)
        rows[i] = (
            np.datetime64(strike.expiry, "D"),
            float(strike.strike),
            is_call,
            quote.bid if quote else math.nan,
            quote.ask if quote else math.nan,
            quote.last if quote else math.nan,
            greeks.volatility if greeks else math.nan,
            greeks.delta if greeks else math.nan,
            _count(quote.open_interest if quote else math.nan),
            _count(quote.volume if quote else math.nan),
        )
    settlement = "european" if underlying in INDEX_SYMBOLS else "american"
    return ChainSnapshot(underlying, as_of, spot, rows, settlement, SOURCE)


def _count(value: float) -> int:
    return int(value) if math.isfinite(value) and value > 0 else 0


def streamer_symbols(expirations: Sequence[ChainExpiration]) -> list[str]:
    """Return every contract's DXLink streamer symbol (calls and puts)."""
    return [
        symbol
        for expiration in expirations
        for strike in expiration.strikes
        for symbol in (strike.call_streamer, strike.put_streamer)
        if symbol
    ]
