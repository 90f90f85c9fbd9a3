"""Split each fill into what it closed and what it opened, from the running position.

Opening and closing are decided by the signed position per account and
security, carried from every earlier position-moving row (assignments,
exercises, expirations, splits and symbol changes included, so the overnight
position is right), never by FIFO lots: holding 50 shares, buying 25 and
selling 25 in one session is a day trade.

Within a session, each security keeps the quantity opened so far that
session. A closing fill consumes that first (the regulator's examples count
the sale against the same-day purchase, not the overnight shares), and the
part it consumes is what makes the fill a day trade.

Only TRADE rows are purchases and sales the customer placed. Assignments,
exercises, expirations and cash settlements move the position but neither
open nor close a day trade; when they shrink a position, the quantity opened
that session shrinks with it (oldest first), so nothing is counted as closed
that is no longer held.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from workstation.domain.transactions import ZERO, Transaction, TransactionKind
from workstation.engines.ledger.events import cancel_reversals, in_ledger_order
from workstation.engines.risk.daytrade_sessions import SessionList


@dataclass(frozen=True, slots=True)
class Fill:
    """One TRADE row on a session, split into its closing and opening parts.

    ``transaction`` identifies the customer's transaction the fill belongs
    to: partial fills of one order in one security and direction share it.
    ``closed`` is the units of the held position it closed, ``closed_today``
    the part of those opened earlier in the same session, ``opened`` the units
    it opened (a fill through zero both closes and opens). ``opened_by`` lists
    the same-session opening fills it closed against, as (key, order id).
    """

    row: Transaction
    session: date
    transaction: tuple[str, str, bool]
    closed: Decimal
    closed_today: Decimal
    opened: Decimal
    opened_by: tuple[tuple[str, str], ...]

    @property
    def order(self) -> str:
        """Return the order the fill belongs to: the broker's order id, else the row key."""
        return self.transaction[1]


@dataclass(slots=True)
class _Open:
    key: str
    order_id: str
    remaining: Decimal


@dataclass(slots=True)
class _Security:
    position: Decimal = ZERO
    session: date | None = None
    opened_today: deque[_Open] = field(default_factory=deque)

    def trade(self, row: Transaction, session: date) -> Fill:
        if session != self.session:
            self.session = session
            self.opened_today.clear()
        held, change = self.position, row.quantity
        closes = (held > ZERO) is not (change > ZERO) and held != ZERO
        closed = min(abs(change), abs(held)) if closes else ZERO
        opened_by = self._take(closed)
        opened = abs(change) - closed
        if opened:
            self.opened_today.append(_Open(row.key, row.order_id, opened))
        self.position = held + change
        today = sum((quantity for _, _, quantity in opened_by), ZERO)
        pairs = tuple((key, order_id) for key, order_id, _ in opened_by)
        return Fill(row, session, _transaction(row), closed, today, opened, pairs)

    def move(self, change: Decimal) -> None:
        """Apply a position change that is not a customer trade."""
        before = self.position
        self.position += change
        if not self.position or (self.position > ZERO) is not (before > ZERO):
            self.opened_today.clear()
        else:
            # A shrink (expiration, assignment) can leave more opened today than is held.
            self._cap(abs(self.position))

    def _cap(self, held: Decimal) -> None:
        excess = sum((item.remaining for item in self.opened_today), ZERO) - held
        if excess > ZERO:
            self._take(excess)

    def _take(self, quantity: Decimal) -> list[tuple[str, str, Decimal]]:
        taken = []
        while quantity > ZERO and self.opened_today:
            first = self.opened_today[0]
            part = min(quantity, first.remaining)
            taken.append((first.key, first.order_id, part))
            first.remaining -= part
            quantity -= part
            if not first.remaining:
                self.opened_today.popleft()
        return taken


def _transaction(row: Transaction) -> tuple[str, str, bool]:
    order = row.order_id or f"row:{row.key}"
    return (row.symbol, order, row.quantity > ZERO)


def session_fills(rows: Iterable[Transaction], sessions: SessionList) -> list[Fill]:
    """Return every TRADE fill on or after the first session, split into close and open parts.

    Rows are taken in :func:`ledger_order`; a reversal and the row it
    reverses are both dropped (a cancelled fill was never a trade). Rows
    before the first session only set the position held.
    """
    ordered, _ = cancel_reversals(in_ledger_order(rows))
    securities: dict[tuple[str, str], _Security] = {}
    fills = []
    for row in ordered:
        if not (row.kind.moves_position and row.quantity and row.symbol):
            continue
        security = securities.setdefault((row.account, row.symbol), _Security())
        session = sessions.session_of(row) if row.kind is TransactionKind.TRADE else None
        if session is None:
            security.move(row.quantity)
        else:
            fills.append(security.trade(row, session))
    return fills
