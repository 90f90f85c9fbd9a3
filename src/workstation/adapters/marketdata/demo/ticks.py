"""Live prices of the demo market: inside a minute, after hours, and as quotes.

During the regular session the price at an instant interpolates the current
minute bar (open to close) with seeded intra-minute wiggles kept inside the
bar's high and low, so ticks agree with the bars. Outside the session a
small mean-reverting random walk around the last close keeps the screen
alive; it is seeded by the time the stream started and is clearly a
simulation (``DemoMarketData.market_status()`` says the market is closed).
"""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from workstation.adapters.marketdata.demo.seeds import rng_for
from workstation.adapters.marketdata.demo.universe import SymbolSpec
from workstation.domain.quotes import Quote
from workstation.ports.clock import Clock

SOURCE = "demo"
KNOTS = 6  # intra-minute wiggle points
AFTER_HOURS_VOL_SHARE = 0.3  # after-hours moves are this share of regular-session vol
AFTER_HOURS_HALF_LIFE = 1200.0  # seconds for a drift from the close to halve
SESSION_SECONDS_PER_YEAR = 252.0 * 6.5 * 3600.0
VIX_VOL = 0.85

Sleep = Callable[[float], Awaitable[object]]
QuotesAt = Callable[[datetime], Awaitable[tuple[list[Quote], bool]]]


@dataclass(frozen=True, slots=True)
class IntraMinute:
    """The price at an instant inside a minute bar, and the extremes reached so far."""

    price: float
    high: float
    low: float


def intraminute(
    bar: tuple[float, float, float, float], fraction: float, seed: int, symbol: str, minute_ts: int
) -> IntraMinute:
    """Return the price ``fraction`` (0-1) of the way through a minute bar (o, h, l, c)."""
    o, h, lo, c = bar
    rng = rng_for(seed, symbol, "tick", minute_ts)
    walk = np.concatenate([[0.0], np.cumsum(rng.standard_normal(KNOTS))])
    grid = np.linspace(0.0, 1.0, KNOTS + 1)
    wiggle = (walk - grid * walk[-1]) / math.sqrt(KNOTS)
    knots = np.round(np.clip(o + grid * (c - o) + 0.5 * (h - lo) * wiggle, lo, h), 2)
    price = round(float(np.interp(fraction, grid, knots)), 2)
    seen = knots[grid < fraction]
    return IntraMinute(
        price, max(price, o, float(seen.max(initial=o))), min(price, o, float(seen.min(initial=o)))
    )


def make_quote(
    spec: SymbolSpec, last: float, prev_close: float, now: datetime, volume: float
) -> Quote:
    """Return a quote: indices without bid/ask, others with the symbol's spread around last."""
    if spec.is_index:
        return Quote(spec.symbol, last, prev_close, now, volume=0.0, source=SOURCE)
    steps = max(1, round(spec.quote_spread / 0.01))
    below = int(now.timestamp() * 7) % (steps + 1)  # where last sits inside the spread
    bid = round(last - 0.01 * below, 2)
    ask = round(bid + 0.01 * steps, 2)
    return Quote(spec.symbol, last, prev_close, now, bid, ask, volume, SOURCE)


class AfterHoursWalk:
    """A mean-reverting random walk around each symbol's last close, one step per tick.

    Deterministic from the seed and the instant the stream started.
    """

    def __init__(self, seed: int, started: datetime, step_seconds: float) -> None:
        self._seed = seed
        self._key = int(started.timestamp())
        self._step = step_seconds
        self._pull = 1.0 - math.exp(-math.log(2.0) * step_seconds / AFTER_HOURS_HALF_LIFE)
        self._state: dict[str, tuple[float, float]] = {}  # symbol -> (base close, log offset)
        self._rngs: dict[str, np.random.Generator] = {}

    def step(self, spec: SymbolSpec, quote: Quote) -> Quote:
        """Move ``spec``'s simulated price one tick and return the quote at that price."""
        base, offset = self._state.get(spec.symbol, (quote.last, 0.0))
        if base != quote.last:  # a new close: start again from it
            base, offset = quote.last, 0.0
        vol = VIX_VOL if spec.symbol == "VIX" else spec.vol
        sd = AFTER_HOURS_VOL_SHARE * vol * math.sqrt(self._step / SESSION_SECONDS_PER_YEAR)
        offset = (1.0 - self._pull) * offset + sd * float(self._rng(spec.symbol).standard_normal())
        self._state[spec.symbol] = (base, offset)
        last = round(base * math.exp(offset), 2)
        return make_quote(spec, last, quote.prev_close, quote.ts, quote.volume)

    def _rng(self, symbol: str) -> np.random.Generator:
        if symbol not in self._rngs:
            self._rngs[symbol] = rng_for(self._seed, symbol, "after-hours", self._key)
        return self._rngs[symbol]


async def quote_stream(
    specs: Sequence[SymbolSpec],
    quotes_at: QuotesAt,
    clock: Clock,
    seed: int,
    ticks_per_second: float,
    sleep: Sleep,
) -> AsyncGenerator[list[Quote], None]:
    """Yield a batch with every symbol's quote, ``ticks_per_second`` batches per second.

    ``quotes_at(now)`` returns the quotes in order and whether the regular
    session is running; outside it the quotes follow the after-hours walk.
    Cancellation (CancelledError from ``sleep``) ends the stream.
    """
    interval = 1.0 / ticks_per_second
    walk = AfterHoursWalk(seed, clock.now(), interval)
    while True:
        batch, in_session = await quotes_at(clock.now())
        if not in_session:
            batch = [walk.step(spec, q) for spec, q in zip(specs, batch, strict=True)]
        yield batch
        await sleep(interval)
