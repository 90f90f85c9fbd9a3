"""Open positions as the risk panel sees them: open lots gathered into their strategies.

The ledger keeps open lots (one per opening fill); the classifier knows which
strategy each opening fill belongs to. A position here is one open strategy
(a put spread, a covered call, stock bought on its own) with one leg per
instrument, quantities and open cash summed over its lots. Futures and
futures options are left out: the risk engines price equity and index
options and stock only, and the panel says how many were left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from workstation.domain.instruments import InstrumentKind, underlying_of_root
from workstation.domain.lots import Lot
from workstation.domain.risk import OpenBook, OpenLeg, OpenPosition
from workstation.domain.strategies import StrategyKind
from workstation.domain.trade_groups import Classification

ZERO = Decimal(0)
_UNPRICED = frozenset({InstrumentKind.FUTURE, InstrumentKind.FUTURE_OPTION})


def open_positions(lots: Sequence[Lot], groups: Classification) -> OpenBook:
    """Gather ``lots`` into their strategies (a lot outside any strategy stands alone)."""
    by_group: dict[str, list[Lot]] = defaultdict(list)
    left_out: set[str] = set()
    for lot in lots:
        if lot.instrument in _UNPRICED or lot.instrument is None:
            left_out.add(lot.symbol)
            continue
        by_group[groups.group_of.get(lot.open_key, f"lot:{lot.open_key}")].append(lot)
    positions = [_position(group_id, held, groups) for group_id, held in by_group.items()]
    positions = [p for p in positions if p.legs]
    positions.sort(key=lambda p: (p.underlying, p.nearest_expiry or date.max, p.opened_at, p.id))
    return OpenBook(tuple(positions), tuple(sorted(left_out)))


def _position(group_id: str, lots: list[Lot], groups: Classification) -> OpenPosition:
    group = groups.group(group_id)
    first = min(lots, key=lambda lot: lot.opened_at)
    underlying = underlying_of_root(first.underlying or first.symbol)
    legs = tuple(_legs(lots))
    if group is not None and any(leg.is_option for leg in legs):
        name, kind = group.name, group.kind
    elif group is not None:  # shares: name what is held now, after sales and splits
        name, kind = _shares_name(underlying, legs), group.kind
    else:  # a lot the classifier did not group (e.g. shares moved in by a corporate action)
        name, kind = f"{underlying} {first.symbol.strip()}", StrategyKind.CUSTOM
    return OpenPosition(group_id, name, kind, first.account, underlying, first.opened_at, legs)


def _legs(lots: list[Lot]) -> list[OpenLeg]:
    by_symbol: dict[str, list[Lot]] = defaultdict(list)
    for lot in lots:
        by_symbol[lot.symbol].append(lot)
    legs = []
    for symbol, held in by_symbol.items():
        quantity = sum((lot.quantity for lot in held), ZERO)
        if quantity == 0:
            continue  # long and short lots of one symbol in one strategy cancel out
        lot = held[0]
        assert lot.instrument is not None  # futures and unknowns were left out above
        legs.append(
            OpenLeg(symbol, lot.instrument, quantity, lot.multiplier,
                    sum((x.cost for x in held), ZERO), sum((x.fees for x in held), ZERO),
                    lot.right, lot.strike, lot.expiry)
        )  # fmt: skip
    legs.sort(key=lambda leg: (leg.expiry or date.min, leg.strike or ZERO, leg.symbol))
    return legs


def _shares_name(underlying: str, legs: tuple[OpenLeg, ...]) -> str:
    held = sum((leg.quantity for leg in legs), ZERO)
    side = "" if held > 0 else "short "
    return f"{underlying} {side}{abs(held).normalize():f} shares"
