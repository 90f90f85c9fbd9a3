"""An in-memory broker session and gateway for sync-service tests (no HTTP).

The HTTP clients are tested against the fake servers; these stand-ins let
the service's own rules (cursors, states, notifications, reconciliation) be
tested quickly and exactly. ``StubBroker.fail_with`` makes the next calls raise.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from workstation.domain.account_rules import BrokerAccountStatus
from workstation.domain.brokers import (
    BrokerAccount,
    BrokerBalances,
    BrokerOrder,
    BrokerPosition,
    NetLiqPoint,
    TokenGrant,
)
from workstation.domain.transactions import Transaction
from workstation.ports.broker import AuthorizationAttempt, BrokerAuthError, TransactionPage


@dataclass
class StubBroker:
    """One broker's accounts and history, served in pages of ``per_page`` rows."""

    broker: str
    accounts_: list[BrokerAccount]
    history: list[Transaction] = field(default_factory=list)
    positions_: list[BrokerPosition] = field(default_factory=list)
    cash: Decimal | None = None
    per_page: int = 250
    untracked: tuple[str, ...] = ()  # rows the ledger cannot hold, reported on the first page
    fail_with: Exception | None = None
    walks: list[tuple[datetime, datetime]] = field(default_factory=list)
    calls: int = 0
    closed: int = 0

    def _call(self) -> None:
        self.calls += 1
        if self.fail_with is not None:
            raise self.fail_with

    async def accounts(self) -> list[BrokerAccount]:
        self._call()
        return list(self.accounts_)

    async def balances(self, account: BrokerAccount) -> BrokerBalances:
        self._call()
        return BrokerBalances(
            self.broker, account.number, datetime.now().astimezone(), Decimal(10_000), self.cash
        )

    async def positions(self, account: BrokerAccount) -> list[BrokerPosition]:
        self._call()
        return [p for p in self.positions_ if p.account == account.number]

    async def balance_history(
        self, account: BrokerAccount, start: date, end: date
    ) -> list[NetLiqPoint]:
        self._call()
        return [NetLiqPoint(end, Decimal(10_000), self.cash)]

    async def trading_status(self, account: BrokerAccount) -> BrokerAccountStatus | None:
        self._call()
        return None

    async def transactions(
        self, account: BrokerAccount, start: datetime, end: datetime
    ) -> AsyncIterator[TransactionPage]:
        self._call()
        self.walks.append((start, end))
        rows = sorted(
            (
                r
                for r in self.history
                if r.account == account.number and start <= r.executed_at <= end
            ),
            key=lambda r: (r.executed_at, r.key),
        )
        for first in range(0, len(rows), self.per_page):
            self._call()
            page = rows[first : first + self.per_page]
            last = first + self.per_page >= len(rows)
            untracked = self.untracked if first == 0 else ()
            yield TransactionPage(tuple(page), end if last else page[-1].executed_at, untracked)

    async def orders(
        self, account: BrokerAccount, start: datetime, end: datetime
    ) -> list[BrokerOrder]:
        self._call()
        return []

    async def aclose(self) -> None:
        self.closed += 1


@dataclass
class StubGateway:
    """Links made in memory; ``clients`` maps broker name to its stub session."""

    clients: dict[str, StubBroker]
    linked_: set[str] = field(default_factory=set)
    grants: dict[str, TokenGrant] = field(default_factory=dict)

    def linked(self) -> list[str]:
        return sorted(self.linked_)

    def grant(self, broker: str) -> TokenGrant | None:
        return self.grants.get(broker) if broker in self.linked_ else None

    def client(self, broker: str) -> StubBroker:
        if broker not in self.linked_:
            raise BrokerAuthError(f"{broker} is not linked")
        return self.clients[broker]

    async def link(self, broker: str, credentials: Mapping[str, str]) -> list[BrokerAccount]:
        if credentials.get("refresh_token") == "revoked":
            raise BrokerAuthError(f"{broker} refused the grant: invalid_grant")
        self.linked_.add(broker)
        return list(self.clients[broker].accounts_)

    async def begin_authorization(
        self, broker: str, credentials: Mapping[str, str]
    ) -> AuthorizationAttempt:
        return AuthorizationAttempt(broker, f"https://127.0.0.1/authorize/{broker}", "cb")

    async def finish_authorization(
        self, broker: str, pasted_redirect: str | None = None, timeout: float = 300.0
    ) -> list[BrokerAccount]:
        self.linked_.add(broker)
        return list(self.clients[broker].accounts_)

    def unlink(self, broker: str) -> None:
        self.linked_.discard(broker)
