"""The local redirect catcher (HTTPS on 127.0.0.1) and the pasted-URL fallback."""

from __future__ import annotations

import socket
import ssl
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from cryptography import x509
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes.schwab_server import APP_KEY, APP_SECRET, FakeSchwab
from tests.unit.adapters.schwab.conftest import fast_policy
from workstation.adapters.credentials import CredentialVault
from workstation.adapters.redaction import forget_secret
from workstation.adapters.schwab.auth import SchwabApp, SchwabAuth
from workstation.adapters.schwab.callback import (
    CallbackListener,
    CallbackUnavailable,
    RedirectError,
    code_from_redirect,
)
from workstation.adapters.schwab.certificate import CERT_FILE, KEY_FILE, ensure_certificate
from workstation.adapters.secrets.keyring_store import KeyringSecretStore

CALLBACK = "https://127.0.0.1:8182/callback"


async def test_login_end_to_end_over_https(tmp_path: Path, vault: CredentialVault):
    async with (
        CallbackListener("https://127.0.0.1:0/callback", tmp_path) as listener,
        FakeSchwab(callback_url=listener.url) as fake,
    ):
        auth = SchwabAuth(vault, fake.url, policy=fast_policy())
        url = auth.authorize_url(APP_KEY, listener.url)
        async with httpx.AsyncClient(verify=False, follow_redirects=True) as browser:
            page = await browser.get(url)
        assert page.status_code == 200
        assert "You can close this window" in page.text
        redirected = await listener.wait(5)
        assert redirected.startswith(f"{listener.url}?code=")
        code = code_from_redirect(redirected, listener.url)
        grant = await auth.exchange_code(SchwabApp(APP_KEY, APP_SECRET, listener.url), code)
        await auth.aclose()
    assert fake.grants == ["authorization_code"]
    assert grant.refresh_issued_at is not None
    stored = vault.load("schwab")
    assert stored is not None
    assert stored["callback_url"] == listener.url


async def test_the_certificate_is_valid_for_127_0_0_1(tmp_path: Path):
    async with CallbackListener("https://127.0.0.1:0/cb", tmp_path) as listener:
        trust = ssl.create_default_context(cafile=str(tmp_path / CERT_FILE))
        async with httpx.AsyncClient(verify=trust) as browser:
            page = await browser.get(f"{listener.url}?code=abc%40def")
        assert page.status_code == 200
        assert code_from_redirect(await listener.wait(5), listener.url) == "abc@def"


async def test_plain_http_ignores_other_paths(tmp_path: Path):
    async with CallbackListener("http://127.0.0.1:0/", ssl=False) as listener:
        async with httpx.AsyncClient() as browser:
            assert (await browser.get(listener.url.rstrip("/") + "/favicon.ico")).status_code == 404
            with pytest.raises(TimeoutError):
                await listener.wait(0.05)
            await browser.get(f"{listener.url}?code=C0.b2F1dGgy%40&session=s1")
        assert code_from_redirect(await listener.wait(5), listener.url) == "C0.b2F1dGgy@"


async def test_a_busy_port_says_to_paste_the_url(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        listener = CallbackListener(f"https://127.0.0.1:{port}/callback", tmp_path)
        with pytest.raises(CallbackUnavailable, match="paste the redirected URL"):
            await listener.start()
        await listener.aclose()


def test_only_loopback_callbacks_are_served(tmp_path: Path):
    with pytest.raises(CallbackUnavailable, match=r"not on this computer"):
        CallbackListener("https://example.com:8182/callback", tmp_path)


def test_the_certificate_is_cached_and_renewed(tmp_path: Path):
    now = datetime(2026, 4, 1, tzinfo=UTC)
    cert, key = ensure_certificate(tmp_path, now)
    first = cert.read_bytes()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert ensure_certificate(tmp_path, now + timedelta(days=300))[0].read_bytes() == first
    renewed = ensure_certificate(tmp_path, now + timedelta(days=360))[0].read_bytes()
    assert renewed != first
    (tmp_path / KEY_FILE).write_text("garbage")
    assert ensure_certificate(tmp_path, now)[0].read_bytes() != renewed
    loaded = x509.load_pem_x509_certificate(cert.read_bytes())
    names = loaded.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]


def test_a_pasted_url_yields_the_decoded_code():
    pasted = f"{CALLBACK}?code=C0.b2F1dGgyLmJkYy5zY2h3YWIuY29t.abc%40&session=9f1c"
    assert code_from_redirect(pasted, CALLBACK) == "C0.b2F1dGgyLmJkYy5zY2h3YWIuY29t.abc@"
    assert code_from_redirect(f"  {CALLBACK}/?code=a+b%40\n", CALLBACK) == "a+b@"
    assert code_from_redirect("https://127.0.0.1/?code=x", "https://127.0.0.1:443") == "x"


@given(st.text(alphabet=st.characters(codec="ascii", exclude_categories=["Cc"]), min_size=1))
def test_any_code_survives_url_encoding(code: str):
    try:
        assert code_from_redirect(f"{CALLBACK}?code={quote(code, safe='')}&s=1", CALLBACK) == code
    finally:
        # Reading a code registers it as a secret; an arbitrary one such as "value" must not
        # stay registered and redact ordinary words in later tests' messages.
        forget_secret(code)


@pytest.mark.parametrize(
    ("pasted", "problem"),
    [
        ("", "nothing was pasted"),
        (f"{CALLBACK}?session=1", "no 'code='"),
        (f"{CALLBACK}?code=", "no 'code='"),
        (f"{CALLBACK}?error=access_denied", "did not grant access \\(access_denied"),
        ("https://127.0.0.1:8182/other?code=x", "path '/other'"),
        ("https://127.0.0.1:9999/callback?code=x", "port '9999'"),
        ("http://127.0.0.1:8182/callback?code=x", "scheme 'http'"),
        ("https://localhost:8182/callback?code=x", "host 'localhost'"),
        ("code=abc", "scheme '\\(none\\)'"),
    ],
)
def test_a_bad_pasted_url_says_what_is_wrong(pasted: str, problem: str):
    with pytest.raises(RedirectError, match=problem):
        code_from_redirect(pasted, CALLBACK)


async def test_a_declined_login_reaches_the_listener_as_an_error():
    async with (
        CallbackListener("http://127.0.0.1:0/cb", ssl=False) as listener,
        FakeSchwab() as fake,
    ):
        fake.deny_login = True
        auth = SchwabAuth(CredentialVault(KeyringSecretStore()), fake.url)
        async with httpx.AsyncClient(follow_redirects=True) as browser:
            await browser.get(auth.authorize_url(APP_KEY, listener.url))
        await auth.aclose()
        with pytest.raises(RedirectError, match="access_denied"):
            code_from_redirect(await listener.wait(5), listener.url)
