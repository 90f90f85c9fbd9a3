"""Rows that belong together: ledger order, reversals, deliveries, corporate actions.

These run once over the rows before any lot moves. Rows "at the same time"
are within :data:`SAME_TIME` of each other: brokers stamp the legs of one
event seconds apart, and date-only exports stamp them identically.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from itertools import compress, islice
from operator import attrgetter, eq, le, lt

from workstation.domain.instruments import InstrumentKind
from workstation.domain.lots import CloseReason, LedgerProblem
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import (
    Transaction,
    TransactionKind,
    ledger_order,
)

SAME_TIME = timedelta(seconds=60)

_EXECUTED_AT = attrgetter("executed_at")
_REVERSES = attrgetter("reverses_key")
_OPTION_EVENTS = {
    TransactionKind.ASSIGNMENT: CloseReason.ASSIGNMENT,
    TransactionKind.EXERCISE: CloseReason.EXERCISE,
}
_DELIVERY_KINDS = frozenset(
    {TransactionKind.TRADE, TransactionKind.ASSIGNMENT, TransactionKind.EXERCISE}
)
CORPORATE_KINDS = frozenset({TransactionKind.SPLIT, TransactionKind.SYMBOL_CHANGE})


def in_ledger_order(rows: Iterable[Transaction]) -> list[Transaction]:
    """Return the rows sorted by :func:`ledger_order`, without re-sorting sorted input."""
    ordered = list(rows)
    if not _is_sorted(ordered):
        ordered.sort(key=ledger_order)
    return ordered


def _is_sorted(rows: list[Transaction]) -> bool:
    # Comparing times is cheap; the full sort key is only built for ties.
    times = list(map(_EXECUTED_AT, rows))
    if all(map(lt, times, islice(times, 1, None))):
        return True
    if not all(map(le, times, islice(times, 1, None))):
        return False
    tied = compress(range(len(times)), map(eq, times, islice(times, 1, None)))
    return all(ledger_order(rows[i]) <= ledger_order(rows[i + 1]) for i in tied)


def cancel_reversals(rows: list[Transaction]) -> tuple[list[Transaction], list[LedgerProblem]]:
    """Drop every reversal row together with the row it reverses.

    Works from the latest reversal back, so reversing a reversal reinstates
    the original. A reversal naming a row that is not there is dropped and
    reported.
    """
    if not any(map(_REVERSES, rows)):
        return rows, []
    by_key = {(row.broker, row.account, row.key): row for row in rows}
    cancelled: set[int] = set()
    problems: list[LedgerProblem] = []
    for row in reversed(rows):
        if not row.reverses_key or id(row) in cancelled:
            continue
        cancelled.add(id(row))
        target = by_key.get((row.broker, row.account, row.reverses_key))
        if target is None or id(target) in cancelled:
            text = f"reverses {row.reverses_key!r}, which is not in the ledger; ignored"
            problems.append(LedgerProblem(row.key, row.account, row.symbol, text))
            continue
        cancelled.add(id(target))
    return [row for row in rows if id(row) not in cancelled], problems


@dataclass(frozen=True, slots=True)
class Delivery:
    """An assigned or exercised option and the share (or futures) row it delivered."""

    option: Transaction
    shares: Transaction | None
    reason: CloseReason


def is_option_event(row: Transaction) -> bool:
    """True for an option assignment or exercise that physically delivers the underlying."""
    return (
        row.kind in _OPTION_EVENTS
        and row.is_option
        and row.instrument is not InstrumentKind.INDEX_OPTION
        and bool(row.quantity)
    )


def delivered_quantity(option: Transaction) -> Decimal:
    """Return the signed quantity of the underlying an assignment/exercise row delivers.

    A short option removed (+ quantity) was assigned: a call delivers shares,
    a put receives them. A long option removed (- quantity) was exercised: a
    call receives, a put delivers. One contract delivers its deliverable, or
    the multiplier when standard (one future for a futures option).
    """
    per_contract = option.deliverable
    if per_contract is None:
        futures = option.instrument is InstrumentKind.FUTURE_OPTION
        per_contract = Decimal(1) if futures else option.multiplier
    receives = (option.right is OptionRight.CALL) is (option.quantity < 0)
    size = abs(option.quantity) * per_contract
    return size if receives else -size


def underlying_of(option: Transaction) -> str:
    """Return the option's underlying symbol, from the OCC root when the row lacks it."""
    if option.underlying:
        return option.underlying
    occ = option.occ
    return occ.root if occ is not None else ""


