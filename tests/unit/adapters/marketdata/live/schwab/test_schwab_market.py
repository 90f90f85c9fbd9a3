"""Schwab as a market-data provider: the real client against the fake API and streamer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from tests.fakes.schwab_server import FakeSchwab
from tests.fakes.schwab_stream_server import FakeSchwabStreamServer
from tests.unit.adapters.streaming.polling import eventually
from workstation.adapters.credentials import CredentialVault
from workstation.adapters.marketdata.live.schwab import SchwabMarketData
from workstation.adapters.schwab.broker import SchwabBroker
from workstation.adapters.schwab.streamer import EQUITIES
from workstation.domain.bars import Timeframe
from workstation.domain.quotes import Quote
from workstation.ports.marketdata import MarketDataError, UnknownSymbol


@pytest.fixture
def market(broker: SchwabBroker) -> SchwabMarketData:
    return SchwabMarketData(broker)


async def test_quotes_in_order_with_indices(market: SchwabMarketData) -> None:
    quotes = await market.quotes(["SPX", "SPY"])
    assert [q.symbol for q in quotes] == ["SPX", "SPY"]
    spx, spy = quotes
    assert spx.last == 5900.0
    assert np.isnan(spx.bid)
    assert (spy.bid, spy.ask, spy.prev_close) == (559.99, 560.01, 557.5)


async def test_a_refused_symbol_is_left_out(market: SchwabMarketData) -> None:
    assert [q.symbol for q in await market.quotes(["SPY", "NOPE"])] == ["SPY"]
    with pytest.raises(UnknownSymbol, match="schwab quotes: no quote for NOPE"):
        await market.quotes(["NOPE"])


async def test_bars_open_inside_the_half_open_window(market: SchwabMarketData) -> None:
    start = datetime(2026, 3, 30, 13, 30, tzinfo=UTC)
    end = start + timedelta(hours=1)
    series = await market.bars("SPY", Timeframe.M5, start, end)
    ts = series.bars["ts"]
    assert len(ts) == 12  # 13:30 ... 14:25; the bar opening at `end` is left out
    assert ts[0] == int(start.timestamp())
    assert ts[-1] < int(end.timestamp())


async def test_chain_with_iv_as_a_decimal(market: SchwabMarketData) -> None:
    chain = await market.option_chain("SPY")
    assert chain.source == "schwab"
    assert chain.spot == pytest.approx(560.0)
    assert len(chain.expirations) == 3
    assert 0.05 < float(np.nanmedian(chain.rows["iv"])) < 1.0


async def test_what_schwab_lacks_is_a_clear_error(market: SchwabMarketData) -> None:
    day = date(2026, 4, 1)
    with pytest.raises(MarketDataError, match="schwab does not provide earnings dates"):
        await market.earnings("AAPL", day, day)
    with pytest.raises(MarketDataError, match="schwab does not provide beta"):
        await market.metrics("AAPL", day)
    with pytest.raises(MarketDataError, match="implied-volatility history"):
        await market.iv_history("AAPL", day, day)


async def test_a_dead_login_says_to_log_in_again(
    fake: FakeSchwab,
    market: SchwabMarketData,
) -> None:
    fake.expire_access_tokens()
    fake.refresh_expired = True
    with pytest.raises(MarketDataError, match="log in again"):
        await market.quotes(["SPY"])


@pytest.fixture
async def stream_server(vault: CredentialVault) -> AsyncIterator[FakeSchwabStreamServer]:
    stored = vault.load("schwab")
    assert stored is not None
    access = stored["access_token"]
    async with FakeSchwabStreamServer(access) as server:
        yield server


async def test_stream_logs_in_with_the_broker_session_and_follows_level_one(
    fake: FakeSchwab,
    market: SchwabMarketData,
    stream_server: FakeSchwabStreamServer,
) -> None:
    fake.streamer_info = stream_server.user_preference()["streamerInfo"][0]
    batches: list[list[Quote]] = []

    async def consume() -> None:
        async for batch in market.stream(["SPY", "SPX"]):
            batches.append(batch)

    task = asyncio.create_task(consume())
    try:
        await eventually(lambda: stream_server.subscribed(EQUITIES))
        await stream_server.push_equity("SPY", bid=561.0, ask=561.02, last=561.01)
        await eventually(lambda: len(batches) >= 2)
        subscribed = stream_server.subscribed(EQUITIES)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert subscribed == {"SPY", "$SPX"}
    await eventually(lambda: not stream_server.live_peers)  # cancelling closes the socket
    snapshot, (spy,) = batches[:2]
    assert [q.symbol for q in snapshot] == ["SPY", "SPX"]
    assert (spy.symbol, spy.bid, spy.ask, spy.last) == ("SPY", 561.0, 561.02, 561.01)
    assert spy.prev_close == 557.5
    assert spy.source == "schwab"
