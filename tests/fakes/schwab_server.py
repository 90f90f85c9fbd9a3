"""A fake Schwab Trader API: a real aiohttp server on 127.0.0.1 (port chosen by the OS).

It implements OAuth (``/v1/oauth/authorize`` redirects at once to the
redirect_uri with a code containing ``%40``; ``/v1/oauth/token`` checks HTTP
Basic auth), accounts, transactions (startDate/endDate filtering, newest
first as Schwab sends them), orders, userPreference and market data (quotes,
chains, expirationchain, pricehistory). Every token is a canary
(``CANARY-SCHWAB-ACCESS-<n>``...) so tests can prove none leaks into logs or
errors. A ``FaultPlan`` middleware injects 429/5xx/timeouts/bad JSON/401.

Use ``async with FakeSchwab(...) as fake`` in async tests, or
``FakeSchwab(...).start_in_thread()`` (``.url``, ``.stop()``) in sync ones.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from aiohttp import web

from tests.fakes.http_faults import FaultPlan
from tests.fixtures.schwab.history import generate_history, orders_of, position
from tests.fixtures.schwab.market import (
    SPOTS,
    candles,
    expiration_list,
    option_chain,
    quote_entry,
)

CANARY = "CANARY-SCHWAB"
APP_KEY = f"{CANARY}-APPKEY-0123456789"
APP_SECRET = f"{CANARY}-SECRET-9876543210"
CUSTOMER_ID = f"{CANARY}-CUSTOMER-ID"
CORREL_ID = f"{CANARY}-CORREL-ID"
MAX_TRANSACTION_WINDOW = timedelta(days=365)
MAX_ORDER_WINDOW = timedelta(days=60)
ISO_MS = "%Y-%m-%dT%H:%M:%S.%fZ"

Json = Any


@dataclass
class FakeAccount:
    """One account the fake serves: number, hash, type, history and holdings."""

    number: str
    hash_value: str
    type: str = "MARGIN"
    transactions: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    positions: list[dict[str, Any]] = field(default_factory=list)
    balances: dict[str, Any] = field(default_factory=dict)
    round_trips: int | None = 1
    is_day_trader: bool | None = False


def default_account(
    number: str = "87654321",
    hash_value: str = f"{CANARY}-HASH-A1B2C3D4E5F6",
    *,
    start: datetime = datetime(2025, 1, 2, tzinfo=UTC),
    days: int = 365,
    count: int = 200,
    seed: int = 7,
) -> FakeAccount:
    """Return an account with ``count`` generated transactions over ``days`` from ``start``."""
    rows = generate_history(start, days, count, seed)
    for row in rows:
        row["accountNumber"] = number
    return FakeAccount(
        number=number,
        hash_value=hash_value,
        transactions=rows,
        orders=orders_of(rows),
        positions=[
            position("SPY", "COLLECTIVE_INVESTMENT", 100, 0, 541.25, 56000.0),
            position("SPY   260618P00500000", "OPTION", 0, 2, 4.1, -620.0, "SPY", "PUT"),
        ],
        balances={
            "liquidationValue": 125432.18,
            "cashBalance": 60211.5,
            "buyingPower": 180000.0,
            "maintenanceRequirement": 23150.0,
            "equity": 125432.18,
        },
    )


class FakeSchwab:
    """The fake server's state and routes. Switches: ``refresh_expired`` (refresh grants
    fail), ``rotate_refresh`` (a refresh returns a new refresh token), ``deny_login``."""

    def __init__(
        self,
        accounts: list[FakeAccount] | None = None,
        *,
        faults: FaultPlan | None = None,
        access_seconds: int = 1800,
        callback_url: str | None = None,
        refresh_error: str = "refresh_token_authentication_error",
        market_date: date = date(2026, 6, 1),
    ) -> None:
        self.accounts = accounts if accounts is not None else [default_account()]
        self.faults = faults or FaultPlan()
        self.access_seconds = access_seconds
        self.callback_url = callback_url
        self.refresh_error = refresh_error
        self.market_date = market_date
        self.refresh_expired = False
        #: A ``streamerInfo`` entry to answer in userPreference instead of the canary
        #: one (a FakeSchwabStreamServer's, for tests that stream through the broker).
        self.streamer_info: dict[str, Any] | None = None
        self.rotate_refresh = False
        self.deny_login = False
        self.grants: list[str] = []  # grant_type of every token request that got through
        self.api_calls: list[str] = []  # paths of authorised API calls
        self._serial = 0
        self._codes: dict[str, str] = {}  # code -> redirect_uri
        self._access: dict[str, datetime] = {}  # token -> expiry
        self._refresh: set[str] = set()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -------------------------------------------------------------- lifecycle

    def app(self) -> web.Application:
        """Return the aiohttp application (fault middleware first)."""
        app = web.Application(middlewares=[self.faults.middleware()])
        routes = [
            web.get("/v1/oauth/authorize", self.authorize),
            web.post("/v1/oauth/token", self.token),
            web.get("/trader/v1/accounts/accountNumbers", self.account_numbers),
            web.get("/trader/v1/accounts", self.all_accounts),
            web.get("/trader/v1/accounts/{hash}", self.one_account),
            web.get("/trader/v1/accounts/{hash}/transactions", self.transactions),
            web.get("/trader/v1/accounts/{hash}/orders", self.orders),
            web.get("/trader/v1/userPreference", self.user_preference),
            web.get("/marketdata/v1/quotes", self.quotes),
            web.get("/marketdata/v1/chains", self.chains),
            web.get("/marketdata/v1/expirationchain", self.expiration_chain),
            web.get("/marketdata/v1/pricehistory", self.price_history),
        ]
        app.add_routes(routes)
        return app

    async def start(self) -> str:
        """Start serving on 127.0.0.1 at a free port; return the base URL."""
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSchwab:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def start_in_thread(self) -> ThreadedServer:
        """Serve from a background thread with its own loop (for synchronous tests)."""
        return ThreadedServer(self)

    # -------------------------------------------------------------- test helpers

    def expire_access_tokens(self) -> None:
        """Make every access token issued so far invalid (the next call gets 401)."""
        self._access.clear()

    def issue_tokens(self) -> dict[str, Any]:
        """Issue and return a fresh token set, as the token endpoint would."""
        access, refresh = self._next("ACCESS"), self._next("REFRESH")
        self._access[access] = datetime.now(UTC) + timedelta(seconds=self.access_seconds)
        self._refresh.add(refresh)
        return _token_body(access, refresh, self._next("ID"), self.access_seconds)

    def account(self, hash_value: str) -> FakeAccount | None:
        """Return the account with ``hash_value``."""
        return next((a for a in self.accounts if a.hash_value == hash_value), None)

    def _next(self, kind: str) -> str:
        self._serial += 1
        return f"{CANARY}-{kind}-{self._serial}"

    # -------------------------------------------------------------- OAuth

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        """Skip the login pages: redirect straight to the callback with a code."""
        client_id = request.query.get("client_id", "")
        redirect_uri = request.query.get("redirect_uri", "")
        if client_id != APP_KEY or not redirect_uri:
            return web.json_response({"error": "invalid_client"}, status=400)
        if self.callback_url is not None and redirect_uri != self.callback_url:
            return web.json_response({"error": "invalid_request"}, status=400)
        if self.deny_login:
            raise web.HTTPFound(f"{redirect_uri}?error=access_denied")
        code = self._next("CODE") + "@"
        self._codes[code] = redirect_uri
        raise web.HTTPFound(f"{redirect_uri}?code={quote(code, safe='')}&session=fake-session")

    async def token(self, request: web.Request) -> web.StreamResponse:
        """Exchange a code or a refresh token (HTTP Basic app_key:app_secret)."""
        expected = base64.b64encode(f"{APP_KEY}:{APP_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return web.json_response({"error": "invalid_client"}, status=401)
        form = await request.post()
        grant = str(form.get("grant_type", ""))
        if grant == "authorization_code":
            code = str(form.get("code", ""))
            if self._codes.pop(code, None) != form.get("redirect_uri"):
                return web.json_response({"error": "invalid_grant"}, status=400)
        elif grant == "refresh_token":
            refresh = str(form.get("refresh_token", ""))
            if self.refresh_expired or refresh not in self._refresh:
                body = {"error": self.refresh_error, "error_description": "Failed refresh"}
                return web.json_response(body, status=400)
            self.grants.append(grant)
            return web.json_response(self._refreshed(refresh))
        else:
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        self.grants.append(grant)
        return web.json_response(self.issue_tokens())

    def _refreshed(self, refresh: str) -> dict[str, Any]:
        if self.rotate_refresh:
            self._refresh.discard(refresh)
            return self.issue_tokens()
        access = self._next("ACCESS")
        self._access[access] = datetime.now(UTC) + timedelta(seconds=self.access_seconds)
        return _token_body(access, refresh, self._next("ID"), self.access_seconds)

    def _authorised(self, request: web.Request) -> None:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ")
        expiry = self._access.get(token)
        if not header.startswith("Bearer ") or expiry is None or expiry < datetime.now(UTC):
            body = {"errors": [{"status": "401", "title": "Unauthorized", "detail": "bad token"}]}
            raise web.HTTPUnauthorized(text=_dump(body), content_type="application/json")
        self.api_calls.append(request.path)

    # -------------------------------------------------------------- accounts

    async def account_numbers(self, request: web.Request) -> web.StreamResponse:
        """``[{accountNumber, hashValue}]``."""
        self._authorised(request)
        return web.json_response(
            [{"accountNumber": a.number, "hashValue": a.hash_value} for a in self.accounts]
        )

    async def all_accounts(self, request: web.Request) -> web.StreamResponse:
        """Every account (positions when ``fields=positions``)."""
        self._authorised(request)
        with_positions = request.query.get("fields") == "positions"
        return web.json_response([self._envelope(a, with_positions) for a in self.accounts])

    async def one_account(self, request: web.Request) -> web.StreamResponse:
        """One account by hash."""
        self._authorised(request)
        account = self._account_or_404(request)
        return web.json_response(
            self._envelope(account, request.query.get("fields") == "positions")
        )

    def _account_or_404(self, request: web.Request) -> FakeAccount:
        account = self.account(request.match_info["hash"])
        if account is None:
            raise web.HTTPNotFound(text=_dump({"message": "no such account"}))
        return account

    def _envelope(self, account: FakeAccount, with_positions: bool) -> dict[str, Any]:
        details: dict[str, Any] = {
            "type": account.type,
            "accountNumber": account.number,
            "isDayTrader": account.is_day_trader,
            "isClosingOnlyRestricted": False,
            "pfcbFlag": False,
            "currentBalances": account.balances,
            "initialBalances": account.balances,
        }
        if account.round_trips is not None:
            details["roundTrips"] = account.round_trips
        else:
            details.pop("isDayTrader")
        if with_positions:
            details["positions"] = account.positions
        liquidation = account.balances.get("liquidationValue", 0)
        return {
            "securitiesAccount": details,
            "aggregatedBalance": {
                "currentLiquidationValue": liquidation,
                "liquidationValue": liquidation,
            },
        }

    async def transactions(self, request: web.Request) -> web.StreamResponse:
        """Transactions with ``start <= time <= end`` and a listed type, newest first."""
        self._authorised(request)
        account = self._account_or_404(request)
        start, end = _window(request, "startDate", "endDate", MAX_TRANSACTION_WINDOW)
        types = set(request.query.get("types", "").split(","))
        rows = [
            row
            for row in account.transactions
            if start <= _time(row["time"]) <= end and (row["type"] in types or types == {""})
        ]
        return web.json_response(sorted(rows, key=lambda r: r["time"], reverse=True))

    async def orders(self, request: web.Request) -> web.StreamResponse:
        """Orders entered in [fromEnteredTime, toEnteredTime] (at most 60 days)."""
        self._authorised(request)
        account = self._account_or_404(request)
        start, end = _window(request, "fromEnteredTime", "toEnteredTime", MAX_ORDER_WINDOW)
        rows = [o for o in account.orders if start <= _time(o["enteredTime"]) <= end]
        return web.json_response(rows)

    async def user_preference(self, request: web.Request) -> web.StreamResponse:
        """Accounts and the streamer's connection info."""
        self._authorised(request)
        return web.json_response(
            {
                "accounts": [
                    {"accountNumber": a.number, "nickName": "Trading", "primaryAccount": i == 0}
                    for i, a in enumerate(self.accounts)
                ],
                "streamerInfo": [
                    self.streamer_info
                    or {
                        "streamerSocketUrl": "wss://127.0.0.1:1/ws",
                        "schwabClientCustomerId": CUSTOMER_ID,
                        "schwabClientCorrelId": CORREL_ID,
                        "schwabClientChannel": "N9",
                        "schwabClientFunctionId": "APIAPP",
                    }
                ],
                "offers": [{"level2Permissions": True, "mktDataPermission": "NP"}],
            }
        )

    # -------------------------------------------------------------- market data

    async def quotes(self, request: web.Request) -> web.StreamResponse:
        """Quotes for known symbols; unknown ones under ``errors.invalidSymbols``."""
        self._authorised(request)
        symbols = [s for s in request.query.get("symbols", "").split(",") if s]
        body: dict[str, Any] = {s: quote_entry(s) for s in symbols if s in SPOTS}
        refused = [s for s in symbols if s not in SPOTS]
        if refused:
            body["errors"] = {"invalidSymbols": refused}
        return web.json_response(body)

    async def chains(self, request: web.Request) -> web.StreamResponse:
        """A chain of three weekly expirations, nine strikes each side (IV in percent)."""
        self._authorised(request)
        symbol = request.query.get("symbol", "")
        if symbol not in SPOTS:
            return web.json_response({"symbol": symbol, "status": "FAILED"})
        return web.json_response(option_chain(symbol, self.market_date))

    async def expiration_chain(self, request: web.Request) -> web.StreamResponse:
        """The chain's expirations (type W weekly, S for the third Friday)."""
        self._authorised(request)
        body = expiration_list(request.query.get("symbol", ""), self.market_date)
        return web.json_response(body)

    async def price_history(self, request: web.Request) -> web.StreamResponse:
        """Candles every ``frequency`` minutes (13:30-20:00 UTC) or daily, on weekdays."""
        self._authorised(request)
        symbol = request.query.get("symbol", "")
        minutes = (
            0
            if request.query.get("frequencyType") == "daily"
            else int(request.query.get("frequency", "1"))
        )
        rows = candles(
            symbol, int(request.query["startDate"]), int(request.query["endDate"]), minutes
        )
        return web.json_response({"symbol": symbol, "empty": not rows, "candles": rows})


