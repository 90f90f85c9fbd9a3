"""The tastytrade quote streamer: dxFeed's DXLink websocket protocol.

One connection runs ``SETUP`` -> ``AUTH_STATE UNAUTHORIZED`` -> ``AUTH`` ->
``AUTH_STATE AUTHORIZED`` -> ``CHANNEL_REQUEST`` (FEED, contract AUTO) ->
``CHANNEL_OPENED`` -> ``FEED_SETUP`` (COMPACT) -> ``FEED_CONFIG`` ->
``FEED_SUBSCRIPTION`` (chunked so a whole SPX chain never trips the 1009
"message too big" close) -> ``FEED_DATA``; ``KEEPALIVE`` goes out every
``keepalive_seconds``. The api-quote-token (valid 24 h) is renewed when it
is older than ``token_max_age`` or when the server leaves it UNAUTHORIZED;
a freshly issued token that is refused ends the stream with BrokerAuthError.

Symbols are dxFeed streamer symbols: equities as they are (``SPY``),
options as ``.SPY260618C500`` (see ``streamer_symbol``). Events come out
with the symbol the caller subscribed. Greeks: volatility 0-1, theta per
calendar day, vega/rho per percentage point.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from workstation.adapters.http import redact, register_secret
from workstation.adapters.streaming import (
    StateListener,
    StreamDropped,
    StreamGreeks,
    StreamingSession,
    StreamKind,
    StreamPolicy,
    StreamQuote,
    StreamUpdate,
    chunked,
    decode_message,
    stream_number,
)
from workstation.domain.occ import InvalidOccSymbol, OccSymbol, OptionRight
from workstation.ports.broker import BrokerAuthError, BrokerDataError
from workstation.ports.clock import Clock

log = logging.getLogger(__name__)

#: Return a fresh (api-quote-token, dxlink-url) from ``GET /api-quote-tokens``.
TokenProvider = Callable[[], Awaitable[tuple[str, str]]]

PROTOCOL_VERSION = "0.1-DXF-JS/0.3.0"
FEED_CHANNEL = 1
EVENT_FIELDS: dict[str, list[str]] = {
    "Quote": ["eventSymbol", "bidPrice", "askPrice", "bidSize", "askSize"],
    "Trade": ["eventSymbol", "price", "dayVolume"],
    "Summary": ["eventSymbol", "openInterest"],
    "Greeks": [
        "eventSymbol", "eventTime", "price", "volatility",
        "delta", "gamma", "theta", "rho", "vega",
    ],
}  # fmt: skip
EVENT_TYPES: dict[StreamKind, tuple[str, ...]] = {
    StreamKind.QUOTE: ("Quote", "Trade", "Summary"),
    StreamKind.GREEKS: ("Greeks",),
}
_STREAMER_OPTION = re.compile(
    r"^\.(?P<root>[A-Z0-9][A-Z0-9.]{0,5}?)(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})"
    r"(?P<right>[CP])(?P<strike>\d+(?:\.\d+)?)$"
)


# ------------------------------------------------------------------ symbols


def streamer_symbol(occ: OccSymbol) -> str:
    """Return the dxFeed streamer symbol of an option (``.SPY260618C500``, ``.SPY260618P502.5``)."""
    strike = format(occ.strike.normalize(), "f")
    return f".{occ.root}{occ.expiry:%y%m%d}{occ.right.value}{strike}"


def occ_from_streamer_symbol(text: str) -> OccSymbol:
    """Parse a dxFeed option streamer symbol; raise InvalidOccSymbol saying what is wrong."""
    match = _STREAMER_OPTION.match(text.strip())
    if match is None:
        raise InvalidOccSymbol(
            f"{text!r} is not a dxFeed option symbol (expected .ROOT + YYMMDD + C/P + strike)"
        )
    try:
        expiry = date(2000 + int(match["yy"]), int(match["mm"]), int(match["dd"]))
    except ValueError as exc:
        raise InvalidOccSymbol(f"{text!r}: expiry is not a calendar date") from exc
    return OccSymbol(match["root"], expiry, OptionRight(match["right"]), Decimal(match["strike"]))


# ------------------------------------------------------------------ COMPACT feed data


class CompactFeed:
    """Turns COMPACT ``FEED_DATA`` into stream events, merging Quote and Trade per symbol.

    ``fields`` is the field order per event type the server confirmed in
    ``FEED_CONFIG``; one message may carry several event types, each with
    several events flattened in that order.
    """

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.fields: dict[str, list[str]] = {kind: list(f) for kind, f in EVENT_FIELDS.items()}
        self._now = now
        self._quotes: dict[str, StreamQuote] = {}

    def configure(self, event_fields: Any) -> None:
        """Adopt the field order of a ``FEED_CONFIG`` (types it does not mention keep theirs)."""
        if isinstance(event_fields, Mapping):
            for kind, names in event_fields.items():
                if isinstance(names, list) and all(isinstance(n, str) for n in names):
                    self.fields[str(kind)] = list(names)

    def parse(self, data: Any) -> list[StreamUpdate]:
        """Return the events of one message's ``data``, the latest per (type, symbol)."""
        if not isinstance(data, list) or len(data) % 2:
            log.warning("DXLink FEED_DATA: data is not [type, values, ...] pairs; skipped")
            return []
        latest: dict[tuple[str, str], StreamUpdate] = {}
        for kind, values in zip(data[0::2], data[1::2], strict=True):
            for event in self._events(kind, values):
                update = self._update(kind, event)
                if update is not None:
                    latest[(type(update).__name__, update.symbol)] = update
        return list(latest.values())

    def _events(self, kind: Any, values: Any) -> Iterable[dict[str, Any]]:
        names = self.fields.get(kind) if isinstance(kind, str) else None
        if names is None or not isinstance(values, list) or len(values) % len(names):
            log.warning("DXLink FEED_DATA: a %s block does not fit its fields; skipped", kind)
            return []
        width = len(names)
        return [
            dict(zip(names, values[i : i + width], strict=True))
            for i in range(0, len(values), width)
        ]

    def _update(self, kind: str, event: dict[str, Any]) -> StreamUpdate | None:
        symbol = event.get("eventSymbol")
        try:
            if not isinstance(symbol, str) or not symbol:
                raise ValueError("eventSymbol is missing")
            if kind == "Greeks":
                return self._greeks(symbol, event)
            if kind in _QUOTE_EVENTS:
                return self._quote(symbol, kind, event)
        except ValueError as exc:
            log.warning("DXLink FEED_DATA: a %s event is malformed (%s); skipped", kind, exc)
        return None

    def _quote(self, symbol: str, kind: str, event: dict[str, Any]) -> StreamQuote:
        known = self._quotes.get(symbol)
        merged = {
            "bid": known.bid if known else math.nan,
            "ask": known.ask if known else math.nan,
            "last": known.last if known else math.nan,
            "bid_size": known.bid_size if known else math.nan,
            "ask_size": known.ask_size if known else math.nan,
            "volume": known.volume if known else math.nan,
            "open_interest": known.open_interest if known else math.nan,
        }
        wire = _QUOTE_EVENTS[kind]
        for name, attribute in wire.items():
            if name in event:
                merged[attribute] = stream_number(event[name])
        quote = StreamQuote(symbol=symbol, ts=self._now(), **merged)
        self._quotes[symbol] = quote
        return quote

    def _greeks(self, symbol: str, event: dict[str, Any]) -> StreamGreeks:
        values = {attr: stream_number(event.get(name)) for name, attr in _GREEKS_WIRE.items()}
        millis = stream_number(event.get("eventTime"))
        ts = self._now()
        if math.isfinite(millis) and millis > 0:
            ts = datetime.fromtimestamp(millis / 1000, tz=UTC)
        return StreamGreeks(symbol=symbol, ts=ts, **values)


