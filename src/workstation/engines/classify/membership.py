"""Apply the trader's regrouping and settle which group every row ends up in.

Opening and orphan rows are the roots: each sits in its automatic group
unless ``regroup`` moves it. Every other row follows a root: a close follows
the lots it consumed (so closes move with a regrouped opening), delivered
stock follows the assignment row that delivered it unless regrouped itself. Groups keep their
automatic id even when the trader moves their first row away, so names and
tags given to them keep applying; a regroup target that is no automatic
group starts a group of the trader's own under that id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from workstation.domain.trade_groups import OverrideField, StaleOverride
from workstation.engines.classify.placement import Placement
from workstation.engines.classify.table import Role, RowTable

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Membership:
    """Which group each row is in.

    ``home[i]`` is the group of row ``i`` (-1: none); ``ids[g]`` the id of
    group ``g``. ``split`` lists, for a close that consumed lots of several
    groups, each group and the quantity (unsigned) it closed there, its home
    group first (a flip's leftover counts to it).
    """

    home: Sequence[int]
    ids: Sequence[str]
    split: Mapping[int, tuple[tuple[int, Decimal], ...]]
    stale: tuple[StaleOverride, ...]


def settle(table: RowTable, placement: Placement, regroup: Mapping[str, str]) -> Membership:
    """Return every row's group after applying ``regroup`` (opening key -> group id)."""
    ids = [table.rows[first].key for first in placement.first_row]
    home = list(placement.root)
    stale = _regroup(table, home, ids, regroup)
    if len(stale) == len(regroup):  # nothing moved: every row stays where it was placed
        home = list(placement.group)
    resolver = _Resolver(table, placement, home)
    for row in range(len(home)):
        if home[row] < 0:
            resolver.resolve(row)
    split: dict[int, tuple[tuple[int, Decimal], ...]] = {}
    for row in table.more:  # only a close that took from several lots can be split
        if home[row] >= 0:
            parts = resolver.parts(row)
            if len(parts) > 1:
                split[row] = parts
    return Membership(home, ids, split, stale)


def _regroup(
    table: RowTable, home: list[int], ids: list[str], regroup: Mapping[str, str]
) -> tuple[StaleOverride, ...]:
    """Move regrouped roots into their target groups; return the overrides that no longer apply."""
    number_of = {group_id: number for number, group_id in enumerate(ids)}
    stale = []
    for key, target in regroup.items():
        row = table.index.get(key)
        if row is None or table.role[row] is Role.CLOSE:
            reason = "no such transaction" if row is None else "not an opening transaction"
            stale.append(StaleOverride(OverrideField.REGROUP, key, reason))
            continue
        number = number_of.get(target)
        if number is None:
            number = number_of[target] = len(ids)
            ids.append(target)
        home[row] = number
    return tuple(stale)


class _Resolver:
    def __init__(self, table: RowTable, placement: Placement, home: list[int]) -> None:
        self.table, self.follows, self.home = table, placement.follows, home
        self.unplaced: set[int] = set()

    def resolve(self, row: int) -> int:
        """Return the group of ``row`` (-1: none).

        What a row follows comes before it (or at the same instant), so the
        recursion stays a step or two deep.
        """
        number = self.home[row]
        if number >= 0 or row in self.unplaced:
            return number
        anchor = self.follows.get(row)
        if anchor is not None:
            number = self.resolve(anchor)
        elif self.table.lot[row] >= 0:
            for lot, _ in self.table.taken(row):
                number = self.resolve(lot)
                if number >= 0:
                    break
        if number < 0:
            self.unplaced.add(row)
        else:
            self.home[row] = number
        return number

    def parts(self, row: int) -> tuple[tuple[int, Decimal], ...]:
        """Return (group, quantity closed there) for a closing row, its home group first."""
        first = self.home[row]
        totals: dict[int, Decimal] = {first: ZERO}
        for lot, quantity in self.table.taken(row):
            number = self.resolve(lot)
            if number >= 0:
                totals[number] = totals.get(number, ZERO) + quantity
        totals[first] += self.table.leftover.get(row, ZERO)
        return tuple(totals.items())
