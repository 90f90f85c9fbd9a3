"""The REST session against the fake: headers, error mapping, bad bodies, no tokens in text."""

from __future__ import annotations

import logging
from datetime import datetime

import httpx
import pytest

from tests.fakes.http_faults import FaultPlan
from tests.fakes.tastytrade_samples import sample_history
from tests.unit.adapters.tastytrade.conftest import FAST, ToFake, link
from workstation import __version__
from workstation.adapters.http import HttpPolicy
from workstation.adapters.tastytrade.broker import TastytradeBroker
from workstation.adapters.tastytrade.client import (
    API_VERSION,
    PRODUCTION,
    SANDBOX,
    USER_AGENT,
    session_headers,
)
from workstation.domain.accounts import AccountKind
from workstation.domain.brokers import BrokerAccount
from workstation.domain.retry import RetryPolicy
from workstation.ports.broker import (
    BrokerDataError,
    BrokerError,
    BrokerUnavailable,
)

ACCOUNTS = "/customers/me/accounts"


def test_the_user_agent_names_product_and_version():
    assert f"volaris-workstation/{__version__}" == USER_AGENT
    assert session_headers(PRODUCTION)["Accept-Version"] == API_VERSION == "20251101"
    assert "Accept-Version" not in session_headers(SANDBOX)
    assert "Accept-Version" not in session_headers("http://127.0.0.1:1234")


async def test_every_request_carries_bearer_and_user_agent_without_accept_version(connected):
    fake, broker = await connected()
    await broker.accounts()
    seen = fake.seen
    assert [s.path for s in seen] == ["/oauth/token", ACCOUNTS]
    assert all(s.headers["User-Agent"] == USER_AGENT for s in seen)
    assert all("Accept-Version" not in s.headers for s in seen)
    assert seen[1].headers["Authorization"].startswith("Bearer CANARY-TT-ACCESS-")


@pytest.mark.parametrize(("base_url", "expected"), [(PRODUCTION, API_VERSION), (SANDBOX, None)])
async def test_accept_version_goes_to_production_only(serve, vault, clock, base_url, expected):
    fake = await serve()
    link(vault, base_url)
    broker = TastytradeBroker.connect(vault, policy=FAST, now=clock.now, transport=ToFake(fake.url))
    try:
        await broker.accounts()
    finally:
        await broker.aclose()
    assert [s.headers.get("Accept-Version") for s in fake.seen] == [expected, expected]
    assert fake.seen[1].headers["Host"] == httpx.URL(base_url).host


async def test_the_fake_refuses_a_request_without_user_agent(serve):
    fake = await serve()
    async with httpx.AsyncClient() as raw:
        response = await raw.get(f"{fake.url}{ACCOUNTS}", headers={"User-Agent": ""})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "user_agent_required"


async def test_truncated_or_invalid_json_is_asked_for_again(connected):
    faults = FaultPlan(script=["truncated", "invalid_json", "truncated"], exempt=("/oauth",))
    fake, broker = await connected(faults=faults)
    assert len(await broker.accounts()) == 1
    assert len(fake.requests_to(ACCOUNTS)) == 4


async def test_json_that_stays_broken_is_a_data_error(connected):
    faults = FaultPlan(script=["truncated"] * 4, exempt=("/oauth",))
    fake, broker = await connected(faults=faults)
    with pytest.raises(BrokerDataError, match=f"GET {ACCOUNTS}: the response is not valid JSON"):
        await broker.accounts()
    assert len(fake.requests_to(ACCOUNTS)) == 4


async def test_lasting_server_errors_are_unavailable_after_the_transport_retries(connected):
    faults = FaultPlan(script=["503"] * 6, exempt=("/oauth",))
    _fake, broker = await connected(faults=faults)
    with pytest.raises(BrokerUnavailable, match=f"GET {ACCOUNTS}: HTTP 503"):
        await broker.accounts()
    assert len(faults.injected) == 6


async def test_transient_faults_are_absorbed(connected):
    faults = FaultPlan(script=["429", "500", "502", "503", "ok"], exempt=("/oauth",))
    _fake, broker = await connected(faults=faults)
    assert len(await broker.accounts()) == 1
    assert broker.session.client._transport.retries == 4  # type: ignore[attr-defined]


async def test_a_timeout_that_lasts_is_unavailable(connected):
    quick = HttpPolicy(
        timeout_seconds=0.05,
        connect_timeout_seconds=0.5,
        retry=RetryPolicy(base_seconds=0.001, cap_seconds=0.01, max_attempts=2),
    )
    faults = FaultPlan(script=["timeout", "timeout"], slow_seconds=0.2, exempt=("/oauth",))
    _fake, broker = await connected(faults=faults, policy=quick)
    with pytest.raises(BrokerUnavailable, match="timed out"):
        await broker.accounts()


async def test_the_connection_refused_is_unavailable(serve, vault, clock):
    fake = await serve()
    link(vault, fake.url)
    await fake.stop()
    broker = TastytradeBroker.connect(vault, policy=FAST, now=clock.now)
    try:
        with pytest.raises(BrokerUnavailable, match="network error"):
            await broker.accounts()
    finally:
        await broker.aclose()


async def test_an_unknown_account_is_a_broker_error_with_the_api_message(connected):
    _fake, broker = await connected()
    stranger = BrokerAccount("tastytrade", "9ZZ99999", AccountKind.MARGIN)
    with pytest.raises(BrokerError, match="HTTP 404 \\(not_found: no such account\\)") as caught:
        await broker.balances(stranger)
    assert type(caught.value) is BrokerError


async def test_canary_tokens_never_reach_logs_or_exceptions(connected, caplog):
    caplog.set_level(logging.DEBUG)
    script = ["429", "truncated", "ok", "503", "invalid_json", "timeout", "ok", "401"]
    faults = FaultPlan(script=script, slow_seconds=0.2, exempt=("/oauth",))
    history = sample_history(600)
    quick = HttpPolicy(
        timeout_seconds=0.1,
        connect_timeout_seconds=0.5,
        retry=RetryPolicy(base_seconds=0.001, cap_seconds=0.01, max_attempts=8),
    )
    fake, broker = await connected(history=history, faults=faults, policy=quick)
    accounts = await broker.accounts()
    pages = [page async for page in broker.transactions(accounts[0], *_window(history))]
    assert sum(len(page.rows) for page in pages) == 600
    await broker.quote_token()
    fake.revoke_access_tokens()
    fake.kill_grant()
    failures: list[str] = []
    for call in (broker.accounts, broker.quote_token):
        try:
            await call()
        except BrokerError as exc:
            failures.append(f"{exc!s} {exc!r} {exc.__cause__!r} {exc.__context__!r}")
    assert len(failures) == 2
    assert faults.injected  # the walk did hit faults, and logged retries
    assert any("retry" in record.getMessage() for record in caplog.records)
    text = caplog.text + "".join(failures)
    assert "CANARY" not in text
    for record in caplog.records:
        assert "CANARY" not in str(record.args)


def _window(history):
    rows = history.transactions["5WT00001"]
    first = datetime.fromisoformat(rows[0]["executed-at"])
    last = datetime.fromisoformat(rows[-1]["executed-at"])
    return first, last
