"""QuoteCache: upserts keep the newest quote; NaN and time zones survive."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from workstation.domain.quotes import Quote
from workstation.storage.database import Database
from workstation.storage.quotes import QuoteCache

T0 = datetime(2026, 11, 21, 15, 30, 0, 123456, tzinfo=UTC)


def test_round_trip_with_nan_and_aware_utc(db: Database) -> None:
    cache = QuoteCache(db)
    eastern = timezone(timedelta(hours=-5))
    spx = Quote("SPX", 5000.5, 4990.0, T0.astimezone(eastern), source="demo")
    spy = Quote("SPY", 500.1, 499.0, T0, bid=500.0, ask=500.2, volume=1e6, source="demo")
    assert cache.upsert_many([spx, spy], received_at=T0) == 2
    got = cache.get_many(["SPY", "SPX", "QQQ"])
    assert set(got) == {"SPY", "SPX"}
    assert got["SPY"] == spy
    assert got["SPX"].ts == T0
    assert got["SPX"].ts.tzinfo is UTC
    assert math.isnan(got["SPX"].bid)
    assert math.isnan(got["SPX"].ask)
    assert got["SPX"].last == 5000.5


def test_older_quote_never_replaces_newer(db: Database) -> None:
    cache = QuoteCache(db)
    cache.upsert_many([Quote("SPY", 501.0, 499.0, T0)], received_at=T0)
    cache.upsert_many([Quote("SPY", 400.0, 499.0, T0 - timedelta(seconds=1))], received_at=T0)
    assert cache.get("SPY") == Quote("SPY", 501.0, 499.0, T0)
    cache.upsert_many([Quote("SPY", 502.0, 499.0, T0 + timedelta(seconds=1))], received_at=T0)
    got = cache.get("SPY")
    assert got is not None
    assert got.last == 502.0


def test_many_symbols_are_fetched_in_chunks(db: Database) -> None:
    cache = QuoteCache(db)
    quotes = [Quote(f"S{i}", float(i), 1.0, T0) for i in range(1200)]
    cache.upsert_many(quotes, received_at=T0)
    assert len(cache.get_many(q.symbol for q in quotes)) == 1200


def test_naive_received_at_is_refused(db: Database) -> None:
    cache = QuoteCache(db)
    with pytest.raises(ValueError, match="received_at"):
        cache.upsert_many([Quote("SPY", 1.0, 1.0, T0)], received_at=datetime(2026, 1, 1))  # noqa: DTZ001
    assert cache.get("SPY") is None
