"""What the P&L views, the ``/pnl`` command and the reports show: one snapshot of the ledger.

All money is Decimal dollars. "Net" is after fees, "gross" before. Realized
figures state the convention they use (``convention``: the option's own
result on assignment, or the premium folded into the stock's basis). A
period is named by its first day (weeks start on Monday, New York dates).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from workstation.domain.event_calendar import EASTERN
from workstation.domain.transactions import Transaction

ZERO = Decimal(0)


class PnlPeriod(StrEnum):
    """How realized P&L is bucketed in time."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class TradeStatus(StrEnum):
    """Whether a strategy still has open legs."""

    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class PnlSummary:
    """Headline numbers for the chosen accounts and period (dollars; win rate 0-1)."""

    realized: Decimal
    realized_gross: Decimal
    unrealized: Decimal
    fees: Decimal
    ytd_realized: Decimal
    closed_trades: int
    winners: int
    losers: int
    largest_win: Decimal
    largest_loss: Decimal
    average_win: Decimal
    average_loss: Decimal
    unmarked_positions: int
    convention: str

    @property
    def total(self) -> Decimal:
        """Return realized + unrealized (net of fees), dollars."""
        return self.realized + self.unrealized

    @property
    def win_rate(self) -> float | None:
        """Return winners / closed trades (0-1), None before the first closed trade."""
        decided = self.winners + self.losers
        return self.winners / decided if decided else None

    @property
    def profit_factor(self) -> float | None:
        """Return gross wins / gross losses of closed trades, None without losses."""
        losses = -self.average_loss * self.losers
        wins = self.average_win * self.winners
        return float(wins / losses) if losses > 0 else None


@dataclass(frozen=True, slots=True)
class PeriodPnl:
    """Realized P&L of one period (dollars), with the closing matches counted in it."""

    start: date
    net: Decimal
    gross: Decimal
    fees: Decimal
    closes: int


@dataclass(frozen=True, slots=True)
class GroupPnl:
    """P&L of everything sharing one label: an underlying, a structure or a delta bucket."""

    label: str
    realized: Decimal
    unrealized: Decimal
    fees: Decimal
    trades: int
    winners: int
    losers: int

    @property
    def total(self) -> Decimal:
        """Return realized + unrealized, dollars."""
        return self.realized + self.unrealized

    @property
    def win_rate(self) -> float | None:
        """Return winners among closed trades (0-1), None when none closed."""
        decided = self.winners + self.losers
        return self.winners / decided if decided else None


class LotRow(NamedTuple):
    """One open lot for display: quantity signed (+ long), prices per share/unit.

    Display rows are NamedTuples: a 100,000-transaction ledger builds tens of
    thousands of them per snapshot, and tuples are built several times faster
    than frozen dataclasses while staying immutable.
    """

    symbol: str
    opened_at: datetime
    quantity: Decimal
    price: Decimal
    cost: Decimal
    mark: Decimal | None
    unrealized: Decimal | None
    open_key: str


class MatchRow(NamedTuple):
    """One closing match for display: what closed against what, and the result."""

    symbol: str
    opened_at: datetime
    closed_at: datetime
    quantity: Decimal
    open_price: Decimal
    close_price: Decimal
    gross: Decimal
    fees: Decimal
    net: Decimal
    reason: str
    open_key: str
    close_key: str


class TradeRow(NamedTuple):
    """One strategy (a position as the trader thinks of it) with its legs, lots and rolls.

    ``cash_flow`` is what the strategy's rows put in or took out so far (net
    of fees); ``chain_cash_flow`` the same for its whole roll chain, so a roll
    done for a credit shows as a credit. ``entry_delta`` is the position's
    delta at entry in shares per unit (a short 16-delta put is +16), None when
    it could not be priced.
    """

    id: str
    account: str
    underlying: str
    name: str
    kind: str
    opened_at: datetime
    closed_at: datetime | None
    status: TradeStatus
    realized: Decimal
    unrealized: Decimal
    fees: Decimal
    cash_flow: Decimal
    entry_delta: float | None
    roll_chain: str | None
    rolls: int
    chain_cash_flow: Decimal
    chain_realized: Decimal
    tags: tuple[str, ...]
    legs: tuple[str, ...]
    lots: tuple[LotRow, ...]
    matches: tuple[MatchRow, ...]
    transaction_keys: tuple[str, ...]

    @property
    def total(self) -> Decimal:
        """Return realized + unrealized, dollars."""
        return self.realized + self.unrealized


@dataclass(frozen=True, slots=True)
class EquityPoint:
    """Cumulative realized P&L (net of fees) at the end of ``day``."""

    day: date
    cumulative: Decimal


@dataclass(frozen=True, slots=True)
class NetLiqComponent:
    """One line of the net-liquidity bridge, with the rows behind it for drill-down."""

    label: str
    amount: Decimal
    keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NetLiqBridge:
    """Change in net liquidity over a period, explained line by line (dollars).

    ``explained`` is the sum of the components; when broker snapshots exist,
    ``broker_start``/``broker_end`` are its figures and ``difference`` what
    the components do not explain, with ``reason`` when it is known.
    """

    first: date
    last: date
    components: tuple[NetLiqComponent, ...]
    broker_start: Decimal | None = None
    broker_end: Decimal | None = None
    reason: str = ""

    @property
    def explained(self) -> Decimal:
        """Return the sum of the components."""
        return sum((c.amount for c in self.components), ZERO)

    @property
    def difference(self) -> Decimal | None:
        """Return broker change minus explained change, None without broker figures."""
        if self.broker_start is None or self.broker_end is None:
            return None
        return (self.broker_end - self.broker_start) - self.explained


@dataclass(frozen=True, slots=True, repr=False)
class LedgerView:
    """Everything the P&L panel, ``/pnl`` and the reports show, computed once."""

    as_of: datetime
    first: date | None
    last: date | None
    accounts: tuple[str, ...]
    summary: PnlSummary
    periods: Mapping[PnlPeriod, tuple[PeriodPnl, ...]]
    by_underlying: tuple[GroupPnl, ...]
    by_strategy: tuple[GroupPnl, ...]
    by_delta: tuple[GroupPnl, ...]
    trades: tuple[TradeRow, ...]
    open_lots: tuple[LotRow, ...]
    equity_curve: tuple[EquityPoint, ...]
    netliq: NetLiqBridge | None
    transactions: Mapping[str, Transaction] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    def __repr__(self) -> str:
        """Return a short description (the full snapshot can hold 100,000 rows)."""
        return (
            f"LedgerView(as_of={self.as_of.isoformat()}, accounts={self.accounts}, "
            f"trades={len(self.trades)}, transactions={len(self.transactions)})"
        )

    def trades_on(self, day: date) -> tuple[TradeRow, ...]:
        """Return the trades with a closing match on ``day`` (New York date)."""
        return tuple(
            trade
            for trade in self.trades
            if any(_ny_day(m.closed_at) == day for m in trade.matches)
        )


def _ny_day(moment: datetime) -> date:
    return moment.astimezone(EASTERN).date()
