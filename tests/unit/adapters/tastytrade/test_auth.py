"""OAuth2 against the fake: refresh once under concurrency, 401 handling, dead grants, linking."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.http_faults import FaultPlan
from tests.fakes.keyring_backend import InMemoryKeyring
from tests.fakes.tastytrade_server import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from tests.unit.adapters.tastytrade.conftest import BROKER, FAST, START, link
from workstation.adapters.credentials import CredentialVault
from workstation.adapters.tastytrade.auth import authorize_url
from workstation.adapters.tastytrade.broker import TastytradeBroker
from workstation.domain.accounts import AccountKind
from workstation.domain.brokers import BrokerAccount
from workstation.ports.broker import BrokerAuthError

CALLBACK = "http://127.0.0.1:8765/callback"
ACCOUNT = BrokerAccount(BROKER, "5WT00001", AccountKind.MARGIN)


def count_writes(keyring: InMemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every keyring write (entry names)."""
    writes: list[str] = []
    original = keyring.set_password

    def counting(service: str, username: str, password: str) -> None:
        writes.append(username)
        original(service, username, password)

    monkeypatch.setattr(keyring, "set_password", counting)
    return writes


async def test_fifty_concurrent_calls_at_expiry_refresh_exactly_once(connected, clock):
    fake, broker = await connected()
    await broker.accounts()
    assert fake.tokens.requests == 1
    clock.advance(seconds=900 - 45)  # inside the 60 s margin
    results = await asyncio.gather(*(broker.accounts() for _ in range(50)))
    assert fake.tokens.requests == 2
    assert all(result == results[0] for result in results)
    clock.advance(seconds=60)
    await asyncio.gather(*(broker.accounts() for _ in range(50)))
    assert fake.tokens.requests == 2  # the new token is still fresh


async def test_the_refreshed_token_is_written_back_in_one_keyring_write(
    connected, vault: CredentialVault, memory_keyring, monkeypatch
):
    fake, broker = await connected()
    writes = count_writes(memory_keyring, monkeypatch)
    await broker.accounts()
    assert writes == ["broker.tastytrade"]
    stored = vault.load(BROKER)
    assert stored is not None
    assert stored["access_token"].startswith("CANARY-TT-ACCESS-")
    assert stored["access_token"] in fake.access_tokens
    expires = datetime.fromisoformat(stored["access_expires_at"])
    assert expires == START + timedelta(seconds=900)
    assert expires.utcoffset() == timedelta(0)
    assert stored["refresh_token"] == REFRESH_TOKEN  # not rotated


async def test_a_stored_fresh_token_is_used_without_a_refresh(connected, vault, clock):
    fake, broker = await connected()
    await broker.accounts()
    second = TastytradeBroker.connect(vault, policy=FAST, now=clock.now)
    try:
        await second.accounts()
    finally:
        await second.aclose()
    assert fake.tokens.requests == 1


async def test_a_rotated_refresh_token_is_stored(connected, vault, clock):
    fake, broker = await connected(rotate_refresh_tokens=True)
    await broker.accounts()
    stored = vault.load(BROKER)
    assert stored is not None
    assert stored["refresh_token"] != REFRESH_TOKEN
    assert stored["refresh_token"] in fake.refresh_tokens
    clock.advance(seconds=899)
    await broker.accounts()  # refreshes with the rotated token
    assert fake.tokens.refreshes == 2


async def test_a_401_costs_one_refresh_and_one_repeat(connected):
    fake, broker = await connected()
    await broker.accounts()
    fake.revoke_access_tokens()
    accounts = await asyncio.gather(*(broker.accounts() for _ in range(20)))
    assert fake.tokens.requests == 2
    assert len(accounts) == 20
    assert len(fake.requests_to("/customers/me/accounts")) == 1 + 20 + 20


async def test_a_second_401_is_an_auth_error_after_one_refresh(connected):
    faults = FaultPlan(script=["401", "401"], exempt=("/oauth",))
    fake, broker = await connected(faults=faults)
    with pytest.raises(BrokerAuthError, match="HTTP 401 with a fresh access token"):
        await broker.accounts()
    assert fake.tokens.requests == 2
    assert len(fake.requests_to("/customers/me/accounts")) == 0  # both refused by the plan
    assert [kind for kind, _ in faults.injected] == ["401", "401"]


async def test_a_dead_grant_raises_without_a_retry_storm(connected):
    fake, broker = await connected()
    fake.kill_grant()
    outcomes = await asyncio.gather(*(broker.accounts() for _ in range(20)), return_exceptions=True)
    assert all(isinstance(outcome, BrokerAuthError) for outcome in outcomes)
    assert "invalid_grant" in str(outcomes[0])
    assert "link tastytrade again" in str(outcomes[0])
    assert fake.tokens.requests == 1
    with pytest.raises(BrokerAuthError):
        await broker.positions(ACCOUNT)
    assert fake.tokens.requests == 1
    assert fake.requests_to("/customers/me/accounts") == []


