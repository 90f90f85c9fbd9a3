"""Broker port: what sync needs from a linked broker, and how links are made and broken.

Implementations live in ``adapters/tastytrade`` and ``adapters/schwab``; the
composition root hands services a ``BrokerGateway`` that builds them from the
credentials kept in the OS keyring.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

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


class BrokerError(RuntimeError):
    """A broker call failed; the message names the broker and the request (never a secret)."""


class BrokerAuthError(BrokerError):
    """The grant is dead (revoked, expired refresh token, bad client secret).

    Retrying cannot help: the trader must link (log in) again.
    """


class BrokerUnavailable(BrokerError):
    """The broker could not be reached or kept failing (network, 5xx, 429) after retries."""


class BrokerDataError(BrokerError):
    """The broker answered with something that does not parse (truncated or invalid JSON,
    a missing field); the message names the endpoint and the field."""


@dataclass(frozen=True, slots=True)
class TransactionPage:
    """One page of an ascending transaction walk.

    ``through`` is an instant such that every transaction executed strictly
    before it, inside the walk's window, has now been delivered by this walk
    (the executed-at of the page's last row, or the window end on the last
    page). A sync stores it as its cursor together with the rows.
    """

    rows: tuple[Transaction, ...]
    through: datetime
    #: Rows the ledger cannot hold (cryptocurrency), as "id symbol": left out and reported.
    untracked: tuple[str, ...] = ()


class BrokerClient(Protocol):
    """A logged-in session with one broker (all of the trader's accounts there)."""

    broker: str

    async def accounts(self) -> list[BrokerAccount]:
        """Return every account the grant can see."""
        ...

    async def balances(self, account: BrokerAccount) -> BrokerBalances:
        """Return the account's current balances."""
        ...

    async def positions(self, account: BrokerAccount) -> list[BrokerPosition]:
        """Return the account's open positions."""
        ...

    async def balance_history(
        self, account: BrokerAccount, start: date, end: date
    ) -> list[NetLiqPoint]:
        """Return end-of-day net liquidating value for days in [start, end], oldest first."""
        ...

    async def trading_status(self, account: BrokerAccount) -> BrokerAccountStatus | None:
        """Return day-trade count and PDT flags, or None where the broker has no such call."""
        ...

    def transactions(
        self, account: BrokerAccount, start: datetime, end: datetime
    ) -> AsyncIterator[TransactionPage]:
        """Yield the transactions executed in [start, end] as ascending pages.

        ``end`` is fixed by the caller (the sync's start) so rows arriving
        during the walk cannot shift the pages already read.
        """
        ...

    async def orders(
        self, account: BrokerAccount, start: datetime, end: datetime
    ) -> list[BrokerOrder]:
        """Return orders entered in [start, end]."""
        ...

    async def aclose(self) -> None:
        """Close the HTTP session."""
        ...


@dataclass(frozen=True, slots=True)
class AuthorizationAttempt:
    """A browser login in progress: open ``url``; the redirect lands on ``callback``."""

    broker: str
    url: str
    callback: str


class BrokerGateway(Protocol):
    """Makes, keeps and breaks broker links; credentials stay in the OS keyring."""

    def linked(self) -> list[str]:
        """Return the brokers that have stored credentials, sorted."""
        ...

    def grant(self, broker: str) -> TokenGrant | None:
        """Return the stored grant's expiry facts, or None when not linked."""
        ...

    def client(self, broker: str) -> BrokerClient:
        """Return a session for ``broker``; BrokerAuthError when it is not linked."""
        ...

    async def link(self, broker: str, credentials: Mapping[str, str]) -> list[BrokerAccount]:
        """Store ``credentials``, prove them with a token refresh, return the accounts.

        Nothing is stored when the proof fails (BrokerAuthError names why).
        """
        ...

    async def begin_authorization(
        self, broker: str, credentials: Mapping[str, str]
    ) -> AuthorizationAttempt:
        """Start a browser login: start the local callback listener, return the URL to open."""
        ...

    async def finish_authorization(
        self, broker: str, pasted_redirect: str | None = None, timeout: float = 300.0
    ) -> list[BrokerAccount]:
        """Wait for the browser's redirect (or use the pasted redirected URL), exchange the
        code, store the tokens and return the accounts."""
        ...

    def unlink(self, broker: str) -> None:
        """Forget every credential and token of ``broker``."""
        ...
