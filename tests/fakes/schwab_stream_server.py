"""A fake Schwab streamer websocket server for the Schwab streamer tests.

A real ``websockets`` server on 127.0.0.1 (an OS-chosen port). It answers
``ADMIN LOGIN`` (code 0, or code 3 "login denied" and a close when the
access token or ids are wrong), keeps SUBS/ADD/UNSUBS per service and
connection, pushes level-one data for subscribed keys on demand (only the
fields the client asked for, or a partial update), sends heartbeats in
``notify`` on demand or every ``heartbeat_seconds``, closes with 1009 when
one request carries more than ``max_keys_per_request`` keys, and drops
every connection on command.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

CUSTOMER_ID = "fake-customer-1"
CORREL_ID = "fake-correl-1"
CHANNEL = "N9"
FUNCTION_ID = "APIAPP"


@dataclass
class SchwabPeer:
    """One client connection as the fake sees it."""

    ws: ServerConnection
    requests: list[dict[str, Any]] = field(default_factory=list)
    logged_in: bool = False
    keys: dict[str, set[str]] = field(default_factory=dict)
    fields: dict[str, set[str]] = field(default_factory=dict)
    closed: bool = False

    def commands(self) -> list[str]:
        """Return ``SERVICE COMMAND`` of each request, in order."""
        return [f"{r.get('service')} {r.get('command')}" for r in self.requests]


class FakeSchwabStreamServer:
    """A Schwab streamer for tests. ``async with FakeSchwabStreamServer(...) as fake``."""

    def __init__(
        self,
        access_token: str = "schwab-access-token",
        *,
        max_keys_per_request: int | None = None,
        heartbeat_seconds: float | None = None,
    ) -> None:
        self.access_token = access_token
        self.max_keys_per_request = max_keys_per_request
        self.heartbeat_seconds = heartbeat_seconds
        self.peers: list[SchwabPeer] = []
        self.login_tokens: list[str] = []
        self.protocol_errors: list[str] = []
        self.oversized_closes = 0
        self._server: Server | None = None

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

    def user_preference(self) -> dict[str, Any]:
        """Return a ``GET /trader/v1/userPreference`` answer pointing at this server."""
        info = {
            "streamerSocketUrl": self.url,
            "schwabClientCustomerId": CUSTOMER_ID,
            "schwabClientCorrelId": CORREL_ID,
            "schwabClientChannel": CHANNEL,
            "schwabClientFunctionId": FUNCTION_ID,
        }
        return {"accounts": [], "streamerInfo": [info], "offers": []}

    @property
    def live_peers(self) -> list[SchwabPeer]:
        """Return the connections still open."""
        return [peer for peer in self.peers if not peer.closed]

    def subscribed(self, service: str) -> set[str]:
        """Return the keys the open, logged-in connections subscribe to in ``service``."""
        return {
            key
            for peer in self.live_peers
            if peer.logged_in
            for key in peer.keys.get(service, set())
        }

    # ------------------------------------------------------------ pushing data

    async def push(self, service: str, items: Sequence[tuple[str, Mapping[int, Any]]]) -> int:
        """Send one data message with ``items`` (key, {field number: value}); return receivers."""
        sent = 0
        for peer in self.live_peers:
            content = [
                {"key": key, **self._fields_for(peer, service, values)}
                for key, values in items
                if peer.logged_in and key in peer.keys.get(service, set())
            ]
            if content:
                data = {"service": service, "timestamp": _millis(), "command": "SUBS"}
                await self._send(peer, {"data": [{**data, "content": content}]})
                sent += 1
        return sent

    async def push_equity(self, key: str, **fields: Any) -> int:
        """Send a LEVELONE_EQUITIES update: bid, ask, last, bid_size, ask_size, volume."""
        numbers = {"bid": 1, "ask": 2, "last": 3, "bid_size": 4, "ask_size": 5, "volume": 8}
        values = {numbers[name]: value for name, value in fields.items()}
        return await self.push("LEVELONE_EQUITIES", [(key, values)])

    async def heartbeat(self) -> None:
        """Send a heartbeat notice to every logged-in connection."""
        for peer in self.live_peers:
            if peer.logged_in:
                await self._send(peer, {"notify": [{"heartbeat": str(_millis())}]})

    async def drop_all(self) -> None:
        """Cut every connection without a closing handshake (a network drop)."""
        for peer in self.live_peers:
            peer.closed = True
            peer.ws.transport.abort()

    # ------------------------------------------------------------ protocol

    async def _handle(self, ws: ServerConnection) -> None:
        peer = SchwabPeer(ws)
        self.peers.append(peer)
        beating = asyncio.create_task(self._beat(peer)) if self.heartbeat_seconds else None
        try:
            async for raw in ws:
                for request in json.loads(raw).get("requests", []):
                    peer.requests.append(request)
                    await self._on_request(peer, request)
        except ConnectionClosed:
            pass
        finally:
            peer.closed = True
            if beating is not None:
                beating.cancel()

    async def _on_request(self, peer: SchwabPeer, request: dict[str, Any]) -> None:
        service, command = request.get("service"), request.get("command")
        if service == "ADMIN" and command == "LOGIN":
            await self._login(peer, request)
        elif not peer.logged_in:
            self.protocol_errors.append(f"{service} {command} before LOGIN")
            await self._respond(peer, request, 3, "not logged in")
        elif command in ("SUBS", "ADD", "UNSUBS"):
            await self._subscription(peer, request)
        else:
            self.protocol_errors.append(f"unsupported {service} {command}")
            await self._respond(peer, request, 21, "bad command")

    async def _login(self, peer: SchwabPeer, request: dict[str, Any]) -> None:
        parameters = request.get("parameters", {})
        token = str(parameters.get("Authorization"))
        self.login_tokens.append(token)
        ids_ok = (
            request.get("SchwabClientCustomerId") == CUSTOMER_ID
            and request.get("SchwabClientCorrelId") == CORREL_ID
            and parameters.get("SchwabClientChannel") == CHANNEL
            and parameters.get("SchwabClientFunctionId") == FUNCTION_ID
        )
        if token == self.access_token and ids_ok:
            peer.logged_in = True
            await self._respond(peer, request, 0, "server=fake;status=PN")
            return
        await self._respond(peer, request, 3, "Login denied")
        await peer.ws.close(1000, "login denied")

    async def _subscription(self, peer: SchwabPeer, request: dict[str, Any]) -> None:
        service, command = str(request.get("service")), request.get("command")
        parameters = request.get("parameters", {})
        keys = {k for k in str(parameters.get("keys", "")).split(",") if k}
        if self.max_keys_per_request is not None and len(keys) > self.max_keys_per_request:
            self.oversized_closes += 1
            await peer.ws.close(1009, "message too big")
            return
        current = peer.keys.setdefault(service, set())
        if command == "SUBS":
            current.clear()
        if command == "UNSUBS":
            current -= keys
        else:
            current |= keys
            if "fields" in parameters:
                peer.fields[service] = set(str(parameters["fields"]).split(","))
        await self._respond(peer, request, 0, f"{command} command succeeded")

    async def _respond(
        self, peer: SchwabPeer, request: Mapping[str, Any], code: int, text: str
    ) -> None:
        response = {
            "service": request.get("service"),
            "command": request.get("command"),
            "requestid": request.get("requestid"),
            "SchwabClientCorrelId": request.get("SchwabClientCorrelId"),
            "timestamp": _millis(),
            "content": {"code": code, "msg": text},
        }
        await self._send(peer, {"response": [response]})

    async def _beat(self, peer: SchwabPeer) -> None:
        assert self.heartbeat_seconds is not None
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            if peer.logged_in:
                await self._send(peer, {"notify": [{"heartbeat": str(_millis())}]})

    @staticmethod
    def _fields_for(peer: SchwabPeer, service: str, values: Mapping[int, Any]) -> dict[str, Any]:
        asked = peer.fields.get(service)
        return {str(n): v for n, v in values.items() if asked is None or str(n) in asked}

    @staticmethod
    async def _send(peer: SchwabPeer, message: Mapping[str, Any]) -> None:
        with contextlib.suppress(ConnectionClosed):
            await peer.ws.send(json.dumps(message))


def _millis() -> int:
    return int(time.time() * 1000)
