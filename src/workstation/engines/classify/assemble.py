"""Build the groups and roll chains the trader sees from where every row settled.

A close that consumed lots of several groups counts in each: its quantity by
the lots it took there, its cash in proportion (to the cent, the rounding
left with the first group so the groups add up to the row). A group's kind
and name describe what it held right after its last opening trade (so a
wheel that ends with a call sold against assigned stock is a covered call);
a group that never opened by trade (positions from before the history)
is described by what its closes closed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TypeVar, overload

from workstation.domain.strategies import StrategyKind
from workstation.domain.trade_groups import (
    Classification,
    GroupLeg,
    OverrideField,
    RollChain,
    StaleOverride,
    StrategyGroup,
    StrategyOverrides,
)
from workstation.domain.transactions import CENT, Transaction, TransactionKind
from workstation.engines.classify.membership import Membership
from workstation.engines.classify.naming import strategy_name
from workstation.engines.classify.placement import Placement
from workstation.engines.classify.structure import Contract, kind_of_position
from workstation.engines.classify.table import Role, RowTable

ZERO = Decimal(0)
_CORPORATE = frozenset({TransactionKind.SPLIT, TransactionKind.SYMBOL_CHANGE})
_CASH_SECURED = ("cash secured", "cash-secured")
# Enum members as plain names: looking one up on its class costs several
# times a global read, and the tally loop does it a few times per row.
_OPEN, _CLOSE, _ORPHAN = Role.OPEN, Role.CLOSE, Role.ORPHAN
_TRADE = TransactionKind.TRADE

_T = TypeVar("_T")
Share = tuple[Decimal, Decimal]  # signed quantity and net cash (dollars) of a row in one group


class _Tally:
    """A group's rows added up in one pass over the ledger.

    ``held`` is the running position (contract number -> signed quantity);
    ``structure`` what it held right after its last opening trade and the
    rest of that trade's order (``pending`` while that order may still be
    filling); ``opened`` the net quantities its opening rows opened;
    ``orphaned`` what its orphan closes closed. Money is dollars.

    A plain class rather than a dataclass: one is made per group, and the
    generated ``__init__`` with its default factories costs twice as much.
    """

    __slots__ = (
        "cash_flow",
        "closing",
        "entry_cash",
        "first",
        "held",
        "is_open",
        "keys",
        "last",
        "opened",
        "opening",
        "orphaned",
        "pending",
        "structure",
    )

    def __init__(self, first: Transaction) -> None:
        self.first = self.last = first
        self.opening: list[str] = []
        self.closing: list[str] = []
        self.keys: list[str] = []
        self.held: dict[int, Decimal] = {}
        self.opened: dict[int, Decimal] = {}
        self.orphaned: dict[int, Decimal] = {}
        self.structure: dict[int, Decimal] | None = None
        self.pending: Transaction | None = None
        self.entry_cash = ZERO
        self.cash_flow = ZERO
        self.is_open = False


def assemble(
    table: RowTable, placement: Placement, membership: Membership, overrides: StrategyOverrides
) -> Classification:
    """Return the classification: groups by opening time, chains, and every row's group."""
    tallies = _Counter(table, placement.follows, membership).count()
    chains = _chains(placement.links, tallies)
    ids = membership.ids
    chain_of = {number: ids[chain[0]] for chain, _ in chains for number in chain}
    builder = _GroupBuilder(table.contracts, overrides, chain_of)
    groups = [
        builder.build(number, ids[number], tally)
        for number, tally in enumerate(tallies)
        if tally is not None
    ]
    groups.sort(key=_opening_order)
    by_id = {group.id: group for group in groups}
    rolls = tuple(
        RollChain(
            ids[chain[0]],
            tuple(ids[n] for n in chain),
            sum([by_id[ids[n]].cash_flow for n in chain], ZERO),
            count,
        )
        for chain, count in chains
    )
    group_of = GroupOf(table.index, membership.home, ids)
    stale = membership.stale + _stale_labels(overrides, by_id)
    return Classification(tuple(groups), rolls, group_of, stale)


def _opening_order(group: StrategyGroup) -> tuple[datetime, str]:
    return (group.opened_at, group.id)


