"""Live-quote streaming shared by the broker streamers (tastytrade DXLink, Schwab).

Both streamers emit batches of ``StreamQuote`` / ``StreamGreeks`` (floats in
dollars per share, NaN where the feed has not said), keep a set of
subscriptions, and survive dropped sockets: ``StreamingSession`` runs the
connect -> handshake -> resubscribe -> read loop and waits a jittered
``RetryPolicy`` backoff between reconnects. A broker subclass supplies only
its protocol (``_serve``) and how it sends (un)subscriptions.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Literal, Self, TypeVar

from websockets.exceptions import ConnectionClosed, InvalidHandshake

from workstation.adapters.http import quiet_http_loggers, redact
from workstation.domain.quotes import Quote
from workstation.domain.retry import RetryPolicy
from workstation.ports.broker import BrokerAuthError, BrokerError, BrokerUnavailable
from workstation.ports.clock import Clock, SystemClock

log = logging.getLogger(__name__)

NAN = math.nan
T = TypeVar("T")


class StreamState(StrEnum):
    """Where a streamer is in its life."""

    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    CLOSED = "closed"


class StreamKind(StrEnum):
    """What to stream for a symbol: top-of-book and trades, or option greeks."""

    QUOTE = "quote"
    GREEKS = "greeks"


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamQuote:
    """Top of book and last trade of one symbol, merged from the feed's partial events.

    Prices in dollars per share (points for indices); sizes in shares or
    contracts; ``volume`` is the day's volume; ``open_interest`` the open
    contracts of an option. NaN means the feed has not said.
    """

    symbol: str
    bid: float = NAN
    ask: float = NAN
    last: float = NAN
    bid_size: float = NAN
    ask_size: float = NAN
    volume: float = NAN
    open_interest: float = NAN
    ts: datetime

    def __post_init__(self) -> None:
        if self.ts.tzinfo is None:
            raise ValueError(
                f"stream quote for {self.symbol}: timestamp {self.ts} has no time zone"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamGreeks:
    """An option's greeks as the feed computes them.

    ``price`` is the option price they were computed from (dollars per share);
    ``volatility`` is implied volatility on a 0-1 scale (0.2 = 20 %); ``theta``
    is dollars per share per calendar day; ``vega`` and ``rho`` are dollars per
    share per 1 percentage point. NaN means the feed has not said.
    """

    symbol: str
    price: float = NAN
    volatility: float = NAN
    delta: float = NAN
    gamma: float = NAN
    theta: float = NAN
    vega: float = NAN
    rho: float = NAN
    ts: datetime

    def __post_init__(self) -> None:
        if self.ts.tzinfo is None:
            raise ValueError(
                f"stream greeks for {self.symbol}: timestamp {self.ts} has no time zone"
            )


StreamUpdate = StreamQuote | StreamGreeks
StateListener = Callable[[StreamState], None]


def to_quote(update: StreamQuote, prev_close: Mapping[str, float], source: str = "") -> Quote:
    """Turn a streamed quote into a domain ``Quote``.

    ``prev_close`` maps symbols to the prior session's close (dollars per
    share); a symbol missing from it gets NaN. An unknown volume becomes 0.
    """
    return Quote(
        symbol=update.symbol,
        last=update.last,
        prev_close=prev_close.get(update.symbol, NAN),
        ts=update.ts,
        bid=update.bid,
        ask=update.ask,
        volume=0.0 if math.isnan(update.volume) else update.volume,
        source=source,
    )


@dataclass(frozen=True, slots=True)
class StreamPolicy:
    """How a streamer connects, notices a dead peer and reconnects.

    ``reconnect`` spaces reconnects (jittered exponential backoff; None
    ``max_attempts`` retries forever). ``open_timeout_seconds`` bounds the
    socket opening and each handshake step; ``idle_timeout_seconds`` is how
    long silence may last before the socket is deemed dead. ``max_queue``
    batches wait for the consumer; beyond that the oldest are dropped.
    ``proxy`` is passed to ``websockets`` (True: the system proxy; None: none).
    """

    reconnect: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(base_seconds=0.5, cap_seconds=30.0)
    )
    open_timeout_seconds: float = 10.0
    idle_timeout_seconds: float = 90.0
    max_message_bytes: int = 16 * 1024 * 1024
    max_queue: int = 10_000
    proxy: str | Literal[True] | None = True


class StreamDropped(Exception):
    """The session ended (closed socket, silence, protocol error); reconnect after backoff."""


class ReconnectNow(StreamDropped):
    """The session ended for a reason a reconnect fixes at once (a renewed token)."""


#: Failures a reconnect can cure. A BrokerError here is the token provider's REST call
#: failing (network, 5xx); BrokerAuthError is caught before and ends the stream.
RECOVERABLE = (
    ConnectionClosed,
    InvalidHandshake,
    OSError,
    TimeoutError,
    StreamDropped,
    BrokerError,
)


def stream_number(value: Any) -> float:
    """Return a streamed value as a float: a number, a numeric or "NaN"/"Infinity" string, null.

    Null becomes NaN; raise ValueError for anything else (a boolean, a list, a word).
    """
    if value is None:
        return math.nan
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return float(value)  # "NaN", "Infinity", "-Infinity" and numeric strings
    raise ValueError(f"expected a number, got {type(value).__name__}")


def decode_message(raw: str | bytes, provider: str) -> dict[str, Any] | None:
    """Parse one websocket message as a JSON object; log and return None when it is not one."""
    try:
        message = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        log.warning(
            "%s streamer: skipped a message that is not JSON (%d bytes)", provider, len(raw)
        )
        return None
    if not isinstance(message, dict):
        log.warning("%s streamer: skipped a message that is not a JSON object", provider)
        return None
    return message


def chunked(items: list[T], size: int) -> Iterable[list[T]]:
    """Yield ``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class StreamingSession(ABC):
    """The reconnect loop, subscription book and update channel shared by the streamers.

    Subclasses implement ``_serve`` (one connection: handshake, resubscribe
    via ``_go_live``, read until it drops) and ``_send_subscription``.
    """

    provider: str = "stream"

    def __init__(
        self,
        *,
        policy: StreamPolicy | None = None,
        clock: Clock | None = None,
        on_state: StateListener | None = None,
    ) -> None:
        quiet_http_loggers()
        self.policy = policy or StreamPolicy()
        self.clock = clock or SystemClock()
        self._on_state = on_state
        self._state = StreamState.CONNECTING
        self._subscriptions: dict[str, set[StreamKind]] = {}
        self._sub_lock = asyncio.Lock()
        self._live = False
        self._closing = asyncio.Event()
        self._queue: asyncio.Queue[list[StreamUpdate] | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.error: BaseException | None = None
        self.dropped_batches = 0
        self.sessions = 0

    # ------------------------------------------------------------ public API

    @property
    def state(self) -> StreamState:
        """Return where the streamer is: connecting, live, reconnecting or closed."""
        return self._state

    @property
    def subscriptions(self) -> dict[str, frozenset[StreamKind]]:
        """Return a copy of every subscribed symbol and its kinds."""
        return {symbol: frozenset(kinds) for symbol, kinds in self._subscriptions.items()}

    async def subscribe(
        self, symbols: Iterable[str], kinds: Iterable[StreamKind] = (StreamKind.QUOTE,)
    ) -> None:
        """Stream ``kinds`` for ``symbols`` now (if live) and after every reconnect."""
        wanted = set(kinds)
        async with self._sub_lock:
            added: dict[str, set[StreamKind]] = {}
            for symbol in symbols:
                new = wanted - self._subscriptions.get(symbol, set())
                if new:
                    self._subscriptions.setdefault(symbol, set()).update(new)
                    added[symbol] = new
            if added and self._live:
                with contextlib.suppress(ConnectionClosed):  # a reconnect resubscribes
                    await self._send_subscription(added, add=True)

    async def unsubscribe(
        self,
        symbols: Iterable[str],
        kinds: Iterable[StreamKind] = (StreamKind.QUOTE, StreamKind.GREEKS),
    ) -> None:
        """Stop streaming ``kinds`` for ``symbols``."""
        unwanted = set(kinds)
        async with self._sub_lock:
            removed: dict[str, set[StreamKind]] = {}
            for symbol in symbols:
                gone = unwanted & self._subscriptions.get(symbol, set())
                if gone:
                    self._subscriptions[symbol] -= gone
                    removed[symbol] = gone
                    if not self._subscriptions[symbol]:
                        del self._subscriptions[symbol]
            if removed and self._live:
                with contextlib.suppress(ConnectionClosed):  # a new socket starts clean
                    await self._send_subscription(removed, add=False)

    async def updates(self) -> AsyncIterator[list[StreamUpdate]]:
        """Yield batches of updates as they arrive; end when the streamer closes."""
        while True:
            batch = await self._queue.get()
            if batch is None:
                self._queue.put_nowait(None)  # let any other reader finish too
                return
            yield batch

    async def run(self) -> None:
        """Connect and stream until ``aclose``; reconnect with backoff when the socket drops.

        Raise ``BrokerAuthError`` when the broker refuses a freshly issued
        token, ``BrokerUnavailable`` when the reconnect policy gives up.
        """
        try:
            await self._reconnect_loop()
        except BaseException as exc:
            self.error = exc
            raise
        finally:
            self._set_state(StreamState.CLOSED)
            self._publish(None)

    async def aclose(self) -> None:
        """Stop streaming, close the socket and end ``updates``."""
        self._closing.set()
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            await asyncio.gather(task, return_exceptions=True)
        self._set_state(StreamState.CLOSED)
        self._publish(None)

    async def __aenter__(self) -> Self:
        """Start ``run`` in a named task; ``async with`` closes it."""
        self._task = asyncio.create_task(self.run(), name=f"{self.provider} streamer")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the streamer."""
        await self.aclose()

    # ------------------------------------------------------------ for subclasses

    @abstractmethod
    async def _serve(self) -> None:
        """Run one connection: open, handshake, ``_go_live``, read until it ends."""

    @abstractmethod
    async def _send_subscription(self, changes: Mapping[str, set[StreamKind]], add: bool) -> None:
        """Send (un)subscriptions for ``changes`` on the live socket."""

    async def _go_live(self) -> None:
        """Resubscribe everything on the new socket and mark the stream live."""
        async with self._sub_lock:
            if self._subscriptions:
                await self._send_subscription(self._subscriptions, add=True)
            self._live = True
        self.sessions += 1
        self._set_state(StreamState.LIVE)

    def _publish(self, batch: list[StreamUpdate] | None) -> None:
        """Hand a batch to ``updates``; drop the oldest batch when the consumer lags."""
        if batch is not None and not batch:
            return
        if self._queue.qsize() >= self.policy.max_queue:
            self._queue.get_nowait()
            self.dropped_batches += 1
            if self.dropped_batches % 1000 == 1:
                log.warning("%s streamer: consumer lags, dropped old batches", self.provider)
        self._queue.put_nowait(batch)

    def _now(self) -> datetime:
        return self.clock.now()

    # ------------------------------------------------------------ internals

    async def _reconnect_loop(self) -> None:
        attempt = 0
        while not self._closing.is_set():
            self._live = False
            try:
                await self._serve_until_closing()
                reason = "closed by the server"
            except BrokerAuthError:
                raise
            except ReconnectNow as exc:
                log.info("%s streamer: %s; reconnecting now", self.provider, redact(str(exc)))
                continue
            except RECOVERABLE as exc:
                reason = redact(f"{type(exc).__name__}: {exc}")
            finally:
                self._live = False
            if self._closing.is_set():
                return
            attempt = 1 if self._state is StreamState.LIVE else attempt + 1
            if self.policy.reconnect.gives_up_after(attempt):
                raise BrokerUnavailable(
                    f"{self.provider} streamer: gave up after {attempt} failed connections "
                    f"(last: {reason}); check the network and restart streaming"
                )
            await self._backoff(attempt, reason)

    async def _serve_until_closing(self) -> None:
        """Run ``_serve``; cancel it (closing the socket) as soon as ``aclose`` is called."""
        serving = asyncio.ensure_future(self._serve())
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            await asyncio.wait({serving, closing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            closing.cancel()
            if not serving.done():
                serving.cancel()
            await asyncio.gather(serving, closing, return_exceptions=True)
        if not serving.cancelled():
            serving.result()

    async def _backoff(self, attempt: int, reason: str) -> None:
        delay = self.policy.reconnect.delay(attempt)
        log.warning(
            "%s streamer: connection lost (%s); reconnect %d in %.2f s",
            self.provider,
            reason,
            attempt,
            delay,
        )
        self._set_state(StreamState.RECONNECTING)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), timeout=delay)

    def _set_state(self, state: StreamState) -> None:
        if state is self._state:
            return
        self._state = state
        if self._on_state is not None:
            self._on_state(state)
