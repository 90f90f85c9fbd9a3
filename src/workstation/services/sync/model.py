"""What a sync did and where each link stands, as plain values for the CLI, palette and UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from workstation.domain.brokers import LinkState, Reconciliation


class SyncScope(StrEnum):
    """What a sync run fetches.

    ``balances``: positions, balances and trading status (every few minutes in
    market hours). ``transactions``: the transaction walk, orders and net-liq
    history (hourly and at the close). ``all``: both, then the reconciliation.
    """

    BALANCES = "balances"
    TRANSACTIONS = "transactions"
    ALL = "all"

    @property
    def balances(self) -> bool:
        """True when the run fetches positions and balances."""
        return self is not SyncScope.TRANSACTIONS

    @property
    def transactions(self) -> bool:
        """True when the run walks transactions."""
        return self is not SyncScope.BALANCES


@dataclass(frozen=True, slots=True)
class AccountSync:
    """One account's part of a sync run: rows added, CSV rows adopted, pages read.

    ``untracked`` counts the rows left out because the ledger cannot hold them
    (cryptocurrency); their cash shows up as a reconciliation difference.
    """

    broker: str
    account: str
    added: int = 0
    adopted: int = 0
    untracked: int = 0
    pages: int = 0
    positions: int = 0
    orders: int = 0
    snapshots: int = 0
    reconciliation: Reconciliation | None = None


@dataclass(frozen=True, slots=True)
class SyncReport:
    """A finished sync of one broker: ``error`` is the reason when it failed (else empty)."""

    broker: str
    scope: SyncScope
    started_at: datetime
    finished_at: datetime
    accounts: tuple[AccountSync, ...] = ()
    error: str = ""
    needs_relogin: bool = False

    @property
    def ok(self) -> bool:
        """True when the run finished without an error."""
        return not self.error

    @property
    def added(self) -> int:
        """Return the rows added over all accounts."""
        return sum(account.added for account in self.accounts)

    @property
    def seconds(self) -> float:
        """Return how long the run took, seconds."""
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """A broker link as the Accounts panel shows it.

    ``refresh_expires_at`` is when the browser login must be repeated
    (Schwab: 7 days after it was issued), None where the grant does not expire.
    """

    broker: str
    state: LinkState
    last_synced_at: datetime | None = None
    detail: str = ""
    accounts: tuple[str, ...] = ()
    refresh_expires_at: datetime | None = None
    warnings: tuple[str, ...] = field(default=())

    def relogin_in(self, now: datetime) -> float | None:
        """Return seconds until the login expires (negative once expired), or None."""
        if self.refresh_expires_at is None:
            return None
        return (self.refresh_expires_at - now).total_seconds()
