"""Table models of the planner: ranked candidates, and the legs of the trade being worked on.

A new plan or an edit replaces the rows (a model reset: these tables change
when the trader acts, not on every tick). Display strings are formatted once
per reset and cached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from workstation.commands.plan_text import CANDIDATE_HEADERS, candidate_cells
from workstation.domain.strategies import OptionLeg, Strategy, strike_text
from workstation.ui.theme import colors

if TYPE_CHECKING:  # the planner engines load with the controller, after first paint
    from workstation.engines.planner import Candidate

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class CandidatesModel(QAbstractTableModel):
    """The planner's ranked candidates."""

    def __init__(self) -> None:
        super().__init__()
        self.candidates: list[Candidate] = []
        self._text: list[tuple[str, ...]] = []

    def set_candidates(self, candidates: list[Candidate]) -> None:
        """Show a new ranked list."""
        self.beginResetModel()
        self.candidates = list(candidates)
        self._text = [candidate_cells(i, c) for i, c in enumerate(self.candidates, start=1)]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        """Candidates (none under a valid parent)."""
        return 0 if parent.isValid() else len(self._text)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        """Fixed columns."""
        return 0 if parent.isValid() else len(CANDIDATE_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        """Column titles (with units)."""
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return CANDIDATE_HEADERS[section]
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        """Cached text; blocked rows in red, defensive ones muted."""
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text[row][column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if column == 1 else RIGHT
        if role == Qt.ItemDataRole.ForegroundRole:
            c = self.candidates[row]
            if c.blocked:
                return colors().negative
            return colors().muted if c.defensive else None
        return None


LEG_HEADERS = ("Action", "Qty", "Type", "Strike", "Expiry", "Price/sh", "IV")


class LegsModel(QAbstractTableModel):
    """The legs of the trade being worked on."""

    def __init__(self) -> None:
        super().__init__()
        self.strategy: Strategy | None = None
        self._text: list[tuple[str, ...]] = []

    def set_strategy(self, strategy: Strategy | None) -> None:
        """Show ``strategy``'s legs."""
        self.beginResetModel()
        self.strategy = strategy
        self._text = [] if strategy is None else [_leg_row(leg) for leg in strategy.legs]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        """Legs."""
        return 0 if parent.isValid() else len(self._text)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        """Fixed columns."""
        return 0 if parent.isValid() else len(LEG_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        """Column titles."""
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return LEG_HEADERS[section]
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        """Cached text; sells in the negative colour."""
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if index.column() in (1, 3, 5, 6) else LEFT
        if role == Qt.ItemDataRole.ForegroundRole and self.strategy is not None:
            leg = self.strategy.legs[index.row()]
            return colors().negative if leg.quantity < 0 else colors().positive
        return None


def _leg_row(leg: object) -> tuple[str, ...]:
    if isinstance(leg, OptionLeg):
        iv = "—" if leg.iv is None else f"{leg.iv:.1%}"
        return (
            "Buy" if leg.is_long else "Sell",
            str(abs(leg.quantity)),
            "Call" if leg.is_call else "Put",
            strike_text(leg.strike),
            f"{leg.expiry:%b %d}",
            f"{leg.price:.2f}",
            iv,
        )
    quantity = getattr(leg, "quantity", 0)
    price = getattr(leg, "price", 0)
    action = "Buy" if quantity > 0 else "Sell"
    return (action, str(abs(quantity)), "Shares", "", "", f"{price:.2f}", "")
