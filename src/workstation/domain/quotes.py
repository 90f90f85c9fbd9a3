"""Quotes: the latest known price of an instrument.

Market-data prices are floats in dollars per share (or index points); broker
money elsewhere in the domain is Decimal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Quote:
    """A top-of-book quote.

    ``prev_close`` is the prior session's close, the reference for change.
    ``ts`` is when the provider produced the quote (aware datetime).
    Indices carry NaN bid/ask.
    """

    symbol: str
    last: float
    prev_close: float
    ts: datetime
    bid: float = math.nan
    ask: float = math.nan
    volume: float = 0.0
    source: str = ""

    def __post_init__(self) -> None:
        if self.ts.tzinfo is None:
            raise ValueError(f"quote for {self.symbol}: timestamp {self.ts} has no time zone")

    @property
    def change(self) -> float:
        """Change from the prior close, dollars per share (points for indices)."""
        return self.last - self.prev_close

    @property
    def change_pct(self) -> float:
        """Change from the prior close in percent (1.5 means +1.5 %)."""
        if not self.prev_close:
            return math.nan
        return 100.0 * (self.last / self.prev_close - 1.0)

    @property
    def mid(self) -> float:
        """Mid of bid and ask, or last when either side is missing."""
        if math.isnan(self.bid) or math.isnan(self.ask):
            return self.last
        return 0.5 * (self.bid + self.ask)

    def age_seconds(self, now: datetime) -> float:
        """Seconds between the quote's timestamp and ``now``."""
        return (now - self.ts).total_seconds()

    def with_last(self, last: float, ts: datetime) -> Quote:
        """Return a copy with a new last price and timestamp."""
        return replace(self, last=last, ts=ts)


@dataclass(frozen=True, slots=True)
class QuoteStatus:
    """A quote as the trader should see it: ``stale_since`` is set when it is old."""

    symbol: str
    quote: Quote | None
    stale_since: datetime | None
