import asyncio
import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from tests.fakes.clock import FixedClock
from tests.unit.adapters.marketdata.demo.conftest import SATURDAY, SEED, TUESDAY_MIDDAY
from workstation.adapters.marketdata.demo import DemoMarketData
from workstation.adapters.marketdata.demo.market import DemoMarket
from workstation.domain.bars import Timeframe
from workstation.engines.sessions import MarketState
from workstation.ports.marketdata import UnknownSymbol

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


class ClockSleep:
    """An injected sleep that advances a FixedClock instead of waiting."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.clock.advance(seconds=seconds)


async def take(md: DemoMarketData, symbols: list[str], count: int) -> list[list]:
    batches = []
    async for batch in md.stream(symbols):
        batches.append(batch)
        if len(batches) == count:
            break
    return batches


@pytest.mark.parametrize("rate", [3.0, 5.0])
def test_stream_yields_at_the_configured_rate(rate):
    clock = FixedClock(TUESDAY_MIDDAY)
    sleep = ClockSleep(clock)
    md = DemoMarketData(clock, SEED, ticks_per_second=rate, sleep=sleep)
    batches = asyncio.run(take(md, ["SPY", "SPX", "AAPL"], 31))
    assert len(sleep.calls) == 30  # a pause between every two batches: no busy loop
    assert sleep.calls == pytest.approx([1 / rate] * 30)
    assert [q.symbol for q in batches[-1]] == ["SPY", "SPX", "AAPL"]
    elapsed = (batches[-1][0].ts - batches[0][0].ts).total_seconds()
    assert elapsed == pytest.approx(30 / rate)


def test_live_ticks_follow_the_minute_bars():
    clock = FixedClock(TUESDAY_MIDDAY)
    md = DemoMarketData(clock, SEED, sleep=ClockSleep(clock))
    batches = asyncio.run(take(md, ["SPY", "SPX"], 600))  # 200 seconds of ticks
    market = DemoMarket(SEED)
    end = clock.now() + timedelta(minutes=5)
    bars = {s: market.minute_bars(s, end) for s in ("SPY", "SPX")}
    for batch in batches:
        for quote in batch:
            b = bars[quote.symbol]
            bar = b[np.searchsorted(b["ts"], quote.ts.timestamp(), side="right") - 1]
            assert bar["low"] <= quote.last <= bar["high"]
            if quote.ts.timestamp() == bar["ts"]:
                assert quote.last == bar["open"]


def test_the_live_quote_is_the_running_bar_close(live_market):
    quote = live_market.quote("TSLA", TUESDAY_MIDDAY)
    minutes = live_market.minute_bars("TSLA", TUESDAY_MIDDAY)
    daily = live_market.daily_bars("TSLA", TUESDAY_MIDDAY)
    assert quote.last == minutes["close"][-1]
    assert quote.prev_close == daily["close"][-2]
    assert quote.volume == daily["volume"][-1]
    assert quote.ts == TUESDAY_MIDDAY


def test_quotes_carry_spreads_except_for_indices(live_market):
    spy = live_market.quote("SPY", TUESDAY_MIDDAY)
    tsla = live_market.quote("TSLA", TUESDAY_MIDDAY)
    vix = live_market.quote("VIX", TUESDAY_MIDDAY)
    assert spy.ask - spy.bid == pytest.approx(0.01)
    assert spy.bid <= spy.last <= spy.ask
    assert tsla.ask - tsla.bid == pytest.approx(0.03)
    assert math.isnan(vix.bid)
    assert math.isnan(vix.ask)
    assert vix.volume == 0.0
    assert spy.source == "demo"


def test_after_hours_the_stream_walks_near_the_close():
    clock = FixedClock(SATURDAY)
    md = DemoMarketData(clock, SEED, sleep=ClockSleep(clock))
    assert md.market_status().state is MarketState.CLOSED
    assert not md.market_status().is_open
    batches = asyncio.run(take(md, ["SPY", "NDX"], 400))
    spy = np.array([b[0].last for b in batches])
    close = DemoMarket(SEED).daily_bars("SPY", SATURDAY)["close"][-1]
    assert len(np.unique(spy)) > 10  # it moves
    assert np.all(np.abs(spy / close - 1) < 0.01)  # but stays near Friday's close
    assert all(b[0].prev_close == batches[0][0].prev_close for b in batches)


def test_the_after_hours_walk_is_deterministic_from_its_start():
    def walk(start: datetime) -> list[float]:
        clock = FixedClock(start)
        md = DemoMarketData(clock, SEED, sleep=ClockSleep(clock))
        return [b[0].last for b in asyncio.run(take(md, ["QQQ"], 50))]

    assert walk(SATURDAY) == walk(SATURDAY)
    assert walk(SATURDAY) != walk(SATURDAY + timedelta(minutes=7))


def test_cancelling_the_stream_ends_it_cleanly():
    async def scenario() -> asyncio.Task[None]:
        md = DemoMarketData(FixedClock(TUESDAY_MIDDAY), SEED, ticks_per_second=50.0)
        received = asyncio.Event()

        async def consume() -> None:
            async for _ in md.stream(["SPY"]):
                received.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(received.wait(), timeout=10)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return task

    task = asyncio.run(scenario())
    assert task.cancelled()


def test_stream_of_an_unknown_symbol_fails_at_once():
    md = DemoMarketData(FixedClock(TUESDAY_MIDDAY), SEED)
    with pytest.raises(UnknownSymbol, match="'NOPE'"):
        asyncio.run(take(md, ["SPY", "NOPE"], 1))


def test_provider_serves_the_port(live_market):
    md = DemoMarketData(FixedClock(TUESDAY_MIDDAY), SEED)
    assert md.name == "demo"
    assert md.symbols() == ["SPY", "QQQ", "IWM", "AAPL", "MSFT", "NVDA", "TSLA", "AMZN"]
    assert md.indices() == ["SPX", "NDX", "DJI", "RUT", "VIX"]
    assert md.description("aapl") == "Apple Inc."
    series = asyncio.run(md.bars("spy", Timeframe.M5, *EVER))
    assert series.symbol == "SPY"
    assert series.timeframe is Timeframe.M5
    quotes = asyncio.run(md.quotes(["AAPL", "SPX"]))
    assert [q.symbol for q in quotes] == ["AAPL", "SPX"]
    assert quotes[0] == live_market.quote("AAPL", TUESDAY_MIDDAY)
    with pytest.raises(ValueError, match="ticks_per_second"):
        DemoMarketData(FixedClock(TUESDAY_MIDDAY), ticks_per_second=0)
