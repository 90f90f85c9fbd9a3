"""Per-strategy P&L: join the ledger's lots and matches to the classifier's groups.

A closing match belongs to the group that owns the lot it closed (the group
of the match's opening row); an open lot likewise. So a group's realized
P&L is the sum of its matches under the chosen convention (net of fees) and
its unrealized P&L the sum of its open lots at marks (net of their open fees).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from workstation.domain.event_calendar import EASTERN
from workstation.domain.lots import ClosingMatch, Lot, LotValue, PnlConvention
from workstation.domain.pnl import LotRow, MatchRow, TradeRow, TradeStatus
from workstation.domain.trade_groups import Classification, GroupLeg, StrategyGroup

ZERO = Decimal(0)


@dataclass(slots=True)
class GroupBook:
    """The lots and matches that belong to one group, with their realized sums (dollars)."""

    matches: list[ClosingMatch] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    values: list[LotValue] = field(default_factory=list)
    realized: Decimal = ZERO
    fees: Decimal = ZERO


def books_by_group(
    groups: Classification,
    matches: Sequence[ClosingMatch],
    lots: Sequence[Lot],
    values: Sequence[LotValue],
    convention: PnlConvention = PnlConvention.OPTION_SEPARATE,
) -> dict[str, GroupBook]:
    """Return each group's matches, open lots and valued lots (keyed by group id).

    Realized P&L (net, under ``convention``) and fees are summed on the way.
    """
    books: dict[str, GroupBook] = defaultdict(GroupBook)
    owner = groups.group_of
    for match in matches:
        book = books[owner.get(match.open_key, match.open_key)]
        book.matches.append(match)
        book.realized += match.realized(convention)
        book.fees += match.fees
    for lot in lots:
        book = books[owner.get(lot.open_key, lot.open_key)]
        book.lots.append(lot)
        book.fees += lot.fees
    for value in values:
        books[owner.get(value.lot.open_key, value.lot.open_key)].values.append(value)
    return books


def ny_day(match: ClosingMatch) -> date:
    """Return the New York date a match closed on."""
    return match.closed_at.astimezone(EASTERN).date()


def _plain(number: Decimal) -> str:
    text = str(number)
    return text.rstrip("0").rstrip(".") if "." in text else text


def leg_text(leg: GroupLeg) -> str:
    """Return a leg as a trader writes it: ``-2 SPY 12/18/26 450 P`` or ``+100 SPY``."""
    qty = _plain(leg.quantity)
    qty = qty if qty.startswith("-") else f"+{qty}"
    if leg.right is None or leg.expiry is None or leg.strike is None:
        return f"{qty} {leg.symbol.strip()}"
    strike = _plain(leg.strike)
    root = leg.symbol[:6].strip() or leg.symbol
    return f"{qty} {root} {leg.expiry:%m/%d/%y} {strike} {leg.right.value}"


def match_row(match: ClosingMatch, convention: PnlConvention) -> MatchRow:
    """Return a display row for ``match`` (net under ``convention``)."""
    return MatchRow(
        symbol=match.symbol,
        opened_at=match.opened_at,
        closed_at=match.closed_at,
        quantity=match.quantity,
        open_price=match.open_price,
        close_price=match.close_price,
        gross=match.realized(convention, net=False),
        fees=match.fees,
        net=match.realized(convention),
        reason=match.reason.value,
        open_key=match.open_key,
        close_key=match.close_key,
    )


def lot_row(lot: Lot, value: LotValue | None) -> LotRow:
    """Return a display row for an open lot, valued when it has a mark."""
    return LotRow(
        symbol=lot.symbol,
        opened_at=lot.opened_at,
        quantity=lot.quantity,
        price=lot.price,
        cost=lot.cost,
        mark=value.mark if value else None,
        unrealized=value.net if value else None,
        open_key=lot.open_key,
    )


def trade_rows(
    groups: Classification,
    books: Mapping[str, GroupBook],
    convention: PnlConvention,
    entry_deltas: Mapping[str, float | None],
) -> list[TradeRow]:
    """Return one TradeRow per group, with its roll chain's cumulative figures."""
    realized = {gid: book.realized for gid, book in books.items()}
    chain_of = {gid: chain for chain in groups.chains for gid in chain.group_ids}
    return [
        _trade(group, books.get(group.id, GroupBook()), convention, realized, chain_of,
               entry_deltas.get(group.id))
        for group in groups.groups
    ]  # fmt: skip


def _trade(
    group: StrategyGroup,
    book: GroupBook,
    convention: PnlConvention,
    realized: Mapping[str, Decimal],
    chain_of: Mapping[str, object],
    entry_delta: float | None,
) -> TradeRow:
    values = {id(v.lot): v for v in book.values}
    chain = chain_of.get(group.id)
    chain_ids: tuple[str, ...] = getattr(chain, "group_ids", (group.id,))
    return TradeRow(
        id=group.id,
        account=group.account,
        underlying=group.underlying,
        name=group.name,
        kind=group.kind.value,
        opened_at=group.opened_at,
        closed_at=group.closed_at,
        status=TradeStatus.OPEN if group.is_open else TradeStatus.CLOSED,
        realized=realized.get(group.id, ZERO),
        unrealized=sum((v.net for v in book.values), ZERO),
        fees=book.fees,
        cash_flow=group.cash_flow,
        entry_delta=entry_delta,
        roll_chain=group.roll_chain,
        rolls=int(getattr(chain, "rolls", 0)),
        chain_cash_flow=getattr(chain, "cash_flow", group.cash_flow),
        chain_realized=sum((realized.get(gid, ZERO) for gid in chain_ids), ZERO),
        tags=group.tags,
        legs=tuple(leg_text(leg) for leg in group.legs),
        lots=tuple(lot_row(lot, values.get(id(lot))) for lot in book.lots),
        matches=tuple(match_row(m, convention) for m in book.matches),
        transaction_keys=group.all_keys,
    )
