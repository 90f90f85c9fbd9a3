"""The broker gateway: builds Tastytrade and Schwab sessions from the keyring, links and unlinks.

Implements ``ports.broker.BrokerGateway`` for the services. Browser logins
run a one-shot listener on the 127.0.0.1 callback (HTTPS with a self-signed
certificate for Schwab, whose registered callback must be https) and also
accept the redirected URL pasted from the browser when the listener cannot
bind or the browser refuses the certificate.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.adapters.credentials import CredentialError, CredentialVault
from workstation.domain.brokers import BrokerAccount, BrokerName, TokenGrant
from workstation.ports.broker import (
    AuthorizationAttempt,
    BrokerAuthError,
    BrokerClient,
    BrokerError,
)
from workstation.ports.marketdata import MarketData
from workstation.ports.secrets import SecretStore, SecretStoreUnavailable

if TYPE_CHECKING:  # the clients (httpx, pydantic models, TLS) load with the first broker call
    from workstation.adapters.http import HttpPolicy
    from workstation.adapters.schwab.broker import SchwabBroker
    from workstation.adapters.schwab.callback import CallbackListener
    from workstation.adapters.tastytrade.broker import TastytradeBroker

TASTYTRADE_PRODUCTION = "https://api.tastyworks.com"
TASTYTRADE_SANDBOX = "https://api.cert.tastyworks.com"
SCHWAB_PRODUCTION = "https://api.schwabapi.com"
TASTYTRADE_CALLBACK = "http://127.0.0.1:8183/callback"
TASTYTRADE_AUTHORIZE = "https://my.tastytrade.com/auth.html"


@dataclass(frozen=True, slots=True)
class BrokerEndpoints:
    """Where each broker's API lives (the fake servers' URLs in tests and manual runs).

    ``tastytrade_authorize`` is the browser login page (tastytrade's own site).
    """

    tastytrade: str = TASTYTRADE_PRODUCTION
    schwab: str = SCHWAB_PRODUCTION
    schwab_callback: str = "https://127.0.0.1:8182/callback"
    tastytrade_callback: str = TASTYTRADE_CALLBACK
    tastytrade_authorize: str = TASTYTRADE_AUTHORIZE


@dataclass
class _Pending:
    """A browser login waiting for its redirect."""

    fields: dict[str, str]
    callback: str
    listener: CallbackListener | None


class KeyringBrokerGateway:
    """Broker sessions and links over credentials kept in the OS keyring."""

    def __init__(
        self,
        secrets: SecretStore,
        endpoints: BrokerEndpoints | Callable[[], BrokerEndpoints],
        cert_dir: Path,
        policy: HttpPolicy | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.vault = CredentialVault(secrets)
        self._secrets = secrets
        self._endpoints = endpoints
        self._cert_dir = cert_dir
        self._policy = policy
        self._now = now
        self._pending: dict[str, _Pending] = {}

    @property
    def endpoints(self) -> BrokerEndpoints:
        """Return where the brokers live now (settings can change while the app runs)."""
        endpoints = self._endpoints
        return endpoints if isinstance(endpoints, BrokerEndpoints) else endpoints()

    # ---------------------------------------------------------------- reading

    def linked(self) -> list[str]:
        """Return the brokers with a stored grant (a refresh token), sorted."""
        return sorted(b.value for b in BrokerName if self._fields(b.value).get("refresh_token"))

    def grant(self, broker: str) -> TokenGrant | None:
        """Return the stored grant's expiry facts (Schwab: the 7-day login), or None."""
        fields = self._fields(broker)
        if not fields.get("refresh_token"):
            return None
        if broker == BrokerName.SCHWAB:
            from workstation.adapters.schwab.auth import stored_grant as schwab_grant

            try:
                return schwab_grant(fields)
            except BrokerError:  # unreadable: the next sync asks for a new login
                return None
        from workstation.adapters.tastytrade.auth import stored_grant

        return stored_grant(fields)

    def client(self, broker: str) -> BrokerClient:
        """Return a session for ``broker`` (BrokerAuthError when it is not linked)."""
        if broker == BrokerName.TASTYTRADE:
            return self._tastytrade(linked=True)
        if broker == BrokerName.SCHWAB:
            return self._schwab()
        raise BrokerError(f"unknown broker {broker!r}")

    def market_data(self, broker: str) -> MarketData:
        """Return ``broker``'s quotes, chains and live stream as a MarketData provider.

        The provider owns its own session (closed by its ``aclose``);
        BrokerAuthError when ``broker`` is not linked.
        """
        if broker == BrokerName.TASTYTRADE:
            from workstation.adapters.marketdata.live.tastytrade import TastytradeMarketData

            return TastytradeMarketData(self._tastytrade(linked=True))
        if broker == BrokerName.SCHWAB:
            from workstation.adapters.marketdata.live.schwab import SchwabMarketData

            return SchwabMarketData(self._schwab())
        raise BrokerError(f"unknown broker {broker!r}")

    # ---------------------------------------------------------------- linking

    async def link(self, broker: str, credentials: Mapping[str, str]) -> list[BrokerAccount]:
        """Link tastytrade with a personal grant (client secret + refresh token)."""
        if broker != BrokerName.TASTYTRADE:
            raise BrokerAuthError(f"{broker} links through a browser login (/authorize {broker})")
        self._require_keyring(broker)
        secret, refresh = credentials.get("client_secret"), credentials.get("refresh_token")
        if not secret or not refresh:
            raise BrokerAuthError("tastytrade: a client secret and a refresh token are needed")
        session = self._tastytrade(linked=False)
        try:
            await session.session.auth.link_personal_grant(secret, refresh)  # stores base_url
            return await session.accounts()
        finally:
            await session.aclose()

    async def begin_authorization(
        self, broker: str, credentials: Mapping[str, str]
    ) -> AuthorizationAttempt:
        """Start the callback listener and return the login URL to open in the browser."""
        self._require_keyring(broker)
        await self._drop_pending(broker)
        stored = await asyncio.to_thread(self._app_fields, broker)  # the keyring: off the loop
        fields = {**stored, **{k: v for k, v in credentials.items() if v}}
        fields.setdefault("callback_url", self._default_callback(broker))
        listener = await self._listen(fields["callback_url"])
        if listener is not None:
            fields["callback_url"] = listener.url  # the port it bound (0 asks for a free one)
        callback = fields["callback_url"]
        url = self._authorize_url(broker, fields, callback)
        self._pending[broker] = _Pending(fields, callback, listener)
        return AuthorizationAttempt(broker, url, callback)

    async def finish_authorization(
        self, broker: str, pasted_redirect: str | None = None, timeout: float = 300.0
    ) -> list[BrokerAccount]:
        """Take the code from the redirect (caught or pasted), exchange it, return the accounts."""
        pending = self._pending.get(broker)
        if pending is None:
            raise BrokerAuthError(f"{broker}: start the login first (no login is in progress)")
        # A cancelled wait or a bad paste keeps the login: the trader can paste again.
        redirect = pasted_redirect or await self._redirect(broker, pending, timeout)
        from workstation.adapters.schwab.callback import code_from_redirect

        code = code_from_redirect(redirect, pending.callback)
        try:
            await self._exchange(broker, pending, code)
        finally:
            await self._drop_pending(broker)
        session = await asyncio.to_thread(self.client, broker)
        try:
            return await session.accounts()
        finally:
            await session.aclose()

    def unlink(self, broker: str) -> None:
        """Forget every credential and token of ``broker``."""
        if self._secrets.available:
            self.vault.delete(broker)

    # ---------------------------------------------------------------- internals

    def _tastytrade(self, linked: bool) -> TastytradeBroker:
        from workstation.adapters.tastytrade.broker import TastytradeBroker

        url = self.endpoints.tastytrade
        if linked:
            return TastytradeBroker.connect(self.vault, url, self._policy, now=self._now)
        return TastytradeBroker.unlinked(self.vault, url, self._policy, now=self._now)

    def _schwab(self) -> SchwabBroker:
        from workstation.adapters.schwab.broker import SchwabBroker

        return SchwabBroker.connect(self.vault, self.endpoints.schwab, self._policy, now=self._now)

    async def _listen(self, callback: str) -> CallbackListener | None:
        """Start the one-shot callback listener, or None when it cannot listen there."""
        from workstation.adapters.schwab.callback import CallbackListener, CallbackUnavailable
        from workstation.adapters.schwab.certificate import ensure_certificate

        secure = callback.startswith("https:")
        if secure:  # making a key pair takes a moment: not on the loop
            await asyncio.to_thread(ensure_certificate, self._cert_dir)
        try:
            listener = CallbackListener(callback, self._cert_dir, ssl=secure)
            await listener.start()
        except CallbackUnavailable:
            return None  # the trader pastes the redirected URL instead
        return listener

    def _fields(self, broker: str) -> dict[str, str]:
        try:
            return self.vault.load(broker) or {}
        except (CredentialError, SecretStoreUnavailable):  # no keyring: nothing is linked
            return {}

    def _require_keyring(self, broker: str) -> None:
        if not self._secrets.available:
            reason = self._secrets.unavailable_reason or "no keyring"
            raise BrokerAuthError(
                f"{broker} cannot be linked here: {reason} (credentials are only ever kept "
                "in the OS keyring)"
            )

    def _app_fields(self, broker: str) -> dict[str, str]:
        keep = ("app_key", "app_secret", "callback_url", "client_id", "client_secret")
        return {k: v for k, v in self._fields(broker).items() if k in keep}

    def _default_callback(self, broker: str) -> str:
        if broker == BrokerName.SCHWAB:
            return self.endpoints.schwab_callback
        return self.endpoints.tastytrade_callback

    def _authorize_url(self, broker: str, fields: Mapping[str, str], callback: str) -> str:
        if broker == BrokerName.SCHWAB:
            from workstation.adapters.schwab.auth import SchwabApp, authorize_url

            app = SchwabApp.from_fields(fields)
            return authorize_url(
                app.app_key, callback, self.endpoints.schwab.rstrip("/") + "/v1/oauth/authorize"
            )
        if broker == BrokerName.TASTYTRADE:
            client_id = fields.get("client_id")
            if not client_id or not fields.get("client_secret"):
                raise BrokerAuthError("tastytrade: a client id and client secret are needed")
            from workstation.adapters.tastytrade.auth import authorize_url as tastytrade_url

            return tastytrade_url(client_id, callback, base=self.endpoints.tastytrade_authorize)
        raise BrokerError(f"unknown broker {broker!r}")

    async def _redirect(self, broker: str, pending: _Pending, timeout: float) -> str:
        if pending.listener is None:
            raise BrokerAuthError(
                f"{broker}: the local callback could not listen on {pending.callback}; "
                "paste the redirected URL from the browser"
            )
        try:
            return await pending.listener.wait(timeout)
        except TimeoutError:
            raise BrokerAuthError(
                f"{broker}: no login arrived within {timeout:.0f} s; try again or paste the "
                "redirected URL"
            ) from None

    async def _exchange(self, broker: str, pending: _Pending, code: str) -> None:
        fields = pending.fields
        if broker == BrokerName.SCHWAB:
            from workstation.adapters.schwab.auth import SchwabApp, SchwabAuth

            auth = SchwabAuth(
                self.vault, self.endpoints.schwab, policy=self._policy, clock=self._now
            )
            try:
                await auth.exchange_code(SchwabApp.from_fields(fields), code)
            finally:
                await auth.aclose()
            return
        session = self._tastytrade(linked=False)
        try:
            await session.session.auth.exchange_code(
                client_id=fields["client_id"],
                client_secret=fields["client_secret"],
                code=code,
                redirect_uri=pending.callback,
            )
        finally:
            await session.aclose()

    async def _drop_pending(self, broker: str) -> None:
        pending = self._pending.pop(broker, None)
        if pending is not None and pending.listener is not None:
            with contextlib.suppress(Exception):
                await pending.listener.aclose()
