"""The Schwab streamer against a fake Schwab streamer server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from tests.fakes.schwab_stream_server import (
    CHANNEL,
    CORREL_ID,
    CUSTOMER_ID,
    FUNCTION_ID,
    FakeSchwabStreamServer,
)
from tests.unit.adapters.streaming.polling import FAST, UpdateLog, eventually
from workstation.adapters.http import register_secret
from workstation.adapters.schwab.streamer import (
    EQUITIES,
    OPTIONS,
    SchwabStreamer,
    StreamerInfo,
    parse_streamer_info,
    wire_key,
)
from workstation.adapters.streaming import StreamKind, StreamState
from workstation.ports.broker import BrokerAuthError, BrokerDataError

TOKEN = "schwab-access-1"
OPTION = "AAPL  261218C00200000"


class AccessTokens:
    """An access-token provider: ``current`` normally, ``refreshed`` when asked to refresh."""

    def __init__(self, current: str, refreshed: str | None = None) -> None:
        self.current, self.refreshed = current, refreshed or current
        self.calls: list[bool] = []

    async def __call__(self, force_refresh: bool) -> str:
        self.calls.append(force_refresh)
        if force_refresh:
            self.current = self.refreshed
        return self.current


@pytest.fixture
async def fake() -> AsyncIterator[FakeSchwabStreamServer]:
    async with FakeSchwabStreamServer(TOKEN) as server:
        yield server


def streamer_for(
    fake: FakeSchwabStreamServer, tokens: AccessTokens | None = None, **options: Any
) -> SchwabStreamer:
    async def preferences() -> dict[str, Any]:
        return fake.user_preference()

    options.setdefault("policy", FAST)
    return SchwabStreamer(preferences, tokens or AccessTokens(TOKEN), **options)


# ------------------------------------------------------------------ streamer info and keys


def test_parse_streamer_info_from_user_preference() -> None:
    answer = {
        "streamerInfo": [
            {
                "streamerSocketUrl": "wss://streamer-api.schwab.com/ws",
                "schwabClientCustomerId": "c1",
                "schwabClientCorrelId": "k1",
                "schwabClientChannel": "N9",
                "schwabClientFunctionId": "APIAPP",
            }
        ]
    }

    assert parse_streamer_info(answer) == StreamerInfo(
        "wss://streamer-api.schwab.com/ws", "c1", "k1", "N9", "APIAPP"
    )


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"streamerInfo": []}, "streamerInfo"),
        ({"streamerInfo": [{"streamerSocketUrl": "wss://x"}]}, "schwabClientCustomerId"),
        ({"streamerSocketUrl": 5}, "streamerSocketUrl"),
    ],
)
def test_parse_streamer_info_names_the_missing_field(answer: dict[str, Any], field: str) -> None:
    with pytest.raises(BrokerDataError, match=field):
        parse_streamer_info(answer)


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ("AAPL", (EQUITIES, "AAPL")),
        ("$SPX", (EQUITIES, "$SPX")),
        ("AAPL261218C00200000", (OPTIONS, OPTION)),
        (OPTION, (OPTIONS, OPTION)),
    ],
)
def test_wire_key(symbol: str, expected: tuple[str, str]) -> None:
    assert wire_key(symbol) == expected


# ------------------------------------------------------------------ the session


async def test_login_then_subscriptions(fake: FakeSchwabStreamServer) -> None:
    streamer = streamer_for(fake)
    await streamer.subscribe(["AAPL", "MSFT", "AAPL261218C00200000"])

    async with streamer:
        await eventually(lambda: fake.subscribed(OPTIONS) == {OPTION})
        assert fake.subscribed(EQUITIES) == {"AAPL", "MSFT"}
        assert streamer.state is StreamState.LIVE

    (peer,) = fake.peers
    assert peer.commands() == ["ADMIN LOGIN", f"{EQUITIES} ADD", f"{OPTIONS} ADD"]
    login, equities, options = peer.requests
    assert login["SchwabClientCustomerId"] == CUSTOMER_ID
    assert login["SchwabClientCorrelId"] == CORREL_ID
    assert login["parameters"] == {
        "Authorization": TOKEN,
        "SchwabClientChannel": CHANNEL,
        "SchwabClientFunctionId": FUNCTION_ID,
    }
    assert equities["parameters"]["keys"] == "AAPL,MSFT"
    assert equities["parameters"]["fields"].split(",")[:4] == ["0", "1", "2", "3"]
    assert {"28", "10", "37"} <= set(options["parameters"]["fields"].split(","))
    assert len({r["requestid"] for r in peer.requests}) == 3
    assert fake.protocol_errors == []


async def test_partial_updates_merge_into_the_last_full_state(fake: FakeSchwabStreamServer) -> None:
    streamer = streamer_for(fake)
    await streamer.subscribe(["AAPL"])
    log = UpdateLog(streamer)

    async with streamer:
        await eventually(lambda: fake.subscribed(EQUITIES) == {"AAPL"})
        await fake.push_equity("AAPL", bid=190.0, ask=190.1, last=190.05, volume=1000)
        await fake.push_equity("AAPL", ask=190.2)
        await fake.push_equity("AAPL", last=190.15, volume=1500)
        await eventually(lambda: len(log.quotes("AAPL")) == 3)

    first, second, third = log.quotes("AAPL")
    assert (first.bid, first.ask, first.last, first.volume) == (190.0, 190.1, 190.05, 1000)
    assert math.isnan(first.bid_size)
    assert (second.bid, second.ask, second.last) == (190.0, 190.2, 190.05)
    assert (third.bid, third.ask, third.last, third.volume) == (190.0, 190.2, 190.15, 1500)


async def test_option_volatility_percent_becomes_a_fraction(fake: FakeSchwabStreamServer) -> None:
    streamer = streamer_for(fake)
    await streamer.subscribe([OPTION], [StreamKind.QUOTE, StreamKind.GREEKS])
    log = UpdateLog(streamer)
    fields = {2: 5.1, 3: 5.3, 4: 5.2, 8: 321, 10: 27.5, 16: 4, 17: 7, 28: 0.45, 29: 0.02,
              30: -0.08, 31: 0.3, 32: -999.0, 37: 5.2, 38: 1_780_000_000_000}  # fmt: skip

    async with streamer:
        await eventually(lambda: fake.subscribed(OPTIONS) == {OPTION})
        await fake.push(OPTIONS, [(OPTION, fields)])
        await eventually(lambda: log.greeks(OPTION) and log.quotes(OPTION))

    quote, greeks = log.quotes(OPTION)[0], log.greeks(OPTION)[0]
    assert (quote.bid, quote.ask, quote.last, quote.volume) == (5.1, 5.3, 5.2, 321)
    assert (quote.bid_size, quote.ask_size) == (4, 7)
    assert greeks.volatility == pytest.approx(0.275)
    assert (greeks.price, greeks.delta, greeks.gamma, greeks.theta, greeks.vega) == (
        5.2, 0.45, 0.02, -0.08, 0.3
    )  # fmt: skip
    assert math.isnan(greeks.rho)  # -999: Schwab could not compute it
    assert greeks.ts.timestamp() == 1_780_000_000


async def test_greeks_are_only_emitted_when_asked(fake: FakeSchwabStreamServer) -> None:
    streamer = streamer_for(fake)
    await streamer.subscribe([OPTION])
    log = UpdateLog(streamer)

    async with streamer:
        await eventually(lambda: fake.subscribed(OPTIONS) == {OPTION})
        await fake.push(OPTIONS, [(OPTION, {2: 5.1, 28: 0.45})])
        await eventually(lambda: log.quotes(OPTION))

    assert log.greeks(OPTION) == []


async def test_heartbeats_keep_the_session_and_emit_nothing() -> None:
    policy = replace(FAST, idle_timeout_seconds=0.25)
    async with FakeSchwabStreamServer(TOKEN, heartbeat_seconds=0.05) as fake:
        streamer = streamer_for(fake, policy=policy)
        log = UpdateLog(streamer)
        async with streamer:
            await eventually(lambda: streamer.heartbeats >= 10)
            assert len(fake.peers) == 1
            assert streamer.sessions == 1
        assert log.batches == []


async def test_silence_counts_as_a_dead_socket() -> None:
    policy = replace(FAST, idle_timeout_seconds=0.1)
    async with FakeSchwabStreamServer(TOKEN) as fake:
        streamer = streamer_for(fake, policy=policy)
        async with streamer:
            await eventually(lambda: streamer.sessions >= 2)


async def test_reconnect_logs_in_again_and_resubscribes(fake: FakeSchwabStreamServer) -> None:
    states: list[StreamState] = []
    streamer = streamer_for(fake, on_state=states.append)
    await streamer.subscribe(["AAPL", OPTION])
    log = UpdateLog(streamer)

    async with streamer:
        await eventually(lambda: fake.subscribed(OPTIONS) == {OPTION})
        await fake.drop_all()
        await eventually(lambda: len(fake.peers) == 2 and fake.subscribed(EQUITIES) == {"AAPL"})
        await eventually(lambda: fake.subscribed(OPTIONS) == {OPTION})
        await fake.push_equity("AAPL", bid=1.0, ask=2.0)
        await eventually(lambda: log.quotes("AAPL"))

    assert fake.peers[1].commands()[0] == "ADMIN LOGIN"
    assert fake.peers[0].keys == fake.peers[1].keys
    assert states[:3] == [StreamState.LIVE, StreamState.RECONNECTING, StreamState.LIVE]


async def test_unsubscribe_while_live(fake: FakeSchwabStreamServer) -> None:
    streamer = streamer_for(fake)
    await streamer.subscribe(["AAPL", "MSFT"])
    await streamer.subscribe([OPTION], [StreamKind.QUOTE, StreamKind.GREEKS])

    async with streamer:
        await eventually(lambda: fake.subscribed(EQUITIES) == {"AAPL", "MSFT"})
        await streamer.unsubscribe(["MSFT"])
        await streamer.unsubscribe([OPTION], [StreamKind.GREEKS])  # quotes still wanted
        await eventually(lambda: fake.subscribed(EQUITIES) == {"AAPL"})
        assert fake.subscribed(OPTIONS) == {OPTION}

    assert fake.peers[0].commands()[-1] == f"{EQUITIES} UNSUBS"


async def test_many_keys_are_sent_in_chunks(fake: FakeSchwabStreamServer) -> None:
    fake.max_keys_per_request = 1000
    keys = [f"SYM{i}" for i in range(3000)]
    streamer = streamer_for(fake, keys_per_request=500)
    await streamer.subscribe(keys)

    async with streamer:
        await eventually(lambda: len(fake.subscribed(EQUITIES)) == 3000)

    assert fake.oversized_closes == 0
    assert fake.peers[0].commands().count(f"{EQUITIES} ADD") == 6


async def test_login_denied_refreshes_the_token_once(fake: FakeSchwabStreamServer) -> None:
    fake.access_token = "schwab-access-2"  # the streamer's cached token went stale
    tokens = AccessTokens(TOKEN, refreshed="schwab-access-2")
    streamer = streamer_for(fake, tokens)
    await streamer.subscribe(["AAPL"])

    async with streamer:
        await eventually(lambda: fake.subscribed(EQUITIES) == {"AAPL"})

    assert fake.login_tokens == [TOKEN, "schwab-access-2"]
    assert tokens.calls == [False, True]


async def test_a_refreshed_token_that_is_denied_ends_the_stream(
    fake: FakeSchwabStreamServer,
) -> None:
    streamer = streamer_for(fake, AccessTokens("wrong-1", refreshed="wrong-2"))

    with pytest.raises(BrokerAuthError, match="log in to Schwab again"):
        await asyncio.wait_for(streamer.run(), 3)

    assert fake.login_tokens == ["wrong-1", "wrong-2"]
    assert streamer.state is StreamState.CLOSED


async def test_tokens_never_reach_the_logs(
    fake: FakeSchwabStreamServer, caplog: pytest.LogCaptureFixture
) -> None:
    canary, refreshed = "canary-schwab-0d41e", "canary-schwab-refreshed-9ab2"
    register_secret(canary, "test canary")
    caplog.set_level(logging.DEBUG)
    fake.access_token = refreshed
    streamer = streamer_for(fake, AccessTokens(canary, refreshed=refreshed))
    await streamer.subscribe(["AAPL"])

    async with streamer:
        await eventually(lambda: fake.subscribed(EQUITIES) == {"AAPL"})
        await fake.drop_all()
        await eventually(lambda: streamer.sessions == 2)

    assert fake.login_tokens[:2] == [canary, refreshed]
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert canary not in logged
    assert refreshed not in logged
    assert "LOGIN denied" in caplog.text


async def test_a_malformed_field_is_skipped_without_poisoning_the_state(
    fake: FakeSchwabStreamServer,
) -> None:
    streamer = streamer_for(fake)
    await streamer.subscribe(["AAPL"])
    log = UpdateLog(streamer)

    async with streamer:
        await eventually(lambda: fake.subscribed(EQUITIES) == {"AAPL"})
        await fake.push_equity("AAPL", bid=190.0, ask=190.1)
        await fake.push_equity("AAPL", bid="not a price")
        await fake.push_equity("AAPL", ask=190.3)
        await eventually(lambda: len(log.quotes("AAPL")) == 2)

    assert (log.quotes("AAPL")[-1].bid, log.quotes("AAPL")[-1].ask) == (190.0, 190.3)
