"""Tastytrade OAuth2: personal grants, the authorization-code flow, access-token refresh.

Password sessions were decommissioned; only OAuth2 is supported. An access
token lives 15 minutes and is refreshed ``REFRESH_MARGIN`` before it expires,
exactly once under a lock however many requests notice the expiry together.
Every token is registered with the log redactor the moment it arrives and
written back to the keyring entry in one atomic ``CredentialVault`` write.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from workstation.adapters.credentials import CredentialVault
from workstation.adapters.http import describe_failure, redact, register_secret
from workstation.adapters.tastytrade.wire import TokenResponse, decode, error_text
from workstation.domain.brokers import TokenGrant
from workstation.ports.broker import BrokerAuthError, BrokerDataError, BrokerUnavailable

log = logging.getLogger(__name__)

BROKER = "tastytrade"
TOKEN_PATH = "/oauth/token"
AUTHORIZE_URL = "https://my.tastytrade.com/auth.html"
SCOPES = "read trade openid"
REFRESH_MARGIN = timedelta(seconds=60)

# Keyring entry fields (see adapters.credentials; access_expires_at and base_url are public).
CLIENT_ID = "client_id"
CLIENT_SECRET = "client_secret"
REFRESH_TOKEN = "refresh_token"
ACCESS_TOKEN = "access_token"
ACCESS_EXPIRES_AT = "access_expires_at"
BASE_URL = "base_url"

Clock = Callable[[], datetime]
_REFUSED = frozenset({400, 401, 403})


def utc_now() -> datetime:
    """Return the current time (aware, UTC)."""
    return datetime.now(UTC)


def authorize_url(
    client_id: str, redirect_uri: str, *, state: str | None = None, base: str = AUTHORIZE_URL
) -> str:
    """Return the browser URL that asks the trader to grant this app read and trade access.

    ``base`` is tastytrade's login page; tests point it at the fake server.
    """
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPES,
    }
    if state:
        params["state"] = state
    return f"{base}?{urlencode(params, quote_via=quote)}"


@dataclass(frozen=True, slots=True)
class TokenSet:
    """Tokens from the token endpoint; ``access_expires_at`` is aware UTC."""

    access_token: str
    access_expires_at: datetime
    refresh_token: str | None = None

    def fields(self) -> dict[str, str]:
        """Return the keyring fields these tokens replace (expiry as ISO UTC)."""
        fields = {
            ACCESS_TOKEN: self.access_token,
            ACCESS_EXPIRES_AT: self.access_expires_at.astimezone(UTC).isoformat(),
        }
        if self.refresh_token:
            fields[REFRESH_TOKEN] = self.refresh_token
        return fields


class TastytradeAuth:
    """Holds the grant of one link and hands out a valid access token.

    ``fields`` is the stored keyring entry (empty while linking); ``client``
    is the session's HTTP client (its base URL is the API's). ``now`` is
    the clock deciding expiry (tests control it).
    """

    def __init__(
        self,
        vault: CredentialVault,
        client: httpx.AsyncClient,
        fields: Mapping[str, str] | None = None,
        *,
        base_url: str = "",
        now: Clock = utc_now,
        margin: timedelta = REFRESH_MARGIN,
    ) -> None:
        self._vault = vault
        self._client = client
        self._fields = dict(fields or {})
        self._base_url = base_url
        self._now = now
        self._margin = margin
        self._lock = asyncio.Lock()
        self._dead: str | None = None
        self._access = self._fields.get(ACCESS_TOKEN) or None
        self._expires_at = _instant(self._fields.get(ACCESS_EXPIRES_AT))
        self.refreshes = 0  # token requests this object made (for the sync log and tests)

    @property
    def grant(self) -> TokenGrant | None:
        """Return the access token's expiry, or None before the first token."""
        if self._expires_at is None:
            return None
        return TokenGrant(access_expires_at=self._expires_at)

    async def token(self) -> str:
        """Return an access token valid for at least the margin, refreshing it if needed."""
        if self._fresh():
            assert self._access is not None
            return self._access
        async with self._lock:
            if self._fresh():
                assert self._access is not None
                return self._access
            return await self._refresh()

    async def refresh(self, stale: str | None = None) -> str:
        """Force a new access token because ``stale`` was refused (HTTP 401).

        When another request has already replaced ``stale``, return that
        token instead: fifty requests refused together cause one refresh.
        """
        async with self._lock:
            if self._access is not None and self._access != stale and self._fresh():
                return self._access
            return await self._refresh()

    async def link_personal_grant(self, client_secret: str, refresh_token: str) -> None:
        """Prove a personal grant with a refresh, then store it (nothing is stored on failure)."""
        register_secret(client_secret, CLIENT_SECRET)
        register_secret(refresh_token, REFRESH_TOKEN)
        async with self._lock:
            body = {
                "grant_type": "refresh_token",
                "client_secret": client_secret,
                "refresh_token": refresh_token,
            }
            tokens = await self._post(body, form=False)
            fields = {CLIENT_SECRET: client_secret, REFRESH_TOKEN: refresh_token}
            await self._store_new_link(fields, tokens)

    async def exchange_code(
        self, *, client_id: str, client_secret: str, code: str, redirect_uri: str
    ) -> None:
        """Exchange an authorization code for tokens and store the new link.

        The code is single use, so the request is never repeated after it was sent.
        """
        register_secret(client_secret, CLIENT_SECRET)
        register_secret(code, "authorization code")
        async with self._lock:
            body = {
                "grant_type": "authorization_code",
                "client_id": client_id,
                "client_secret": client_secret,
                "code": code,
                "redirect_uri": redirect_uri,
            }
            tokens = await self._post(body, form=True)
            if not tokens.refresh_token:
                raise BrokerDataError("tastytrade POST /oauth/token: field 'refresh_token' missing")
            fields = {CLIENT_ID: client_id, CLIENT_SECRET: client_secret}
            await self._store_new_link(fields, tokens)

    # -------------------------------------------------------------- internals

    def _fresh(self) -> bool:
        if self._dead is not None:
            raise BrokerAuthError(self._dead)
        if self._access is None or self._expires_at is None:
            return False
        return self._now() < self._expires_at - self._margin

    async def _refresh(self) -> str:
        """Refresh the access token; the caller holds the lock."""
        secret, refresh_token = self._fields.get(CLIENT_SECRET), self._fields.get(REFRESH_TOKEN)
        if not secret or not refresh_token:
            raise BrokerAuthError("tastytrade is not linked (no refresh token stored); link it")
        body = {
            "grant_type": "refresh_token",
            "client_secret": secret,
            "refresh_token": refresh_token,
        }
        try:
            tokens = await self._post(body, form=False)
        except BrokerAuthError as exc:
            self._dead = str(exc)
            raise
        rotated = tokens.refresh_token not in (None, refresh_token)
        self._adopt(tokens)
        await self._write_back(tokens, rotated=rotated)
        return tokens.access_token

    async def _post(self, body: Mapping[str, str], *, form: bool) -> TokenSet:
        self.refreshes += 1
        # A refresh may be repeated (5xx/429); a code exchange must not be.
        extensions = {} if form else {"retry": True}
        try:
            if form:
                response = await self._client.post(TOKEN_PATH, data=body, extensions=extensions)
            else:
                response = await self._client.post(TOKEN_PATH, json=body, extensions=extensions)
        except httpx.TransportError as exc:
            raise BrokerUnavailable(describe_failure(BROKER, f"POST {TOKEN_PATH}", exc)) from None
        return self._tokens(response)

    def _tokens(self, response: httpx.Response) -> TokenSet:
        payload = _json(response)
        status = response.status_code
        if status in _REFUSED:
            reason = error_text(payload) or f"HTTP {status}"
            raise BrokerAuthError(
                redact(f"tastytrade refused the grant ({reason}); link tastytrade again")
            )
        if status >= 400:
            raise BrokerUnavailable(redact(f"tastytrade POST {TOKEN_PATH}: HTTP {status}"))
        if payload is None:
            raise BrokerDataError(f"tastytrade POST {TOKEN_PATH}: the response is not valid JSON")
        answer = decode(TokenResponse, payload, f"POST {TOKEN_PATH}")
        register_secret(answer.access_token, ACCESS_TOKEN)
        register_secret(answer.refresh_token, REFRESH_TOKEN)
        if answer.expires_in <= 0:
            raise BrokerDataError(
                f"tastytrade POST {TOKEN_PATH}: field 'expires_in' is {answer.expires_in}"
            )
        expires_at = self._now().astimezone(UTC) + timedelta(seconds=answer.expires_in)
        return TokenSet(answer.access_token, expires_at, answer.refresh_token)

    def _adopt(self, tokens: TokenSet) -> None:
        self._access, self._expires_at = tokens.access_token, tokens.access_expires_at
        self._fields.update(tokens.fields())
        self._dead = None

    async def _write_back(self, tokens: TokenSet, *, rotated: bool) -> None:
        """Store the new tokens in one keyring write; a lost access token only costs a refresh.

        A rotated refresh token that cannot be stored is fatal: the old one is dead.
        """
        try:
            await asyncio.to_thread(self._vault.update, BROKER, **tokens.fields())
        except Exception as exc:
            if rotated:
                raise BrokerAuthError(
                    redact(f"tastytrade: the new refresh token could not be stored: {exc}")
                ) from None
            log.warning("tastytrade: the new access token was not stored: %s", redact(str(exc)))

    async def _store_new_link(self, fields: dict[str, str], tokens: TokenSet) -> None:
        fields.update(tokens.fields())
        if self._base_url:
            fields[BASE_URL] = self._base_url
        await asyncio.to_thread(self._vault.save, BROKER, fields)
        self._fields = fields
        self._adopt(tokens)


def stored_grant(fields: Mapping[str, str]) -> TokenGrant | None:
    """Return the access token's expiry from a stored link (tastytrade grants do not expire)."""
    expires = _instant(fields.get(ACCESS_EXPIRES_AT))
    return None if expires is None else TokenGrant(access_expires_at=expires)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
