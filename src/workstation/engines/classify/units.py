"""Cut the ledger into units placed one at a time: the trader's orders and the broker's events.

An order is every trade row sharing an order id (on one account and
underlying); trade rows without an order id (legacy exports) form one order
while each follows the previous within ``window`` on the same account and
underlying. Broker events (expirations, assignments, exercises, cash
settlements) at the same instant on one account and underlying form one
unit; corporate actions (splits, symbol changes) at one instant on one
account form one unit, because a symbol change alters the underlying.

Stock delivered by an assignment or exercise joins its option's unit: a
stock row on the same account and underlying, within ``window`` of the
option row, without an order id (or labelled as the assignment itself), in
the direction the option delivers (a short put assigned or a long call
exercised receives shares; a short call assigned or a long put exercised
delivers them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from workstation.domain.occ import OptionRight
from workstation.domain.transactions import TransactionKind
from workstation.engines.classify.table import RowTable

TK = TransactionKind
_DELIVERS = frozenset({TK.ASSIGNMENT, TK.EXERCISE})
_CORPORATE = frozenset({TK.SPLIT, TK.SYMBOL_CHANGE})

Unit = list[int]  # row numbers placed together, in ledger order


@dataclass(slots=True)
class _Expected:
    """Shares an assigned or exercised option row still has to deliver (signed)."""

    option: int
    shares: Decimal


def deliveries(table: RowTable, window: timedelta) -> dict[int, int]:
    """Return stock row -> the assigned or exercised option row that delivered it."""
    rows, book = table.rows, table.book
    pending: dict[int, list[_Expected]] = {}  # book -> options still delivering
    for number, row in enumerate(rows):
        if row.kind in _DELIVERS and row.is_option and row.right is not None:
            sign = 1 if row.right is OptionRight.PUT else -1
            shares = row.quantity * row.shares_per_contract * sign
            pending.setdefault(book[number], []).append(_Expected(number, shares))
    paired: dict[int, int] = {}
    if not pending:
        return paired
    for number, row in enumerate(rows):
        candidates = pending.get(book[number])
        if candidates and not row.is_option and (row.kind in _DELIVERS or not row.order_id):
            found = _nearest(table, candidates, number, window)
            if found is not None:
                paired[number] = found.option
                left = found.shares - row.quantity
                found.shares = left if left * found.shares > 0 else Decimal(0)
    return paired


def _nearest(
    table: RowTable, candidates: list[_Expected], stock: int, window: timedelta
) -> _Expected | None:
    best: _Expected | None = None
    best_gap = window
    when, quantity = table.rows[stock].executed_at, table.rows[stock].quantity
    for expected in candidates:
        gap = abs(table.rows[expected.option].executed_at - when)
        if expected.shares * quantity > 0 and gap <= best_gap:
            best, best_gap = expected, gap
    return best


def units_of(table: RowTable, delivered: dict[int, int], window: timedelta) -> list[Unit]:
    """Return the units of the table's rows in the order of their first row."""
    units: list[Unit] = []
    by_ident: dict[tuple[object, ...], Unit] = {}
    loose: dict[int, tuple[Unit, datetime]] = {}  # the open window per book, no order id
    anchors = set(delivered.values())
    unit_of_anchor: dict[int, Unit] = {}
    books, trade = table.book, TK.TRADE
    for number, row in enumerate(table.rows):
        if number in delivered:
            continue
        if row.kind is trade and not row.order_id:
            unit = _loose_unit(loose, units, books[number], row.executed_at, window)
        else:
            # _ident's trade case inlined: most rows are trades with an order id.
            ident = (books[number], row.order_id) if row.kind is trade else _ident(table, number)
            found = by_ident.get(ident)
            if found is None:
                found = by_ident[ident] = []
                units.append(found)
            unit = found
        unit.append(number)
        if number in anchors:
            unit_of_anchor[number] = unit
    for stock, option in delivered.items():
        unit_of_anchor[option].append(stock)
    return units


def _ident(table: RowTable, number: int) -> tuple[object, ...]:
    row = table.rows[number]
    if row.kind is TK.TRADE:
        return (table.book[number], row.order_id)
    if row.kind in _CORPORATE:
        return (row.account, row.executed_at)
    return (table.book[number], row.executed_at)


def _loose_unit(
    loose: dict[int, tuple[Unit, datetime]],
    units: list[Unit],
    book: int,
    when: datetime,
    window: timedelta,
) -> Unit:
    current = loose.get(book)
    if current is not None and when - current[1] <= window:
        unit = current[0]
    else:
        unit = []
        units.append(unit)
    loose[book] = (unit, when)
    return unit
