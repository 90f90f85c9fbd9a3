"""SchwabBroker: the BrokerClient for Schwab, plus the market data its API offers.

Accounts are addressed by their hash value (``BrokerAccount.remote_id``);
account numbers and hashes are registered with the log redactor the moment
they arrive. Transactions are read in ascending date windows (30 days each,
under Schwab's undocumented limit) and orders in 60-day windows, the limit
Schwab states. Schwab keeps no net-liquidation history, so
``balance_history`` is empty.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from workstation.adapters.credentials import CredentialVault
from workstation.adapters.http import HttpPolicy, register_secret
from workstation.adapters.schwab import market, parse, wire
from workstation.adapters.schwab.auth import SCHWAB_API, SchwabAuth, utc_now
from workstation.adapters.schwab.client import SchwabSession
from workstation.adapters.schwab.transactions import TYPES, parse_transactions
from workstation.domain.account_rules import BrokerAccountStatus
from workstation.domain.bars import BarSeries, Timeframe
from workstation.domain.brokers import (
    BrokerAccount,
    BrokerBalances,
    BrokerName,
    BrokerOrder,
    BrokerPosition,
    NetLiqPoint,
    TokenGrant,
)
from workstation.domain.quotes import Quote
from workstation.domain.transactions import Transaction, ledger_order
from workstation.ports.broker import BrokerAuthError, BrokerDataError, TransactionPage

TRANSACTION_WINDOW = timedelta(days=30)
ORDER_WINDOW = timedelta(days=60)
ACCOUNTS = "/trader/v1/accounts"

Clock = Callable[[], datetime]


def schwab_instant(instant: datetime) -> str:
    """Return ``instant`` as Schwab wants it: UTC, milliseconds, ``Z``."""
    utc = instant.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def windows(start: datetime, end: datetime, size: timedelta) -> list[tuple[datetime, datetime]]:
    """Split [start, end] into ascending windows of at most ``size`` (the last one shorter)."""
    if end < start:
        return []
    spans = []
    cursor = start
    while True:
        stop = min(cursor + size, end)
        spans.append((cursor, stop))
        if stop >= end:
            return spans
        cursor = stop


class SchwabBroker:
    """A logged-in Schwab session over every account the grant can see."""

    broker = BrokerName.SCHWAB.value

    def __init__(self, session: SchwabSession, now: Clock = utc_now) -> None:
        self._session = session
        self._now = now

    @classmethod
    def connect(
        cls,
        vault: CredentialVault,
        base_url: str = SCHWAB_API,
        policy: HttpPolicy | None = None,
        now: Clock = utc_now,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> SchwabBroker:
        """Return a broker over the grant stored in ``vault``; BrokerAuthError when unlinked."""
        stored = vault.load(cls.broker)
        if not stored or not stored.get("refresh_token"):
            raise BrokerAuthError("schwab is not linked: log in to Schwab first")
        auth = SchwabAuth(vault, base_url, policy=policy, clock=now, transport=transport)
        return cls(SchwabSession(auth, base_url, policy=policy, transport=transport), now)

    @property
    def auth(self) -> SchwabAuth:
        """Return the OAuth grant holder (for ``grant()`` and forced refreshes)."""
        return self._session.auth

    def grant(self) -> TokenGrant | None:
        """Return the stored grant's expiry facts (access expiry, refresh issue time)."""
        return self._session.auth.grant()

    # -------------------------------------------------------------- accounts

    async def accounts(self) -> list[BrokerAccount]:
        """Return every account, each with its hash value as ``remote_id``."""
        numbers = wire.decode(
            wire.ACCOUNT_NUMBERS,
            await self._get(f"{ACCOUNTS}/accountNumbers", "accountNumbers"),
            "accountNumbers",
        )
        for entry in numbers:
            register_secret(entry.account_number, "account")
            register_secret(entry.hash_value, "account")
        details = wire.decode(wire.ACCOUNTS, await self._get(ACCOUNTS, "accounts"), "accounts")
        return parse.parse_accounts(numbers, details)

    async def balances(self, account: BrokerAccount) -> BrokerBalances:
        """Return the account's current balances (dollars)."""
        envelope = await self._account(account, positions=False)
        return parse.parse_balances(account, envelope, self._now())

    async def positions(self, account: BrokerAccount) -> list[BrokerPosition]:
        """Return the account's open positions (quantity signed, short negative)."""
        envelope = await self._account(account, positions=True)
        return parse.parse_positions(account, envelope)

    async def balance_history(
        self, account: BrokerAccount, start: date, end: date
    ) -> list[NetLiqPoint]:
        """Return [] : Schwab's API keeps no net-liquidation history."""
        del account, start, end
        return []

    async def trading_status(self, account: BrokerAccount) -> BrokerAccountStatus | None:
        """Return round trips and the day-trader flag when Schwab reports them, else None."""
        envelope = await self._account(account, positions=False)
        return parse.parse_trading_status(account, envelope, self._now())

    async def _account(self, account: BrokerAccount, *, positions: bool) -> wire.AccountEnvelope:
        register_secret(account.api_id, "account")
        params = {"fields": "positions"} if positions else None
        payload = await self._get(f"{ACCOUNTS}/{account.api_id}", "account", params)
        return wire.decode(wire.ACCOUNT, payload, "account")

    # -------------------------------------------------------------- history

    async def transactions(
        self, account: BrokerAccount, start: datetime, end: datetime
    ) -> AsyncIterator[TransactionPage]:
        """Yield the transactions executed in [start, end], one ascending page per 30-day window.

        A page's ``through`` is its window's end (clamped to ``end``). A row Schwab
        returns in two windows (on their shared edge) is delivered once.
        """
        register_secret(account.api_id, "account")
        seen: set[str] = set()
        for first, last in windows(start, end, TRANSACTION_WINDOW):
            rows = await self._transaction_window(account, first, last)
            fresh = sorted(
                (row for row in rows if row.key not in seen and start <= row.executed_at <= end),
                key=ledger_order,
            )
            seen.update(row.key for row in fresh)
            yield TransactionPage(tuple(fresh), last)

    async def _transaction_window(
        self, account: BrokerAccount, first: datetime, last: datetime
    ) -> list[Transaction]:
        params = {
            "startDate": schwab_instant(first),
            "endDate": schwab_instant(last),
            "types": ",".join(TYPES),
        }
        path = f"{ACCOUNTS}/{account.api_id}/transactions"
        payload = await self._get(path, "transactions", params)
        return parse_transactions(
            account.number, wire.decode(wire.TRANSACTIONS, payload, "transactions")
        )

    async def orders(
        self, account: BrokerAccount, start: datetime, end: datetime
    ) -> list[BrokerOrder]:
        """Return the orders entered in [start, end], oldest first (60-day requests)."""
        register_secret(account.api_id, "account")
        found: dict[str, BrokerOrder] = {}
        for first, last in windows(start, end, ORDER_WINDOW):
            params = {
                "fromEnteredTime": schwab_instant(first),
                "toEnteredTime": schwab_instant(last),
            }
            payload = await self._get(f"{ACCOUNTS}/{account.api_id}/orders", "orders", params)
            for order in parse.parse_orders(account, wire.decode(wire.ORDERS, payload, "orders")):
                found[order.order_id] = order
        return sorted(found.values(), key=lambda order: (order.entered_at, order.order_id))

    # -------------------------------------------------------------- market data

    async def quotes(self, symbols: Sequence[str]) -> list[Quote]:
        """Return quotes for ``symbols`` (indices as ``SPX``); refused symbols are left out."""
        params = {"symbols": ",".join(market.wire_symbol(symbol) for symbol in symbols)}
        payload = await self._get("/marketdata/v1/quotes", "quotes", params)
        entries, _refused = market.split_quote_errors(payload)
        return market.parse_quotes(wire.decode(wire.QUOTES, entries, "quotes"), self._now())

    async def option_chain(
        self, symbol: str, strike_count: int | None = None
    ) -> market.OptionChain:
        """Return every listed contract of ``symbol`` (IV as a 0-1 decimal)."""
        params: dict[str, str | int] = {"symbol": market.wire_symbol(symbol)}
        if strike_count is not None:
            params["strikeCount"] = strike_count
        payload = await self._get("/marketdata/v1/chains", "chains", params)
        return market.parse_chain(wire.decode(wire.CHAIN, payload, "chains"), self._now())

    async def expiration_chain(self, symbol: str) -> list[market.Expiry]:
        """Return the listed expirations of ``symbol``, nearest first."""
        params = {"symbol": market.wire_symbol(symbol)}
        payload = await self._get("/marketdata/v1/expirationchain", "expirationchain", params)
        return market.parse_expirations(
            wire.decode(wire.EXPIRATION_CHAIN, payload, "expirationchain")
        )

    async def price_history(
        self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime
    ) -> BarSeries:
        """Return ``symbol``'s bars of ``timeframe`` opening in [start, end]."""
        period_type, frequency_type, frequency = market.HISTORY_PARAMS[timeframe]
        params: dict[str, str | int] = {
            "symbol": market.wire_symbol(symbol),
            "periodType": period_type,
            "frequencyType": frequency_type,
            "frequency": frequency,
            "startDate": wire.epoch_ms(start),
            "endDate": wire.epoch_ms(end),
        }
        payload = await self._get("/marketdata/v1/pricehistory", "pricehistory", params)
        history = wire.decode(wire.PRICE_HISTORY, payload, "pricehistory")
        return market.parse_price_history(history, symbol, timeframe)

    async def user_preference(self) -> dict[str, Any]:
        """Return the ``userPreference`` answer (checked; its streamer ids registered as
        secrets), the shape the streamer's ``StreamerInfoProvider`` accepts."""
        payload = await self._get("/trader/v1/userPreference", "userPreference")
        preference = wire.decode(wire.USER_PREFERENCE, payload, "userPreference")
        if not preference.streamer_info:
            raise BrokerDataError("schwab userPreference: field 'streamerInfo' is empty")
        for info in preference.streamer_info:
            register_secret(info.schwab_client_customer_id, "streamer id")
            register_secret(info.schwab_client_correl_id, "streamer id")
        return dict(payload)

    async def access_token(self, force: bool = False) -> str:
        """Return a valid access token (the streamer's LOGIN needs it); ``force`` refreshes
        it first (the streamer's login was denied): the streamer's ``AccessTokenProvider``."""
        if force:
            await self._session.auth.force_refresh()
        return await self._session.auth.access_token()

    async def aclose(self) -> None:
        """Close the HTTP sessions."""
        await self._session.aclose()

    async def _get(self, path: str, endpoint: str, params: dict[str, Any] | None = None) -> Any:
        return await self._session.get_json(path, params, endpoint=endpoint)
