"""The last known quote per symbol (the ``quotes`` table), so the UI starts with prices.

Prices are dollars per share (points for indices); NaN (unknown bid/ask of an
index) is stored as NULL. Timestamps come back as aware UTC datetimes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.dialects.sqlite import insert

from workstation.domain.quotes import Quote
from workstation.storage.database import Database
from workstation.storage.epoch import to_epoch
from workstation.storage.tables import quotes

_PRICES = ("bid", "ask", "last", "prev_close", "volume")
_IN_CHUNK = 500  # symbols per IN (...) query, well below SQLite's variable limit


class QuoteCache:
    """Latest quote per symbol; an older quote never replaces a newer one."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def upsert_many(self, items: Iterable[Quote], received_at: datetime) -> int:
        """Store ``items`` (received at ``received_at``, aware) in one transaction.

        A stored quote is replaced only by one whose provider timestamp is not
        older. Return how many quotes were offered.
        """
        to_epoch(received_at, "quote cache: received_at")
        rows = [_to_row(quote, received_at) for quote in items]
        if not rows:
            return 0
        statement = insert(quotes)
        fresh = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[quotes.c.symbol],
            set_={name: fresh[name] for name in (*_PRICES, "ts", "source", "received_at")},
            where=fresh.ts >= quotes.c.ts,
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement, rows)
        return len(rows)

    def get_many(self, symbols: Iterable[str]) -> dict[str, Quote]:
        """Return the stored quotes of ``symbols`` (missing symbols are left out)."""
        wanted = list(dict.fromkeys(symbols))
        found: dict[str, Quote] = {}
        with self._db.engine.connect() as connection:
            for start in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[start : start + _IN_CHUNK]
                query = select(quotes).where(quotes.c.symbol.in_(chunk))
                found.update((row.symbol, _from_row(row)) for row in connection.execute(query))
        return found

    def get(self, symbol: str) -> Quote | None:
        """Return the stored quote of ``symbol`` or None."""
        return self.get_many([symbol]).get(symbol)


def _to_row(quote: Quote, received_at: datetime) -> dict[str, Any]:
    """Return the column values of ``quote``; NaN prices become NULL."""
    if not quote.symbol:
        raise ValueError("quote cache: a quote has an empty symbol")
    row: dict[str, Any] = {name: _nullable(getattr(quote, name)) for name in _PRICES}
    row.update(symbol=quote.symbol, ts=quote.ts, source=quote.source, received_at=received_at)
    return row


def _nullable(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _from_row(row: Row[Any]) -> Quote:
    return Quote(
        symbol=row.symbol,
        last=_nan(row.last),
        prev_close=_nan(row.prev_close),
        ts=row.ts,
        bid=_nan(row.bid),
        ask=_nan(row.ask),
        volume=_nan(row.volume),
        source=row.source,
    )
