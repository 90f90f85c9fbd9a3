"""tastytrade as a market-data provider: the real client against the fake API and DXLink peer."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pytest

from tests.fakes.dxlink_server import FakeDxLinkServer
from tests.fakes.tastytrade_server import FakeTastytrade
from tests.unit.adapters.streaming.polling import FAST, eventually
from workstation.adapters.marketdata.live.tastytrade import TastytradeMarketData
from workstation.adapters.tastytrade.broker import TastytradeBroker
from workstation.adapters.tastytrade.streamer import DxLinkStreamer
from workstation.domain.bars import Timeframe
from workstation.domain.event_calendar import EventKind
from workstation.domain.quotes import Quote
from workstation.ports.marketdata import MarketDataError, UnknownSymbol

QUOTE_TOKEN = "CANARY-TT-QUOTE-TOKEN"
CALL_560 = ".SPY260220C560"
PUT_550 = ".SPY260320P550"


@pytest.fixture
async def dxlink() -> AsyncIterator[FakeDxLinkServer]:
    async with FakeDxLinkServer(QUOTE_TOKEN) as server:
        yield server


@pytest.fixture
async def market(
    connected: Callable[..., Any], dxlink: FakeDxLinkServer
) -> tuple[FakeTastytrade, TastytradeMarketData]:
    fake, broker = await connected()
    fake.history.quote_token["dxlink-url"] = dxlink.url
    return fake, provider(broker)


def provider(broker: TastytradeBroker, wait: float = 2.0) -> TastytradeMarketData:
    async def token() -> tuple[str, str]:
        issued = await broker.quote_token()
        return issued.token, issued.dxlink_url

    def streamer() -> DxLinkStreamer:
        return DxLinkStreamer(None, token, policy=FAST)

    return TastytradeMarketData(broker, open_streamer=streamer, chain_wait_seconds=wait)


def chain_book(symbols: list[str], skip: str = "") -> dict[str, list[dict[str, Any]]]:
    """Quote, Trade, Summary and Greeks events for each contract but ``skip``."""
    book: dict[str, list[dict[str, Any]]] = {"Quote": [], "Trade": [], "Summary": [], "Greeks": []}
    for n, symbol in enumerate(s for s in symbols if s != skip):
        bid = 1.0 + n
        book["Quote"].append({"eventSymbol": symbol, "bidPrice": bid, "askPrice": bid + 0.1,
                              "bidSize": 10, "askSize": 12})  # fmt: skip
        book["Trade"].append({"eventSymbol": symbol, "price": bid + 0.05, "dayVolume": 40 + n})
        book["Summary"].append({"eventSymbol": symbol, "openInterest": 1000 + n})
        book["Greeks"].append({"eventSymbol": symbol, "eventTime": 0, "price": bid + 0.05,
                               "volatility": 0.2 + n / 100, "delta": 0.5 if "C" in symbol[9:]
                               else -0.5, "gamma": 0.01, "theta": -0.05, "rho": 0.01,
                               "vega": 0.1})  # fmt: skip
    return book


def all_contracts() -> list[str]:
    return [
        f".SPY{expiry}{side}{strike}"
        for expiry in ("260220", "260320")
        for strike in (550, 555, 560)
        for side in "CP"
    ]


async def test_quotes_come_in_the_order_asked(market: tuple[Any, TastytradeMarketData]) -> None:
    _, provider_ = market
    quotes = await provider_.quotes(["AAPL", "SPY"])
    assert [q.symbol for q in quotes] == ["AAPL", "SPY"]
    assert all(q.source == "tastytrade" and q.last > q.prev_close for q in quotes)


async def test_a_symbol_the_broker_does_not_know_is_left_out(
    market: tuple[Any, TastytradeMarketData],
) -> None:
    _, provider_ = market
    assert [q.symbol for q in await provider_.quotes(["NOPE", "SPY"])] == ["SPY"]
    with pytest.raises(UnknownSymbol, match="no quote for NOPE, ZZZ"):
        await provider_.quotes(["NOPE", "ZZZ"])


async def test_chain_is_priced_over_dxlink(
    market: tuple[Any, TastytradeMarketData], dxlink: FakeDxLinkServer
) -> None:
    _, provider_ = market
    provider_.chain_wait_seconds = 30.0
    dxlink.set_book(chain_book(all_contracts()))
    started = asyncio.get_running_loop().time()
    chain = await provider_.option_chain("SPY")
    assert asyncio.get_running_loop().time() - started < 20.0  # done once all answered
    assert chain.source == "tastytrade"
    assert chain.settlement == "american"
    assert chain.spot == pytest.approx(500.0)
    assert chain.expirations == [date(2026, 2, 20), date(2026, 3, 20)]
    assert len(chain.rows) == 12
    rows = chain.expiry_rows(date(2026, 2, 20))
    call = rows[(rows["strike"] == 560) & rows["is_call"]][0]
    n = all_contracts().index(CALL_560)
    assert (call["bid"], call["ask"]) == pytest.approx((1.0 + n, 1.1 + n))
    assert call["last"] == pytest.approx(1.05 + n)
    assert call["iv"] == pytest.approx(0.2 + n / 100)
    assert call["delta"] == pytest.approx(0.5)
    assert (call["open_interest"], call["volume"]) == (1000 + n, 40 + n)
    assert not np.isnan(chain.rows["bid"]).any()
    assert dxlink.live_peers == []  # the pricing subscription is closed again


async def test_an_unpriced_contract_keeps_nan_after_the_wait(
    connected: Callable[..., Any], dxlink: FakeDxLinkServer
) -> None:
    fake, broker = await connected()
    fake.history.quote_token["dxlink-url"] = dxlink.url
    dxlink.set_book(chain_book(all_contracts(), skip=PUT_550))
    started = asyncio.get_running_loop().time()
    chain = await provider(broker, wait=0.3).option_chain("SPY")
    assert asyncio.get_running_loop().time() - started >= 0.3
    rows = chain.expiry_rows(date(2026, 3, 20))
    put = rows[(rows["strike"] == 550) & ~rows["is_call"]][0]
    assert math.isnan(put["bid"])
    assert math.isnan(put["iv"])
    assert put["open_interest"] == 0
    assert np.isfinite(chain.rows["bid"]).sum() == 11


async def test_an_underlying_without_a_chain_is_unknown(
    market: tuple[Any, TastytradeMarketData],
) -> None:
    _, provider_ = market
    with pytest.raises(MarketDataError, match="option chain QQQ"):
        await provider_.option_chain("QQQ")


async def test_earnings_date_from_market_metrics(
    market: tuple[Any, TastytradeMarketData],
) -> None:
    _, provider_ = market
    (event,) = await provider_.earnings("AAPL", date(2026, 1, 1), date(2026, 2, 28))
    assert event.kind is EventKind.EARNINGS
    assert event.symbol == "AAPL"
    assert event.at == datetime(2026, 1, 29, 13, 0, tzinfo=UTC)  # 08:00 New York
    assert "time not reported" in event.title
    assert await provider_.earnings("AAPL", date(2026, 2, 1), date(2026, 2, 28)) == []


async def test_beta_from_market_metrics(market: tuple[Any, TastytradeMarketData]) -> None:
    _, provider_ = market
    metrics = await provider_.metrics("SPY", date(2026, 1, 6))
    assert metrics.beta == pytest.approx(1.02)
    assert metrics.source == "tastytrade"
    with pytest.raises(UnknownSymbol):
        await provider_.metrics("ZZZZ", date(2026, 1, 6))


async def test_history_it_does_not_serve_is_a_clear_error(
    market: tuple[Any, TastytradeMarketData],
) -> None:
    _, provider_ = market
    start, end = datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 1, 6, tzinfo=UTC)
    with pytest.raises(MarketDataError, match="tastytrade does not provide bar history"):
        await provider_.bars("SPY", Timeframe.M5, start, end)
    with pytest.raises(MarketDataError, match="implied-volatility history"):
        await provider_.iv_history("SPY", start.date(), end.date())


async def test_stream_starts_with_the_snapshot_then_follows_dxlink(
    market: tuple[Any, TastytradeMarketData], dxlink: FakeDxLinkServer
) -> None:
    _, provider_ = market
    batches: list[list[Quote]] = []

    async def consume() -> None:
        async for batch in provider_.stream(["SPY", "AAPL"]):
            batches.append(batch)

    task = asyncio.create_task(consume())
    try:
        await eventually(lambda: dxlink.subscribed("Quote") == {"SPY", "AAPL"})
        await dxlink.push_quote("SPY", 561.10, 561.14)
        await eventually(lambda: len(batches) >= 2)
        await dxlink.push_trade("SPY", 561.12, 2_000_000)
        await eventually(lambda: len(batches) >= 3)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    snapshot, quoted, traded = batches[:3]
    assert [q.symbol for q in snapshot] == ["SPY", "AAPL"]
    (spy,) = quoted
    assert (spy.bid, spy.ask) == (561.10, 561.14)
    assert spy.last == snapshot[0].last  # no trade yet: the snapshot's last
    assert spy.prev_close == snapshot[0].prev_close  # the feed has no prior close
    assert (traded[0].last, traded[0].volume) == (561.12, 2_000_000)
    await eventually(lambda: dxlink.live_peers == [])


async def test_stream_ends_with_the_reason_when_the_feed_refuses_the_token(
    market: tuple[FakeTastytrade, TastytradeMarketData],
) -> None:
    fake, provider_ = market
    fake.history.quote_token["token"] = "CANARY-TT-STALE-TOKEN"
    with pytest.raises(MarketDataError, match="tastytrade live quotes stopped"):
        async for _ in provider_.stream(["SPY"]):
            pass