async def test_a_grant_that_dies_after_a_401_is_an_auth_error(connected):
    fake, broker = await connected()
    await broker.accounts()
    fake.revoke_access_tokens()
    fake.kill_grant()
    with pytest.raises(BrokerAuthError, match="invalid_grant"):
        await broker.accounts()
    assert fake.tokens.requests == 2


async def test_a_wrong_client_secret_is_an_auth_error(connected, vault):
    fake, broker = await connected()
    fake.client_secret = "CANARY-TT-OTHER-SECRET"
    with pytest.raises(BrokerAuthError, match="invalid_client"):
        await broker.accounts()


async def test_not_linked_is_an_auth_error(vault):
    with pytest.raises(BrokerAuthError, match="not linked"):
        TastytradeBroker.connect(vault)


# ------------------------------------------------------------------ linking


def test_the_authorize_url_asks_for_read_trade_openid():
    url = authorize_url(CLIENT_ID, CALLBACK, state="s1")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "my.tastytrade.com", "/auth.html")
    assert parse_qs(parts.query) == {
        "response_type": ["code"],
        "client_id": [CLIENT_ID],
        "redirect_uri": [CALLBACK],
        "scope": ["read trade openid"],
        "state": ["s1"],
    }
    assert "scope=read%20trade%20openid" in url


async def test_the_authorization_code_flow_links_the_account(serve, vault, clock):
    fake = await serve()
    url = authorize_url(CLIENT_ID, CALLBACK, state="s1", base=f"{fake.url}/auth.html")
    async with httpx.AsyncClient(headers={"User-Agent": "browser/1.0"}) as browser:
        redirect = await browser.get(url)
    assert redirect.status_code == 302
    landing = urlsplit(redirect.headers["location"])
    query = parse_qs(landing.query)
    assert f"{landing.scheme}://{landing.netloc}{landing.path}" == CALLBACK
    assert query["state"] == ["s1"]
    broker = TastytradeBroker.unlinked(vault, fake.url, policy=FAST, now=clock.now)
    try:
        await broker.session.auth.exchange_code(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            code=query["code"][0],
            redirect_uri=CALLBACK,
        )
        assert [a.number for a in await broker.accounts()] == ["5WT00001"]
        with pytest.raises(BrokerAuthError, match="invalid_grant"):  # codes are single use
            await broker.session.auth.exchange_code(
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                code=query["code"][0],
                redirect_uri=CALLBACK,
            )
    finally:
        await broker.aclose()
    stored = vault.load(BROKER)
    assert stored is not None
    assert set(stored) == {
        "client_id",
        "client_secret",
        "refresh_token",
        "access_token",
        "access_expires_at",
        "base_url",
    }
    assert stored["refresh_token"] in fake.refresh_tokens
    assert (stored["base_url"], fake.tokens.exchanges, fake.tokens.requests) == (fake.url, 1, 2)


async def test_a_personal_grant_is_stored_only_once_proven(serve, vault, clock):
    fake = await serve()
    broker = TastytradeBroker.unlinked(vault, fake.url, policy=FAST, now=clock.now)
    try:
        with pytest.raises(BrokerAuthError, match="invalid_grant"):
            await broker.session.auth.link_personal_grant(CLIENT_SECRET, "CANARY-TT-WRONG")
        assert vault.load(BROKER) is None
        await broker.session.auth.link_personal_grant(CLIENT_SECRET, REFRESH_TOKEN)
        assert len(await broker.accounts()) == 1
    finally:
        await broker.aclose()
    stored = vault.load(BROKER)
    assert stored is not None
    assert (stored["refresh_token"], stored["client_secret"]) == (REFRESH_TOKEN, CLIENT_SECRET)
    assert fake.tokens.requests == 2


async def test_an_expired_token_on_the_server_is_refused_and_replaced(serve, vault):
    server_clock = FixedClock(datetime(2026, 1, 6, 15, tzinfo=UTC))
    fake = await serve(now=server_clock.now, token_lifetime=900)
    link(vault, fake.url)
    client_clock = FixedClock(datetime(2026, 1, 6, 15, tzinfo=UTC))
    broker = TastytradeBroker.connect(vault, policy=FAST, now=client_clock.now)
    try:
        await broker.accounts()
        server_clock.advance(seconds=901)  # the client's clock lags: it thinks the token is fine
        await broker.accounts()
    finally:
        await broker.aclose()
    assert fake.tokens.requests == 2
