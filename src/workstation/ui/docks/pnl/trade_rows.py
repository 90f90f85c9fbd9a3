"""What the Trades tree shows for a strategy and for its legs, open lots and closing matches.

Columns, their titles and units, the text of a trade's cells, the values
that colour them, and the child rows (formatted once, when a trade is
expanded).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

from workstation.domain.pnl import LotRow, MatchRow, TradeRow, TradeStatus
from workstation.ui.docks.pnl.formatting import (
    DASH,
    day_text,
    money,
    ny_date,
    price,
    quantity,
)


class Col(IntEnum):
    """Columns of the tree."""

    NAME = 0
    STATUS = 1
    OPENED = 2
    CLOSED = 3
    REALIZED = 4
    UNREALIZED = 5
    TOTAL = 6
    FEES = 7
    ROLLS = 8
    TAGS = 9


HEADERS = (
    "Trade",
    "Status",
    "Opened",
    "Closed",
    "Realized",
    "Unrealized",
    "Total",
    "Fees",
    "Rolls / chain",
    "Tags",
)
TOOLTIPS = {
    Col.REALIZED: "Realized P&L net of fees, dollars",
    Col.UNREALIZED: "Open legs at the latest marks, dollars",
    Col.TOTAL: "Realized + unrealized, dollars",
    Col.FEES: "Fees paid, dollars",
    Col.ROLLS: "Rolls in the trade's chain and the chain's cash flow (net of fees)",
    Col.TAGS: "Your tags; F2 on the cell to edit (comma separated)",
}
MONEY = (Col.REALIZED, Col.UNREALIZED, Col.TOTAL, Col.FEES)
EDITABLE = (Col.NAME, Col.TAGS)


@dataclass(frozen=True, slots=True)
class ChildRow:
    """A leg, an open lot or a closing match, formatted for the tree."""

    kind: str  # leg | lot | close
    cells: tuple[str, ...]
    values: dict[Col, Decimal]
    keys: tuple[str, ...]


def _leg_child(leg: str, trade: TradeRow) -> ChildRow:
    cells = (f"Leg  {leg}", "leg", *[""] * (len(HEADERS) - 2))
    return ChildRow("leg", cells, {}, trade.transaction_keys)


def _lot_child(lot: LotRow) -> ChildRow:
    mark = "unmarked" if lot.mark is None else f"mark {price(lot.mark)}"
    name = f"Open lot  {quantity(lot.quantity)} {lot.symbol} @ {price(lot.price)} ({mark})"
    unrealized = "" if lot.unrealized is None else money(lot.unrealized)
    cells = (name, "open", day_text(ny_date(lot.opened_at)), "", "", unrealized, unrealized)
    values = (
        {}
        if lot.unrealized is None
        else {Col.UNREALIZED: lot.unrealized, Col.TOTAL: lot.unrealized}
    )
    return ChildRow("lot", (*cells, "", "", ""), values, (lot.open_key,))


def _match_child(match: MatchRow) -> ChildRow:
    prices = f"{price(match.open_price)} → {price(match.close_price)}"
    name = f"Closed  {quantity(match.quantity)} {match.symbol}  {prices}"
    cells = (
        name,
        match.reason,
        day_text(ny_date(match.opened_at)),
        day_text(ny_date(match.closed_at)),
        money(match.net),
        "",
        money(match.net),
        money(match.fees),
        "",
        "",
    )
    values = {Col.REALIZED: match.net, Col.TOTAL: match.net, Col.FEES: match.fees}
    return ChildRow("close", cells, values, (match.open_key, match.close_key))


def children_of(trade: TradeRow) -> tuple[ChildRow, ...]:
    """Return a trade's legs, then its open lots, then its closing matches."""
    return (
        *(_leg_child(leg, trade) for leg in trade.legs),
        *(_lot_child(lot) for lot in trade.lots),
        *(_match_child(match) for match in trade.matches),
    )


def _rolls_text(trade: TradeRow) -> str:
    if trade.roll_chain is None and trade.rolls == 0:
        return ""
    noun = "roll" if trade.rolls == 1 else "rolls"
    return f"{trade.rolls} {noun} · {money(trade.chain_cash_flow, signed=True)}"


TEXT: dict[Col, Callable[[TradeRow], str]] = {
    Col.STATUS: lambda t: t.status.value,
    Col.OPENED: lambda t: day_text(ny_date(t.opened_at)),
    Col.CLOSED: lambda t: "" if t.closed_at is None else day_text(ny_date(t.closed_at)),
    Col.REALIZED: lambda t: money(t.realized),
    Col.UNREALIZED: lambda t: money(t.unrealized) if t.status is TradeStatus.OPEN else "",
    Col.TOTAL: lambda t: money(t.total),
    Col.FEES: lambda t: money(t.fees),
    Col.ROLLS: _rolls_text,
}
VALUES: dict[Col, Callable[[TradeRow], Decimal]] = {
    Col.REALIZED: lambda t: t.realized,
    Col.UNREALIZED: lambda t: t.unrealized,
    Col.TOTAL: lambda t: t.total,
    Col.FEES: lambda t: t.fees,
    Col.ROLLS: lambda t: t.chain_cash_flow,
}


def parse_tags(text: str) -> tuple[str, ...]:
    """Return the comma-separated tags in ``text``, trimmed, without blanks or repeats."""
    return tuple(dict.fromkeys(tag.strip() for tag in text.split(",") if tag.strip()))


def tooltip(trade: TradeRow) -> str:
    """Return the hover text of a trade's row: strategy, account, entry delta, chain."""
    delta = DASH if trade.entry_delta is None else f"{trade.entry_delta:+.0f}"
    lines = [
        f"{trade.kind} on {trade.underlying} · account {trade.account}",
        f"Entry delta {delta} (shares per unit) · cash flow {money(trade.cash_flow, signed=True)}",
    ]
    if trade.roll_chain is not None:
        lines.append(
            f"Roll chain: {trade.rolls} rolls, cash flow "
            f"{money(trade.chain_cash_flow, signed=True)}, realized {money(trade.chain_realized)}"
        )
    lines.append(f"{len(trade.transaction_keys):,} transactions — select to list them")
    return "\n".join(lines)


def child_count(trade: TradeRow) -> int:
    """Return how many rows a trade has beneath it (legs + open lots + closing matches)."""
    return len(trade.legs) + len(trade.lots) + len(trade.matches)
