"""Trades as the trader thinks of them: fills grouped into strategies, rolls linked into chains.

A ``StrategyGroup`` is one position-as-strategy (a put credit spread, an iron
condor, a wheel ending in a covered call) with every ledger row that opened,
closed, expired or was assigned into it. Its ``id`` is the key of its first
opening row (broker ids and content fingerprints are stable), so a re-import
produces the same ids and the trader's overrides keep applying. Money is
Decimal dollars in account currency, credit positive, fees included
(``Transaction.net_value``). Quantities are signed like the ledger's:
contracts for options, shares for stock.

A ``RollChain`` joins groups that were rolled one into the next; its cash
flow is the sum over its groups, so a roll done for a credit adds to the
chain instead of showing the closed leg as a loss on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from workstation.domain.occ import OptionRight
from workstation.domain.strategies import StrategyKind


@dataclass(frozen=True, slots=True)
class StrategyOverrides:
    """What the trader changed by hand; stored apart from the rows so it survives re-import.

    ``regroup`` moves an opening row (by transaction key) into another group:
    an existing group id, or any new id to start a group of the trader's own.
    The rows that close its lots follow it. ``names`` replaces a group's
    generated name and ``tags`` sets its tags, both keyed by group id.
    """

    regroup: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class OverrideField(StrEnum):
    """Which part of ``StrategyOverrides`` an entry came from."""

    REGROUP = "regroup"
    NAMES = "names"
    TAGS = "tags"


@dataclass(frozen=True, slots=True)
class StaleOverride:
    """An override that no longer applies (its row or group is gone), kept for the trader to see.

    ``key`` is the transaction key (regroup) or group id (names, tags) it refers to.
    """

    field: OverrideField
    key: str
    reason: str


@dataclass(frozen=True, slots=True)
class GroupLeg:
    """One instrument a group opened: net quantity opened (signed contracts or shares).

    ``right``, ``strike`` (dollars per share) and ``expiry`` are None for stock.
    """

    symbol: str
    right: OptionRight | None
    strike: Decimal | None
    expiry: date | None
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class StrategyGroup:
    """One strategy position and every row that belongs to it.

    ``opening_keys`` opened lots (delivered stock from an assignment
    included); ``closing_keys`` closed them (trades, expirations,
    assignments, exercises, cash settlements). ``all_keys`` is both, in
    ledger order. ``entry_cash`` sums the opening rows' net values and
    ``cash_flow`` all rows' (dollars, credit positive, after fees): for a
    closed group it is the realized P&L. ``closed_at`` is None while any leg
    is open. ``kind`` and ``name`` describe the structure held after the
    last opening trade, quantities reduced to their smallest ratio.
    """

    id: str
    account: str
    underlying: str
    kind: StrategyKind
    name: str
    opening_keys: tuple[str, ...]
    closing_keys: tuple[str, ...]
    all_keys: tuple[str, ...]
    opened_at: datetime
    closed_at: datetime | None
    legs: tuple[GroupLeg, ...]
    entry_cash: Decimal
    cash_flow: Decimal
    roll_chain: str | None = None
    tags: tuple[str, ...] = ()
    renamed: bool = False

    @property
    def is_open(self) -> bool:
        """True while any leg of the group is still held."""
        return self.closed_at is None


@dataclass(frozen=True, slots=True)
class RollChain:
    """Groups rolled one into the next, oldest first.

    ``id`` is the first group's id; ``cash_flow`` sums the groups' cash flows
    (dollars, credit positive, after fees); ``rolls`` counts the roll links.
    """

    id: str
    group_ids: tuple[str, ...]
    cash_flow: Decimal
    rolls: int


@dataclass(frozen=True, slots=True)
class Classification:
    """Every strategy group and roll chain of a ledger, and which group each row is in.

    ``groups`` are ordered by opening time; ``group_of`` maps a transaction
    key to its group id (a closing row that consumed lots of several groups
    maps to the group of its first lot). ``stale_overrides`` lists overrides
    that were ignored because what they refer to is gone.
    """

    groups: tuple[StrategyGroup, ...]
    chains: tuple[RollChain, ...]
    group_of: Mapping[str, str]
    stale_overrides: tuple[StaleOverride, ...] = ()

    def group(self, group_id: str) -> StrategyGroup | None:
        """Return the group with ``group_id``, None when there is none."""
        for group in self.groups:
            if group.id == group_id:
                return group
        return None
