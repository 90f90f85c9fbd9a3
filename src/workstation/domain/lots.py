"""Tax lots, closing matches and the ledger they add up to.

Signs and units follow :mod:`workstation.domain.transactions`: quantities are
signed (+ long, - short) in shares for stock and contracts for options and
futures; cash is signed dollars, credit positive, debit negative; fees are
positive dollars paid; prices are per share / per unit as quoted.

Two conventions exist for a number that involves an assigned or exercised
option (see :class:`PnlConvention`). Every result that depends on the choice
takes it as an argument and says which one it used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import ZERO, Transaction, TransactionKind


class CloseReason(StrEnum):
    """Why a lot was closed (a split or symbol change carries lots and closes nothing)."""

    TRADE = "trade"
    EXPIRATION = "expiration"
    ASSIGNMENT = "assignment"
    EXERCISE = "exercise"
    CASH_SETTLEMENT = "cash_settlement"


class PnlConvention(StrEnum):
    """How an assigned or exercised option's result is counted.

    OPTION_SEPARATE: the option is a trade of its own. Its premium result is
    realized the day it is assigned or exercised, and the stock is booked at
    the strike. This is how a trader reviews the option trade.

    PREMIUM_IN_BASIS: the premium moves into the stock instead (a short put's
    credit lowers the cost of the shares received; a long call's debit raises
    it; on a delivery of shares already held it adjusts the sale proceeds).
    Nothing is realized on the option itself; the premium is realized when the
    stock closes. This is the tax-lot view.

    Once everything is closed, both conventions give the same total.
    """

    OPTION_SEPARATE = "option_separate"
    PREMIUM_IN_BASIS = "premium_in_basis"


class CostMethod(StrEnum):
    """Which open lot a closing fill consumes first."""

    FIFO = "fifo"
    LIFO = "lifo"
    AVERAGE = "average"


class FeeKind(StrEnum):
    """The fee columns brokers report separately."""

    COMMISSION = "commission"
    CLEARING = "clearing"
    REGULATORY = "regulatory"
    INDEX_OPTION = "index_option"


@dataclass(frozen=True, slots=True)
class Lot:
    """The still-open remainder of one opening fill.

    ``quantity`` is signed (+ long, - short) in shares or contracts;
    ``price`` the open price per unit; ``cost`` the signed cash paid or
    received for the remaining quantity at open (dollars, debit negative,
    before fees; 0 for futures, whose cash is realized P/L); ``fees`` the open
    fees still attached to it (dollars); ``basis_adjustment`` the premium folded
    in from an assigned or exercised option (dollars, credit positive), which
    counts only under :attr:`PnlConvention.PREMIUM_IN_BASIS`.
    """

    account: str
    symbol: str
    underlying: str
    instrument: InstrumentKind | None
    open_key: str
    opened_at: datetime
    quantity: Decimal
    price: Decimal
    multiplier: Decimal
    cost: Decimal
    fees: Decimal
    basis_adjustment: Decimal = ZERO
    expiry: date | None = None
    strike: Decimal | None = None
    right: OptionRight | None = None

    @property
    def is_long(self) -> bool:
        """True for a long lot, False for a short one."""
        return self.quantity > ZERO

    def basis(self, convention: PnlConvention) -> Decimal:
        """Return the signed cash the lot stands for under ``convention`` (dollars, before fees)."""
        if convention is PnlConvention.PREMIUM_IN_BASIS:
            return self.cost + self.basis_adjustment
        return self.cost


class ClosingMatch(NamedTuple):
    """One lot (or part of one) closed by one row.

    ``quantity`` is the signed quantity of the lot that closed: + when a long
    lot was sold, - when a short lot was covered. ``gross`` is the realized
    result before fees in dollars (close cash + open cash of the closed part);
    ``fees`` the open fees allocated to the part plus its share of the closing
    row's fees (dollars).

    ``folded`` is the part of ``gross`` that :attr:`PnlConvention.PREMIUM_IN_BASIS`
    moves into the stock's basis instead of realizing now (an assigned or
    exercised option's own result). ``basis_adjustment`` is premium folded in
    from such an option that this close realizes under that convention; it is
    not part of ``gross``.

    A NamedTuple rather than a frozen dataclass: a rebuild creates one per
    close (73,000 for 100,000 fills) and a tuple is built about three times
    faster, while staying immutable.
    """

    account: str
    symbol: str
    underlying: str
    instrument: InstrumentKind | None
    open_key: str
    close_key: str
    opened_at: datetime
    closed_at: datetime
    quantity: Decimal
    open_price: Decimal
    close_price: Decimal
    gross: Decimal
    fees: Decimal
    reason: CloseReason
    folded: Decimal = ZERO
    basis_adjustment: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        """Return ``gross - fees`` under :attr:`PnlConvention.OPTION_SEPARATE` (dollars)."""
        return self.gross - self.fees

    def realized(self, convention: PnlConvention, *, net: bool = True) -> Decimal:
        """Return what this close realizes under ``convention``, dollars; net of fees when ``net``.

        Fees are realized with the row that paid them in both conventions.
        """
        amount = self.gross
        if convention is PnlConvention.PREMIUM_IN_BASIS:
            amount = amount - self.folded + self.basis_adjustment
        return amount - self.fees if net else amount


@dataclass(frozen=True, slots=True)
class LedgerProblem:
    """A row the ledger could not apply as written, and what it did instead."""

    key: str
    account: str
    symbol: str
    problem: str

    def __str__(self) -> str:
        """Return ``account symbol (key): problem``."""
        return f"{self.account} {self.symbol} ({self.key}): {self.problem}"


@dataclass(frozen=True, slots=True)
class Ledger:
    """Open lots, closing matches and positions rebuilt from broker rows.

    ``lots`` are open lots by account, symbol and open order; ``matches`` are
    in the order they closed; ``positions`` the signed quantity per
    ``(account, symbol)`` (non-zero only); ``rows`` the rows applied, in ledger
    order (reversed pairs and rows that could not be applied at all left out).
    """

    method: CostMethod
    lots: tuple[Lot, ...]
    matches: tuple[ClosingMatch, ...]
    positions: Mapping[tuple[str, str], Decimal]
    problems: tuple[LedgerProblem, ...]
    rows: tuple[Transaction, ...]

    @property
    def fees_by_kind(self) -> dict[FeeKind, Decimal]:
        """Return fees paid on every applied row, by fee column (dollars)."""
        rows = self.rows
        return {
            FeeKind.COMMISSION: sum((row.commission for row in rows), ZERO),
            FeeKind.CLEARING: sum((row.clearing_fee for row in rows), ZERO),
            FeeKind.REGULATORY: sum((row.regulatory_fee for row in rows), ZERO),
            FeeKind.INDEX_OPTION: sum((row.index_option_fee for row in rows), ZERO),
        }

    @property
    def cash_by_kind(self) -> dict[TransactionKind, Decimal]:
        """Return the net cash (value - fees) of every applied row, by row kind (dollars)."""
        totals: dict[TransactionKind, Decimal] = {}
        for row in self.rows:
            totals[row.kind] = totals.get(row.kind, ZERO) + row.net_value
        return totals


@dataclass(frozen=True, slots=True)
class LotValue:
    """One open lot valued at a mark.

    ``mark`` is per unit; ``market_value`` is signed dollars (a short lot is
    negative; for futures it is the open P/L since the lot's price, because a
    future's cash is settled as P/L); ``unrealized`` is before fees under the
    convention of the :class:`Unrealized` it belongs to.
    """

    lot: Lot
    mark: Decimal
    market_value: Decimal
    unrealized: Decimal

    @property
    def net(self) -> Decimal:
        """Return ``unrealized`` minus the lot's open fees (dollars)."""
        return self.unrealized - self.lot.fees


@dataclass(frozen=True, slots=True)
class Unrealized:
    """Open lots valued at marks, with the convention the numbers use.

    ``unmarked`` lots had no mark and are left out of every total rather than
    valued at zero.
    """

    convention: PnlConvention
    lots: tuple[LotValue, ...]
    unmarked: tuple[Lot, ...]

    @property
    def gross(self) -> Decimal:
        """Return unrealized P&L before fees over the marked lots (dollars)."""
        return sum((item.unrealized for item in self.lots), ZERO)

    @property
    def fees(self) -> Decimal:
        """Return open fees still attached to the marked lots (dollars)."""
        return sum((item.lot.fees for item in self.lots), ZERO)

    @property
    def net(self) -> Decimal:
        """Return unrealized P&L after open fees (dollars)."""
        return self.gross - self.fees

    @property
    def market_value(self) -> Decimal:
        """Return the signed market value of the marked lots (dollars)."""
        return sum((item.market_value for item in self.lots), ZERO)

    def total(self, *, net: bool = True) -> Decimal:
        """Return ``net`` or ``gross`` (dollars)."""
        return self.net if net else self.gross
