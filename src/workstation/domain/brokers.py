"""Linked broker accounts as the broker reports them: accounts, positions, balances, orders.

Money and quantities are Decimal dollars / units. These are the shapes a
broker client returns; the ledger's own view of the same account is built
from transactions and compared with them after every sync.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from workstation.domain.accounts import AccountKind
from workstation.domain.instruments import InstrumentKind


class BrokerName(StrEnum):
    """The brokers the workstation can link to."""

    TASTYTRADE = "tastytrade"
    SCHWAB = "schwab"


class LinkState(StrEnum):
    """Where a broker link stands, as the trader sees it."""

    UNLINKED = "unlinked"
    LINKED = "linked"
    SYNCING = "syncing"
    NEEDS_RELOGIN = "needs_relogin"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class BrokerAccount:
    """An account reachable through a link.

    ``number`` is the broker's account number (what the ledger stores);
    ``remote_id`` is what the API wants in URLs (Schwab's hash value; the
    number itself for tastytrade).
    """

    broker: str
    number: str
    kind: AccountKind
    nickname: str = ""
    remote_id: str = ""

    @property
    def api_id(self) -> str:
        """Return the identifier to use in API paths."""
        return self.remote_id or self.number


@dataclass(frozen=True, slots=True)
class BrokerPosition:
    """One position as the broker reports it.

    ``quantity`` is signed (short negative), contracts for options and
    futures, shares for stock. ``average_price`` is per share / unit (an
    option bought at 1.25 is 1.25). ``symbol`` uses the ledger's identity:
    padded OCC for equity and index options, the ticker for stock.
    """

    broker: str
    account: str
    symbol: str
    instrument: InstrumentKind
    quantity: Decimal
    average_price: Decimal | None = None
    multiplier: Decimal = Decimal(1)
    underlying: str = ""
    mark: Decimal | None = None


@dataclass(frozen=True, slots=True)
class BrokerBalances:
    """Balances at ``as_of`` (aware), dollars; None where the broker did not say."""

    broker: str
    account: str
    as_of: datetime
    net_liquidating_value: Decimal
    cash_balance: Decimal | None = None
    buying_power: Decimal | None = None
    maintenance_requirement: Decimal | None = None

    def __post_init__(self) -> None:
        if self.as_of.tzinfo is None:
            raise ValueError(f"balances of {self.broker}/{self.account}: as_of has no time zone")


@dataclass(frozen=True, slots=True)
class NetLiqPoint:
    """An end-of-day balance snapshot (dollars) for a trading day."""

    day: date
    net_liquidating_value: Decimal
    cash_balance: Decimal | None = None


class OrderStatus(StrEnum):
    """An order's outcome. UNKNOWN (timeout, 5xx, 429) is never shown as rejected."""

    WORKING = "working"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class BrokerOrder:
    """An order as the broker last reported it."""

    broker: str
    account: str
    order_id: str
    status: OrderStatus
    underlying: str
    description: str
    entered_at: datetime
    raw_status: str = ""


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """An OAuth grant: the access token's expiry and the refresh token's issue time (UTC)."""

    access_expires_at: datetime
    refresh_issued_at: datetime | None = None
    refresh_lifetime_days: int | None = None

    def refresh_expires_at(self) -> datetime | None:
        """Return when the refresh token dies (Schwab: 7 days after issue), else None."""
        if self.refresh_issued_at is None or self.refresh_lifetime_days is None:
            return None
        return self.refresh_issued_at + timedelta(days=self.refresh_lifetime_days)


@dataclass(frozen=True, slots=True)
class PositionDifference:
    """A position where the ledger and the broker disagree (signed quantities)."""

    account: str
    symbol: str
    ledger_quantity: Decimal
    broker_quantity: Decimal
    reason: str

    @property
    def difference(self) -> Decimal:
        """Return broker minus ledger quantity."""
        return self.broker_quantity - self.ledger_quantity


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The ledger checked against the broker after a sync: empty lists mean they agree.

    ``cash_difference`` is the broker's cash balance minus the ledger's cash
    (dollars), None when the broker did not report cash.
    """

    broker: str
    account: str
    as_of: datetime
    positions: tuple[PositionDifference, ...]
    ledger_cash: Decimal
    broker_cash: Decimal | None

    @property
    def cash_difference(self) -> Decimal | None:
        """Return broker cash minus ledger cash, dollars (None when unknown)."""
        return None if self.broker_cash is None else self.broker_cash - self.ledger_cash

    @property
    def agrees(self) -> bool:
        """True when every position matches and cash is within a cent."""
        cash = self.cash_difference
        return not self.positions and (cash is None or abs(cash) < Decimal("0.01"))
