"""OAuth against the fake: code exchange, refresh timing, refresh-token age, dead grants."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import httpx
import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.http_faults import FaultPlan
from tests.fakes.schwab_server import APP_KEY, APP_SECRET, CANARY, FakeSchwab
from tests.unit.adapters.schwab.conftest import CALLBACK, fast_policy, store_grant
from workstation.adapters.credentials import CredentialVault
from workstation.adapters.schwab.auth import SchwabApp, SchwabAuth
from workstation.adapters.schwab.broker import SchwabBroker
from workstation.adapters.schwab.callback import code_from_redirect
from workstation.adapters.secrets.keyring_store import KeyringSecretStore
from workstation.ports.broker import BrokerAuthError

APP = SchwabApp(APP_KEY, APP_SECRET, CALLBACK)
FIELDS = {
    "app_key",
    "app_secret",
    "callback_url",
    "access_token",
    "access_expires_at",
    "refresh_token",
    "refresh_issued_at",
}


class CountingStore(KeyringSecretStore):
    """The keyring store, counting writes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def set(self, name: str, value: str) -> None:
        self.writes += 1
        super().set(name, value)


async def login_code(auth: SchwabAuth, callback: str = CALLBACK) -> str:
    """Follow the authorize URL to the fake's redirect and read the code from it."""
    async with httpx.AsyncClient() as browser:
        response = await browser.get(auth.authorize_url(APP_KEY, callback))
    assert response.status_code == 302
    return code_from_redirect(response.headers["location"], callback)


@pytest.fixture
async def auth(fake: FakeSchwab, vault: CredentialVault, clock: FixedClock):
    holder = SchwabAuth(vault, fake.url, policy=fast_policy(), clock=clock.now)
    yield holder
    await holder.aclose()


def token_requests(fake: FakeSchwab) -> int:
    return sum(path == "/v1/oauth/token" for _, path in fake.faults.requests)


async def test_authorize_url_names_the_app_and_callback(auth: SchwabAuth, fake: FakeSchwab):
    url = auth.authorize_url(APP_KEY, CALLBACK)
    assert url.startswith(f"{fake.url}/v1/oauth/authorize?client_id=")
    assert "redirect_uri=https%3A%2F%2F127.0.0.1%3A8182%2Fcallback" in url


async def test_code_exchange_stores_the_grant_in_one_write(fake: FakeSchwab, clock: FixedClock):
    store = CountingStore()
    holder = SchwabAuth(CredentialVault(store), fake.url, policy=fast_policy(), clock=clock.now)
    code = await login_code(holder)
    assert code.endswith("@")  # %40 in the redirect
    grant = await holder.exchange_code(APP, code)
    await holder.aclose()
    assert store.writes == 1
    stored = json.loads(store.get("broker.schwab") or "{}")
    assert set(stored) == FIELDS
    assert stored["access_token"].startswith(f"{CANARY}-ACCESS-")
    assert grant.refresh_issued_at == clock.now()
    assert grant.access_expires_at == clock.now() + timedelta(seconds=1800)
    assert grant.refresh_lifetime_days == 7
    assert grant.refresh_expires_at() == clock.now() + timedelta(days=7)
    assert fake.grants == ["authorization_code"]


async def test_the_access_lifetime_comes_from_the_token_response(
    vault: CredentialVault, clock: FixedClock
):
    async with FakeSchwab(access_seconds=120) as fake:
        holder = SchwabAuth(vault, fake.url, policy=fast_policy(), clock=clock.now)
        grant = await holder.exchange_code(APP, await login_code(holder))
        assert grant.access_expires_at == clock.now() + timedelta(seconds=120)
        clock.advance(seconds=61)
        await holder.access_token()
        await holder.aclose()
        assert fake.grants == ["authorization_code", "refresh_token"]


async def test_a_used_code_is_refused(auth: SchwabAuth):
    code = await login_code(auth)
    await auth.exchange_code(APP, code)
    with pytest.raises(BrokerAuthError, match=r"code exchange.*invalid_grant.*log in again"):
        await auth.exchange_code(APP, code)


async def test_a_wrong_app_secret_is_refused_without_echoing_it(auth: SchwabAuth):
    code = await login_code(auth)
    wrong = SchwabApp(APP_KEY, "CANARY-SCHWAB-WRONG-SECRET", CALLBACK)
    with pytest.raises(BrokerAuthError, match="invalid_client") as caught:
        await auth.exchange_code(wrong, code)
    assert CANARY not in str(caught.value)


