"""A fake tastytrade REST API: a real aiohttp server on 127.0.0.1 (an OS-chosen port).

It serves a ``TastytradeHistory`` with the API's envelopes and pagination
(``page-offset`` 0-based, ``per-page``, ``total-pages``), runs an OAuth token
endpoint (refresh and authorization-code grants, a browser ``/auth.html``
that redirects with a code), rejects unknown or expired access tokens and
requests without a User-Agent with 401, can mark the refresh grant dead
(``400 {"error": "invalid_grant"}``), lets new transactions arrive after a
given page was served, and plugs in a ``FaultPlan``. Every token it issues is
a canary string (``CANARY-TT-ACCESS-<n>``) that tests look for in logs and errors.

    async with FakeTastytrade(sample_history(100)) as fake:  # tastytrade_samples
        fake.url ...

``start_in_thread()`` runs it on its own loop for synchronous tests.
"""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

from aiohttp import web

from tests.fakes.http_faults import FaultPlan
from tests.fakes.tastytrade_history import NEW_YORK, Item, TastytradeHistory

CLIENT_ID = "volaris-test-client"
CLIENT_SECRET = "CANARY-TT-CLIENT-SECRET"
REFRESH_TOKEN = "CANARY-TT-REFRESH-0"
MAX_QUOTE_SYMBOLS = 100
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class SeenRequest:
    """A request as the fake received it (after faults, before auth)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class TokenLog:
    """What the token endpoint has done."""

    requests: int = 0
    refreshes: int = 0
    exchanges: int = 0
    refused: int = 0


@dataclass
class _Arrival:
    account: str
    after_page: int
    items: list[Item]
    done: bool = False


class FakeTastytrade:
    """The fake API. ``token_lifetime`` is seconds; ``now`` decides token expiry."""

    def __init__(
        self,
        history: TastytradeHistory,
        *,
        faults: FaultPlan | None = None,
        token_lifetime: int = 900,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        rotate_refresh_tokens: bool = False,
    ) -> None:
        self.history = history
        self.faults = faults or FaultPlan()
        self.token_lifetime = token_lifetime
        self.now = now
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.client_id, self.client_secret = CLIENT_ID, CLIENT_SECRET
        self.refresh_tokens = {REFRESH_TOKEN}
        self.access_tokens: dict[str, datetime] = {}
        self.codes: dict[str, str] = {}
        self.tokens = TokenLog()
        self.seen: list[SeenRequest] = []
        self.grant_dead = False
        self._serial = 0
        self._arrivals: list[_Arrival] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """Return ``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Bind to 127.0.0.1 on a free port and serve."""
        app = web.Application(middlewares=[self.faults.middleware(), self._gate])
        self._routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop serving and close connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def start_in_thread(self) -> RunningFake:
        """Serve from a daemon thread with its own loop (outlives the caller's event loops)."""
        return RunningFake.start(self)

    # -------------------------------------------------------------- test controls

    def kill_grant(self) -> None:
        """Make every refresh answer ``400 invalid_grant`` (revoked or expired grant)."""
        self.grant_dead = True

    def revoke_access_tokens(self) -> None:
        """Forget every access token issued so far (the next call with one gets 401)."""
        self.access_tokens.clear()

    def issue_code(self) -> str:
        """Return a fresh single-use authorization code for the test client."""
        self._serial += 1
        code = f"CANARY-TT-CODE-{self._serial}"
        self.codes[code] = CLIENT_ID
        return code

    def arrive_after_page(self, account: str, page: int, items: list[Item]) -> None:
        """Append ``items`` to ``account``'s transactions once page ``page`` has been served."""
        self._arrivals.append(_Arrival(account, page, items))

    def requests_to(self, path: str) -> list[SeenRequest]:
        """Return the requests received for ``path`` (exact path)."""
        return [seen for seen in self.seen if seen.path == path]

    # -------------------------------------------------------------- routing

    def _routes(self, app: web.Application) -> None:
        get = {
            "/customers/me/accounts": self._accounts,
            "/accounts/{acct}/balances/USD": self._balances,
            "/accounts/{acct}/positions": self._positions,
            "/accounts/{acct}/balance-snapshots": self._snapshots,
            "/accounts/{acct}/transactions": self._transactions,
            "/accounts/{acct}/orders": self._orders,
            "/accounts/{acct}/trading-status": self._trading_status,
            "/option-chains/{symbol}/nested": self._chain,
            "/market-metrics": self._metrics,
            "/market-data/by-type": self._quotes,
            "/api-quote-tokens": self._quote_token,
            "/auth.html": self._authorize,
        }
        for path, handler in get.items():
            app.router.add_get(path, handler)
        app.router.add_post("/oauth/token", self._token)

    @web.middleware
    async def _gate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.seen.append(
            SeenRequest(
                request.method,
                request.path,
                {key: request.query.getall(key) for key in request.query},
                dict(request.headers),
            )
        )
        if not request.headers.get("User-Agent", "").strip():
            return _error(401, "user_agent_required", "a User-Agent header is required")
        if request.path in {"/oauth/token", "/auth.html"}:
            return await handler(request)
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        expires = self.access_tokens.get(token)
        if scheme != "Bearer" or expires is None or self.now() >= expires:
            return _error(401, "invalid_token", "the access token is invalid or expired")
        return await handler(request)

    # -------------------------------------------------------------- oauth

    async def _token(self, request: web.Request) -> web.Response:
        self.tokens.requests += 1
        if request.content_type == "application/json":
            body = {key: str(value) for key, value in (await request.json()).items()}
        else:
            body = {key: str(value) for key, value in (await request.post()).items()}
        grant = body.get("grant_type")
        if grant == "refresh_token":
            return self._refresh(body)
        if grant == "authorization_code":
            return self._exchange(body)
        return self._oauth_error(400, "unsupported_grant_type")

    def _refresh(self, body: dict[str, str]) -> web.Response:
        if body.get("client_secret") != self.client_secret:
            return self._oauth_error(401, "invalid_client")
        if self.grant_dead or body.get("refresh_token") not in self.refresh_tokens:
            return self._oauth_error(400, "invalid_grant")
        self.tokens.refreshes += 1
        rotated = None
        if self.rotate_refresh_tokens:
            self.refresh_tokens = {rotated := self._new("REFRESH")}
        return self._issue(rotated)

    def _exchange(self, body: dict[str, str]) -> web.Response:
        code = body.get("code", "")
        client = self.codes.pop(code, None)
        if body.get("client_id") != client or body.get("client_secret") != self.client_secret:
            return self._oauth_error(400, "invalid_grant")
        if not body.get("redirect_uri"):
            return self._oauth_error(400, "invalid_request")
        self.tokens.exchanges += 1
        refresh = self._new("REFRESH")
        self.refresh_tokens.add(refresh)
        return self._issue(refresh)

    def _issue(self, refresh: str | None) -> web.Response:
        access = self._new("ACCESS")
        self.access_tokens[access] = self.now() + timedelta(seconds=self.token_lifetime)
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
        }
        if refresh:
            body["refresh_token"] = refresh
        return web.json_response(body)

    def _oauth_error(self, status: int, error: str) -> web.Response:
        self.tokens.refused += 1
        return web.json_response({"error": error, "error_description": error}, status=status)

    def _new(self, kind: str) -> str:
        self._serial += 1
        return f"CANARY-TT-{kind}-{self._serial}"

    async def _authorize(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("response_type") != "code" or query.get("client_id") != CLIENT_ID:
            return _error(400, "invalid_request", "unknown client or response type")
        params = {"code": self.issue_code()}
        if "state" in query:
            params["state"] = query["state"]
        raise web.HTTPFound(f"{query['redirect_uri']}?{urlencode(params)}")

    # -------------------------------------------------------------- accounts

    async def _accounts(self, request: web.Request) -> web.Response:
        return _items(self.history.accounts)

    def _account(self, request: web.Request) -> str:
        account = request.match_info["acct"]
        known = {entry["account"]["account-number"] for entry in self.history.accounts}
        if account not in known:
            raise web.HTTPNotFound(
                text='{"error":{"code":"not_found","message":"no such account"}}',
                content_type="application/json",
            )
        return account

    async def _balances(self, request: web.Request) -> web.Response:
        return web.json_response({"data": self.history.balances[self._account(request)]})

    async def _positions(self, request: web.Request) -> web.Response:
        return _items(self.history.positions.get(self._account(request), []))

    async def _trading_status(self, request: web.Request) -> web.Response:
        return web.json_response({"data": self.history.trading_status[self._account(request)]})

    async def _snapshots(self, request: web.Request) -> web.Response:
        rows = self.history.snapshots.get(self._account(request), [])
        rows = _between(request, rows, lambda row: date.fromisoformat(row["snapshot-date"]))
        return _page(request, rows)[0]

    async def _orders(self, request: web.Request) -> web.Response:
        rows = self.history.orders.get(self._account(request), [])
        rows = _between(request, rows, lambda row: _new_york_day(row["received-at"]))
        return _page(request, rows)[0]

    async def _transactions(self, request: web.Request) -> web.Response:
        account = self._account(request)
        rows = _between(
            request,
            self.history.transactions.get(account, []),
            lambda row: _day(row["transaction-date"]),
        )
        rows.sort(key=lambda row: (_instant(row["executed-at"]), row["id"]))
        if request.query.get("sort", "Desc") == "Desc":
            rows.reverse()
        response, offset = _page(request, rows)
        for arrival in self._arrivals:
            if arrival.account == account and arrival.after_page == offset and not arrival.done:
                arrival.done = True
                self.history.transactions[account].extend(arrival.items)
        return response

    # -------------------------------------------------------------- market data

    async def _chain(self, request: web.Request) -> web.Response:
        symbol = request.match_info["symbol"]
        if symbol not in self.history.chains:
            return _error(404, "not_found", f"no chain for {symbol}")
        return _items(self.history.chains[symbol])

    async def _metrics(self, request: web.Request) -> web.Response:
        symbols = request.query.get("symbols", "").split(",")
        return _items([self.history.metrics[s] for s in symbols if s in self.history.metrics])

    async def _quotes(self, request: web.Request) -> web.Response:
        symbols = [
            symbol
            for key in request.query
            for value in request.query.getall(key)
            for symbol in value.split(",")
            if symbol
        ]
        if len(symbols) > MAX_QUOTE_SYMBOLS:
            return _error(400, "too_many_symbols", f"{len(symbols)} symbols; at most 100")
        return _items([self.history.quotes[s] for s in symbols if s in self.history.quotes])

    async def _quote_token(self, request: web.Request) -> web.Response:
        return web.json_response({"data": self.history.quote_token})


# ------------------------------------------------------------------ responses


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


def _items(items: list[Item]) -> web.Response:
    return web.json_response({"data": {"items": items}, "context": "/fake"})


def _page(request: web.Request, rows: list[Item]) -> tuple[web.Response, int]:
    per_page = int(request.query.get("per-page", "250"))
    offset = int(request.query.get("page-offset", "0"))
    if not 1 <= per_page <= 2000 or offset < 0:
        return _error(400, "invalid_pagination", "per-page 1-2000, page-offset >= 0"), offset
    chunk = rows[offset * per_page : (offset + 1) * per_page]
    pagination = {
        "per-page": per_page,
        "page-offset": offset,
        "item-offset": offset * per_page,
        "total-items": len(rows),
        "total-pages": math.ceil(len(rows) / per_page),
        "current-item-count": len(chunk),
        "previous-link": None,
        "next-link": None,
        "paging-link-template": None,
    }
    body = {"data": {"items": chunk}, "pagination": pagination}
    return web.json_response(body), offset


def _between(request: web.Request, rows: list[Item], day_of: Callable[[Item], date]) -> list[Item]:
    start, end = request.query.get("start-date"), request.query.get("end-date")
    low = date.fromisoformat(start) if start else date.min
    high = date.fromisoformat(end) if end else date.max
    return [row for row in rows if low <= day_of(row) <= high]


@cache
def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@cache
def _day(text: str) -> date:
    return date.fromisoformat(text)


def _new_york_day(text: str) -> date:
    return _instant(text).astimezone(NEW_YORK).date()


# ------------------------------------------------------------------ threads


@dataclass
class RunningFake:
    """A fake served from its own thread: ``url`` to call, ``stop()`` when done."""

    fake: FakeTastytrade
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    stopped: bool = field(default=False)

    @property
    def url(self) -> str:
        """Return the fake's base URL."""
        return self.fake.url

    @classmethod
    def start(cls, fake: FakeTastytrade) -> RunningFake:
        """Start ``fake`` on a new loop in a daemon thread and wait until it listens."""
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(fake.start())
            except BaseException as exc:  # report to the starting thread
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(fake.stop())
            loop.close()

        thread = threading.Thread(target=serve, name="fake-tastytrade", daemon=True)
        thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return cls(fake, loop, thread)

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self.stopped:
            return
        self.stopped = True
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
