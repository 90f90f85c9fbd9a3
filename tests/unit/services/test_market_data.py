import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.marketdata import ScriptedMarketData
from workstation.domain.events import FeedState, FeedStatusChanged, QuotesUpdated
from workstation.domain.quotes import Quote
from workstation.domain.retry import RetryPolicy
from workstation.ports.marketdata import UnknownSymbol
from workstation.services.events import EventBus
from workstation.services.market_data import MarketDataService

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _quote(symbol: str, last: float, at: datetime = T0) -> Quote:
    return Quote(symbol, last, 100.0, at, source="scripted")


class Recorder:
    def __init__(self, bus: EventBus) -> None:
        self.events: list[object] = []
        bus.subscribe(QuotesUpdated, self.events.append)
        bus.subscribe(FeedStatusChanged, self.events.append)

    def feed_states(self) -> list[FeedState]:
        return [e.state for e in self.events if isinstance(e, FeedStatusChanged)]


def _service(provider, clock=None, sleeps=None):
    bus = EventBus()
    recorder = Recorder(bus)

    async def fake_sleep(seconds: float) -> None:
        (sleeps if sleeps is not None else []).append(seconds)
        await asyncio.sleep(0)

    service = MarketDataService(
        provider,
        clock or FixedClock(T0),
        bus,
        stale_after_seconds=15,
        retry=RetryPolicy(1.0, 8.0, max_attempts=4),
        sleep=fake_sleep,
    )
    return service, recorder


async def test_refresh_remembers_and_publishes():
    service, recorder = _service(ScriptedMarketData({"SPY": _quote("SPY", 101.0)}))
    [quote] = await service.refresh(["SPY"])
    assert service.latest("SPY") == quote
    assert isinstance(recorder.events[0], QuotesUpdated)


async def test_failed_refresh_keeps_the_last_good_quote():
    service, _ = _service(ScriptedMarketData({"SPY": _quote("SPY", 101.0)}))
    await service.refresh(["SPY"])
    with pytest.raises(UnknownSymbol):
        await service.refresh(["SPY", "NOPE"])
    assert service.latest("SPY").last == 101.0


def test_older_quotes_do_not_replace_newer_ones():
    service, _ = _service(ScriptedMarketData({}))
    service.seed([_quote("SPY", 101.0, T0)])
    service.seed([_quote("SPY", 99.0, T0 - timedelta(minutes=5))])
    assert service.latest("SPY").last == 101.0


def test_status_says_since_when_a_quote_is_stale():
    clock = FixedClock(T0)
    service, _ = _service(ScriptedMarketData({}), clock)
    service.seed([_quote("SPY", 101.0, T0)])
    [fresh, missing] = service.status(["SPY", "QQQ"])
    assert fresh.stale_since is None
    assert missing.quote is None
    assert missing.stale_since is None
    clock.advance(seconds=16)
    [stale, _] = service.status(["SPY", "QQQ"])
    assert stale.stale_since == T0


async def test_stream_reconnects_with_backoff_and_goes_live_again():
    script = [
        ConnectionError("reset by peer"),
        [[_quote("SPY", 101.0)], [_quote("SPY", 102.0, T0 + timedelta(seconds=1))]],
    ]
    provider = ScriptedMarketData({}, script)
    sleeps: list[float] = []
    service, recorder = _service(provider, sleeps=sleeps)
    task = asyncio.create_task(service.run_stream(["SPY"]))
    for _ in range(50):
        await asyncio.sleep(0)
    assert service.latest("SPY").last == 102.0
    assert provider.stream_opens == 2
    assert len(sleeps) == 1
    assert 0 <= sleeps[0] <= 1.0
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert recorder.feed_states() == [
        FeedState.CONNECTING,
        FeedState.RECONNECTING,
        FeedState.LIVE,
        FeedState.STOPPED,
    ]


async def test_stream_gives_up_after_the_policy_and_says_so():
    provider = ScriptedMarketData({}, [OSError("down")] * 4)
    service, recorder = _service(provider)
    with pytest.raises(OSError, match="down"):
        await service.run_stream(["SPY"])
    assert recorder.feed_states()[-1] is FeedState.STOPPED
    stopped = recorder.events[-1]
    assert "gave up after 4 attempts" in stopped.detail
