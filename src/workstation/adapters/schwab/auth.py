"""Schwab 3-legged OAuth: the authorize URL, the code exchange and token refreshes.

The access token lives 30 minutes and is refreshed 60 s before it expires,
once, however many requests want it at the same moment (an asyncio.Lock).
The refresh token lives 7 days from the code exchange that issued it and
cannot be extended: ``refresh_issued_at`` records that instant so the
workstation can warn before the trader must log in again. A refresh Schwab
refuses (400/401) raises BrokerAuthError at once and keeps raising it, without
asking Schwab again, until the trader logs in anew.

Everything is stored in one keyring entry through ``CredentialVault.update``:
app_key, app_secret, callback_url, access_token, access_expires_at,
refresh_token, refresh_issued_at (times are UTC ISO 8601).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import httpx

from workstation.adapters.credentials import CredentialVault
from workstation.adapters.http import HttpPolicy, create_client, describe_failure, redact
from workstation.adapters.http import register_secret as hide
from workstation.adapters.schwab import wire
from workstation.domain.brokers import BrokerName, TokenGrant
from workstation.ports.broker import BrokerAuthError, BrokerDataError, BrokerUnavailable

log = logging.getLogger(__name__)

SCHWAB_API = "https://api.schwabapi.com"
AUTHORIZE_PATH = "/v1/oauth/authorize"
TOKEN_PATH = "/v1/oauth/token"
BROKER = BrokerName.SCHWAB.value
REFRESH_LIFETIME_DAYS = 7
REFRESH_MARGIN = timedelta(seconds=60)
BAD_BODY_RETRIES = 3
REFUSED = frozenset({400, 401})
RELOGIN = "log in to Schwab again (a Schwab login lasts 7 days)"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Return the wall-clock instant (aware UTC)."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class SchwabApp:
    """The trader's registered Schwab app: key, secret and the exact callback URL."""

    app_key: str
    app_secret: str
    callback_url: str

    def __post_init__(self) -> None:
        missing = [
            name for name in ("app_key", "app_secret", "callback_url") if not getattr(self, name)
        ]
        if missing:
            raise BrokerAuthError(f"schwab: {', '.join(missing)} missing; enter the app's details")
        hide(self.app_key, "app key")
        hide(self.app_secret, "app secret")

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> SchwabApp:
        """Build from stored (or entered) credential fields."""
        return cls(
            fields.get("app_key", ""), fields.get("app_secret", ""), fields.get("callback_url", "")
        )


def authorize_url(
    app_key: str, callback_url: str, authorize_base: str = SCHWAB_API + AUTHORIZE_PATH
) -> str:
    """Return the browser login URL: ``{authorize_base}?client_id=..&redirect_uri=..``."""
    return f"{authorize_base}?{urlencode({'client_id': app_key, 'redirect_uri': callback_url})}"


