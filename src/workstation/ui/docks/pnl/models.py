"""Table models of the P&L panel: groups, one day's trades, transactions, the net-liq bridge.

Each model holds a tuple of snapshot rows and formats a cell only when a
view asks for it (cached until the next snapshot), so a large ledger costs
nothing until it is looked at. A new snapshot with the same rows in the same
order (by identity: a group's label, a trade's id, a transaction's key)
replaces the values and emits ``dataChanged``; only a change of shape resets.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from workstation.domain.pnl import GroupPnl, LedgerView, NetLiqBridge, TradeRow
from workstation.domain.transactions import Transaction, ledger_order
from workstation.ui.docks.pnl.formatting import (
    ZERO,
    day_text,
    moment_text,
    money,
    ny_date,
    percent,
    price,
    quantity,
)
from workstation.ui.theme import colors

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # a number (or folded text) to sort the column by
VALUE_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # the Decimal behind a money cell
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    """One column: its title, how a row reads in it, sorts in it and whether it is P&L.

    ``value`` gives the Decimal behind a money cell; when ``pnl`` is set the
    cell is green for a gain and red for a loss.
    """

    header: str
    text: Callable[[T], str]
    sort: Callable[[T], float | str]
    value: Callable[[T], Decimal | None] | None = None
    pnl: bool = False
    numeric: bool = True
    tooltip: str = ""


def money_column(
    header: str, amount: Callable[[T], Decimal | None], tooltip: str = "", *, pnl: bool = True
) -> Column[T]:
    """Return a right-aligned dollars column (coloured by sign when ``pnl``)."""

    def text(row: T) -> str:
        value = amount(row)
        return "" if value is None else money(value)

    def sort(row: T) -> float:
        value = amount(row)
        # A sort key only: float ordering of cents is exact enough to rank rows.
        return float("-inf") if value is None else float(value)

    return Column(header, text, sort, amount, pnl, True, tooltip)


def text_column(header: str, text: Callable[[T], str], tooltip: str = "") -> Column[T]:
    """Return a left-aligned text column sorted case-insensitively."""
    return Column(header, text, lambda row: text(row).casefold(), numeric=False, tooltip=tooltip)


class RowsModel(QAbstractTableModel, Generic[T]):
    """A flat, read-only table of snapshot rows described by ``columns``."""

    def __init__(
        self,
        columns: tuple[Column[T], ...],
        identity: Callable[[T], Hashable],
        emphasis: Callable[[T], bool] | None = None,
    ) -> None:
        super().__init__()
        self.columns = columns
        self.rows: tuple[T, ...] = ()
        self._identity = identity
        self._emphasis = emphasis
        self._text: dict[tuple[int, int], str] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Iterable[T]) -> bool:
        """Show ``rows``; return True when that was a reset (the rows' identities changed)."""
        new = tuple(rows)
        same = len(new) == len(self.rows) and all(
            self._identity(a) == self._identity(b) for a, b in zip(new, self.rows, strict=True)
        )
        if not same:
            self.beginResetModel()
            self.rows, self._text = new, {}
            self.endResetModel()
            return True
        self.rows, self._text = new, {}
        if new:
            last = self.index(len(new) - 1, len(self.columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
        return False

    def row(self, index: Index) -> T | None:
        """Return the snapshot row behind ``index`` (None when invalid)."""
        return self.rows[index.row()] if index.isValid() else None

    # ------------------------------------------------------------------ Qt interface
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        """Rows of the snapshot (none under a valid parent)."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        """Fixed columns."""
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles, with units in their tooltips."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column.numeric else LEFT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text formatted on first request; sort keys, values, colours and alignment."""
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if not (0 <= r < len(self.rows) and 0 <= c < len(self.columns)):
            return None
        column, row = self.columns[c], self.rows[r]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(r, c)
        if role == SORT_ROLE:
            return column.sort(row)
        if role == VALUE_ROLE:
            return None if column.value is None else column.value(row)
        return self._decoration(column, row, role)

    def _cell(self, r: int, c: int) -> str:
        text = self._text.get((r, c))
        if text is None:
            text = self._text[r, c] = self.columns[c].text(self.rows[r])
        return text

    def _decoration(self, column: Column[T], row: T, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column.numeric else LEFT
        if role == Qt.ItemDataRole.ForegroundRole and column.pnl and column.value is not None:
            value = column.value(row)
            if value is not None and value != ZERO:
                return colors().positive if value > ZERO else colors().negative
            return None
        if role == Qt.ItemDataRole.FontRole and self._emphasis is not None:
            return self._bold if self._emphasis(row) else None
        if role == Qt.ItemDataRole.ToolTipRole and not column.numeric:
            return column.text(row) or None  # the whole text of a cell too narrow for it
        return None


# ---------------------------------------------------------------------- groups
def leading_number(label: str) -> float:
    """Return the first signed number in ``label`` (``-50 to -5`` -> -50), +inf without one."""
    found = re.search(r"[-+]?\d+(?:\.\d+)?", label)
    return float(found.group()) if found else math.inf


def _group_columns(label: str, by_number: bool) -> tuple[Column[GroupPnl], ...]:
    first: Column[GroupPnl] = text_column(label, lambda g: g.label)
    if by_number:  # delta buckets sort by their lower edge, not as text
        first = Column(label, lambda g: g.label, lambda g: leading_number(g.label), numeric=False)
    return (
        first,
        Column("Trades", lambda g: f"{g.trades:,}", lambda g: float(g.trades)),
        Column(
            "Win rate",
            lambda g: percent(g.win_rate),
            lambda g: -1.0 if g.win_rate is None else g.win_rate,
            tooltip="Winners among closed trades, percent",
        ),
        money_column("Realized", lambda g: g.realized, "Realized P&L net of fees, dollars"),
        money_column("Unrealized", lambda g: g.unrealized, "Open legs at the latest marks"),
        money_column("Total", lambda g: g.total, "Realized + unrealized, dollars"),
        money_column("Fees", lambda g: g.fees, "Fees paid, dollars", pnl=False),
    )


class GroupsModel(RowsModel[GroupPnl]):
    """P&L grouped by one label (underlying, strategy or delta bucket), one row per group."""

    def __init__(self, label_header: str, *, by_number: bool = False) -> None:
        super().__init__(_group_columns(label_header, by_number), lambda g: g.label)


# ---------------------------------------------------------------------- one day's trades
@dataclass(frozen=True, slots=True)
class DayTrade:
    """A trade with closing matches on ``day`` and what they realized that day (dollars)."""

    trade: TradeRow
    day: date
    net: Decimal
    fees: Decimal


def day_trades(view: LedgerView, day: date) -> tuple[DayTrade, ...]:
    """Return the trades closed (fully or partly) on ``day`` with that day's realized P&L."""
    out = []
    for trade in view.trades_on(day):
        matches = [m for m in trade.matches if ny_date(m.closed_at) == day]
        net = sum((m.net for m in matches), ZERO)
        out.append(DayTrade(trade, day, net, sum((m.fees for m in matches), ZERO)))
    return tuple(out)


_DAY_COLUMNS: tuple[Column[DayTrade], ...] = (
    text_column("Trade", lambda d: d.trade.name),
    text_column("Underlying", lambda d: d.trade.underlying),
    text_column("Status", lambda d: d.trade.status.value),
    text_column("Opened", lambda d: day_text(ny_date(d.trade.opened_at))),
    money_column("Realized that day", lambda d: d.net, "Closing matches that day, net of fees"),
    money_column("Fees that day", lambda d: d.fees, pnl=False),
    money_column("Trade realized", lambda d: d.trade.realized, "Whole trade so far, net"),
)


class DayTradesModel(RowsModel[DayTrade]):
    """The trades closed on one day (the calendar's drill-down)."""

    def __init__(self) -> None:
        super().__init__(_DAY_COLUMNS, lambda d: (d.trade.id, d.day))


# ---------------------------------------------------------------------- transactions
@dataclass(frozen=True, slots=True)
class TransactionLine:
    """One key of a drill-down and the transaction behind it (None when the view lacks it)."""

    key: str
    row: Transaction | None


def transaction_lines(view: LedgerView, keys: Iterable[str]) -> tuple[TransactionLine, ...]:
    """Return the transactions behind ``keys`` in ledger order, unknown keys last."""
    found = {key: view.transactions.get(key) for key in keys}
    known = sorted(
        [(key, row) for key, row in found.items() if row is not None],
        key=lambda pair: ledger_order(pair[1]),
    )
    missing = (TransactionLine(key, None) for key, row in found.items() if row is None)
    return (*(TransactionLine(key, row) for key, row in known), *missing)


def _tx(pick: Callable[[Transaction], str]) -> Callable[[TransactionLine], str]:
    return lambda line: "" if line.row is None else pick(line.row)


def _tx_money(
    pick: Callable[[Transaction], Decimal],
) -> Callable[[TransactionLine], Decimal | None]:
    return lambda line: None if line.row is None else pick(line.row)


_TX_COLUMNS: tuple[Column[TransactionLine], ...] = (
    text_column("Executed", _tx(lambda t: moment_text(t.executed_at)), "New York time"),
    text_column("Account", _tx(lambda t: t.account)),
    text_column("Kind", _tx(lambda t: t.kind.value.replace("_", " "))),
    text_column("Symbol", _tx(lambda t: t.symbol or t.underlying)),
    Column(
        "Qty",
        _tx(lambda t: quantity(t.quantity) if t.quantity else ""),
        lambda line: 0.0 if line.row is None else float(line.row.quantity),
        tooltip="Signed: + received, - delivered (contracts or shares)",
    ),
    Column(
        "Price",
        _tx(lambda t: price(t.price) if t.price is not None else ""),
        lambda line: float(line.row.price or 0) if line.row else 0.0,
        tooltip="Per share / unit as quoted",
    ),
    money_column("Value", _tx_money(lambda t: t.value), "Cash effect before fees, credit +"),
    money_column("Fees", _tx_money(lambda t: t.fees), "All fees paid on the row", pnl=False),
    money_column("Net", _tx_money(lambda t: t.net_value), "Value minus fees"),
    text_column(
        "Description",
        lambda line: line.row.description if line.row else "not in this view",
    ),
    text_column("Key", lambda line: line.key, "The row's identity in the store"),
)


class TransactionsModel(RowsModel[TransactionLine]):
    """Broker transactions behind a trade, a lot or a net-liq line."""

    def __init__(self) -> None:
        super().__init__(_TX_COLUMNS, lambda line: line.key)


# ---------------------------------------------------------------------- net-liq bridge
@dataclass(frozen=True, slots=True)
class BridgeLine:
    """One line of the net-liq table: a component, the total, a broker figure or the gap."""

    label: str
    amount: Decimal | None
    note: str = ""
    kind: str = "component"  # component | total | broker | difference
    keys: tuple[str, ...] = ()

    @property
    def drillable(self) -> bool:
        """True for components (the lines with rows behind them)."""
        return self.kind == "component"


def bridge_lines(bridge: NetLiqBridge | None) -> tuple[BridgeLine, ...]:
    """Return the bridge's components, the explained total and the broker reconciliation."""
    if bridge is None:
        return ()
    lines = [
        BridgeLine(c.label, c.amount, f"{len(c.keys):,} rows" if c.keys else "", keys=c.keys)
        for c in bridge.components
    ]
    period = f"{bridge.first:%b %d %Y} – {bridge.last:%b %d %Y}"
    lines.append(BridgeLine("Change in net liq (explained)", bridge.explained, period, "total"))
    start, end, gap = bridge.broker_start, bridge.broker_end, bridge.difference
    if start is None or end is None or gap is None:
        return tuple(lines)
    return (
        *lines,
        BridgeLine(f"Broker net liq {bridge.first:%b %d %Y}", start, "broker snapshot", "broker"),
        BridgeLine(f"Broker net liq {bridge.last:%b %d %Y}", end, "broker snapshot", "broker"),
        BridgeLine("Broker change", end - start, "end − start", "broker"),
        BridgeLine("Difference to broker", gap, _gap_note(gap, bridge.reason), "difference"),
    )


def _gap_note(gap: Decimal, reason: str) -> str:
    if gap == ZERO:
        return "matches the broker"
    return reason or "reason not known"


_BRIDGE_COLUMNS: tuple[Column[BridgeLine], ...] = (
    text_column("Component", lambda line: line.label),
    Column(
        "Amount",
        lambda line: (
            "" if line.amount is None else money(line.amount, signed=line.kind != "broker")
        ),
        lambda line: float(line.amount or 0),
        lambda line: line.amount if line.kind != "broker" else None,
        pnl=True,
        tooltip="Dollars; + adds to net liquidity",
    ),
    text_column("Note", lambda line: line.note),
)


class NetLiqModel(RowsModel[BridgeLine]):
    """The net-liquidity bridge, one line per component, then the total and the broker lines."""

    def __init__(self) -> None:
        super().__init__(
            _BRIDGE_COLUMNS,
            lambda line: (line.label, line.kind),
            emphasis=lambda line: line.kind in ("total", "difference"),
        )
