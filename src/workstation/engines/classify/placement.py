"""Place every unit's rows into strategy groups, in ledger order: the automatic grouping.

Closing rows go to the group that owns the lots they consume. The opening
rows of one trader's order go together, to the first match of:

1. **covered call** - the order only sells calls and an open group on the
   same account and underlying holds long shares not yet covered by short
   calls: the calls join it (a covered call sold against stock bought
   earlier or delivered by a put assignment; a covered call rolled against
   its stock stays with the stock);
2. **roll in one order** - the order also closed lots of groups H: a new
   group, linked from H in a roll chain;
3. **legged in** - an open group on the same account and underlying took an
   opening within ``window`` before this order, and together they form a
   known structure (a put spread entered as two orders 30 s apart, an iron
   condor legged in as two spreads): join it;
4. **roll across orders** - a closing-only order on the same account and
   underlying within ``window`` before: a new group linked from what it closed;
5. **added** - an open group holds exactly these contracts in the same
   directions and ratio: join it (more contracts of the same position);
6. otherwise a new group (its id will be the key of its first opening row).

A closing-only order within ``window`` after a new group that nothing rolled
into links what it closed to that group (the new position was opened first).

Broker events: their closes follow the lots; stock delivered by an
assignment or exercise joins the group of the option that delivered it (a
wheel stays one group: put, delivered stock, calls sold against it);
corporate-action openings join the group whose lots the same action closed.
Orphan closes (positions opened before the history) of one unit form a group
of their own.

Groups are numbered here in the order they start; rows are row numbers of
the ``RowTable``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from operator import attrgetter

from workstation.domain.occ import OptionRight
from workstation.domain.strategies import StrategyKind
from workstation.domain.transactions import TransactionKind
from workstation.engines.classify.structure import kind_of_position
from workstation.engines.classify.table import Role, RowTable
from workstation.engines.classify.units import Unit

ZERO = Decimal(0)
_CORPORATE = frozenset({TransactionKind.SPLIT, TransactionKind.SYMBOL_CHANGE})
# Enum members as plain names: looking one up on its class costs several
# times a global read, and placing does it for every row.
_OPEN, _CLOSE, _TRADE = Role.OPEN, Role.CLOSE, TransactionKind.TRADE
_LAST_OPEN = attrgetter("last_open")


@dataclass(frozen=True, slots=True)
class Placement:
    """The automatic grouping, before the trader's overrides.

    ``first_row[g]`` is the first row of group ``g``; ``root[i]`` the group
    of opening or orphan row ``i`` (-1 for other rows: closes take the group
    of the lots they consume, and ``follows`` maps delivered stock and
    corporate-action openings to the row whose group they take); ``group[i]``
    the group every placed row ended up in. ``links`` are rolls as (from
    group, to group).
    """

    first_row: Sequence[int]
    root: Sequence[int]
    group: Sequence[int]
    follows: Mapping[int, int]
    links: tuple[tuple[int, int], ...]


@dataclass(slots=True)
class _Work:
    """A group while placing: what it holds now (contract number -> signed quantity)."""

    number: int
    book: int
    last_open: datetime
    position: dict[int, Decimal]
    listed: bool = False


def place(
    units: Iterable[Unit], table: RowTable, delivered: Mapping[int, int], window: timedelta
) -> Placement:
    """Return the automatic grouping of ``units`` (in the order of their first row)."""
    placer = _Placer(table, delivered, window)
    for unit in units:
        placer.place(unit)
    links = tuple(placer.links)
    return Placement(placer.first_row, placer.root, placer.group, placer.follows, links)


class _Placer:
    def __init__(self, table: RowTable, delivered: Mapping[int, int], window: timedelta) -> None:
        self.table, self.delivered, self.window = table, delivered, window
        self.rows, self.role, self.lot = table.rows, table.role, table.lot
        self.contract, self.contracts = table.contract, table.contracts
        self.works: list[_Work] = []
        self.first_row: list[int] = []
        self.group = [-1] * len(table.rows)  # every placed row -> its group
        self.root = [-1] * len(table.rows)
        self.follows: dict[int, int] = {}
        self.links: list[tuple[int, int]] = []
        self.open_groups: dict[int, list[_Work]] = {}  # book -> groups that may hold something
        self.recent_close: dict[int, tuple[datetime, list[int]]] = {}
        self.recent_new: dict[int, tuple[datetime, int]] = {}

    def place(self, unit: Unit) -> None:
        opening: list[int] = []
        closing: list[int] = []
        orphans: list[int] = []
        role = self.role
        for row in unit:
            found = role[row]
            target = opening if found is _OPEN else closing if found is _CLOSE else orphans
            target.append(row)
        book = self.table.book[unit[0]]
        touched = self._close(closing) if closing else []
        if orphans:
            touched.append(self._orphan_group(book, orphans))
        if self.rows[unit[0]].kind is _TRADE:
            self._trader_order(book, unit, opening, touched)
        elif opening:
            self._broker_event(book, opening, closing)

    # ---------------------------------------------------------------- closes

    def _close(self, rows: Sequence[int]) -> list[int]:
        touched: list[int] = []
        group, lot, several, works = self.group, self.lot, self.table.more, self.works
        for row in rows:
            if row in several:
                number = self._close_many(row)
            else:  # the common case: the row's whole quantity moves one group
                number = group[lot[row]]
                if number >= 0:
                    self._move(works[number], self.contract[row], self.rows[row].quantity)
            if number < 0:
                continue
            group[row] = number
            if number not in touched:
                touched.append(number)
        return touched

    def _close_many(self, row: int) -> int:
        """Move each lot's share of ``row`` to that lot's group; return the first group."""
        sign = 1 if self.rows[row].quantity > 0 else -1
        contract, first = self.contract[row], -1
        for lot, quantity in self.table.taken(row):
            number = self.group[lot]
            if number >= 0:
                self._move(self.works[number], contract, sign * quantity)
                first = number if first < 0 else first
        rest = self.table.leftover.get(row)
        if first >= 0 and rest:  # a flip: the rest opens a lot in the first group
            self._move(self.works[first], contract, sign * rest)
        return first

    def _orphan_group(self, book: int, rows: Sequence[int]) -> int:
        work = self._new_group(book, rows[0])
        for row in rows:
            self.root[row] = self.group[row] = work.number
        return work.number

    # ---------------------------------------------------------------- orders

    def _trader_order(self, book: int, unit: Unit, opening: list[int], touched: list[int]) -> None:
        if not opening:
            if touched:
                first, last = self.rows[unit[0]].executed_at, self.rows[unit[-1]].executed_at
                self._closed_only(book, first, last, touched)
            return
        start = self.rows[opening[0]].executed_at
        candidates = self._candidates(book)
        target = self._matching(book, candidates, opening, start, touched) if candidates else None
        if target is not None:
            self._join(target, opening)
            return
        rolled_from = touched or self._recently_closed(book, start)
        target = self._new_group(book, opening[0])
        self.links.extend((source, target.number) for source in rolled_from)
        self._join(target, opening)
        if not rolled_from:
            self.recent_new[book] = (target.last_open, target.number)

    def _matching(
        self,
        book: int,
        candidates: list[_Work],
        opening: list[int],
        start: datetime,
        touched: list[int],
    ) -> _Work | None:
        """Return the open group the openings join (rules 1, 3 and 5); None: a new group."""
        legs = self._net(opening)
        if not legs:
            return None
        target = self._covering(candidates, legs)
        if target is None and not touched:
            target = self._legged(candidates, legs, start)
            if target is None and not self._recently_closed(book, start):
                target = self._added(candidates, legs)
        return target

    def _closed_only(self, book: int, first: datetime, last: datetime, touched: list[int]) -> None:
        recent = self.recent_new.get(book)
        if recent is not None and first - recent[0] <= self.window and recent[1] not in touched:
            self.links.extend((source, recent[1]) for source in touched)
            del self.recent_new[book]
            return
        self.recent_close[book] = (last, touched)

    def _recently_closed(self, book: int, start: datetime) -> list[int]:
        recent = self.recent_close.get(book)
        if recent is None or start - recent[0] > self.window:
            return []
        return recent[1]

    def _covering(self, candidates: list[_Work], legs: Mapping[int, Decimal]) -> _Work | None:
        needed = ZERO
        for number, quantity in legs.items():
            contract = self.contracts[number]
            if contract.right is not OptionRight.CALL or quantity >= 0:
                return None
            needed -= quantity * contract.shares_per_contract
        for work in candidates:
            if self._uncovered_shares(work) >= needed:
                return work
        return None

    def _uncovered_shares(self, work: _Work) -> Decimal:
        free = ZERO
        for number, quantity in work.position.items():
            contract = self.contracts[number]
            if contract.is_shares:
                free += quantity
            elif contract.right is OptionRight.CALL and quantity < 0:
                free += quantity * contract.shares_per_contract
        return free

    def _legged(
        self, candidates: list[_Work], legs: Mapping[int, Decimal], start: datetime
    ) -> _Work | None:
        for work in candidates:
            if start - work.last_open > self.window:
                continue
            combined = dict(work.position)
            for number, quantity in legs.items():
                combined[number] = combined.get(number, ZERO) + quantity
            if kind_of_position(combined, self.contracts) is not StrategyKind.CUSTOM:
                return work
        return None

    def _added(self, candidates: list[_Work], legs: Mapping[int, Decimal]) -> _Work | None:
        for work in candidates:
            if work.position.keys() == legs.keys() and _proportional(work.position, legs):
                return work
        return None

    # ---------------------------------------------------------------- events

    def _broker_event(self, book: int, opening: list[int], closing: list[int]) -> None:
        loose = []
        for row in opening:
            anchor = self._anchor(row, closing)
            number = self.group[anchor] if anchor >= 0 else -1
            if number < 0:
                if self.rows[row].kind not in _CORPORATE:  # unmatched, it holds nothing new
                    loose.append(row)
                continue
            self.follows[row] = anchor
            self.group[row] = number
            self._move(self.works[number], self.contract[row], self.rows[row].quantity)
        if loose:
            legs = self._net(loose)
            candidates = self._candidates(book) if legs else []
            target = self._added(candidates, legs) if candidates else None
            self._join(target or self._new_group(book, loose[0]), loose)

    def _anchor(self, row: int, closing: list[int]) -> int:
        option = self.delivered.get(row)
        if option is not None:
            return option
        if self.rows[row].kind in _CORPORATE and closing:
            return closing[0]
        return -1

    # ---------------------------------------------------------------- groups

    def _new_group(self, book: int, first: int) -> _Work:
        work = _Work(len(self.works), book, self.rows[first].executed_at, {})
        self.works.append(work)
        self.first_row.append(first)
        return work

    def _join(self, work: _Work, rows: list[int]) -> None:
        root, group, contract, position = self.root, self.group, self.contract, work.position
        for row in rows:  # _move inlined: this runs for every opening row
            number = contract[row]
            held = position.get(number, ZERO) + self.rows[row].quantity
            if held:
                position[number] = held
            else:
                del position[number]
            root[row] = group[row] = work.number
        if position and not work.listed:
            self.open_groups.setdefault(work.book, []).append(work)
            work.listed = True
        work.last_open = max(work.last_open, self.rows[rows[-1]].executed_at)

    def _move(self, work: _Work, contract: int, quantity: Decimal) -> None:
        position = work.position
        held = position.get(contract, ZERO) + quantity
        if held:
            position[contract] = held
        else:
            del position[contract]
        if position and not work.listed:
            self.open_groups.setdefault(work.book, []).append(work)
            work.listed = True

    def _candidates(self, book: int) -> list[_Work]:
        """Return the open groups on ``book``, the latest opened first."""
        listed = self.open_groups.get(book)
        if not listed:
            return []
        alive = [work for work in listed if work.position]
        if len(alive) < len(listed):
            for work in listed:
                work.listed = bool(work.position)
            self.open_groups[book] = alive
        if len(alive) > 1:
            return sorted(alive, key=_LAST_OPEN, reverse=True)
        return alive

    def _net(self, rows: Iterable[int]) -> dict[int, Decimal]:
        legs: dict[int, Decimal] = {}
        for row in rows:
            number = self.contract[row]
            legs[number] = legs.get(number, ZERO) + self.rows[row].quantity
        return {number: quantity for number, quantity in legs.items() if quantity}


def _proportional(held: Mapping[int, Decimal], legs: Mapping[int, Decimal]) -> bool:
    base = next(iter(legs))
    a, b = held[base], legs[base]
    return all(
        held[number] * b == quantity * a and (held[number] > 0) == (quantity > 0)
        for number, quantity in legs.items()
    )
