"""TastytradeBroker: the BrokerClient port over the tastytrade REST API, plus market data calls.

Transactions are walked ascending with the window's end fixed by the caller,
so rows arriving during a walk can only add pages at the end, never shift
the ones already read; a row seen twice in one walk is delivered once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime, timedelta
from urllib.parse import quote

import httpx

from workstation.adapters.credentials import CredentialError, CredentialVault
from workstation.adapters.http import HttpPolicy, register_secret
from workstation.adapters.tastytrade.auth import BASE_URL, BROKER, Clock, utc_now
from workstation.adapters.tastytrade.client import PRODUCTION, TastytradeSession
from workstation.adapters.tastytrade.parse import (
    ChainExpiration,
    MarketMetrics,
    QuoteToken,
    parse_account,
    parse_balance_snapshot,
    parse_balances,
    parse_chain,
    parse_market_metrics,
    parse_order,
    parse_position,
    parse_quote,
    parse_quote_token,
    parse_trading_status,
    parse_transaction,
)
from workstation.adapters.tastytrade.wire import (
    AccountItem,
    BalanceSnapshotWire,
    BalancesWire,
    MarketMetricWire,
    NestedChainWire,
    OrderWire,
    PositionWire,
    QuoteTokenWire,
    QuoteWire,
    TradingStatusWire,
    TransactionWire,
)
from workstation.domain.account_rules import BrokerAccountStatus
from workstation.domain.brokers import (
    BrokerAccount,
    BrokerBalances,
    BrokerOrder,
    BrokerPosition,
    NetLiqPoint,
)
from workstation.domain.event_calendar import EASTERN
from workstation.domain.instruments import INDEX_SYMBOLS
from workstation.domain.occ import InvalidOccSymbol, parse_occ
from workstation.domain.quotes import Quote
from workstation.ports.broker import BrokerAuthError, TransactionPage

#: Quote snapshots and metrics take at most this many symbols per request.
SYMBOLS_PER_REQUEST = 100
# The API filters transactions by calendar date; a day of slack on each side
# covers any time-zone reading of the dates, and rows outside are dropped.
_DATE_SLACK = timedelta(days=1)


class TastytradeBroker:
    """A linked tastytrade login: every account, its history and market data."""

    broker = BROKER

    def __init__(self, session: TastytradeSession, now: Clock = utc_now) -> None:
        self.session = session
        self._now = now

    @classmethod
    def connect(
        cls,
        vault: CredentialVault,
        base_url: str | None = None,
        policy: HttpPolicy | None = None,
        now: Clock = utc_now,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> TastytradeBroker:
        """Open a session from the stored link (reads the keyring: call off the GUI thread).

        ``base_url`` defaults to the one stored at linking, else production.
        Raises BrokerAuthError when tastytrade is not linked.
        """
        try:
            fields = vault.load(BROKER)
        except CredentialError as exc:
            raise BrokerAuthError(str(exc)) from None
        if not fields:
            raise BrokerAuthError("tastytrade is not linked; link it first")
        url = base_url or fields.get(BASE_URL) or PRODUCTION
        session = TastytradeSession(vault, fields, url, policy=policy, now=now, transport=transport)
        return cls(session, now)

    @classmethod
    def unlinked(
        cls,
        vault: CredentialVault,
        base_url: str = PRODUCTION,
        policy: HttpPolicy | None = None,
        now: Clock = utc_now,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> TastytradeBroker:
        """Open a session with no stored grant, to link one.

        Follow with ``session.auth.link_personal_grant(...)`` or
        ``session.auth.exchange_code(...)``; each stores the link only once
        tastytrade has accepted it.
        """
        session = TastytradeSession(
            vault, None, base_url, policy=policy, now=now, transport=transport
        )
        return cls(session, now)

    # -------------------------------------------------------------- accounts

    async def accounts(self) -> list[BrokerAccount]:
        """Return every account the grant can see."""
        items = await self.session.items("/customers/me/accounts", AccountItem)
        return [parse_account(item) for item in items]

    async def balances(self, account: BrokerAccount) -> BrokerBalances:
        """Return the account's current balances (dollars)."""
        path = f"/accounts/{_segment(account.api_id)}/balances/USD"
        return parse_balances(await self.session.data(path, BalancesWire), self._now())

    async def positions(self, account: BrokerAccount) -> list[BrokerPosition]:
        """Return the account's open positions (quantity signed, short negative)."""
        path = f"/accounts/{_segment(account.api_id)}/positions"
        return [parse_position(item) for item in await self.session.items(path, PositionWire)]

    async def balance_history(
        self, account: BrokerAccount, start: date, end: date
    ) -> list[NetLiqPoint]:
        """Return end-of-day net liquidating value for days in [start, end], oldest first."""
        path = f"/accounts/{_segment(account.api_id)}/balance-snapshots"
        params = {
            "start-date": start.isoformat(),
            "end-date": end.isoformat(),
            "time-of-day": "EOD",
        }
        items = await self.session.paged_items(path, BalanceSnapshotWire, params)
        points = {point.day: point for point in map(parse_balance_snapshot, items)}
        return [points[day] for day in sorted(points) if start <= day <= end]

    async def trading_status(self, account: BrokerAccount) -> BrokerAccountStatus:
        """Return the day-trade count and pattern-day-trader flags."""
        path = f"/accounts/{_segment(account.api_id)}/trading-status"
        return parse_trading_status(await self.session.data(path, TradingStatusWire), self._now())

    # -------------------------------------------------------------- history

    async def transactions(
        self, account: BrokerAccount, start: datetime, end: datetime
    ) -> AsyncIterator[TransactionPage]:
        """Yield the transactions executed in [start, end] as ascending pages of up to 250.

        ``through`` of a page is its last row's execution time (clamped to the
        window), and ``end`` on the last page.
        """
        path = f"/accounts/{_segment(account.api_id)}/transactions"
        params = {
            "sort": "Asc",
            "start-date": _new_york_day(start - _DATE_SLACK).isoformat(),
            "end-date": _new_york_day(end + _DATE_SLACK).isoformat(),
        }
        seen: set[int] = set()
        async for page in self.session.pages(path, TransactionWire, params):
            fresh = [item for item in page.items if item.id not in seen]
            seen.update(item.id for item in fresh)
            inside = [item for item in fresh if start <= item.executed_at <= end]
            untracked = tuple(f"{i.id} {i.symbol or ''}".strip() for i in inside if _crypto(i))
            rows = tuple(parse_transaction(item) for item in inside if not _crypto(item))
            last = page.items[-1].executed_at if page.items else end
            through = end if page.is_last else min(max(last, start), end)
            yield TransactionPage(rows, through, untracked)

    async def orders(
        self, account: BrokerAccount, start: datetime, end: datetime
    ) -> list[BrokerOrder]:
        """Return orders entered in [start, end], oldest first."""
        path = f"/accounts/{_segment(account.api_id)}/orders"
        params = {
            "start-date": _new_york_day(start - _DATE_SLACK).isoformat(),
            "end-date": _new_york_day(end + _DATE_SLACK).isoformat(),
            "sort": "Asc",
        }
        items = await self.session.paged_items(path, OrderWire, params)
        orders = [parse_order(item) for item in items if start <= item.received_at <= end]
        return sorted(orders, key=lambda order: (order.entered_at, order.order_id))

    # -------------------------------------------------------------- market data

    async def option_chain(self, symbol: str) -> tuple[ChainExpiration, ...]:
        """Return the nested chain of ``symbol``: every root's expirations and strikes."""
        path = f"/option-chains/{_segment(symbol)}/nested"
        return parse_chain(await self.session.items(path, NestedChainWire))

    async def market_metrics(self, symbols: Sequence[str]) -> dict[str, MarketMetrics]:
        """Return IV index / rank / percentile (0-1), earnings, beta and liquidity by symbol."""
        found: dict[str, MarketMetrics] = {}
        for chunk in _chunks(_unique(symbols), SYMBOLS_PER_REQUEST):
            params = {"symbols": ",".join(chunk)}
            for item in await self.session.items("/market-metrics", MarketMetricWire, params):
                found[item.symbol] = parse_market_metrics(item)
        return found

    async def quote_snapshot(self, symbols: Sequence[str]) -> dict[str, Quote]:
        """Return the latest quote of each symbol the API knows (at most 100 per request)."""
        found: dict[str, Quote] = {}
        for chunk in _chunks(_unique(symbols), SYMBOLS_PER_REQUEST):
            items = await self.session.items(
                "/market-data/by-type", QuoteWire, symbols_by_type(chunk)
            )
            now = self._now()
            found.update((item.symbol, parse_quote(item, now)) for item in items)
        return found

    async def quote_token(self) -> QuoteToken:
        """Return a DXLink streamer token (valid about 24 h), its URL and data level."""
        wire = await self.session.data("/api-quote-tokens", QuoteTokenWire)
        register_secret(wire.token, "quote token")
        return parse_quote_token(wire)

    async def aclose(self) -> None:
        """Close the HTTP session."""
        await self.session.aclose()