def pair_deliveries(ordered: list[Transaction]) -> list[Delivery]:
    """Pair each physically settled assignment/exercise with the row that delivered.

    The delivery is a non-option row of kind trade, assignment or exercise in
    the same account, on the option's underlying symbol, at the same time
    (within :data:`SAME_TIME`), for exactly :func:`delivered_quantity`. Among
    several, one at the strike price wins, then the nearest in time, then the
    first in ledger order; each row delivers for one option only.
    """
    # The kind test first: it rules out nearly every row without a call.
    events = [row for row in ordered if row.kind in _OPTION_EVENTS and is_option_event(row)]
    wanted = {(row.account, underlying_of(row)) for row in events}
    symbols = {symbol for _, symbol in wanted}
    pools: dict[tuple[str, str], list[Transaction]] = {}
    for row in ordered:
        if row.symbol in symbols and (row.account, row.symbol) in wanted and _may_deliver(row):
            pools.setdefault((row.account, row.symbol), []).append(row)
    used: set[int] = set()
    deliveries = []
    for event in events:
        shares = _delivery_for(event, pools.get((event.account, underlying_of(event)), []), used)
        if shares is not None:
            used.add(id(shares))
        deliveries.append(Delivery(event, shares, _OPTION_EVENTS[event.kind]))
    return deliveries


def _may_deliver(row: Transaction) -> bool:
    return row.kind in _DELIVERY_KINDS and not row.is_option and bool(row.quantity)


def _delivery_for(
    event: Transaction, pool: list[Transaction], used: set[int]
) -> Transaction | None:
    expected = delivered_quantity(event)
    near = [
        row
        for row in pool
        if id(row) not in used
        and row.quantity == expected
        and abs(row.executed_at - event.executed_at) <= SAME_TIME
    ]
    if not near:
        return None

    def preference(row: Transaction) -> tuple[bool, timedelta]:
        return row.price != event.strike, abs(row.executed_at - event.executed_at)

    return min(near, key=preference)


def group_corporate_actions(ordered: list[Transaction]) -> list[tuple[Transaction, ...]]:
    """Group split and symbol-change rows by account and time, with their cash in lieu.

    A group is every split/symbol-change row of one account within
    :data:`SAME_TIME` of the group's first row, plus balance-adjustment rows
    at that time that carry cash and name one of the group's symbols or
    underlyings (a rounding correction paid as cash).
    """
    groups: list[list[Transaction]] = []
    latest: dict[str, list[Transaction]] = {}
    for row in ordered:
        if row.kind not in CORPORATE_KINDS:
            continue
        group = latest.get(row.account)
        if group is None or row.executed_at - group[0].executed_at > SAME_TIME:
            group = latest[row.account] = []
            groups.append(group)
        group.append(row)
    if groups:
        _attach_cash_in_lieu(ordered, groups)
    return [tuple(group) for group in groups]


def _attach_cash_in_lieu(ordered: list[Transaction], groups: list[list[Transaction]]) -> None:
    cash_rows = [row for row in ordered if _is_cash_in_lieu(row)]
    for row in cash_rows:
        for group in groups:
            names = {name for r in group for name in (r.symbol, r.underlying) if name}
            named = row.symbol in names or row.underlying in names
            same = group[0].account == row.account and named
            if same and abs(row.executed_at - group[0].executed_at) <= SAME_TIME:
                group.append(row)
                break


def _is_cash_in_lieu(row: Transaction) -> bool:
    kind = row.kind
    return kind is TransactionKind.BALANCE_ADJUSTMENT and bool(row.symbol and row.value)
