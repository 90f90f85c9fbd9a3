"""Shared pieces of the tastytrade adapter tests: fixtures on disk, a vault, a fast policy."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.http_faults import FaultPlan
from tests.fakes.tastytrade_history import TastytradeHistory
from tests.fakes.tastytrade_samples import sample_history
from tests.fakes.tastytrade_server import CLIENT_SECRET, REFRESH_TOKEN, FakeTastytrade
from workstation.adapters.credentials import CredentialVault
from workstation.adapters.http import HttpPolicy
from workstation.adapters.secrets.keyring_store import KeyringSecretStore
from workstation.adapters.tastytrade.broker import TastytradeBroker
from workstation.domain.retry import RetryPolicy

FIXTURES = Path(__file__).parents[3] / "fixtures" / "tastytrade"
BROKER = "tastytrade"
FAST = HttpPolicy(
    timeout_seconds=2.0,
    connect_timeout_seconds=1.0,
    retry=RetryPolicy(base_seconds=0.001, cap_seconds=0.01, max_attempts=6),
)
START = datetime(2026, 1, 6, 15, 0, tzinfo=UTC)


def fixture(name: str) -> Any:
    """Return the parsed JSON of a handwritten response under tests/fixtures/tastytrade."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def vault() -> CredentialVault:
    """Return a vault over the suite's in-memory keyring."""
    return CredentialVault(KeyringSecretStore())


@pytest.fixture
def clock() -> FixedClock:
    """Return the client's clock (token expiry), at 2026-01-06 15:00 UTC."""
    return FixedClock(START)


def link(vault: CredentialVault, url: str) -> None:
    """Store a personal grant the fake accepts, pointing at ``url``."""
    vault.save(
        BROKER, {"client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN, "base_url": url}
    )


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Any]]:
    """Return an async factory starting fakes (stopped after the test)."""
    started: list[FakeTastytrade] = []

    async def start(
        history: TastytradeHistory | None = None, faults: FaultPlan | None = None, **options: Any
    ) -> FakeTastytrade:
        fake = FakeTastytrade(history or sample_history(), faults=faults, **options)
        await fake.start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        await fake.stop()


@pytest.fixture
async def connected(
    serve: Callable[..., Any], vault: CredentialVault, clock: FixedClock
) -> AsyncIterator[Callable[..., Any]]:
    """Return an async factory: (fake, broker) linked to each other, the broker closed after."""
    brokers: list[TastytradeBroker] = []

    async def make(
        history: TastytradeHistory | None = None,
        faults: FaultPlan | None = None,
        policy: HttpPolicy = FAST,
        **options: Any,
    ) -> tuple[FakeTastytrade, TastytradeBroker]:
        fake = await serve(history, faults, **options)
        link(vault, fake.url)
        broker = TastytradeBroker.connect(vault, policy=policy, now=clock.now)
        brokers.append(broker)
        return fake, broker

    yield make
    for broker in brokers:
        await broker.aclose()


class ToFake(httpx.AsyncBaseTransport):
    """Sends requests for any host to the fake on 127.0.0.1 (for production-URL header tests)."""

    def __init__(self, fake_url: str) -> None:
        self._port = httpx.URL(fake_url).port
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self._port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