def _crypto(item: TransactionWire) -> bool:
    """True for a cryptocurrency row: the ledger has no crypto instrument, so it is left out."""
    return (item.instrument_type or "").strip() == "Cryptocurrency"


def symbols_by_type(symbols: Sequence[str]) -> dict[str, list[str]]:
    """Group symbols by the ``/market-data/by-type`` parameter that names their kind.

    ``./ESH6 E2AG6 260213P6800`` is a future option, ``/ESH6`` a future, an
    OCC symbol an equity option, SPX/VIX/... an index, ``BTC/USD`` a
    cryptocurrency, anything else an equity.
    """
    groups: dict[str, list[str]] = {}
    for symbol in symbols:
        groups.setdefault(_quote_type(symbol), []).append(symbol)
    return groups


def _quote_type(symbol: str) -> str:
    if symbol.startswith("./"):
        return "future-option"
    if symbol.startswith("/"):
        return "future"
    if "/" in symbol:
        return "cryptocurrency"
    if symbol in INDEX_SYMBOLS:
        return "index"
    try:
        parse_occ(symbol)
    except InvalidOccSymbol:
        return "equity"
    return "equity-option"


def _segment(text: str) -> str:
    return quote(text, safe="")


def _new_york_day(moment: datetime) -> date:
    return moment.astimezone(EASTERN).date()


def _unique(symbols: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(symbol.strip() for symbol in symbols if symbol.strip()))


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
