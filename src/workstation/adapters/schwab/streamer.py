"""The Schwab quote streamer (LEVELONE_EQUITIES and LEVELONE_OPTIONS over a websocket).

URL and ids come from ``GET /trader/v1/userPreference`` -> ``streamerInfo``.
A connection sends ``ADMIN LOGIN`` with the access token, waits for code 0,
then ``ADD``s every subscribed key (ADD acts as SUBS when a service has
none, and unlike SUBS it does not overwrite earlier chunks). Data items
carry numeric string field keys and, after the first, only the fields that
changed: the last full state per key is kept and merged. Heartbeats arrive
in ``notify``; silence longer than the idle timeout counts as a dead socket.

LOGIN code 3 (login denied, token expired) asks the token provider for a
refreshed token once and reconnects; a refreshed token that is denied too
ends the stream with BrokerAuthError.

Field numbers (schwab-py ``StreamClient`` field enums, Schwab streamer docs):

- LEVELONE_EQUITIES: 0 symbol, 1 bid, 2 ask, 3 last, 4 bid size, 5 ask size,
  8 total volume, 34 quote time (ms since epoch).
- LEVELONE_OPTIONS: 0 symbol, 2 bid, 3 ask, 4 last, 8 total volume,
  10 volatility (PERCENT), 16 bid size, 17 ask size, 28 delta, 29 gamma,
  30 theta, 31 vega, 32 rho, 37 mark (the greeks' ``price``), 38 quote time (ms).

Schwab sends -999 for greeks it cannot compute; those become NaN.
Option keys are padded OCC symbols (``AAPL  251031C00110000``); any OCC form
the caller subscribes is normalised to that, and events come out with the
symbol the caller subscribed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel
from websockets.asyncio.client import ClientConnection, connect

from workstation.adapters.http import redact, register_secret
from workstation.adapters.schwab.market import wire_symbol
from workstation.adapters.streaming import (
    ReconnectNow,
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
from workstation.domain.occ import InvalidOccSymbol, parse_occ
from workstation.ports.broker import BrokerAuthError, BrokerDataError
from workstation.ports.clock import Clock

log = logging.getLogger(__name__)

EQUITIES = "LEVELONE_EQUITIES"
OPTIONS = "LEVELONE_OPTIONS"
LOGIN_DENIED = 3
MISSING_GREEK = -999.0

QUOTE_FIELDS: dict[str, dict[str, str]] = {
    EQUITIES: {
        "1": "bid",
        "2": "ask",
        "3": "last",
        "4": "bid_size",
        "5": "ask_size",
        "8": "volume",
    },
    OPTIONS: {
        "2": "bid",
        "3": "ask",
        "4": "last",
        "16": "bid_size",
        "17": "ask_size",
        "8": "volume",
        "9": "open_interest",
    },
}
GREEK_FIELDS = {
    "37": "price", "10": "volatility", "28": "delta", "29": "gamma",
    "30": "theta", "31": "vega", "32": "rho",
}  # fmt: skip
QUOTE_TIME_FIELD = {EQUITIES: "34", OPTIONS: "38"}
NUMERIC_FIELDS = {
    EQUITIES: {*QUOTE_FIELDS[EQUITIES], QUOTE_TIME_FIELD[EQUITIES]},
    OPTIONS: {*QUOTE_FIELDS[OPTIONS], *GREEK_FIELDS, QUOTE_TIME_FIELD[OPTIONS]},
}
REQUESTED_FIELDS = {
    EQUITIES: "0,1,2,3,4,5,8,34",
    OPTIONS: "0,2,3,4,8,9,10,16,17,28,29,30,31,32,37,38",
}


# ------------------------------------------------------------------ streamer info


@dataclass(frozen=True, slots=True)
class StreamerInfo:
    """Where and as whom to stream: from userPreference ``streamerInfo``."""

    socket_url: str
    customer_id: str
    correl_id: str
    channel: str
    function_id: str


class StreamerInfoWire(BaseModel):
    """One ``streamerInfo`` entry of ``GET /trader/v1/userPreference``."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    streamer_socket_url: str
    schwab_client_customer_id: str
    schwab_client_correl_id: str
    schwab_client_channel: str
    schwab_client_function_id: str


def parse_streamer_info(payload: Mapping[str, Any]) -> StreamerInfo:
    """Parse a userPreference answer (or one ``streamerInfo`` entry) into ``StreamerInfo``.

    Raise BrokerDataError naming the missing or malformed field.
    """
    entry: Any = payload
    if "streamerInfo" in payload:
        entries = payload["streamerInfo"]
        if not isinstance(entries, list) or not entries:
            raise BrokerDataError("schwab GET /trader/v1/userPreference: streamerInfo is empty")
        entry = entries[0]
    try:
        wire = StreamerInfoWire.model_validate(entry)
    except ValidationError as exc:
        where = ".".join(str(part) for part in exc.errors()[0]["loc"]) or "streamerInfo"
        raise BrokerDataError(
            f"schwab GET /trader/v1/userPreference: streamerInfo.{where} is missing or malformed"
        ) from None
    return StreamerInfo(
        socket_url=wire.streamer_socket_url,
        customer_id=wire.schwab_client_customer_id,
        correl_id=wire.schwab_client_correl_id,
        channel=wire.schwab_client_channel,
        function_id=wire.schwab_client_function_id,
    )