class SchwabAuth:
    """Holds a Schwab grant: exchanges codes, refreshes tokens, stores them atomically."""

    def __init__(
        self,
        vault: CredentialVault,
        base_url: str = SCHWAB_API,
        *,
        policy: HttpPolicy | None = None,
        clock: Clock = utc_now,
        authorize_base: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._vault = vault
        self._clock = clock
        self._authorize_base = authorize_base or base_url.rstrip("/") + AUTHORIZE_PATH
        self._http = create_client("schwab", base_url, policy=policy, transport=transport)
        self._lock = asyncio.Lock()
        self._fields: dict[str, str] | None = None
        self._dead: BrokerAuthError | None = None
        self.refreshes = 0  # how many refresh grants this object has sent

    # -------------------------------------------------------------- login

    def authorize_url(self, app_key: str, callback_url: str) -> str:
        """Return the URL the trader opens to log in and approve the app."""
        return authorize_url(app_key, callback_url, self._authorize_base)

    async def exchange_code(self, app: SchwabApp, code: str) -> TokenGrant:
        """Trade the redirect's ``code`` for tokens, store them with the app, return the grant.

        Starts a new 7-day refresh-token life. Raises BrokerAuthError when Schwab
        refuses the code (expired after ~30 s, used twice, wrong callback).
        """
        hide(code, "auth code")
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": app.callback_url}
        async with self._lock:
            token = await self._token_request(app, form, "code exchange", retry_bad_body=False)
            if not token.refresh_token:
                raise BrokerDataError("schwab code exchange: field 'refresh_token' is missing")
            now = self._clock()
            fields = {
                "app_key": app.app_key,
                "app_secret": app.app_secret,
                "callback_url": app.callback_url,
                "refresh_token": token.refresh_token,
                "refresh_issued_at": now.isoformat(),
                **_access_fields(token, now),
            }
            self._fields = await asyncio.to_thread(self._vault.update, BROKER, **fields)
            self._dead = None
            return stored_grant(self._fields)

    # -------------------------------------------------------------- tokens

    async def access_token(self) -> str:
        """Return a valid access token, refreshing it first when it expires within 60 s."""
        fields = await self._loaded()
        if self._fresh(fields):
            return fields["access_token"]
        async with self._lock:
            fields = await self._loaded()
            if not self._fresh(fields):
                fields = await self._refresh(fields)
            return fields["access_token"]

    async def refresh_after_rejection(self, rejected: str) -> None:
        """Refresh because Schwab answered 401 to ``rejected``, unless another request has
        already replaced that token (so a burst of 401s costs one refresh)."""
        async with self._lock:
            fields = await self._loaded()
            if fields.get("access_token") == rejected:
                await self._refresh(fields)

    async def force_refresh(self) -> None:
        """Refresh the access token now, however fresh it looks (a streamer login was denied)."""
        async with self._lock:
            await self._refresh(await self._loaded())

    def grant(self) -> TokenGrant | None:
        """Return the stored grant's expiry facts, or None when Schwab is not linked."""
        fields = self._fields if self._fields is not None else self._vault.load(BROKER)
        if not fields or "access_expires_at" not in fields:
            return None
        return stored_grant(fields)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    # -------------------------------------------------------------- internals

    async def _loaded(self) -> dict[str, str]:
        if self._dead is not None:
            raise BrokerAuthError(str(self._dead))
        if self._fields is None:
            stored = await asyncio.to_thread(self._vault.load, BROKER)
            if not stored or not stored.get("refresh_token"):
                raise BrokerAuthError(f"schwab is not linked: {RELOGIN}")
            self._fields = stored
        return self._fields

    def _fresh(self, fields: Mapping[str, str]) -> bool:
        if not fields.get("access_token") or "access_expires_at" not in fields:
            return False
        expires = _instant(fields["access_expires_at"], "access_expires_at")
        return self._clock() < expires - REFRESH_MARGIN

    async def _refresh(self, fields: dict[str, str]) -> dict[str, str]:
        """Send one refresh grant and store the result (caller holds the lock)."""
        app = SchwabApp.from_fields(fields)
        form = {"grant_type": "refresh_token", "refresh_token": fields["refresh_token"]}
        self.refreshes += 1
        try:
            token = await self._token_request(app, form, "token refresh", retry_bad_body=True)
        except BrokerAuthError as exc:
            self._dead = exc
            raise
        now = self._clock()
        changes = _access_fields(token, now)
        if token.refresh_token and token.refresh_token != fields["refresh_token"]:
            changes |= {"refresh_token": token.refresh_token, "refresh_issued_at": now.isoformat()}
        self._fields = await asyncio.to_thread(self._vault.update, BROKER, **changes)
        log.info("schwab access token refreshed; it expires at %s", changes["access_expires_at"])
        return self._fields

    async def _token_request(
        self, app: SchwabApp, form: dict[str, str], what: str, *, retry_bad_body: bool
    ) -> wire.TokenResponse:
        attempts = 1 + (BAD_BODY_RETRIES if retry_bad_body else 0)
        for _ in range(attempts):
            response = await self._post_token(app, form, what)
            payload = _json_or_none(response)
            if payload is not None:
                token = wire.decode(wire.TOKEN, payload, what)
                hide(token.access_token, "access token")
                hide(token.refresh_token, "refresh token")
                hide(token.id_token, "id token")
                return token
            log.warning("schwab %s: the token response was not valid JSON; asking again", what)
        raise BrokerDataError(f"schwab {what}: the token response was not valid JSON")

    async def _post_token(self, app: SchwabApp, form: dict[str, str], what: str) -> httpx.Response:
        try:
            response = await self._http.post(
                TOKEN_PATH,
                data=form,
                auth=(app.app_key, app.app_secret),
                extensions={"retry": True},  # a token grant sends no order: safe to repeat
            )
        except httpx.HTTPError as exc:
            raise BrokerUnavailable(describe_failure("schwab", what, exc)) from None
        if response.status_code in REFUSED:
            raise BrokerAuthError(_refusal(response, what))
        if response.status_code >= 400:
            raise BrokerUnavailable(redact(f"schwab {what}: HTTP {response.status_code}"))
        return response


def stored_grant(fields: Mapping[str, str]) -> TokenGrant:
    """Return the expiry facts of a stored Schwab grant (BrokerAuthError when unreadable)."""
    issued = fields.get("refresh_issued_at")
    return TokenGrant(
        access_expires_at=_instant(fields["access_expires_at"], "access_expires_at"),
        refresh_issued_at=_instant(issued, "refresh_issued_at") if issued else None,
        refresh_lifetime_days=REFRESH_LIFETIME_DAYS,
    )


def _access_fields(token: wire.TokenResponse, now: datetime) -> dict[str, str]:
    expires = now + timedelta(seconds=token.expires_in)
    return {"access_token": token.access_token, "access_expires_at": expires.isoformat()}


def _instant(text: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BrokerAuthError(f"schwab: the stored {name} is unreadable; {RELOGIN}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content, parse_float=Decimal)
    except ValueError:
        return None


def _refusal(response: httpx.Response, what: str) -> str:
    """Return why Schwab refused a token request, in words (never echoing a secret)."""
    body = _json_or_none(response)
    error = "unknown_error"
    if isinstance(body, dict):
        error = wire.decode(wire.TOKEN_ERROR, body, what).error
    if what == "code exchange":
        advice = "the login code expired or was already used; log in again"
    else:
        advice = f"the Schwab login has ended or was revoked; {RELOGIN}"
    return redact(
        f"schwab {what}: Schwab refused it (HTTP {response.status_code}, {error}): {advice}"
    )