class GroupOf(Mapping[str, str]):
    """Transaction key -> group id, read through the table rather than copied into a dict."""

    __slots__ = ("_home", "_ids", "_index")

    def __init__(self, index: Mapping[str, int], home: Sequence[int], ids: Sequence[str]) -> None:
        self._index, self._home, self._ids = index, home, ids

    def __getitem__(self, key: str) -> str:
        number = self._home[self._index[key]]
        if number < 0:
            raise KeyError(key)
        return self._ids[number]

    @overload
    def get(self, key: str, /) -> str | None: ...

    @overload
    def get(self, key: str, /, default: str | _T) -> str | _T: ...

    def get(self, key: str, /, default: object = None) -> object:
        """Return the group id of the row with ``key``, ``default`` when it has none.

        Spelled out rather than inherited: the Mapping version goes through
        ``__getitem__`` and an exception per miss, and a P&L view asks for
        every closing match's group.
        """
        row = self._index.get(key)
        if row is None:
            return default
        number = self._home[row]
        return self._ids[number] if number >= 0 else default

    def __iter__(self) -> Iterator[str]:
        return (key for key, row in self._index.items() if self._home[row] >= 0)

    def __len__(self) -> int:
        return sum(1 for number in self._home if number >= 0)


class _Counter:
    """Adds every row into its group's tally, in ledger order, in one pass."""

    def __init__(self, table: RowTable, follows: Mapping[int, int], membership: Membership) -> None:
        self.rows, self.role, self.contract = table.rows, table.role, table.contract
        self.open_lots, self.follows, self.home = table.open_lots, follows, membership.home
        self.split = membership.split
        self.tallies: list[_Tally | None] = [None] * len(membership.ids)

    def count(self) -> list[_Tally | None]:
        """Return each group's tally (None for a group left empty by the overrides)."""
        rows, split, add = self.rows, self.split, self._add
        for index, number in enumerate(self.home):
            if number < 0:
                continue
            row = rows[index]
            parts = split.get(index) if split else None
            if parts is None:
                # Row.net_value spelled out: this runs for every row of the workspace.
                fees = row.commission + row.clearing_fee + row.regulatory_fee + row.index_option_fee
                add(number, index, row, row.quantity, row.value - fees)
                continue
            for part, quantity, cash in _shares(row, parts):
                add(part, index, row, quantity, cash)
        for tally in self.tallies:
            if tally is not None and tally.pending is not None:
                tally.structure = dict(tally.held)
        return self.tallies

    def _add(
        self, number: int, index: int, row: Transaction, quantity: Decimal, cash: Decimal
    ) -> None:
        tally = self.tallies[number]
        if tally is None:
            tally = self.tallies[number] = _Tally(row)
        elif tally.pending is not None and not _same_order(tally.pending, row):
            tally.structure, tally.pending = dict(tally.held), None
        tally.last = row
        key = row.key
        tally.keys.append(key)
        tally.cash_flow += cash
        contract, role = self.contract[index], self.role[index]
        if role is _ORPHAN:  # it closes what the history never showed opening
            tally.closing.append(key)
            tally.orphaned[contract] = tally.orphaned.get(contract, ZERO) - quantity
            return
        held = tally.held  # _move inlined: this runs for every row
        position = held.get(contract, ZERO) + quantity
        if position:
            held[contract] = position
        else:
            del held[contract]
        if index in self.open_lots and (role is _OPEN or self.home[index] == number):
            tally.is_open = True  # a flip's leftover lot belongs to the flipping row's home
        if role is _CLOSE:
            tally.closing.append(key)
            return
        tally.opening.append(key)
        tally.entry_cash += cash
        kind = row.kind
        if kind not in _CORPORATE:
            tally.opened[contract] = tally.opened.get(contract, ZERO) + quantity
        if kind is _TRADE and index not in self.follows:
            tally.pending = row


