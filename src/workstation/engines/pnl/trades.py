"""Per-strategy P&L: join the ledger's lots and matches to the classifier's groups.

A closing match belongs to the group that owns the lot it closed (the group
of the match's opening row); an open lot likewise. So a group's realized
P&L is the sum of its matches under the chosen convention (net of fees) and
its unrealized P&L the sum of its open lots at marks (net of their open fees).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from workstation.domain.event_calendar import EASTERN
from workstation.domain.lots import ClosingMatch, Lot, LotValue, PnlConvention
from workstation.domain.pnl import LotRow, MatchRow, TradeRow, TradeStatus
from workstation.domain.trade_groups import Classification, GroupLeg, RollChain, StrategyGroup

ZERO = Decimal(0)


class SettledMatch(NamedTuple):
    """A closing match with its New York day and realized amounts worked out once.

    ``net`` and ``gross`` are :meth:`ClosingMatch.realized` under the view's
    convention, after and before fees (dollars). A view reads them for every
    match several times over (totals, periods, groupings, trade rows).
    """

    match: ClosingMatch
    day: date
    net: Decimal
    gross: Decimal


def settle(matches: Sequence[ClosingMatch], convention: PnlConvention) -> list[SettledMatch]:
    """Return every match with its New York closing day and realized net and gross."""
    return [
        SettledMatch(m, ny_day(m), m.realized(convention), m.realized(convention, net=False))
        for m in matches
    ]


class GroupBook:
    """The lots and matches that belong to one group, with their realized sums (dollars).

    A plain class rather than a dataclass: a view makes one per group, and the
    generated ``__init__`` with its default factories costs twice as much.
    """

    __slots__ = ("fees", "lots", "matches", "realized", "values")

    def __init__(self) -> None:
        self.matches: list[SettledMatch] = []
        self.lots: list[Lot] = []
        self.values: list[LotValue] = []
        self.realized = ZERO
        self.fees = ZERO


def books_by_group(
    groups: Classification,
    settled: Sequence[SettledMatch],
    lots: Sequence[Lot],
    values: Sequence[LotValue],
) -> dict[str, GroupBook]:
    """Return each group's matches, open lots and valued lots (keyed by group id).

    Realized P&L (net, under the convention ``settled`` was worked out in)
    and fees are summed on the way.
    """
    books: dict[str, GroupBook] = defaultdict(GroupBook)
    owner = groups.group_of
    for close in settled:
        match = close.match
        book = books[owner.get(match.open_key, match.open_key)]
        book.matches.append(close)
        book.realized += close.net
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
    expiry = leg.expiry
    if leg.right is None or expiry is None or leg.strike is None:
        return f"{qty} {leg.symbol.strip()}"
    strike = _plain(leg.strike)
    root = leg.symbol[:6].strip() or leg.symbol
    # The expiry as %m/%d/%y, spelled out: strftime costs more than the rest of the line.
    day = f"{expiry.month:02d}/{expiry.day:02d}/{expiry.year % 100:02d}"
    return f"{qty} {root} {day} {strike} {leg.right}"


def match_row(close: SettledMatch) -> MatchRow:
    """Return a display row for a settled match (gross and net under its convention)."""
    match = close.match
    return MatchRow(  # positionally, in MatchRow's field order: one per match of the ledger
        match.symbol,
        match.opened_at,
        match.closed_at,
        match.quantity,
        match.open_price,
        match.close_price,
        close.gross,
        match.fees,
        close.net,
        str(match.reason),  # the value: a CloseReason is a StrEnum
        match.open_key,
        match.close_key,
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
    entry_deltas: Mapping[str, float | None],
) -> list[TradeRow]:
    """Return one TradeRow per group, with its roll chain's cumulative figures."""
    realized = {gid: book.realized for gid, book in books.items()}
    chain_of = {gid: chain for chain in groups.chains for gid in chain.group_ids}
    empty = GroupBook()  # only read: a group with no lots and no matches
    return [
        _trade(group, books.get(group.id, empty), realized, chain_of.get(group.id),
               entry_deltas.get(group.id))
        for group in groups.groups
    ]  # fmt: skip


def _trade(
    group: StrategyGroup,
    book: GroupBook,
    realized: Mapping[str, Decimal],
    chain: RollChain | None,
    entry_delta: float | None,
) -> TradeRow:
    values = {id(v.lot): v for v in book.values}
    chain_ids: tuple[str, ...]
    if chain is None:
        rolls, chain_cash_flow, chain_ids = 0, group.cash_flow, (group.id,)
    else:
        rolls, chain_cash_flow, chain_ids = chain.rolls, chain.cash_flow, chain.group_ids
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
        rolls=int(rolls),
        chain_cash_flow=chain_cash_flow,
        chain_realized=sum((realized.get(gid, ZERO) for gid in chain_ids), ZERO),
        tags=group.tags,
        legs=tuple(map(leg_text, group.legs)),
        lots=tuple(lot_row(lot, values.get(id(lot))) for lot in book.lots),
        matches=tuple(map(match_row, book.matches)),
        transaction_keys=group.all_keys,
    )
