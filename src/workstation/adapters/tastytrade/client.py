"""The tastytrade REST session: one HTTP client, bearer auth, error mapping, pagination.

Transient failures (429, 5xx, timeouts, dropped connections) are retried by
the shared transport from ``adapters.http``; what is left when it gives up
becomes BrokerUnavailable. A 401 costs one forced token refresh and one
repeat of the request; a second 401 (or a 403) is BrokerAuthError. A GET
answered 200 with a body that is not JSON (cut off on the way) is asked
again up to ``JSON_RETRIES`` times before it becomes BrokerDataError.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
from pydantic import BaseModel

from workstation import __version__
from workstation.adapters.credentials import CredentialVault
from workstation.adapters.http import HttpPolicy, create_client, describe_failure, redact
from workstation.adapters.tastytrade.auth import BROKER, Clock, TastytradeAuth, utc_now
from workstation.adapters.tastytrade.wire import Envelope, ListEnvelope, decode, error_text
from workstation.ports.broker import (
    BrokerAuthError,
    BrokerDataError,
    BrokerError,
    BrokerUnavailable,
)

log = logging.getLogger(__name__)

PRODUCTION = "https://api.tastyworks.com"
SANDBOX = "https://api.cert.tastyworks.com"
API_VERSION = "20251101"
USER_AGENT = f"volaris-workstation/{__version__}"
JSON_RETRIES = 3
PER_PAGE = 250

M = TypeVar("M", bound=BaseModel)
Params = Mapping[str, str | int | list[str]]


def session_headers(base_url: str) -> dict[str, str]:
    """Return the headers every request carries (Accept-Version on production only)."""
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if base_url.rstrip("/") == PRODUCTION:
        headers["Accept-Version"] = API_VERSION
    return headers


@dataclass(frozen=True, slots=True)
class Page(Generic[M]):
    """One page of a list endpoint; ``offset`` is 0-based, ``total_pages`` as last reported."""

    items: tuple[M, ...]
    offset: int
    total_pages: int

    @property
    def is_last(self) -> bool:
        """True when no page follows this one."""
        return self.offset + 1 >= self.total_pages or not self.items


class TastytradeSession:
    """A logged-in tastytrade session owning one ``httpx.AsyncClient``.

    ``fields`` is the stored keyring entry of the link (empty while linking);
    ``base_url`` is PRODUCTION, SANDBOX or a test server's URL; ``transport``
    replaces the network transport (tests).
    """

    def __init__(
        self,
        vault: CredentialVault,
        fields: Mapping[str, str] | None = None,
        base_url: str = PRODUCTION,
        *,
        policy: HttpPolicy | None = None,
        now: Clock = utc_now,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = create_client(
            BROKER,
            self.base_url,
            policy=policy,
            headers=session_headers(self.base_url),
            transport=transport,
        )
        self.auth = TastytradeAuth(vault, self.client, fields, base_url=self.base_url, now=now)

    async def get(self, path: str, params: Params | None = None) -> Any:
        """Return the JSON body of ``GET path`` (see the module docstring for failures)."""
        return await self._send("GET", path, params=params)

    async def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """Return the JSON body of ``POST path`` (never repeated once sent)."""
        return await self._send("POST", path, body=body)

    async def data(self, path: str, model: type[M], params: Params | None = None) -> M:
        """Return the ``data`` object of ``GET path`` as ``model``."""
        payload = await self.get(path, params)
        envelope = decode(Envelope[model], payload, f"GET {path}")  # type: ignore[valid-type]
        return envelope.data

    async def items(self, path: str, model: type[M], params: Params | None = None) -> list[M]:
        """Return the items of an unpaged list endpoint (``{"data": {"items": [...]}}``)."""
        payload = await self.get(path, params)
        envelope = decode(ListEnvelope[model], payload, f"GET {path}")  # type: ignore[valid-type]
        return list(envelope.data.items)

    async def paged_items(self, path: str, model: type[M], params: Params | None = None) -> list[M]:
        """Return every item of a paginated list endpoint, all pages."""
        found: list[M] = []
        async for page in self.pages(path, model, params):
            found.extend(page.items)
        return found

    async def pages(
        self, path: str, model: type[M], params: Params | None = None, per_page: int = PER_PAGE
    ) -> AsyncIterator[Page[M]]:
        """Yield the pages of a list endpoint in order (``page-offset`` from 0).

        Stops after the page the server calls the last (``total-pages``, read
        afresh from every page, so rows added meanwhile are still reached)
        or at an empty page.
        """
        offset = 0
        while True:
            query: dict[str, str | int | list[str]] = {**(params or {}), "per-page": per_page}
            query["page-offset"] = offset
            payload = await self.get(path, query)
            envelope = decode(ListEnvelope[model], payload, f"GET {path}")  # type: ignore[valid-type]
            total = envelope.pagination.total_pages if envelope.pagination else 1
            page: Page[M] = Page(tuple(envelope.data.items), offset, total)
            yield page
            if page.is_last:
                return
            offset += 1

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.client.aclose()

    # -------------------------------------------------------------- internals

    async def _send(
        self, method: str, path: str, *, params: Params | None = None, body: Any = None
    ) -> Any:
        endpoint = f"{method} {path}"
        attempts = 1 + (JSON_RETRIES if method == "GET" else 0)
        for attempt in range(1, attempts + 1):
            response = await self._authorized(method, path, params, body)
            _check(response, endpoint)
            try:
                return response.json()
            except ValueError:
                if attempt < attempts:
                    log.warning("tastytrade %s: the body is not valid JSON, asking again", endpoint)
        raise BrokerDataError(
            redact(f"tastytrade {endpoint}: the response is not valid JSON after {attempts} tries")
        )

    async def _authorized(
        self, method: str, path: str, params: Params | None, body: Any
    ) -> httpx.Response:
        token = await self.auth.token()
        response = await self._request(method, path, params, body, token)
        if response.status_code != 401:
            return response
        token = await self.auth.refresh(stale=token)
        response = await self._request(method, path, params, body, token)
        if response.status_code == 401:
            raise BrokerAuthError(
                redact(
                    f"tastytrade {method} {path}: HTTP 401 with a fresh access token; "
                    "link tastytrade again"
                )
            )
        return response

    async def _request(
        self, method: str, path: str, params: Params | None, body: Any, token: str
    ) -> httpx.Response:
        try:
            return await self.client.request(
                method,
                path,
                params=params,
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.TransportError as exc:
            raise BrokerUnavailable(describe_failure(BROKER, f"{method} {path}", exc)) from None


def _check(response: httpx.Response, endpoint: str) -> None:
    """Raise the BrokerError a final non-2xx status means."""
    status = response.status_code
    if status < 400:
        return
    try:
        reason = error_text(response.json())
    except ValueError:
        reason = ""
    detail = f"tastytrade {endpoint}: HTTP {status}" + (f" ({reason})" if reason else "")
    if status == 403:
        raise BrokerAuthError(redact(f"{detail}; the grant lacks access"))
    if status == 429 or status >= 500:
        raise BrokerUnavailable(redact(f"{detail}; try again later"))
    raise BrokerError(redact(detail))
