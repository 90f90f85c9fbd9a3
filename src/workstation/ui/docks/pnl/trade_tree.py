"""The Trades tree model: one row per strategy; its legs, open lots and closing matches beneath.

Built for ledgers of tens of thousands of trades, with nothing done per row
that a view does not ask for:

- trade rows reach the view in batches (``canFetchMore``/``fetchMore``, as
  the trader scrolls), because a tree view lays out every top-level row it
  is told about;
- a child row is formatted when its trade is expanded, a cell when it is
  painted, the filter's search text when a filter is typed;
- sorting and filtering happen here (no proxy), so a child finds its parent
  in O(1): a trade's row has internal id 0, a child's internal id is its
  trade's position in the snapshot + 1.

The name and tags of a trade are editable (F2, or the context menu): an edit
is not stored here but announced with ``rename_requested`` /
``tags_requested`` and shown until the next snapshot arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from workstation.domain.pnl import TradeRow, TradeStatus
from workstation.ui.docks.pnl.models import LEFT, RIGHT, VALUE_ROLE
from workstation.ui.docks.pnl.trade_rows import (
    EDITABLE,
    HEADERS,
    MONEY,
    TEXT,
    TOOLTIPS,
    VALUES,
    ChildRow,
    Col,
    child_count,
    children_of,
    parse_tags,
    tooltip,
)
from workstation.ui.theme import colors

__all__ = ["BATCH", "Col", "TradeTreeModel", "parse_tags"]

Index = QModelIndex | QPersistentModelIndex
TOP = 0  # internal id of a trade's row; a child's is its trade's position + 1
BATCH = 1000  # trade rows handed to the view at a time
COLUMNS = len(HEADERS)
_EDITABLE = frozenset(int(c) for c in EDITABLE)
_TRADE_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDIT_FLAGS = _TRADE_FLAGS | Qt.ItemFlag.ItemIsEditable
_CHILD_FLAGS = _TRADE_FLAGS | Qt.ItemFlag.ItemNeverHasChildren


class TradeTreeModel(QAbstractItemModel):
    """Strategies with their legs, lots and closing matches; filterable, sortable, lazy."""

    rename_requested = Signal(str, str)  # trade id, new name
    tags_requested = Signal(str, tuple)  # trade id, tags

    def __init__(self) -> None:
        super().__init__()
        self.trades: tuple[TradeRow, ...] = ()
        self._counts: list[int] = []  # rows beneath each trade, by snapshot position
        self._order: list[int] = []  # snapshot positions of the trades passing the filter
        self._row_of: dict[int, int] = {}
        self._fetched = 0  # how many of ``_order`` the views have been given
        self._filter = ("", "")  # words, underlying
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._text: dict[tuple[int, int], str] = {}
        self._children: dict[int, tuple[ChildRow, ...]] = {}
        self._haystack: list[str] | None = None
        self._names: dict[str, str] = {}
        self._tags: dict[str, tuple[str, ...]] = {}

    # ------------------------------------------------------------------ snapshot
    def set_trades(self, trades: tuple[TradeRow, ...]) -> bool:
        """Show ``trades``; return True when that was a reset (the rows' shape changed).

        Same trades with the same number of rows beneath them keep the view's
        rows, selection and expansion: the values change in place (and the
        rows move if the sort order changed).
        """
        counts = [child_count(t) for t in trades]
        same = counts == self._counts and all(
            a.id == b.id for a, b in zip(trades, self.trades, strict=True)
        )
        old_visible = sorted(self._order)
        opened = list(self._children)
        self.trades, self._counts = trades, counts
        self._text, self._children, self._haystack = {}, {}, None
        self._names, self._tags = {}, {}
        visible = self._visible()
        if not same or visible != old_visible:
            self._reset(visible)
            return True
        self._reorder(self._sorted(visible))
        self._announce(opened)
        return False

    def _reset(self, visible: list[int]) -> None:
        self.beginResetModel()
        self._order = self._sorted(visible)
        self._row_of = {position: row for row, position in enumerate(self._order)}
        self._fetched = min(BATCH, len(self._order))
        self.endResetModel()

    def _announce(self, opened: list[int]) -> None:
        """Emit dataChanged for the rows the view has, children only where one was expanded."""
        if not self._fetched:
            return
        last = COLUMNS - 1
        self.dataChanged.emit(self.index(0, 0), self.index(self._fetched - 1, last))
        for position in opened:
            row = self._row_of.get(position, self._fetched)
            count = self._counts[position]
            if row < self._fetched and count:
                parent = self.index(row, 0)
                self.dataChanged.emit(self.index(0, 0, parent), self.index(count - 1, last, parent))

    def set_filter(self, words: str, underlying: str = "") -> None:
        """Show only trades whose text contains every word and (if given) on ``underlying``."""
        wanted = (words.strip().casefold(), underlying)
        if wanted != self._filter:
            self._filter = wanted
            self._reset(self._visible())

    @property
    def visible_count(self) -> int:
        """How many trades pass the filter (the view may not have fetched them all yet)."""
        return len(self._order)

    def underlyings(self) -> tuple[str, ...]:
        """Return the underlyings in the snapshot, sorted."""
        return tuple(sorted({t.underlying for t in self.trades}))

    # ------------------------------------------------------------------ filtering and sorting
    def _visible(self) -> list[int]:
        words, underlying = self._filter
        trades = self.trades
        positions = (
            [p for p in range(len(trades)) if trades[p].underlying == underlying]
            if underlying
            else list(range(len(trades)))
        )
        if not words:
            return positions
        haystack = self._search_text()
        terms = words.split()
        return [p for p in positions if all(term in haystack[p] for term in terms)]

    def _search_text(self) -> list[str]:
        if self._haystack is None:
            self._haystack = [
                " ".join(
                    (t.underlying, self._name(t), t.kind, t.account, t.status.value, *self._tag(t))
                ).casefold()
                for t in self.trades
            ]
        return self._haystack

    def _sorted(self, positions: list[int]) -> list[int]:
        if self._sort is None:
            return positions
        column, order = self._sort
        key = self._sort_key(Col(column))
        trades = self.trades
        descending = order == Qt.SortOrder.DescendingOrder
        return sorted(positions, key=lambda p: key(trades[p]), reverse=descending)

    def _sort_key(self, column: Col) -> Callable[[TradeRow], Any]:
        if column in VALUES:
            return VALUES[column]
        if column == Col.NAME:
            return lambda t: self._name(t).casefold()
        if column == Col.TAGS:
            return lambda t: ", ".join(self._tag(t)).casefold()
        if column == Col.OPENED:
            return lambda t: t.opened_at
        if column == Col.CLOSED:
            return lambda t: (t.closed_at is not None, t.closed_at or t.opened_at)
        return lambda t: t.status.value

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the trades by ``column`` (children keep their order)."""
        if 0 <= column < COLUMNS:
            self._sort = (column, order)
            self._reorder(self._sorted(list(self._order)))

    def _reorder(self, order: list[int]) -> None:
        """Show the same trades in ``order``, moving persistent indexes with their trades."""
        if order == self._order:
            return
        row_of = {position: row for row, position in enumerate(order)}
        old = self._order

        def position(i: QModelIndex) -> int:
            return old[i.row()] if i.internalId() == TOP else i.internalId() - 1

        kept = [i for i in self.persistentIndexList() if i.isValid()]
        # Hand the view the rows its selection will move to, before they move.
        self._fetch_to(max((row_of[position(i)] + 1 for i in kept), default=0))
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        self._order, self._row_of = order, row_of
        after = [
            self.createIndex(row_of[old[i.row()]], i.column(), TOP)
            if i.isValid() and i.internalId() == TOP
            else QModelIndex(i)
            for i in before
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    # ------------------------------------------------------------------ batches
    def canFetchMore(self, parent: Index) -> bool:
        """True while trades passing the filter have not all been handed to the view."""
        return not parent.isValid() and self._fetched < len(self._order)

    def fetchMore(self, parent: Index) -> None:
        """Hand the view the next batch of trade rows."""
        if not parent.isValid():
            self._fetch_to(self._fetched + BATCH)

    def _fetch_to(self, rows: int) -> None:
        rows = min(rows, len(self._order))
        if rows > self._fetched:
            self.beginInsertRows(QModelIndex(), self._fetched, rows - 1)
            self._fetched = rows
            self.endInsertRows()

    # ------------------------------------------------------------------ lookups
    def trade(self, index: Index) -> TradeRow | None:
        """Return the trade of ``index`` (its parent's for a child row)."""
        if not index.isValid():
            return None
        if index.internalId() == TOP:
            return self.trades[self._order[index.row()]]
        return self.trades[index.internalId() - 1]

    def child(self, index: Index) -> ChildRow | None:
        """Return the leg, lot or match behind a child ``index`` (None for a trade row)."""
        if not index.isValid() or index.internalId() == TOP:
            return None
        return self._child_rows(index.internalId() - 1)[index.row()]

    def transaction_keys(self, index: Index) -> tuple[str, ...]:
        """Return the transactions behind a trade, a lot or a match (keys)."""
        child = self.child(index)
        if child is not None:
            return child.keys
        trade = self.trade(index)
        return () if trade is None else trade.transaction_keys

    def index_of(self, trade_id: str) -> QModelIndex:
        """Return the row of trade ``trade_id``, fetching up to it (invalid when filtered out)."""
        position = next((p for p, t in enumerate(self.trades) if t.id == trade_id), None)
        row = None if position is None else self._row_of.get(position)
        if row is None:
            return QModelIndex()
        self._fetch_to(row + 1)
        return self.index(row, 0)

    def _child_rows(self, position: int) -> tuple[ChildRow, ...]:
        rows = self._children.get(position)
        if rows is None:
            rows = self._children[position] = children_of(self.trades[position])
        return rows

    def _name(self, trade: TradeRow) -> str:
        return self._names.get(trade.id, trade.name)

    def _tag(self, trade: TradeRow) -> tuple[str, ...]:
        return self._tags.get(trade.id, trade.tags)

    # ------------------------------------------------------------------ Qt structure
    # These run for every row a view lays out: plain integer checks, no enum arithmetic.
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """Trade rows at the top, their legs/lots/matches beneath."""
        if row < 0 or not 0 <= column < COLUMNS:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, TOP) if row < self._fetched else QModelIndex()
        if parent.internalId() != TOP or parent.column() != 0:
            return QModelIndex()
        position = self._order[parent.row()]
        if row >= self._counts[position]:
            return QModelIndex()
        return self.createIndex(row, column, position + 1)

    def parent(self, child: Index) -> QModelIndex:  # type: ignore[override]
        """The trade row above a child row; nothing above a trade."""
        if not child.isValid() or child.internalId() == TOP:
            return QModelIndex()
        row = self._row_of.get(child.internalId() - 1)
        return QModelIndex() if row is None else self.createIndex(row, 0, TOP)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        """Fetched trades at the top; legs + lots + matches under a trade's first column."""
        if not parent.isValid():
            return self._fetched
        if parent.column() != 0 or parent.internalId() != TOP:
            return 0
        return self._counts[self._order[parent.row()]]

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt signature
        """Trades with legs, lots or matches have rows beneath them; those rows have none."""
        if not parent.isValid():
            return self._fetched > 0
        if parent.column() != 0 or parent.internalId() != TOP:
            return False
        return self._counts[self._order[parent.row()]] > 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        """Fixed columns."""
        return COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles, with units in their tooltips."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMNS:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(Col(section))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Trade names and tags are editable; everything is selectable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() != TOP:
            return _CHILD_FLAGS
        return _EDIT_FLAGS if index.column() in _EDITABLE else _TRADE_FLAGS

    # ------------------------------------------------------------------ Qt data
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text on demand; P&L colours; the edit text of names and tags; tooltips."""
        if not index.isValid():
            return None
        column = Col(index.column())
        if index.internalId() != TOP:
            return self._child_data(index, column, role)
        trade = self.trades[self._order[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(index.row(), column, trade)
        if role == Qt.ItemDataRole.EditRole and column in EDITABLE:
            return self._name(trade) if column == Col.NAME else ", ".join(self._tag(trade))
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(trade)
        value = VALUES[column](trade) if column in VALUES else None
        if column == Col.UNREALIZED and trade.status is TradeStatus.CLOSED:
            value = None
        return self._styled(column, value, role)

    def _cell(self, row: int, column: Col, trade: TradeRow) -> str:
        position = self._order[row]
        text = self._text.get((position, column))
        if text is None:
            if column == Col.NAME:
                text = self._name(trade)
            elif column == Col.TAGS:
                text = ", ".join(self._tag(trade))
            else:
                text = TEXT[column](trade)
            self._text[position, column] = text
        return text

    def _child_data(self, index: Index, column: Col, role: int) -> Any:
        child = self._child_rows(index.internalId() - 1)[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return child.cells[column]
        if role == Qt.ItemDataRole.ForegroundRole and column in (Col.NAME, Col.STATUS):
            return colors().muted if child.kind == "leg" else None
        return self._styled(column, child.values.get(column), role)

    def _styled(self, column: Col, value: Decimal | None, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column in MONEY else LEFT
        if role == VALUE_ROLE:
            return value
        if role == Qt.ItemDataRole.ForegroundRole and value and column != Col.FEES:
            return colors().positive if value > 0 else colors().negative
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Announce a rename or new tags for a trade; show them until the next snapshot."""
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        trade = self.trade(index)
        assert trade is not None
        if index.column() == Col.NAME:
            name = str(value).strip()
            if not name or name == self._name(trade):
                return False
            self._names[trade.id] = name
            self.rename_requested.emit(trade.id, name)
        else:
            tags = parse_tags(str(value))
            if tags == self._tag(trade):
                return False
            self._tags[trade.id] = tags
            self.tags_requested.emit(trade.id, tags)
        self._text.pop((self._order[index.row()], index.column()), None)
        self._haystack = None
        self.dataChanged.emit(index, index)
        return True