def _shares(
    row: Transaction, split: Sequence[tuple[int, Decimal]]
) -> list[tuple[int, Decimal, Decimal]]:
    sign = 1 if row.quantity > 0 else -1
    size, net = abs(row.quantity), row.net_value
    rest = [
        (number, sign * quantity, (net * quantity / size).quantize(CENT, ROUND_HALF_EVEN))
        for number, quantity in split[1:]
    ]
    first, first_quantity = split[0]
    first_cash = net - sum([cash for _, _, cash in rest], ZERO)
    return [(first, sign * first_quantity, first_cash), *rest]


def _chains(
    links: Sequence[tuple[int, int]], tallies: Sequence[_Tally | None]
) -> list[tuple[tuple[int, ...], int]]:
    """Return each roll chain's groups (oldest first) and its number of rolls."""
    edges = {(a, b) for a, b in links if a != b and tallies[a] and tallies[b]}
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for a, b in sorted(edges):
        parent[root(a)] = root(b)
    members: dict[int, list[int]] = {}
    for node in sorted({node for edge in edges for node in edge}):
        members.setdefault(root(node), []).append(node)
    rolls: dict[int, int] = {}
    for a, _ in edges:
        rolls[root(a)] = rolls.get(root(a), 0) + 1

    def opened(number: int) -> tuple[datetime, str]:
        first = tallies[number]
        assert first is not None  # only groups with rows are linked
        return (first.first.executed_at, first.first.key)

    chains = [(tuple(sorted(group, key=opened)), rolls[top]) for top, group in members.items()]
    return sorted(chains, key=lambda chain: opened(chain[0][0]))


def _stale_labels(
    overrides: StrategyOverrides, groups: Mapping[str, StrategyGroup]
) -> tuple[StaleOverride, ...]:
    labels = ((OverrideField.NAMES, overrides.names), (OverrideField.TAGS, overrides.tags))
    return tuple(
        StaleOverride(kind, group_id, "no such group")
        for kind, by_group in labels
        for group_id in by_group
        if group_id not in groups
    )


class _GroupBuilder:
    def __init__(
        self,
        contracts: Sequence[Contract],
        overrides: StrategyOverrides,
        chain_of: Mapping[int, str],
    ) -> None:
        self.contracts, self.overrides, self.chain_of = contracts, overrides, chain_of

    def build(self, number: int, group_id: str, tally: _Tally) -> StrategyGroup:
        """Return the finished group ``number`` (id ``group_id``) from its tally."""
        structure = tally.structure
        if structure is None:  # never opened by trade: what its closes closed, else what it got
            structure = tally.orphaned or tally.opened
        kind = kind_of_position(structure, self.contracts)
        if kind is StrategyKind.SHORT_PUT and _says_cash_secured(tally):
            kind = StrategyKind.CASH_SECURED_PUT
        first = tally.first
        underlying = first.underlying or first.symbol
        name = self.overrides.names.get(group_id)
        return StrategyGroup(
            id=group_id,
            account=first.account,
            underlying=underlying,
            kind=kind,
            name=name or strategy_name(underlying, kind, structure, self.contracts),
            opening_keys=tuple(tally.opening),
            closing_keys=tuple(tally.closing),
            all_keys=tuple(tally.keys),
            opened_at=first.executed_at,
            closed_at=None if tally.is_open else tally.last.executed_at,
            legs=self._legs(tally.opened),
            entry_cash=tally.entry_cash,
            cash_flow=tally.cash_flow,
            roll_chain=self.chain_of.get(number),
            tags=tuple(self.overrides.tags.get(group_id, ())),
            renamed=name is not None,
        )

    def _legs(self, opened: Mapping[int, Decimal]) -> tuple[GroupLeg, ...]:
        legs = []
        for number, quantity in opened.items():
            if quantity:
                c = self.contracts[number]
                legs.append(GroupLeg(c.symbol, c.right, c.strike, c.expiry, quantity))
        return tuple(legs)


def _same_order(a: Transaction, b: Transaction) -> bool:
    return a.executed_at == b.executed_at or bool(a.order_id and a.order_id == b.order_id)


def _says_cash_secured(tally: _Tally) -> bool:
    """True when the broker's words on the group's first row say the put is cash secured."""
    text = f"{tally.first.sub_type} {tally.first.description}".lower()
    return any(words in text for words in _CASH_SECURED)
