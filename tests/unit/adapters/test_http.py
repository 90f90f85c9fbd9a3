"""The shared HTTP client against a real server on 127.0.0.1: retries, Retry-After, unsafe
methods, connection errors, timeouts, the rate limiter and secret redaction."""

from __future__ import annotations

import logging
import random
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from aiohttp import web

from tests.fakes.http_faults import FaultPlan
from workstation.adapters import http
from workstation.adapters.http import HttpPolicy, RateLimiter, create_client
from workstation.domain.retry import RetryPolicy

FAST = HttpPolicy(
    timeout_seconds=0.3,
    retry=RetryPolicy(base_seconds=0.01, cap_seconds=0.05, max_attempts=4),
)


class Sleeps:
    """Records the waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


async def _serve(plan: FaultPlan) -> tuple[web.AppRunner, str]:
    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "method": request.method})

    app = web.Application(middlewares=[plan.middleware()])
    app.router.add_route("*", "/hello", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def server() -> AsyncIterator[tuple[FaultPlan, str]]:
    plan = FaultPlan(slow_seconds=1.0)
    runner, url = await _serve(plan)
    yield plan, url
    await runner.cleanup()


async def test_429_waits_what_retry_after_says_then_succeeds(server) -> None:
    plan, url = server
    plan.retry_after = "2"
    plan.script = ["429", "ok"]
    sleeps = Sleeps()
    async with create_client("test", url, policy=FAST, sleep=sleeps) as client:
        response = await client.get("/hello")
    assert response.status_code == 200
    assert sleeps.waits == [2.0]


async def test_server_errors_back_off_with_full_jitter_and_give_up_after_the_cap(server) -> None:
    plan, url = server
    plan.script = ["500", "502", "503", "503", "ok"]
    sleeps = Sleeps()
    async with create_client("test", url, policy=FAST, sleep=sleeps, rng=random.Random(1)) as c:
        response = await c.get("/hello")
    assert response.status_code == 503  # 4 attempts allowed: the 4th answer is returned
    assert len(sleeps.waits) == 3
    for attempt, wait in enumerate(sleeps.waits, start=1):
        assert 0 <= wait <= FAST.retry.ceiling(attempt)


async def test_a_post_is_not_repeated_when_its_outcome_is_unknown(server) -> None:
    plan, url = server
    plan.script = ["500", "ok"]
    sleeps = Sleeps()
    async with create_client("test", url, policy=FAST, sleep=sleeps) as client:
        response = await client.post("/hello", json={"order": 1})
        assert response.status_code == 500
        plan.script = ["429", "ok"]  # a 429 was not processed: safe to repeat
        assert (await client.post("/hello", json={})).status_code == 200
        plan.script = ["503", "ok"]  # a token refresh is marked safe
        token = await client.post("/hello", data={"grant_type": "x"}, extensions={"retry": True})
        assert token.status_code == 200
    assert [m for m, _ in plan.requests].count("POST") == 5


async def test_timeouts_are_retried_on_reads(server) -> None:
    plan, url = server
    plan.script = ["timeout", "ok"]
    sleeps = Sleeps()
    async with create_client("test", url, policy=FAST, sleep=sleeps) as client:
        response = await client.get("/hello")
    assert response.json()["ok"] is True
    assert len(sleeps.waits) == 1


async def test_connection_refused_is_retried_then_raised() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    async with create_client("test", f"http://127.0.0.1:{port}", policy=FAST, sleep=sleeps) as c:
        with pytest.raises(httpx.ConnectError):
            await c.get("/hello")
    assert len(sleeps.waits) == 3


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    request = httpx.Request("GET", "http://127.0.0.1/")
    when = datetime(2026, 11, 21, 15, 0, 30, tzinfo=UTC)
    dated = httpx.Response(429, headers={"Retry-After": format_datetime(when)}, request=request)
    now = (when - timedelta(seconds=30)).timestamp()
    assert http.retry_after_seconds(dated, now=now) == pytest.approx(30)
    assert http.retry_after_seconds(httpx.Response(429, headers={"Retry-After": "7"})) == 7
    assert http.retry_after_seconds(httpx.Response(429, headers={"Retry-After": "soon"})) is None
    assert http.retry_after_seconds(httpx.Response(429)) is None


async def test_rate_limiter_spaces_requests_after_the_burst() -> None:
    clock = [0.0]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    limiter = RateLimiter(rate=2.0, burst=2, monotonic=lambda: clock[0])
    for _ in range(4):
        await limiter.acquire(sleep)
    assert sleeps == pytest.approx([0.5, 0.5])
    with pytest.raises(ValueError, match="rate"):
        RateLimiter(rate=0)


def test_registered_secrets_never_reach_logs_or_messages(caplog: pytest.LogCaptureFixture) -> None:
    http.register_secret("CANARY-HTTP-TOKEN-123", "access_token")
    http.install_log_redaction()
    logger = logging.getLogger("workstation.test_http")
    with caplog.at_level(logging.INFO, logger="workstation.test_http"):
        logger.info("refreshed %s", "CANARY-HTTP-TOKEN-123")
        try:
            raise RuntimeError("bad token CANARY-HTTP-TOKEN-123")
        except RuntimeError:
            logger.exception("call failed")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert "CANARY-HTTP-TOKEN-123" not in text
    assert "<access_token redacted>" in text
    failure = httpx.ConnectError("no route to CANARY-HTTP-TOKEN-123")
    assert "CANARY" not in http.describe_failure("test", "GET /x", failure)
    http.forget_secret("CANARY-HTTP-TOKEN-123")
    assert http.redact("CANARY-HTTP-TOKEN-123") == "CANARY-HTTP-TOKEN-123"


def test_http_library_loggers_stay_at_warning() -> None:
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    http.quiet_http_loggers()
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() >= logging.WARNING
