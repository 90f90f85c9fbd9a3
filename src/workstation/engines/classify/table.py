"""The ledger as the classifier reads it: position rows in ledger order, addressed by index.

Every later step works on row numbers (positions in ``rows``) and contract
numbers rather than transaction keys and symbols: a 100,000-row workspace is
classified while the P&L panel opens, and list indexing is several times
cheaper than looking strings up in large dicts.

Roles. The ledger engine says, for each closing row, which opening rows'
lots it consumed (``closes``: close key -> open keys, in the order
consumed). Lots are consumed whole before the next is touched (FIFO and
LIFO both do that), so replaying the rows in ledger order recovers how many
contracts or shares each close took from each lot. A close that delivers
more than it found (a flip from long to short) opens the rest as a lot of
its own. A row the ledger never matched is an opening, unless it can only
be a close (an expiration, assignment, exercise or cash settlement of an
option, or a row the broker labels as closing): those are orphans, closing
a position opened before the history begins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from itertools import compress

from workstation.domain.transactions import (
    PositionEffect,
    Transaction,
    TransactionKind,
    ledger_order,
)
from workstation.engines.classify.structure import Contract, contract_of

ZERO = Decimal(0)
_MOVES = frozenset(kind for kind in TransactionKind if kind.moves_position)
_ONLY_CLOSES = frozenset(
    {
        TransactionKind.EXPIRATION,
        TransactionKind.ASSIGNMENT,
        TransactionKind.EXERCISE,
        TransactionKind.CASH_SETTLEMENT,
    }
)


class Role(Enum):
    """What a position row did to lots."""

    OPEN = "open"
    CLOSE = "close"
    ORPHAN = "orphan"  # closes a position the history does not show being opened


# Role members as plain names: looking one up on the enum class costs several
# times a global read, and reading the table does it for every row.
_OPEN, _CLOSE, _ORPHAN = Role.OPEN, Role.CLOSE, Role.ORPHAN


@dataclass(frozen=True, slots=True)
class RowTable:
    """Position rows in ledger order, their contracts and roles, and the lots each close took.

    ``book[i]`` numbers the (account, underlying) row ``i`` trades in and
    ``contract[i]`` its contract (an index into ``contracts``).
    ``lot[i]`` is the first lot (row number) closing row ``i`` consumed, -1
    for rows that close nothing; ``more`` lists (lot, quantity taken) for
    closes that took from several lots. ``leftover`` holds the quantity a
    close opened beyond what it closed (unsigned); ``open_lots`` the rows
    whose lots are not fully closed. Quantities are contracts or shares.
    """

    rows: tuple[Transaction, ...]
    index: Mapping[str, int]
    role: Sequence[Role]
    book: Sequence[int]
    contract: Sequence[int]
    contracts: Sequence[Contract]
    lot: Sequence[int]
    more: Mapping[int, tuple[tuple[int, Decimal], ...]]
    leftover: Mapping[int, Decimal]
    open_lots: frozenset[int]

    def taken(self, row: int) -> tuple[tuple[int, Decimal], ...]:
        """Return (lot row, quantity taken) for each lot closing row ``row`` consumed."""
        several = self.more.get(row)
        if several is not None:
            return several
        size = abs(self.rows[row].quantity) - self.leftover.get(row, ZERO)
        return ((self.lot[row], size),)


def position_rows(rows: Iterable[Transaction]) -> list[Transaction]:
    """Return the rows that move a position (instrument and quantity), in ledger order.

    Rows already in ledger order (as the store returns them) sort in one pass.
    """
    moving = [row for row in rows if row.kind in _MOVES and row.symbol and row.quantity]
    moving.sort(key=ledger_order)
    return moving


def read_table(rows: Iterable[Transaction], closes: Mapping[str, Sequence[str]]) -> RowTable:
    """Return the position rows of ``rows`` (any order) with roles and consumed lots."""
    moving = position_rows(rows)
    replay = _Replay(moving, closes)
    seen, remaining, role, lot = replay.seen, replay.remaining, replay.role, replay.lot
    books, contracts = replay.book, replay.contract
    for number, row in enumerate(moving):
        # Number the row's book and contract (inlined: this runs for every row).
        numbers = seen.get((row.account, row.symbol))
        if numbers is None:
            numbers = seen[row.account, row.symbol] = replay.first_seen(row)
        books.append(numbers[0])
        contracts.append(numbers[1])
        key = row.key
        wanted = closes.get(key)
        if wanted and replay.close(number, row, wanted):
            continue
        lot.append(-1)  # an opening (inlined: most rows are)
        if _may_only_close(row) and _only_closes(row) and not replay.names_lot(key):
            role.append(_ORPHAN)
        else:
            role.append(_OPEN)
            remaining[number] = abs(row.quantity)
    # What is left of a lot is never negative: a lot is open while anything is.
    open_lots = frozenset(compress(range(len(remaining)), remaining))
    return RowTable(
        tuple(moving),
        replay.index,
        role,
        replay.book,
        replay.contract,
        replay.contracts,
        lot,
        replay.more,
        replay.leftover,
        open_lots,
    )


class _Replay:
    """Lots still open while replaying the ledger, by row number."""

    def __init__(self, rows: list[Transaction], closes: Mapping[str, Sequence[str]]) -> None:
        self.closes = closes
        self.named: set[str] | None = None  # keys the ledger names as lots, once asked
        self.index = {row.key: number for number, row in enumerate(rows)}
        self.remaining = [ZERO] * len(rows)  # quantity still in each row's lot
        self.role: list[Role] = []
        self.lot: list[int] = []
        self.more: dict[int, tuple[tuple[int, Decimal], ...]] = {}
        self.leftover: dict[int, Decimal] = {}
        self.book: list[int] = []
        self.books: dict[tuple[str, str], int] = {}  # (account, underlying) -> book number
        self.contract: list[int] = []
        self.contracts: list[Contract] = []
        self.numbers: dict[str, int] = {}  # symbol -> contract number
        self.seen: dict[tuple[str, str], tuple[int, int]] = {}  # (account, symbol) -> numbers

    def names_lot(self, key: str) -> bool:
        """True when the ledger names the row with ``key`` as a lot some row closed."""
        if self.named is None:  # rarely asked: only for rows that can only close
            self.named = {key for keys in self.closes.values() for key in keys}
        return key in self.named

    def first_seen(self, row: Transaction) -> tuple[int, int]:
        """Number the book and contract of an (account, symbol) met for the first time."""
        book = (row.account, row.underlying or row.symbol)
        number = self.numbers.get(row.symbol)
        if number is None:
            number = self.numbers[row.symbol] = len(self.contracts)
            self.contracts.append(contract_of(row))
        return self.books.setdefault(book, len(self.books)), number

    def close(self, number: int, row: Transaction, wanted: Sequence[str]) -> bool:
        """Consume the lots ``wanted`` names; False when none of them holds anything."""
        size, remaining = abs(row.quantity), self.remaining
        if len(wanted) == 1:
            lot = self.index.get(wanted[0], number)  # a lot not in the rows holds nothing
            have = remaining[lot] if lot != number else ZERO
            if have <= ZERO:
                return False
            take = min(have, size)
            remaining[lot] = have - take
            first = lot
        else:
            first, take = self._close_many(number, wanted, size)
            if first < 0:
                return False
        self.lot.append(first)
        self.role.append(_CLOSE)
        if take < size:  # a flip: the rest opens a lot of this row's own
            self.leftover[number] = remaining[number] = size - take
        return True

    def _close_many(self, number: int, wanted: Sequence[str], size: Decimal) -> tuple[int, Decimal]:
        taken: list[tuple[int, Decimal]] = []
        left = size
        for key in dict.fromkeys(wanted):  # a lot named twice is still one lot
            lot = self.index.get(key, number)
            have = self.remaining[lot] if lot != number else ZERO
            if left <= ZERO or have <= ZERO:
                continue
            take = min(have, left)
            self.remaining[lot] = have - take
            left -= take
            taken.append((lot, take))
        if not taken:
            return -1, ZERO
        self.more[number] = tuple(taken)
        return taken[0][0], size - left


def _may_only_close(row: Transaction) -> bool:
    # The cheap half of _only_closes: no properties, true for few rows.
    return row.kind in _ONLY_CLOSES or row.effect is PositionEffect.CLOSE


def _only_closes(row: Transaction) -> bool:
    return row.effect is PositionEffect.CLOSE or (row.is_option and row.kind in _ONLY_CLOSES)
