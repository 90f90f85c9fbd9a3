"""The one HTTP client factory: timeouts, retries with backoff, rate limits, secret redaction.

Every broker and data-vendor client gets its ``httpx.AsyncClient`` from
``create_client``. Its transport:

- retries 429 and 500/502/503/504 with exponential backoff and full jitter
  (``RetryPolicy``), waiting what ``Retry-After`` asks when it says (capped);
- retries connection errors and timeouts;
- never retries a non-idempotent request (POST, PATCH) whose outcome is
  unknown (5xx, timeout after sending): an order must not be sent twice.
  Mark a safe POST (an OAuth token refresh) with ``extensions={"retry": True}``;
- spaces requests through a per-provider token bucket.

Secrets (tokens, client secrets, auth codes, account numbers when asked)
are registered with ``register_secret``; ``redact`` replaces them in any
text, and ``install_log_redaction`` makes every log record pass through it.
The ``httpx``/``httpcore`` loggers stay at WARNING so request URLs, which can
carry an auth code, never reach the logs.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import httpx

from workstation.adapters.redaction import (
    RedactingFilter,
    forget_secret,
    install_log_redaction,
    quiet_http_loggers,
    redact,
    register_secret,
)
from workstation.domain.retry import RetryPolicy

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
__all__ = [
    "HttpPolicy",
    "RateLimiter",
    "RedactingFilter",
    "RetryingTransport",
    "create_client",
    "describe_failure",
    "forget_secret",
    "install_log_redaction",
    "quiet_http_loggers",
    "redact",
    "register_secret",
]

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """How a provider's requests are timed, retried and spaced.

    ``requests_per_second`` None means no limit; ``burst`` requests may go at
    once. ``retry_after_cap_seconds`` bounds a server's ``Retry-After``.
    """

    timeout_seconds: float = 20.0
    connect_timeout_seconds: float = 5.0
    retry: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(base_seconds=0.5, cap_seconds=20.0, max_attempts=6)
    )
    retry_after_cap_seconds: float = 60.0
    requests_per_second: float | None = None
    burst: int = 5


# ------------------------------------------------------------------ rate limits


class RateLimiter:
    """A token bucket: ``rate`` requests per second on average, ``burst`` at once."""

    def __init__(
        self, rate: float, burst: int = 1, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate limiter: rate {rate} must be > 0 and burst {burst} >= 1")
        self.rate, self.burst = rate, burst
        self._monotonic = monotonic
        self._tokens = float(burst)
        self._stamp = monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self, sleep: Sleep = asyncio.sleep) -> None:
        """Wait until a request may go."""
        async with self._lock:
            while True:
                now = self._monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                await sleep((1.0 - self._tokens) / self.rate)


_LIMITERS: dict[tuple[str, int], RateLimiter] = {}


def limiter_for(provider: str, policy: HttpPolicy) -> RateLimiter | None:
    """Return the shared limiter of ``provider`` in this event loop (None when unlimited)."""
    if policy.requests_per_second is None:
        return None
    loop_id = id(asyncio.get_running_loop()) if _loop_running() else 0
    key = (provider, loop_id)
    if key not in _LIMITERS:
        _LIMITERS[key] = RateLimiter(policy.requests_per_second, policy.burst)
    return _LIMITERS[key]


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


# ------------------------------------------------------------------ retries


def retry_after_seconds(response: httpx.Response, now: float | None = None) -> float | None:
    """Return what the ``Retry-After`` header asks (seconds or an HTTP date), else None."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def may_retry(request: httpx.Request, sent: bool) -> bool:
    """Tell whether repeating ``request`` is safe.

    Idempotent methods always are; others only when the request never left
    (connection refused) or when marked ``extensions={"retry": True}``.
    """
    if request.method in SAFE_METHODS or request.extensions.get("retry") is True:
        return True
    return not sent


class RetryingTransport(httpx.AsyncBaseTransport):
    """Wraps a transport with rate limiting and retries (see the module docstring)."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        provider: str,
        policy: HttpPolicy,
        limiter: RateLimiter | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._inner = inner
        self.provider = provider
        self.policy = policy
        self._limiter = limiter
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.retries = 0  # how many retries this transport has made (for the sync log)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            if self._limiter is not None:
                await self._limiter.acquire(self._sleep)
            try:
                response = await self._inner.handle_async_request(request)
            except httpx.TransportError as exc:
                attempt += 1
                sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                if not may_retry(request, sent) or self.policy.retry.gives_up_after(attempt):
                    raise
                await self._wait(request, attempt, None, type(exc).__name__)
                continue
            if response.status_code not in RETRY_STATUSES:
                return response
            attempt += 1
            retriable = response.status_code == 429 or may_retry(request, sent=True)
            if not retriable or self.policy.retry.gives_up_after(attempt):
                return response
            await response.aread()
            await response.aclose()
            await self._wait(request, attempt, response, f"HTTP {response.status_code}")

    async def _wait(
        self,
        request: httpx.Request,
        attempt: int,
        response: httpx.Response | None,
        reason: str,
    ) -> None:
        asked = None if response is None else retry_after_seconds(response)
        if asked is not None:
            delay = min(asked, self.policy.retry_after_cap_seconds)
        else:
            delay = self.policy.retry.delay(attempt, self._rng)
        self.retries += 1
        log.warning(
            "%s %s %s: %s, retry %d in %.2f s",
            self.provider,
            request.method,
            request.url.path,
            reason,
            attempt,
            delay,
        )
        await self._sleep(delay)

    async def aclose(self) -> None:
        await self._inner.aclose()


def create_client(
    provider: str,
    base_url: str,
    *,
    policy: HttpPolicy | None = None,
    headers: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
) -> httpx.AsyncClient:
    """Return an ``httpx.AsyncClient`` for ``provider`` at ``base_url`` with the shared policy.

    ``transport`` replaces the network transport (tests); retries and the rate
    limit wrap it either way.
    """
    quiet_http_loggers()
    policy = policy or HttpPolicy()
    inner = transport or httpx.AsyncHTTPTransport()
    retrying = RetryingTransport(inner, provider, policy, limiter_for(provider, policy), sleep, rng)
    timeout = httpx.Timeout(policy.timeout_seconds, connect=policy.connect_timeout_seconds)
    return httpx.AsyncClient(
        base_url=base_url,
        headers=dict(headers or {}),
        timeout=timeout,
        transport=retrying,
        follow_redirects=False,
    )


def describe_failure(provider: str, request: str, exc: BaseException) -> str:
    """Return a one-line, redacted account of a failed request for errors and the sync log."""
    if isinstance(exc, httpx.HTTPStatusError):
        detail = f"HTTP {exc.response.status_code}"
    elif isinstance(exc, httpx.TimeoutException):
        detail = "timed out"
    elif isinstance(exc, httpx.TransportError):
        detail = f"network error ({type(exc).__name__})"
    else:
        detail = str(exc) or type(exc).__name__
    return redact(f"{provider} {request}: {detail}")