_QUOTE_WIRE = {"bidPrice": "bid", "askPrice": "ask", "bidSize": "bid_size", "askSize": "ask_size"}
_TRADE_WIRE = {"price": "last", "dayVolume": "volume"}
_SUMMARY_WIRE = {"openInterest": "open_interest"}
_QUOTE_EVENTS = {"Quote": _QUOTE_WIRE, "Trade": _TRADE_WIRE, "Summary": _SUMMARY_WIRE}
_GREEKS_WIRE = {
    "price": "price", "volatility": "volatility", "delta": "delta", "gamma": "gamma",
    "theta": "theta", "vega": "vega", "rho": "rho",
}  # fmt: skip


# ------------------------------------------------------------------ the streamer


class DxLinkStreamer(StreamingSession):
    """Streams tastytrade quotes and greeks over DXLink, reconnecting and resubscribing.

    ``url`` is the dxlink-url (None: take it from the first token);
    ``token_provider`` returns a fresh (token, url). ``symbols_per_message``
    bounds each FEED_SUBSCRIPTION (counted in (symbol, event type) entries).
    """

    provider = "tastytrade DXLink"

    def __init__(
        self,
        url: str | None,
        token_provider: TokenProvider,
        *,
        keepalive_seconds: float = 30.0,
        keepalive_timeout_seconds: int = 60,
        token_max_age: timedelta = timedelta(hours=23),
        symbols_per_message: int = 500,
        aggregation_period_seconds: float = 0.1,
        policy: StreamPolicy | None = None,
        clock: Clock | None = None,
        on_state: StateListener | None = None,
    ) -> None:
        super().__init__(policy=policy, clock=clock, on_state=on_state)
        self._url = url
        self._token_provider = token_provider
        self.keepalive_seconds = keepalive_seconds
        self.keepalive_timeout_seconds = keepalive_timeout_seconds
        self.token_max_age = token_max_age
        self.symbols_per_message = symbols_per_message
        self.aggregation_period_seconds = aggregation_period_seconds
        self.feed = CompactFeed(self._now)
        self._token: str | None = None
        self._token_issued: datetime | None = None
        self._token_suspect = False
        self._ws: ClientConnection | None = None

    # ------------------------------------------------------------ one connection

    async def _serve(self) -> None:
        token, fresh = await self._current_token(force=self._token_suspect)
        if not self._url:
            raise BrokerDataError("tastytrade GET /api-quote-tokens: dxlink-url is missing")
        async with connect(
            self._url,
            open_timeout=self.policy.open_timeout_seconds,
            max_size=self.policy.max_message_bytes,
            proxy=self.policy.proxy,
            close_timeout=2.0,
        ) as ws:
            self._ws = ws
            keepalive = asyncio.create_task(self._keepalive(ws), name="DXLink keepalive")
            try:
                await self._handshake(ws, token, fresh)
                await self._go_live()
                await self._read(ws)
            finally:
                self._ws = None
                keepalive.cancel()
                await asyncio.gather(keepalive, return_exceptions=True)

    async def _handshake(self, ws: ClientConnection, token: str, fresh: bool) -> None:
        await _send(ws, {
            "type": "SETUP", "channel": 0, "version": PROTOCOL_VERSION,
            "keepaliveTimeout": self.keepalive_timeout_seconds,
            "acceptKeepaliveTimeout": self.keepalive_timeout_seconds,
        })  # fmt: skip
        auth = await self._expect(ws, "AUTH_STATE")
        if auth.get("state") != "AUTHORIZED":
            await self._authorize(ws, token, fresh)
        await _send(ws, {
            "type": "CHANNEL_REQUEST", "channel": FEED_CHANNEL, "service": "FEED",
            "parameters": {"contract": "AUTO"},
        })  # fmt: skip
        await self._expect(ws, "CHANNEL_OPENED")
        await _send(ws, {
            "type": "FEED_SETUP", "channel": FEED_CHANNEL,
            "acceptAggregationPeriod": self.aggregation_period_seconds,
            "acceptDataFormat": "COMPACT", "acceptEventFields": EVENT_FIELDS,
        })  # fmt: skip
        config = await self._expect(ws, "FEED_CONFIG")
        self.feed.configure(config.get("eventFields"))

    async def _authorize(self, ws: ClientConnection, token: str, fresh: bool) -> None:
        while True:
            self._token_suspect = True
            await _send(ws, {"type": "AUTH", "channel": 0, "token": token})
            reply = await self._expect(ws, "AUTH_STATE")
            if reply.get("state") == "AUTHORIZED":
                self._token_suspect = False
                return
            if fresh:
                raise BrokerAuthError(
                    "tastytrade DXLink refused a freshly issued quote token; "
                    "check the account's market-data access or link tastytrade again"
                )
            log.info("tastytrade DXLink: quote token refused; fetching a new one")
            token, fresh = await self._current_token(force=True)

    async def _read(self, ws: ClientConnection) -> None:
        while True:
            async with asyncio.timeout(self.policy.idle_timeout_seconds):
                raw = await ws.recv()
            message = decode_message(raw, self.provider)
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "FEED_DATA":
            self._publish(self.feed.parse(message.get("data")))
        elif kind == "FEED_CONFIG":
            self.feed.configure(message.get("eventFields"))
        elif kind == "AUTH_STATE" and message.get("state") != "AUTHORIZED":
            self._token_suspect = True
            raise StreamDropped("the server no longer accepts the quote token")
        elif kind == "CHANNEL_CLOSED":
            raise StreamDropped("the server closed the feed channel")
        elif kind == "ERROR":
            _log_error(message)

    async def _expect(self, ws: ClientConnection, kind: str) -> dict[str, Any]:
        """Return the next message of type ``kind``, skipping others (within the open timeout)."""
        async with asyncio.timeout(self.policy.open_timeout_seconds):
            while True:
                message = decode_message(await ws.recv(), self.provider)
                if message is None:
                    continue
                if message.get("type") == kind:
                    return message
                if message.get("type") == "ERROR":
                    _log_error(message)

    async def _keepalive(self, ws: ClientConnection) -> None:
        while True:
            await asyncio.sleep(self.keepalive_seconds)
            await _send(ws, {"type": "KEEPALIVE", "channel": 0})

    # ------------------------------------------------------------ tokens

    async def _current_token(self, force: bool) -> tuple[str, bool]:
        """Return the token to use and whether it was just issued."""
        issued = self._token_issued
        too_old = issued is None or self._now() - issued >= self.token_max_age
        if self._token is not None and not force and not too_old:
            return self._token, False
        token, url = await self._token_provider()
        register_secret(token, "tastytrade quote token")
        self._token, self._token_issued = token, self._now()
        self._url = url or self._url
        return token, True

    # ------------------------------------------------------------ subscriptions

    async def _send_subscription(self, changes: Mapping[str, set[StreamKind]], add: bool) -> None:
        ws = self._ws
        if ws is None:
            return
        entries = [
            {"type": event_type, "symbol": symbol}
            for symbol, kinds in changes.items()
            for kind in sorted(kinds)
            for event_type in EVENT_TYPES[kind]
        ]
        verb = "add" if add else "remove"
        for chunk in chunked(entries, self.symbols_per_message):
            await _send(ws, {"type": "FEED_SUBSCRIPTION", "channel": FEED_CHANNEL, verb: chunk})


async def _send(ws: ClientConnection, message: Mapping[str, Any]) -> None:
    await ws.send(json.dumps(message, separators=(",", ":")))


def _log_error(message: Mapping[str, Any]) -> None:
    error, text = message.get("error"), message.get("message")
    log.warning("tastytrade DXLink error %s: %s", redact(str(error)), redact(str(text)))
