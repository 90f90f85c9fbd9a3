"""The raw Schwab client: one httpx session, Bearer tokens, and errors the trader can read.

Retries of 429/5xx/timeouts happen in the transport (``adapters.http``). On
top of that, a 401 costs one forced token refresh and one retry (a second 401
means the grant is dead: BrokerAuthError), and a 200 whose JSON is truncated
or invalid is asked for again up to three times before BrokerDataError.
Every message passes through the redactor: account hashes and numbers are
registered under the label "account" by the broker before they reach a URL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx

from workstation.adapters.http import HttpPolicy, create_client, describe_failure, redact
from workstation.adapters.schwab.auth import SCHWAB_API, SchwabAuth
from workstation.ports.broker import (
    BrokerAuthError,
    BrokerDataError,
    BrokerError,
    BrokerUnavailable,
)

log = logging.getLogger(__name__)

BAD_BODY_RETRIES = 3
UNAUTHORIZED = 401
GIVE_UP_STATUSES = frozenset({429, 500, 502, 503, 504})

Params = Mapping[str, str | int]


class SchwabSession:
    """Sends authorised GETs to the Schwab API and returns decoded JSON (numbers as Decimal)."""

    def __init__(
        self,
        auth: SchwabAuth,
        base_url: str = SCHWAB_API,
        *,
        policy: HttpPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.auth = auth
        self._http = create_client("schwab", base_url, policy=policy, transport=transport)

    async def get_json(self, path: str, params: Params | None = None, *, endpoint: str) -> Any:
        """GET ``path`` and return its JSON; ``endpoint`` names the call in errors.

        Raises BrokerAuthError (log in again), BrokerUnavailable (network, 5xx,
        429 after retries), BrokerDataError (unparseable body) or BrokerError.
        """
        for attempt in range(1 + BAD_BODY_RETRIES):
            response = await self._authorised_get(path, params, endpoint)
            try:
                return json.loads(response.content, parse_float=Decimal)
            except ValueError:
                log.warning(
                    "schwab %s: the response was not valid JSON (try %d); asking again",
                    endpoint,
                    attempt + 1,
                )
        raise BrokerDataError(
            f"schwab {endpoint}: the response was not valid JSON {1 + BAD_BODY_RETRIES} times "
            "in a row; try again later"
        )

    async def aclose(self) -> None:
        """Close the HTTP session and the token client."""
        await self._http.aclose()
        await self.auth.aclose()

    async def _authorised_get(
        self, path: str, params: Params | None, endpoint: str
    ) -> httpx.Response:
        token = await self.auth.access_token()
        response = await self._get(path, params, token, endpoint)
        if response.status_code == UNAUTHORIZED:
            log.info("schwab %s: access token refused; refreshing once", endpoint)
            await self.auth.refresh_after_rejection(token)
            token = await self.auth.access_token()
            response = await self._get(path, params, token, endpoint)
            if response.status_code == UNAUTHORIZED:
                raise BrokerAuthError(
                    f"schwab {endpoint}: Schwab refused a freshly refreshed token (HTTP 401); "
                    "log in to Schwab again"
                )
        _raise_for_status(response, endpoint)
        return response

    async def _get(
        self, path: str, params: Params | None, token: str, endpoint: str
    ) -> httpx.Response:
        try:
            return await self._http.get(
                path, params=params, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            raise BrokerUnavailable(describe_failure("schwab", endpoint, exc)) from None


def _raise_for_status(response: httpx.Response, endpoint: str) -> None:
    status = response.status_code
    if status < 400:
        return
    if status in GIVE_UP_STATUSES:
        raise BrokerUnavailable(
            redact(f"schwab {endpoint}: HTTP {status} after retries; try again later")
        )
    raise BrokerError(redact(f"schwab {endpoint}: HTTP {status}: {_error_message(response)}"))


def _error_message(response: httpx.Response) -> str:
    """Return Schwab's own error text (``message`` or ``errors[].detail``), shortened."""
    try:
        body = response.json()
    except ValueError:
        return "no details"
    text = ""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            text = str(errors[0].get("detail") or errors[0].get("title") or "")
        text = text or str(body.get("message") or body.get("error") or "")
    return text[:200] or "no details"
