"""Live quotes from a broker streamer, as batches of domain quotes.

The stream starts with a REST snapshot (it carries the prior close, which the
feeds do not send), then follows the streamer's top-of-book and trade
updates. A quote whose feed has not yet sent a trade is priced at the last
snapshot price, then at the mid of bid and ask.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable, Mapping, Sequence

from workstation.adapters.redaction import redact
from workstation.adapters.streaming import StreamingSession, StreamQuote
from workstation.domain.quotes import Quote
from workstation.ports.marketdata import MarketDataError

OpenStreamer = Callable[[], StreamingSession]


def quote_of(update: StreamQuote, known: Quote | None, source: str) -> Quote | None:
    """Return ``update`` as a quote on top of the last one ``known``; None without a price.

    Prices in dollars per share (points for indices); a side the feed has not
    sent keeps the known value.
    """
    bid = _or(update.bid, known.bid if known else math.nan)
    ask = _or(update.ask, known.ask if known else math.nan)
    mid = 0.5 * (bid + ask) if math.isfinite(bid) and math.isfinite(ask) else math.nan
    last = _or(update.last, known.last if known else math.nan)
    last = _or(last, mid)
    if not math.isfinite(last):
        return None
    return Quote(
        symbol=update.symbol,
        last=last,
        prev_close=known.prev_close if known else math.nan,
        ts=update.ts,
        bid=bid,
        ask=ask,
        volume=_or(update.volume, known.volume if known else 0.0),
        source=source,
    )


def _or(value: float, fallback: float) -> float:
    return value if math.isfinite(value) else fallback


async def stream_quotes(
    open_streamer: OpenStreamer,
    symbols: Sequence[str],
    snapshot: Mapping[str, Quote],
    source: str,
) -> AsyncIterator[list[Quote]]:
    """Yield the snapshot's quotes of ``symbols``, then every streamed change, until cancelled.

    The streamer reconnects by itself; when it gives up (or the broker
    refuses the login) the stream ends with ``MarketDataError`` saying why.
    """
    known = {symbol: snapshot[symbol] for symbol in symbols if symbol in snapshot}
    if known:
        yield list(known.values())
    streamer = open_streamer()
    async with streamer:
        await streamer.subscribe(symbols)
        async for batch in streamer.updates():
            quotes = []
            for update in batch:
                if not isinstance(update, StreamQuote):
                    continue
                quote = quote_of(update, known.get(update.symbol), source)
                if quote is not None:
                    known[update.symbol] = quote
                    quotes.append(quote)
            if quotes:
                yield quotes
    reason = redact(str(streamer.error)) if streamer.error else "the streamer closed"
    raise MarketDataError(f"{source} live quotes stopped: {reason}")