async def test_refresh_keeps_the_issue_time_unless_the_token_changes(
    auth: SchwabAuth, fake: FakeSchwab, clock: FixedClock
):
    issued = (await auth.exchange_code(APP, await login_code(auth))).refresh_issued_at
    clock.advance(seconds=1790)
    first = await auth.access_token()
    grant = auth.grant()
    assert grant is not None
    assert grant.refresh_issued_at == issued
    assert grant.access_expires_at == clock.now() + timedelta(seconds=1800)
    fake.rotate_refresh = True
    clock.advance(hours=1)
    second = await auth.access_token()
    assert second != first
    grant = auth.grant()
    assert grant is not None
    assert grant.refresh_issued_at == clock.now()
    assert fake.grants == ["authorization_code", "refresh_token", "refresh_token"]


async def test_no_refresh_while_the_token_has_more_than_a_minute(
    auth: SchwabAuth, fake: FakeSchwab, vault: CredentialVault, clock: FixedClock
):
    tokens = store_grant(vault, fake, clock)
    clock.advance(seconds=1739)
    assert await auth.access_token() == tokens["access_token"]
    clock.advance(seconds=2)
    assert await auth.access_token() != tokens["access_token"]
    assert auth.refreshes == 1


async def test_concurrent_callers_share_one_refresh(
    auth: SchwabAuth, fake: FakeSchwab, vault: CredentialVault, clock: FixedClock
):
    store_grant(vault, fake, clock)
    clock.advance(minutes=31)
    tokens = await asyncio.gather(*(auth.access_token() for _ in range(25)))
    assert len(set(tokens)) == 1
    assert fake.grants == ["refresh_token"]
    assert auth.refreshes == 1


async def test_an_expired_grant_fails_at_once_without_a_retry_storm(
    fake: FakeSchwab, vault: CredentialVault, clock: FixedClock
):
    store_grant(vault, fake, clock)
    fake.refresh_expired = True
    client = SchwabBroker.connect(vault, fake.url, fast_policy(), now=clock.now)
    clock.advance(minutes=45)
    results = await asyncio.gather(*(client.accounts() for _ in range(10)), return_exceptions=True)
    assert all(isinstance(result, BrokerAuthError) for result in results)
    assert "log in to Schwab again" in str(results[0])
    assert "refresh_token_authentication_error" in str(results[0])
    with pytest.raises(BrokerAuthError):
        await client.accounts()
    await client.aclose()
    assert token_requests(fake) == 1
    assert fake.api_calls == []


@pytest.mark.parametrize("error", ["invalid_client", "invalid_grant"])
async def test_every_refusal_means_log_in_again(
    vault: CredentialVault, clock: FixedClock, error: str
):
    async with FakeSchwab(refresh_error=error) as fake:
        store_grant(vault, fake, clock)
        fake.refresh_expired = True
        holder = SchwabAuth(vault, fake.url, policy=fast_policy(), clock=clock.now)
        clock.advance(hours=1)
        with pytest.raises(BrokerAuthError, match=error):
            await holder.access_token()
        await holder.aclose()


async def test_a_401_costs_one_refresh_and_one_retry(broker: SchwabBroker, fake: FakeSchwab):
    fake.expire_access_tokens()
    accounts = await broker.accounts()
    assert len(accounts) == 1
    assert fake.grants == ["refresh_token"]


async def test_a_second_401_means_the_grant_is_dead(vault: CredentialVault, clock: FixedClock):
    async with FakeSchwab(faults=FaultPlan(script=["401", "ok", "401"])) as fake:
        store_grant(vault, fake, clock)
        client = SchwabBroker.connect(vault, fake.url, fast_policy(), now=clock.now)
        with pytest.raises(BrokerAuthError, match="freshly refreshed token"):
            await client.accounts()
        await client.aclose()
        assert fake.grants == ["refresh_token"]


async def test_transient_token_faults_are_retried(vault: CredentialVault, clock: FixedClock):
    faults = FaultPlan(script=["503", "429", "truncated"], retry_after="0")
    async with FakeSchwab(faults=faults) as fake:
        store_grant(vault, fake, clock)
        holder = SchwabAuth(vault, fake.url, policy=fast_policy(), clock=clock.now)
        clock.advance(hours=1)
        token = await holder.access_token()
        await holder.aclose()
        assert token.startswith(f"{CANARY}-ACCESS-")
        assert [kind for kind, _ in faults.injected] == ["503", "429", "truncated"]


async def test_unlinked_means_log_in(vault: CredentialVault, fake: FakeSchwab):
    with pytest.raises(BrokerAuthError, match="not linked"):
        SchwabBroker.connect(vault, fake.url)
    holder = SchwabAuth(vault, fake.url)
    assert holder.grant() is None
    with pytest.raises(BrokerAuthError, match="not linked"):
        await holder.access_token()
    await holder.aclose()
