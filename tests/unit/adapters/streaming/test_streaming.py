"""The shared streaming types: StreamQuote -> Quote, number parsing, chunking."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from workstation.adapters.streaming import (
    StreamGreeks,
    StreamQuote,
    StreamState,
    chunked,
    decode_message,
    stream_number,
    to_quote,
)

TS = datetime(2026, 6, 1, 14, 30, tzinfo=UTC)


def test_to_quote_carries_prices_and_the_callers_prev_close() -> None:
    update = StreamQuote(symbol="SPY", bid=500.1, ask=500.2, last=500.15, volume=1e6, ts=TS)

    quote = to_quote(update, {"SPY": 495.0}, source="tastytrade")

    assert (quote.symbol, quote.bid, quote.ask, quote.last) == ("SPY", 500.1, 500.2, 500.15)
    assert quote.prev_close == 495.0
    assert quote.volume == 1e6
    assert quote.ts == TS
    assert quote.source == "tastytrade"


def test_to_quote_unknown_prev_close_and_volume() -> None:
    quote = to_quote(StreamQuote(symbol="QQQ", last=400.0, ts=TS), {})

    assert math.isnan(quote.prev_close)
    assert math.isnan(quote.bid)
    assert quote.volume == 0.0


def test_unknown_fields_default_to_nan() -> None:
    greeks = StreamGreeks(symbol=".SPY260618C500", delta=0.5, ts=TS)

    assert greeks.delta == 0.5
    assert all(math.isnan(v) for v in (greeks.price, greeks.volatility, greeks.gamma))


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        StreamQuote(symbol="SPY", ts=datetime(2026, 6, 1))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1, 1.0), (2.5, 2.5), ("3.25", 3.25), ("Infinity", math.inf), ("-Infinity", -math.inf)],
)
def test_stream_number(raw: object, expected: float) -> None:
    assert stream_number(raw) == expected


@pytest.mark.parametrize("raw", ["NaN", None])
def test_stream_number_unknown_is_nan(raw: object) -> None:
    assert math.isnan(stream_number(raw))


@pytest.mark.parametrize("raw", [True, "abc", [1], {"a": 1}])
def test_stream_number_refuses_non_numbers(raw: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        stream_number(raw)


def test_chunked_keeps_order_and_bounds() -> None:
    chunks = list(chunked(list(range(1001)), 500))

    assert [len(c) for c in chunks] == [500, 500, 1]
    assert [x for c in chunks for x in c] == list(range(1001))


def test_decode_message_skips_what_is_not_a_json_object() -> None:
    assert decode_message('{"type": "KEEPALIVE"}', "test") == {"type": "KEEPALIVE"}
    assert decode_message('{"type": "FEED_DA', "test") is None
    assert decode_message("[1, 2]", "test") is None


def test_states_read_as_words() -> None:
    assert [s.value for s in StreamState] == ["connecting", "live", "reconnecting", "closed"]
