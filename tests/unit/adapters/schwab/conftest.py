"""Shared pieces of the Schwab adapter tests: recorded JSON, a fast policy, a linked fake."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.schwab_server import APP_KEY, APP_SECRET, FakeSchwab
from workstation.adapters.credentials import CredentialVault
from workstation.adapters.http import HttpPolicy, install_log_redaction
from workstation.adapters.schwab.broker import SchwabBroker
from workstation.adapters.secrets.keyring_store import KeyringSecretStore
from workstation.domain.retry import RetryPolicy

FIXTURES = Path(__file__).parents[3] / "fixtures" / "schwab"
CALLBACK = "https://127.0.0.1:8182/callback"
START = datetime(2026, 4, 1, 14, 0, tzinfo=UTC)


def recorded(name: str) -> Any:
    """Return a recorded Schwab response (numbers as Decimal, as the session decodes them)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"), parse_float=Decimal)


def fast_policy(timeout: float = 2.0, attempts: int = 6) -> HttpPolicy:
    """Return an HttpPolicy with near-zero backoff so fault tests stay fast."""
    return HttpPolicy(
        retry=RetryPolicy(base_seconds=0.001, cap_seconds=0.01, max_attempts=attempts),
        timeout_seconds=timeout,
        connect_timeout_seconds=timeout,
        retry_after_cap_seconds=0.01,
    )


def store_grant(vault: CredentialVault, fake: FakeSchwab, clock: FixedClock) -> dict[str, Any]:
    """Store a grant the fake issued (as a finished login would); return the token body."""
    tokens = fake.issue_tokens()
    now = clock.now()
    vault.save(
        "schwab",
        {
            "app_key": APP_KEY,
            "app_secret": APP_SECRET,
            "callback_url": CALLBACK,
            "access_token": tokens["access_token"],
            "access_expires_at": (now + timedelta(seconds=1800)).isoformat(),
            "refresh_token": tokens["refresh_token"],
            "refresh_issued_at": now.isoformat(),
        },
    )
    return tokens


@pytest.fixture
def clock() -> FixedClock:
    """A clock the test moves."""
    return FixedClock(START)


@pytest.fixture
def vault() -> CredentialVault:
    """A credential vault over the suite's in-memory keyring."""
    return CredentialVault(KeyringSecretStore())


@pytest.fixture
async def fake() -> AsyncIterator[FakeSchwab]:
    """A fake Schwab API on 127.0.0.1 with the default generated account."""
    async with FakeSchwab() as server:
        yield server


@pytest.fixture
async def broker(
    fake: FakeSchwab, vault: CredentialVault, clock: FixedClock
) -> AsyncIterator[SchwabBroker]:
    """A SchwabBroker linked to the fake (the grant stored as a login would)."""
    store_grant(vault, fake, clock)
    client = SchwabBroker.connect(vault, fake.url, fast_policy(), now=clock.now)
    yield client
    await client.aclose()


@pytest.fixture
def redacted_logs() -> Iterator[None]:
    """Install the app's log redaction for one test and take it away afterwards."""
    previous = logging.getLogRecordFactory()
    install_log_redaction()
    yield
    logging.setLogRecordFactory(previous)