class ThreadedServer:
    """A FakeSchwab served from a daemon thread; ``url`` is set once it listens."""

    def __init__(self, fake: FakeSchwab) -> None:
        self.fake = fake
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-schwab", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fake Schwab server did not start")
        self.url = fake.url

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self.fake.start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.fake.stop())
        self._loop.close()

    def stop(self) -> None:
        """Stop the server and its thread."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


# ------------------------------------------------------------------ shapes


def _token_body(access: str, refresh: str, id_token: str, seconds: int) -> dict[str, Any]:
    return {
        "expires_in": seconds,
        "token_type": "Bearer",
        "scope": "api",
        "refresh_token": refresh,
        "access_token": access,
        "id_token": id_token,
    }


def _dump(payload: Json) -> str:
    return json.dumps(payload)


def _time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")


def _window(
    request: web.Request, first: str, last: str, limit: timedelta
) -> tuple[datetime, datetime]:
    try:
        start = datetime.strptime(request.query[first], ISO_MS).replace(tzinfo=UTC)
        end = datetime.strptime(request.query[last], ISO_MS).replace(tzinfo=UTC)
    except (KeyError, ValueError):
        body = {"message": f"{first} and {last} are required as yyyy-MM-dd'T'HH:mm:ss.SSSZ"}
        raise web.HTTPBadRequest(text=_dump(body), content_type="application/json") from None
    if end < start or end - start > limit:
        body = {"message": f"the window {first}..{last} must be at most {limit.days} days"}
        raise web.HTTPBadRequest(text=_dump(body), content_type="application/json")
    return start, end
