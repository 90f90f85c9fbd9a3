"""The keyring broker gateway against the fake brokers on 127.0.0.1: link with a personal grant,
a Schwab browser login caught by the local callback (and the pasted-URL fallback), grants,
unlink, and nothing stored when a login fails."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.fakes.schwab_server import APP_KEY, APP_SECRET, FakeSchwab
from tests.fakes.secrets import MemorySecretStore
from tests.fakes.tastytrade_samples import sample_history
from tests.fakes.tastytrade_server import CLIENT_SECRET, REFRESH_TOKEN, FakeTastytrade
from workstation.adapters.brokers import BrokerEndpoints, KeyringBrokerGateway
from workstation.ports.broker import BrokerAuthError


async def test_tastytrade_personal_grant_links_syncs_accounts_and_unlinks(tmp_path: Path) -> None:
    secrets = MemorySecretStore()
    async with FakeTastytrade(sample_history(5)) as fake:
        gateway = KeyringBrokerGateway(secrets, BrokerEndpoints(tastytrade=fake.url), tmp_path)
        with pytest.raises(BrokerAuthError):
            await gateway.link("tastytrade", {"client_secret": "wrong", "refresh_token": "x"})
        assert gateway.linked() == []
        assert secrets.entries == {}
        accounts = await gateway.link(
            "tastytrade", {"client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN}
        )
        assert [a.number for a in accounts] == ["5WT00001"]
        assert gateway.linked() == ["tastytrade"]
        stored = json.loads(secrets.entries["broker.tastytrade"])
        assert stored["base_url"] == fake.url
        assert gateway.grant("tastytrade").refresh_expires_at() is None
    gateway.unlink("tastytrade")
    assert gateway.linked() == []
    assert secrets.entries == {}


async def test_schwab_browser_login_is_caught_on_the_local_callback(tmp_path: Path) -> None:
    secrets = MemorySecretStore()
    async with FakeSchwab() as fake:
        endpoints = BrokerEndpoints(schwab=fake.url, schwab_callback="https://127.0.0.1:0/cb")
        gateway = KeyringBrokerGateway(secrets, endpoints, tmp_path)
        attempt = await gateway.begin_authorization(
            "schwab", {"app_key": APP_KEY, "app_secret": APP_SECRET}
        )
        assert attempt.url.startswith(f"{fake.url}/v1/oauth/authorize?client_id=")
        # The "browser": the fake's login page redirects (302) to our HTTPS listener.
        async with httpx.AsyncClient(verify=False, follow_redirects=True) as browser:
            answer = await browser.get(attempt.url)
        assert answer.status_code == 200
        assert attempt.callback.startswith("https://127.0.0.1:")
        accounts = await gateway.finish_authorization("schwab", timeout=5)
    assert len(accounts) >= 1
    assert accounts[0].remote_id  # the hash value the API wants
    grant = gateway.grant("schwab")
    assert grant is not None
    assert grant.refresh_lifetime_days == 7
    assert "CANARY" not in json.dumps([a.number for a in accounts])


async def test_a_pasted_redirect_finishes_the_login_and_a_bad_one_keeps_it_open(
    tmp_path: Path,
) -> None:
    secrets = MemorySecretStore()
    async with FakeSchwab() as fake:
        callback = "https://127.0.0.1:1/callback"  # a port nobody may bind: paste instead
        endpoints = BrokerEndpoints(schwab=fake.url, schwab_callback=callback)
        gateway = KeyringBrokerGateway(secrets, endpoints, tmp_path)
        attempt = await gateway.begin_authorization(
            "schwab", {"app_key": APP_KEY, "app_secret": APP_SECRET}
        )
        async with httpx.AsyncClient(follow_redirects=False) as browser:
            redirect = (await browser.get(attempt.url)).headers["location"]
        with pytest.raises(Exception, match="code"):
            await gateway.finish_authorization("schwab", "https://127.0.0.1:1/callback?x=1")
        assert gateway.linked() == []
        accounts = await gateway.finish_authorization("schwab", redirect)
    assert accounts
    assert gateway.linked() == ["schwab"]


class NoKeyring(MemorySecretStore):
    available = False
    unavailable_reason = "no keyring backend is available"

    def get(self, name: str) -> str | None:
        from workstation.ports.secrets import SecretStoreUnavailable

        raise SecretStoreUnavailable(self.unavailable_reason)


async def test_without_a_keyring_nothing_is_linked_and_linking_says_why(tmp_path: Path) -> None:
    gateway = KeyringBrokerGateway(NoKeyring(), BrokerEndpoints(), tmp_path)
    assert gateway.linked() == []
    assert gateway.grant("schwab") is None
    with pytest.raises(BrokerAuthError, match="no keyring backend"):
        await gateway.link("tastytrade", {"client_secret": "s", "refresh_token": "t"})
    with pytest.raises(BrokerAuthError, match="OS keyring"):
        await gateway.begin_authorization("schwab", {"app_key": "k", "app_secret": "s"})
    gateway.unlink("schwab")  # nothing to forget, and no error
