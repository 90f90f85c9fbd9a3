"""The DXLink streamer against a fake DXLink server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.dxlink_server import FakeDxLinkServer
from tests.unit.adapters.streaming.polling import FAST, UpdateLog, eventually
from workstation.adapters.http import register_secret
from workstation.adapters.streaming import StreamKind, StreamState
from workstation.adapters.tastytrade.streamer import DxLinkStreamer
from workstation.domain.retry import RetryPolicy
from workstation.ports.broker import BrokerAuthError, BrokerUnavailable

TOKEN = "dxlink-token-1"
HANDSHAKE = ["SETUP", "AUTH", "CHANNEL_REQUEST", "FEED_SETUP", "FEED_SUBSCRIPTION"]


class Tokens:
    """A token provider handing out ``queue`` in turn (the last one repeats)."""

    def __init__(self, url: str, *queue: str) -> None:
        self.url, self.queue, self.calls = url, list(queue), 0

    async def __call__(self) -> tuple[str, str]:
        self.calls += 1
        token = self.queue.pop(0) if len(self.queue) > 1 else self.queue[0]
        return token, self.url


@pytest.fixture
async def fake() -> AsyncIterator[FakeDxLinkServer]:
    async with FakeDxLinkServer(TOKEN) as server:
        yield server


def streamer_for(fake: FakeDxLinkServer, *tokens: str, **options: object) -> DxLinkStreamer:
    provider = Tokens(fake.url, *(tokens or (TOKEN,)))
    options.setdefault("policy", FAST)
    return DxLinkStreamer(None, provider, **options)  # type: ignore[arg-type]


async def test_handshake_follows_the_documented_order(fake: FakeDxLinkServer) -> None:
    states: list[StreamState] = []
    streamer = DxLinkStreamer(None, Tokens(fake.url, TOKEN), policy=FAST, on_state=states.append)
    await streamer.subscribe(["SPY"])

    async with streamer:
        await eventually(lambda: fake.subscribed() == {"SPY"})
        assert streamer.state is StreamState.LIVE

    (peer,) = fake.peers
    assert peer.types() == HANDSHAKE
    setup, auth, channel, feed_setup, subscription = peer.received
    assert (setup["keepaliveTimeout"], setup["acceptKeepaliveTimeout"]) == (60, 60)
    assert setup["version"]
    assert auth["token"] == TOKEN
    assert (channel["service"], channel["parameters"]) == ("FEED", {"contract": "AUTO"})
    assert feed_setup["channel"] == channel["channel"] == subscription["channel"]
    assert feed_setup["acceptDataFormat"] == "COMPACT"
    fields = feed_setup["acceptEventFields"]
    assert fields["Quote"] == ["eventSymbol", "bidPrice", "askPrice", "bidSize", "askSize"]
    assert fields["Trade"] == ["eventSymbol", "price", "dayVolume"]
    assert fields["Greeks"][:3] == ["eventSymbol", "eventTime", "price"]
    assert subscription["add"] == [
        {"type": "Quote", "symbol": "SPY"},
        {"type": "Trade", "symbol": "SPY"},
        {"type": "Summary", "symbol": "SPY"},
    ]
    assert fields["Summary"] == ["eventSymbol", "openInterest"]
    assert fake.protocol_errors == []
    assert states == [StreamState.LIVE, StreamState.CLOSED]


async def test_quotes_trades_and_greeks_flow(fake: FakeDxLinkServer) -> None:
    option = ".SPY260618C500"
    streamer = streamer_for(fake)
    await streamer.subscribe(["SPY"])
    await streamer.subscribe([option], [StreamKind.GREEKS])
    log = UpdateLog(streamer)

    async with streamer:
        await eventually(lambda: fake.subscribed("Greeks") == {option})
        await fake.push_quote("SPY", 500.1, 500.2, 10, 12)
        await fake.push_trade("SPY", 500.15, 1_000_000)
        await fake.push_greeks(option, price=12.5, volatility=0.18, delta=0.52)
        await eventually(lambda: log.greeks(option) and len(log.quotes("SPY")) == 2)

    last = log.quotes("SPY")[-1]
    assert (last.bid, last.ask, last.last, last.volume) == (500.1, 500.2, 500.15, 1_000_000)
    assert (last.bid_size, last.ask_size) == (10, 12)
    greeks = log.greeks(option)[0]
    assert (greeks.price, greeks.volatility, greeks.delta) == (12.5, 0.18, 0.52)
    assert log.finished  # updates() ends when the streamer closes


async def test_several_events_in_one_message_with_nan(fake: FakeDxLinkServer) -> None:
    streamer = streamer_for(fake)
    await streamer.subscribe(["SPY", "AAPL"])
    log = UpdateLog(streamer)

    async with streamer:
        await eventually(lambda: fake.subscribed("Quote") == {"SPY", "AAPL"})
        data = ["Quote", ["SPY", 500.1, 500.2, 10, 12, "AAPL", 190.5, "NaN", 3, "NaN"]]
        await fake.send_raw({"type": "FEED_DATA", "channel": 1, "data": data})
        await eventually(lambda: log.batches)

    (batch,) = log.batches
    assert [q.symbol for q in batch] == ["SPY", "AAPL"]


async def test_a_whole_chain_is_subscribed_in_chunks(fake: FakeDxLinkServer) -> None:
    fake.max_entries_per_message = 1000
    symbols = [f".SPX261218{'CP'[i % 2]}{3000 + i}" for i in range(5000)]
    streamer = streamer_for(fake, symbols_per_message=500)
    await streamer.subscribe(symbols, [StreamKind.QUOTE, StreamKind.GREEKS])

    async with streamer:
        await eventually(lambda: len(fake.subscribed("Greeks")) == 5000, timeout=10)
        assert fake.subscribed("Quote") == set(symbols)
        assert fake.oversized_closes == 0
        assert max(fake.subscription_sizes) <= 500
        assert len(fake.peers) == 1


async def test_the_fake_closes_on_an_oversized_subscription(fake: FakeDxLinkServer) -> None:
    fake.max_entries_per_message = 1000
    streamer = streamer_for(fake, symbols_per_message=5000)
    await streamer.subscribe([f"S{i}" for i in range(600)])  # 1200 entries

    async with streamer:
        await eventually(lambda: fake.oversized_closes >= 1)


async def test_subscribe_and_unsubscribe_while_live(fake: FakeDxLinkServer) -> None:
    streamer = streamer_for(fake)

    async with streamer:
        await eventually(lambda: streamer.state is StreamState.LIVE)
        await streamer.subscribe(["SPY", "QQQ"])
        await eventually(lambda: fake.subscribed() == {"SPY", "QQQ"})
        await streamer.unsubscribe(["QQQ"])
        await eventually(lambda: fake.subscribed() == {"SPY"})

    assert streamer.subscriptions == {"SPY": frozenset({StreamKind.QUOTE})}


async def test_keepalive_is_sent_and_keeps_the_socket_open() -> None:
    async with FakeDxLinkServer(TOKEN, keepalive_timeout=0.3) as fake:
        streamer = streamer_for(fake, keepalive_seconds=0.05)
        async with streamer:
            await eventually(lambda: fake.peers and fake.peers[0].keepalives >= 8)

        assert fake.timeouts == 0
        assert len(fake.peers) == 1
        assert fake.peers[0].received[-1] == {"type": "KEEPALIVE", "channel": 0}


async def test_a_silent_client_is_timed_out_and_reconnects() -> None:
    async with FakeDxLinkServer(TOKEN, keepalive_timeout=0.1) as fake:
        streamer = streamer_for(fake, keepalive_seconds=60)
        async with streamer:
            await eventually(lambda: fake.timeouts >= 1 and len(fake.peers) >= 2)


async def test_reconnect_resubscribes_and_data_flows_again(fake: FakeDxLinkServer) -> None:
    states: list[StreamState] = []
    streamer = DxLinkStreamer(None, Tokens(fake.url, TOKEN), policy=FAST, on_state=states.append)
    await streamer.subscribe(["SPY", "AAPL"])
    await streamer.subscribe([".SPY260618C500"], [StreamKind.GREEKS])
    log = UpdateLog(streamer)

    async with streamer:
        await eventually(lambda: len(fake.subscribed()) == 3)
        await fake.drop_all()
        await eventually(lambda: len(fake.peers) == 2 and len(fake.subscribed()) == 3)
        await eventually(lambda: streamer.state is StreamState.LIVE)
        await fake.push_quote("AAPL", 190.0, 190.1)
        await eventually(lambda: log.quotes("AAPL"))

    first, second = fake.peers
    assert first.subscriptions == second.subscriptions
    assert second.types()[:5] == HANDSHAKE
    assert states[:3] == [StreamState.LIVE, StreamState.RECONNECTING, StreamState.LIVE]
    assert streamer.sessions == 2


async def test_token_is_renewed_when_the_server_rejects_it_after_a_reconnect(
    fake: FakeDxLinkServer,
) -> None:
    tokens = Tokens(fake.url, TOKEN, "dxlink-token-2")
    streamer = DxLinkStreamer(None, tokens, policy=FAST)
    await streamer.subscribe(["SPY"])
    log = UpdateLog(streamer)

    async with streamer:
        await eventually(lambda: fake.subscribed() == {"SPY"})
        fake.token = "dxlink-token-2"  # the old token expired on the server's side
        await fake.drop_all()
        await eventually(lambda: len(fake.peers) == 2 and fake.subscribed() == {"SPY"})
        await fake.push_quote("SPY", 1.0, 2.0)
        await eventually(lambda: log.quotes("SPY"))

    assert fake.auth_tokens == [TOKEN, TOKEN, "dxlink-token-2"]
    assert tokens.calls == 2
    assert fake.peers[1].types()[:3] == ["SETUP", "AUTH", "AUTH"]


async def test_a_fresh_token_that_is_refused_ends_the_stream(fake: FakeDxLinkServer) -> None:
    streamer = streamer_for(fake, "not-the-token")

    with pytest.raises(BrokerAuthError, match="freshly issued"):
        await asyncio.wait_for(streamer.run(), 3)

    assert streamer.state is StreamState.CLOSED
    assert fake.auth_tokens == ["not-the-token"]


async def test_an_old_token_is_renewed_before_connecting(fake: FakeDxLinkServer) -> None:
    clock = FixedClock(datetime(2026, 6, 1, 14, 0, tzinfo=UTC))
    tokens = Tokens(fake.url, TOKEN)
    streamer = DxLinkStreamer(None, tokens, policy=FAST, clock=clock)

    async with streamer:
        await eventually(lambda: streamer.state is StreamState.LIVE)
        clock.advance(hours=23, minutes=1)
        await fake.drop_all()
        await eventually(lambda: streamer.sessions == 2)

    assert tokens.calls == 2


async def test_tokens_never_reach_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    canary, renewed = "canary-dxlink-7f3a9", "canary-dxlink-renewed-51c2"
    register_secret(canary, "test canary")
    caplog.set_level(logging.DEBUG)
    async with FakeDxLinkServer(canary) as fake:
        streamer = streamer_for(fake, canary, renewed)
        await streamer.subscribe(["SPY"])
        async with streamer:
            await eventually(lambda: fake.subscribed() == {"SPY"})
            fake.token = renewed
            await fake.drop_all()
            await eventually(lambda: streamer.sessions == 2)

    assert fake.auth_tokens == [canary, canary, renewed]  # the tokens did go over the wire
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert canary not in logged
    assert renewed not in logged
    assert "refused" in caplog.text  # the rejection itself was logged


async def test_reconnects_give_up_when_the_policy_says_so() -> None:
    async with FakeDxLinkServer(TOKEN) as gone:
        url = gone.url  # a 127.0.0.1 port nobody listens on once the fake has stopped
    policy = replace(
        FAST, reconnect=RetryPolicy(base_seconds=0.001, cap_seconds=0.001, max_attempts=3)
    )
    streamer = DxLinkStreamer(None, Tokens(url, TOKEN), policy=policy)

    with pytest.raises(BrokerUnavailable, match="gave up after 3"):
        await asyncio.wait_for(streamer.run(), 3)

    assert streamer.state is StreamState.CLOSED
    assert isinstance(streamer.error, BrokerUnavailable)