#: Return the userPreference answer (or ``StreamerInfo``) for the linked login.
StreamerInfoProvider = Callable[[], Awaitable[StreamerInfo | Mapping[str, Any]]]
#: Return a valid access token; called with True when the streamer's LOGIN was
#: denied and the token must be refreshed now even if it looks unexpired.
AccessTokenProvider = Callable[[bool], Awaitable[str]]


def wire_key(symbol: str) -> tuple[str, str]:
    """Return the (service, key) Schwab streams ``symbol`` under (indices as ``$SPX``)."""
    try:
        return OPTIONS, str(parse_occ(symbol))
    except InvalidOccSymbol:
        return EQUITIES, wire_symbol(symbol.strip().upper())


# ------------------------------------------------------------------ level-one book


class LevelOneBook:
    """Merges partial LEVELONE updates into full state and emits stream events."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._state: dict[tuple[str, str], dict[str, float]] = {}

    def apply(
        self, service: str, item: Mapping[str, Any], symbol: str, kinds: frozenset[StreamKind]
    ) -> list[StreamUpdate]:
        """Merge one content item; return the quote and/or greeks it changed.

        Raise ValueError (and merge nothing) when a field we read is not a number.
        """
        wanted = NUMERIC_FIELDS[service]
        changed = {f: stream_number(v) for f, v in item.items() if f in wanted}
        state = self._state.setdefault((service, str(item.get("key"))), {})
        state.update(changed)
        ts = self._timestamp(state.get(QUOTE_TIME_FIELD[service], math.nan))
        updates: list[StreamUpdate] = []
        if StreamKind.QUOTE in kinds and QUOTE_FIELDS[service].keys() & changed.keys():
            values = {a: state.get(f, math.nan) for f, a in QUOTE_FIELDS[service].items()}
            updates.append(StreamQuote(symbol=symbol, ts=ts, **values))
        if (
            service == OPTIONS
            and StreamKind.GREEKS in kinds
            and GREEK_FIELDS.keys() & changed.keys()
        ):
            updates.append(self._greeks(symbol, state, ts))
        return updates

    def forget(self, service: str, key: str) -> None:
        """Drop the state of an unsubscribed key."""
        self._state.pop((service, key), None)

    def _greeks(self, symbol: str, state: Mapping[str, float], ts: datetime) -> StreamGreeks:
        values = {a: state.get(f, math.nan) for f, a in GREEK_FIELDS.items()}
        for attr, value in values.items():
            if value == MISSING_GREEK:
                values[attr] = math.nan
        values["volatility"] /= 100.0  # Schwab sends percent
        return StreamGreeks(symbol=symbol, ts=ts, **values)

    def _timestamp(self, millis: float) -> datetime:
        if math.isfinite(millis) and millis > 0:
            return datetime.fromtimestamp(millis / 1000, tz=UTC)
        return self._now()


# ------------------------------------------------------------------ the streamer


class SchwabStreamer(StreamingSession):
    """Streams Schwab level-one quotes and option greeks, reconnecting and resubscribing.

    ``keys_per_request`` bounds each ADD/UNSUBS request.
    """

    provider = "schwab"

    def __init__(
        self,
        streamer_info_provider: StreamerInfoProvider,
        access_token_provider: AccessTokenProvider,
        *,
        keys_per_request: int = 500,
        policy: StreamPolicy | None = None,
        clock: Clock | None = None,
        on_state: StateListener | None = None,
    ) -> None:
        super().__init__(policy=policy, clock=clock, on_state=on_state)
        self._info_provider = streamer_info_provider
        self._token_provider = access_token_provider
        self.keys_per_request = keys_per_request
        self.book = LevelOneBook(self._now)
        self.heartbeats = 0
        self._info: StreamerInfo | None = None
        self._token_suspect = False
        self._request_id = 0
        self._symbols: dict[tuple[str, str], str] = {}
        self._ws: ClientConnection | None = None

    async def _serve(self) -> None:
        answer = await self._info_provider()
        info = answer if isinstance(answer, StreamerInfo) else parse_streamer_info(answer)
        self._info = info
        force = self._token_suspect
        token = await self._token_provider(force)
        register_secret(token, "schwab access token")
        async with connect(
            info.socket_url,
            open_timeout=self.policy.open_timeout_seconds,
            max_size=self.policy.max_message_bytes,
            proxy=self.policy.proxy,
            close_timeout=2.0,
        ) as ws:
            self._ws = ws
            try:
                await self._login(ws, info, token, refreshed=force)
                await self._go_live()
                await self._read(ws)
            finally:
                self._ws = None

    async def _login(
        self, ws: ClientConnection, info: StreamerInfo, token: str, refreshed: bool
    ) -> None:
        parameters = {
            "Authorization": token,
            "SchwabClientChannel": info.channel,
            "SchwabClientFunctionId": info.function_id,
        }
        await self._request(ws, "ADMIN", "LOGIN", parameters)
        content = await self._login_answer(ws)
        code, text = content.get("code"), redact(str(content.get("msg", "")))
        if code == 0:
            self._token_suspect = False
            return
        if code != LOGIN_DENIED:
            raise StreamDropped(f"LOGIN failed with code {code} ({text})")
        self._token_suspect = True
        if refreshed:
            raise BrokerAuthError(
                f"schwab streamer denied a freshly refreshed access token (code 3: {text}); "
                "log in to Schwab again"
            )
        raise ReconnectNow("LOGIN denied; retrying once with a refreshed access token")

    async def _login_answer(self, ws: ClientConnection) -> dict[str, Any]:
        async with asyncio.timeout(self.policy.open_timeout_seconds):
            while True:
                message = decode_message(await ws.recv(), self.provider)
                for response in _items(message, "response"):
                    if response.get("service") == "ADMIN" and response.get("command") == "LOGIN":
                        content = response.get("content")
                        return content if isinstance(content, dict) else {}

    async def _read(self, ws: ClientConnection) -> None:
        while True:
            async with asyncio.timeout(self.policy.idle_timeout_seconds):
                raw = await ws.recv()
            message = decode_message(raw, self.provider)
            for item in _items(message, "data"):
                self._publish(self._parse_data(item))
            for notice in _items(message, "notify"):
                self._on_notify(notice)
            for response in _items(message, "response"):
                _log_failed_response(response)

    def _parse_data(self, item: Mapping[str, Any]) -> list[StreamUpdate]:
        service = item.get("service")
        content = item.get("content")
        if service not in QUOTE_FIELDS or not isinstance(content, list):
            return []
        updates: list[StreamUpdate] = []
        for entry in content:
            if not isinstance(entry, dict) or "key" not in entry:
                continue
            symbol = self._symbols.get((service, str(entry["key"])), str(entry["key"]))
            kinds = frozenset(self._subscriptions.get(symbol, ()))
            try:
                updates.extend(self.book.apply(service, entry, symbol, kinds))
            except ValueError as exc:
                log.warning("schwab %s %s: malformed field (%s); skipped", service, symbol, exc)
        return updates

    def _on_notify(self, notice: Mapping[str, Any]) -> None:
        if "heartbeat" in notice:
            self.heartbeats += 1
            return
        content = notice.get("content")
        if isinstance(content, dict):
            log.warning(
                "schwab streamer notice %s code %s: %s",
                notice.get("service"),
                content.get("code"),
                redact(str(content.get("msg"))),
            )

    async def _send_subscription(self, changes: Mapping[str, set[StreamKind]], add: bool) -> None:
        ws = self._ws
        if ws is None:
            return
        by_service: dict[str, list[str]] = {EQUITIES: [], OPTIONS: []}
        for symbol in changes:
            if not add and symbol in self._subscriptions:
                continue  # only some kinds went; the key still streams
            service, key = wire_key(symbol)
            by_service[service].append(key)
            if add:
                self._symbols[(service, key)] = symbol
            else:
                self.book.forget(service, key)
        for service, keys in by_service.items():
            for chunk in chunked(keys, self.keys_per_request):
                parameters = {"keys": ",".join(chunk)}
                if add:
                    parameters["fields"] = REQUESTED_FIELDS[service]
                await self._request(ws, service, "ADD" if add else "UNSUBS", parameters)

    async def _request(
        self, ws: ClientConnection, service: str, command: str, parameters: Mapping[str, str]
    ) -> None:
        info = self._info
        assert info is not None  # _serve sets it before any request
        self._request_id += 1
        request = {
            "service": service,
            "command": command,
            "requestid": str(self._request_id),
            "SchwabClientCustomerId": info.customer_id,
            "SchwabClientCorrelId": info.correl_id,
            "parameters": dict(parameters),
        }
        await ws.send(json.dumps({"requests": [request]}, separators=(",", ":")))


def _items(message: Mapping[str, Any] | None, section: str) -> list[dict[str, Any]]:
    entries = (message or {}).get(section)
    if not isinstance(entries, list):
        return []
    return [entry for entry in entries if isinstance(entry, dict)]


def _log_failed_response(response: Mapping[str, Any]) -> None:
    content = response.get("content")
    if isinstance(content, dict) and content.get("code") not in (0, None):
        log.warning(
            "schwab streamer %s %s failed with code %s: %s",
            response.get("service"),
            response.get("command"),
            content.get("code"),
            redact(str(content.get("msg"))),
        )
