"""COMPACT FEED_DATA parsing: several events and types per message, "NaN", merging."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from workstation.adapters.streaming import StreamGreeks, StreamQuote, StreamUpdate
from workstation.adapters.tastytrade.streamer import CompactFeed

NOW = datetime(2026, 6, 1, 14, 30, tzinfo=UTC)


def quote_of(update: StreamUpdate) -> StreamQuote:
    assert isinstance(update, StreamQuote)
    return update


def greeks_of(update: StreamUpdate) -> StreamGreeks:
    assert isinstance(update, StreamGreeks)
    return update


@pytest.fixture
def feed() -> CompactFeed:
    return CompactFeed(lambda: NOW)


def test_several_events_and_types_in_one_message(feed: CompactFeed) -> None:
    data = [
        "Quote", ["SPY", 500.1, 500.2, 10, 12, "AAPL", 190.5, "NaN", 3, "NaN"],
        "Greeks", [".SPY260618C500", 1780000000000, 12.5, 0.18, 0.52, 0.01, -0.05, 0.2, 0.3],
    ]  # fmt: skip

    updates = feed.parse(data)

    spy, aapl, greeks = quote_of(updates[0]), quote_of(updates[1]), greeks_of(updates[2])
    assert spy == StreamQuote(symbol="SPY", bid=500.1, ask=500.2, bid_size=10, ask_size=12, ts=NOW)
    assert aapl.symbol == "AAPL"
    assert aapl.bid == 190.5
    assert math.isnan(aapl.ask)
    assert math.isnan(aapl.ask_size)
    assert (greeks.price, greeks.volatility, greeks.delta) == (12.5, 0.18, 0.52)
    assert (greeks.gamma, greeks.theta, greeks.rho, greeks.vega) == (0.01, -0.05, 0.2, 0.3)
    assert greeks.ts == datetime.fromtimestamp(1_780_000_000, tz=UTC)


def test_trade_and_quote_merge_per_symbol(feed: CompactFeed) -> None:
    feed.parse(["Quote", ["SPY", 500.1, 500.2, 10, 12]])

    merged = quote_of(*feed.parse(["Trade", ["SPY", 500.15, 1234567]]))

    assert (merged.bid, merged.ask, merged.last, merged.volume) == (500.1, 500.2, 500.15, 1234567)


def test_latest_event_per_symbol_wins_within_a_message(feed: CompactFeed) -> None:
    quote = quote_of(*feed.parse(["Quote", ["SPY", 1, 2, 3, 4, "SPY", 5, 6, 7, 8]]))

    assert (quote.bid, quote.ask) == (5, 6)


def test_greeks_without_event_time_use_the_clock(feed: CompactFeed) -> None:
    greeks = greeks_of(*feed.parse(["Greeks", [".X260618P5", 0, "NaN", "NaN", -0.4, 0, 0, 0, 0]]))

    assert greeks.ts == NOW
    assert math.isnan(greeks.price)
    assert greeks.delta == -0.4


def test_feed_config_field_order_is_followed(feed: CompactFeed) -> None:
    feed.configure({"Quote": ["eventType", "eventSymbol", "askPrice", "bidPrice"]})

    quote = quote_of(*feed.parse(["Quote", ["Quote", "SPY", 2.0, 1.0]]))

    assert (quote.bid, quote.ask) == (1.0, 2.0)


@pytest.mark.parametrize(
    "data",
    [
        ["Quote", ["SPY", 1, 2, 3]],  # values do not fill whole events
        ["Quote"],  # no values
        ["Unknown", ["X", 1]],
        "not a list",
        ["Quote", ["SPY", "abc", 2, 3, 4]],  # a word where a price belongs
        ["Quote", [None, 1, 2, 3, 4]],  # no symbol
    ],
)
def test_malformed_blocks_are_skipped(feed: CompactFeed, data: object) -> None:
    assert feed.parse(data) == []


def test_a_malformed_block_does_not_hide_a_good_one(feed: CompactFeed) -> None:
    updates = feed.parse(["Quote", ["SPY", 1, 2], "Trade", ["QQQ", 400.0, 10]])

    assert [u.symbol for u in updates] == ["QQQ"]
