"""A fake DXLink (dxFeed) websocket server for the tastytrade streamer tests.

A real ``websockets`` server on 127.0.0.1 (an OS-chosen port) that speaks
the handshake (SETUP, AUTH_STATE, AUTH, CHANNEL_REQUEST/OPENED,
FEED_SETUP/CONFIG), checks the token (a wrong one gets ``ERROR
UNAUTHORIZED`` and ``AUTH_STATE UNAUTHORIZED``, as DXLink does), records
every message and subscription, pushes COMPACT ``FEED_DATA`` for subscribed
symbols on demand, closes with 1009 when one FEED_SUBSCRIPTION carries more
than ``max_entries_per_message`` entries, times out a client that sends
nothing for ``keepalive_timeout`` seconds (``ERROR TIMEOUT``, then close),
and drops every connection on command.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

# The order a client must follow; a message before its prerequisite is a protocol error.
_REQUIRES = {
    "AUTH": "setup",
    "CHANNEL_REQUEST": "authorized",
    "FEED_SETUP": "channel_open",
    "FEED_SUBSCRIPTION": "feed_ready",
}


@dataclass
class DxLinkPeer:
    """One client connection as the fake sees it."""

    ws: ServerConnection
    received: list[dict[str, Any]] = field(default_factory=list)
    setup: bool = False
    authorized: bool = False
    channel_open: bool = False
    feed_ready: bool = False
    fields: dict[str, list[str]] = field(default_factory=dict)
    subscriptions: set[tuple[str, str]] = field(default_factory=set)
    keepalives: int = 0
    closed: bool = False

    def types(self) -> list[str]:
        """Return the message types this client sent, in order."""
        return [str(message.get("type")) for message in self.received]


class FakeDxLinkServer:
    """A DXLink server for tests. ``async with FakeDxLinkServer(...) as fake: fake.url``."""

    def __init__(
        self,
        token: str = "dxlink-token",
        *,
        max_entries_per_message: int | None = None,
        keepalive_timeout: float = 60.0,
    ) -> None:
        self.token = token
        self.max_entries_per_message = max_entries_per_message
        self.keepalive_timeout = keepalive_timeout
        self.peers: list[DxLinkPeer] = []
        self.auth_tokens: list[str] = []
        self.protocol_errors: list[str] = []
        self.subscription_sizes: list[int] = []
        self.oversized_closes = 0
        self.timeouts = 0
        #: The latest event per (type, symbol), sent at once to a new subscriber as a real
        #: feed does (``set_book``); empty: nothing is sent until a test pushes.
        self.book: dict[tuple[str, str], dict[str, Any]] = {}
        self._server: Server | None = None

    # ------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        self._server = await serve(self._handle, "127.0.0.1", 0, max_size=None)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        """Return the ``ws://127.0.0.1:<port>`` address to connect to."""
        assert self._server is not None
        host, port = next(iter(self._server.sockets)).getsockname()[:2]
        return f"ws://{host}:{port}"

    @property
    def live_peers(self) -> list[DxLinkPeer]:
        """Return the connections still open."""
        return [peer for peer in self.peers if not peer.closed]

    def subscribed(self, event_type: str | None = None) -> set[str]:
        """Return the symbols the open connections subscribe to (optionally of one type)."""
        return {
            symbol
            for peer in self.live_peers
            for kind, symbol in peer.subscriptions
            if event_type is None or kind == event_type
        }

    # ------------------------------------------------------------ pushing data

    def set_book(self, events: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        """Remember ``events`` (by type) as each symbol's latest, answered on subscription."""
        for kind, batch in events.items():
            for event in batch:
                self.book[(kind, str(event["eventSymbol"]))] = dict(event)

    async def push(self, events: Mapping[str, Sequence[Mapping[str, Any]]]) -> int:
        """Send one FEED_DATA with ``events`` (by type) to each subscriber; return how many."""
        sent = 0
        for peer in self.live_peers:
            data = self._compact(peer, events)
            if data:
                await self._send(peer, {"type": "FEED_DATA", "channel": 1, "data": data})
                sent += 1
        return sent

    async def push_quote(
        self,
        symbol: str,
        bid: float,
        ask: float,
        bid_size: float = math.nan,
        ask_size: float = math.nan,
    ) -> int:
        """Send a Quote event for ``symbol``."""
        event = {"bidPrice": bid, "askPrice": ask, "bidSize": bid_size, "askSize": ask_size}
        return await self.push({"Quote": [{"eventSymbol": symbol, **event}]})

    async def push_trade(self, symbol: str, price: float, day_volume: float) -> int:
        """Send a Trade event for ``symbol``."""
        event = {"eventSymbol": symbol, "price": price, "dayVolume": day_volume}
        return await self.push({"Trade": [event]})

    async def push_greeks(self, symbol: str, event_time: int = 0, **greeks: float) -> int:
        """Send a Greeks event (``price``, ``volatility``, ``delta``, ... as keywords)."""
        return await self.push(
            {"Greeks": [{"eventSymbol": symbol, "eventTime": event_time, **greeks}]}
        )

    async def send_raw(self, message: Mapping[str, Any]) -> None:
        """Send ``message`` as it is to every open connection."""
        for peer in self.live_peers:
            await self._send(peer, message)

    async def drop_all(self) -> None:
        """Cut every connection without a closing handshake (a network drop)."""
        for peer in self.live_peers:
            peer.closed = True
            peer.ws.transport.abort()

    # ------------------------------------------------------------ protocol

    async def _handle(self, ws: ServerConnection) -> None:
        peer = DxLinkPeer(ws)
        self.peers.append(peer)
        try:
            while True:
                try:
                    raw = await asyncio.wait_for(ws.recv(), self.keepalive_timeout)
                except TimeoutError:
                    await self._time_out(peer)
                    return
                message = json.loads(raw)
                peer.received.append(message)
                await self._on_message(peer, message)
        except ConnectionClosed:
            pass
        finally:
            peer.closed = True

    async def _on_message(self, peer: DxLinkPeer, message: dict[str, Any]) -> None:
        kind = str(message.get("type"))
        needed = _REQUIRES.get(kind)
        if needed is not None and not getattr(peer, needed):
            self.protocol_errors.append(f"{kind} before {needed}")
        handler = getattr(self, f"_on_{kind.lower()}", None)
        if handler is None:
            self.protocol_errors.append(f"unknown message type {kind}")
            return
        await handler(peer, message)

    async def _on_setup(self, peer: DxLinkPeer, message: dict[str, Any]) -> None:
        peer.setup = True
        await self._send(peer, {
            "type": "SETUP", "channel": 0, "version": "1.0-fake",
            "keepaliveTimeout": message.get("keepaliveTimeout", 60),
            "acceptKeepaliveTimeout": message.get("acceptKeepaliveTimeout", 60),
        })  # fmt: skip
        await self._send(peer, {"type": "AUTH_STATE", "channel": 0, "state": "UNAUTHORIZED"})

    async def _on_auth(self, peer: DxLinkPeer, message: dict[str, Any]) -> None:
        token = str(message.get("token"))
        self.auth_tokens.append(token)
        if token == self.token:
            peer.authorized = True
            reply = {"type": "AUTH_STATE", "channel": 0, "state": "AUTHORIZED", "userId": "u1"}
            await self._send(peer, reply)
            return
        peer.authorized = False
        error = {"type": "ERROR", "channel": 0, "error": "UNAUTHORIZED", "message": "bad token"}
        await self._send(peer, error)
        await self._send(peer, {"type": "AUTH_STATE", "channel": 0, "state": "UNAUTHORIZED"})

    async def _on_keepalive(self, peer: DxLinkPeer, message: dict[str, Any]) -> None:
        peer.keepalives += 1

    async def _on_channel_request(self, peer: DxLinkPeer, message: dict[str, Any]) -> None:
        peer.channel_open = peer.authorized
        reply = {key: message.get(key) for key in ("channel", "service", "parameters")}
        await self._send(peer, {"type": "CHANNEL_OPENED", **reply})

    async def _on_feed_setup(self, peer: DxLinkPeer, message: dict[str, Any]) -> None:
        if message.get("acceptDataFormat") != "COMPACT":
            self.protocol_errors.append("FEED_SETUP without acceptDataFormat COMPACT")
        peer.fields = {k: list(v) for k, v in message.get("acceptEventFields", {}).items()}
        peer.feed_ready = True
        await self._send(peer, {
            "type": "FEED_CONFIG", "channel": message.get("channel"),
            "aggregationPeriod": message.get("acceptAggregationPeriod", 0.1),
            "dataFormat": "COMPACT", "eventFields": peer.fields,
        })  # fmt: skip

    async def _on_feed_subscription(self, peer: DxLinkPeer, message: dict[str, Any]) -> None:
        add, remove = message.get("add", []), message.get("remove", [])
        size = len(add) + len(remove)
        self.subscription_sizes.append(size)
        if self.max_entries_per_message is not None and size > self.max_entries_per_message:
            self.oversized_closes += 1
            await peer.ws.close(1009, "message too big")
            return
        added = {(entry["type"], entry["symbol"]) for entry in add}
        peer.subscriptions |= added
        peer.subscriptions -= {(entry["type"], entry["symbol"]) for entry in remove}
        known: dict[str, list[Mapping[str, Any]]] = {}
        for key in sorted(added & self.book.keys()):
            known.setdefault(key[0], []).append(self.book[key])
        data = self._compact(peer, known)
        if data:
            await self._send(peer, {"type": "FEED_DATA", "channel": 1, "data": data})

    async def _time_out(self, peer: DxLinkPeer) -> None:
        self.timeouts += 1
        with contextlib.suppress(ConnectionClosed):
            error = {"type": "ERROR", "channel": 0, "error": "TIMEOUT", "message": "no keepalive"}
            await self._send(peer, error)
            await peer.ws.close(1000, "keepalive timeout")

    def _compact(
        self, peer: DxLinkPeer, events: Mapping[str, Sequence[Mapping[str, Any]]]
    ) -> list[Any]:
        data: list[Any] = []
        for kind, batch in events.items():
            names = peer.fields.get(kind)
            wanted = [e for e in batch if (kind, e["eventSymbol"]) in peer.subscriptions]
            if names and wanted:
                data += [kind, [_wire(event.get(name)) for event in wanted for name in names]]
        return data

    @staticmethod
    async def _send(peer: DxLinkPeer, message: Mapping[str, Any]) -> None:
        with contextlib.suppress(ConnectionClosed):
            await peer.ws.send(json.dumps(message))


def _wire(value: Any) -> Any:
    """Encode a value as DXLink does: NaN (and unknown) as the string "NaN"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NaN"
    return value


class TickingDxLink:
    """A FakeDxLinkServer in a daemon thread that moves ``prices`` every ``every`` seconds.

    For manual runs (``tests.fakes.serve_brokers``): each tick sends a Quote
    and a Trade per symbol after a small seeded random walk; ``contracts``
    (streamer symbol -> (bid, ask, iv, delta, open interest)) are answered on
    subscription so option chains price.
    """

    def __init__(
        self,
        token: str,
        prices: Mapping[str, float],
        contracts: Mapping[str, tuple[float, float, float, float, int]],
        every: float = 0.5,
    ) -> None:
        self.fake = FakeDxLinkServer(token)
        self._prices = dict(prices)
        self._contracts = dict(contracts)
        self._every = every
        self._rng = random.Random(7)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-dxlink", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fake DXLink server did not start")
        self.url = self.fake.url

    def stop(self) -> None:
        """Stop ticking and close the server."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self.fake.__aenter__())
        self.fake.set_book(self._book())
        self._ready.set()
        ticking = self._loop.create_task(self._tick())
        self._loop.run_forever()
        ticking.cancel()
        self._loop.run_until_complete(asyncio.gather(ticking, return_exceptions=True))
        self._loop.run_until_complete(self.fake.__aexit__(None, None, None))
        self._loop.close()

    def _book(self) -> dict[str, list[dict[str, Any]]]:
        book: dict[str, list[dict[str, Any]]] = {"Quote": [], "Trade": [], "Summary": [],
                                                 "Greeks": []}  # fmt: skip
        for symbol, (bid, ask, iv, delta, oi) in self._contracts.items():
            book["Quote"].append({"eventSymbol": symbol, "bidPrice": bid, "askPrice": ask,
                                  "bidSize": 10, "askSize": 10})  # fmt: skip
            book["Trade"].append({"eventSymbol": symbol, "price": round((bid + ask) / 2, 2),
                                  "dayVolume": oi // 10})  # fmt: skip
            book["Summary"].append({"eventSymbol": symbol, "openInterest": oi})
            book["Greeks"].append({"eventSymbol": symbol, "eventTime": 0, "volatility": iv,
                                   "delta": delta, "price": (bid + ask) / 2})  # fmt: skip
        return book

    async def _tick(self) -> None:
        volume = 1_000_000
        while True:
            await asyncio.sleep(self._every)
            volume += 1_000
            for symbol, before in self._prices.items():
                price = round(before * (1 + self._rng.gauss(0, 0.0005)), 2)
                self._prices[symbol] = price
                await self.fake.push_quote(symbol, price - 0.01, price + 0.01)
                await self.fake.push_trade(symbol, price, volume)
