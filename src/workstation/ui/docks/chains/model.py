"""Table model of one expiration: call columns | strike | put columns.

Value updates compare the new numbers with the shown ones and emit
``dataChanged`` for the changed cells of each row only; display strings are
cached and reformatted only where a number changed. A reset happens only
when the strike ladder or the chosen columns change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QFont

from workstation.services.chain_view import ExpiryView
from workstation.ui.docks.chains.columns import COLUMNS, DEFAULT_COLUMNS, valid_keys
from workstation.ui.docks.chains.delegate import CELL_ROLE
from workstation.ui.theme import colors

Index = QModelIndex | QPersistentModelIndex
FloatMatrix = npt.NDArray[np.float64]
STRIKE = "strike"
ROWS_PER_TURN = 4  # repaint requests per event-loop turn (each row is ~13 cells)


class ChainTableModel(QAbstractTableModel):
    """One expiration of a chain; calls mirrored on the left, puts on the right."""

    def __init__(self, keys: list[str] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._keys = valid_keys(list(keys or DEFAULT_COLUMNS))
        self._layout = self._make_layout()
        self._expiry: ExpiryView | None = None
        self._spot = float("nan")
        self._numbers: FloatMatrix = np.zeros((0, len(self._layout)))
        self._pending: list[tuple[int, npt.NDArray[np.intp]]] = []
        self._flushing = False
        self._text: list[list[str]] = []
        self._bold = QFont()
        self._bold.setBold(True)
        self._centred = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter)
        self._right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._roles: dict[int, Callable[[int, int], Any]] = {
            int(Qt.ItemDataRole.TextAlignmentRole): self._alignment,
            int(Qt.ItemDataRole.BackgroundRole): self._background,
            int(Qt.ItemDataRole.FontRole): self._font,
            int(Qt.ItemDataRole.ToolTipRole): self._tooltip,
        }

    # ------------------------------------------------------------------ structure
    @property
    def keys(self) -> list[str]:
        """The per-side column keys, in put-side order."""
        return list(self._keys)

    @property
    def strike_column(self) -> int:
        """Index of the strike column."""
        return len(self._keys)

    @property
    def expiry(self) -> ExpiryView | None:
        """The expiration shown."""
        return self._expiry

    def _make_layout(self) -> list[tuple[str, str]]:
        calls = [("call", k) for k in reversed(self._keys)]
        return [*calls, ("", STRIKE), *(("put", k) for k in self._keys)]

    def set_columns(self, keys: list[str]) -> None:
        """Choose the per-side columns (a structural change: resets the model)."""
        self.beginResetModel()
        self._keys = valid_keys(keys)
        self._layout = self._make_layout()
        self._numbers, self._text, self._pending = np.zeros((0, len(self._layout))), [], []
        expiry, self._expiry = self._expiry, None
        self.endResetModel()
        if expiry is not None:
            self.show(expiry, self._spot)

    # ------------------------------------------------------------------ values
    def show(self, expiry: ExpiryView, spot: float) -> int:
        """Show ``expiry``; return how many cells changed (all of them after a reset)."""
        numbers = self._matrix(expiry)
        same_ladder = (
            self._expiry is not None
            and self._expiry.expiry == expiry.expiry
            and np.array_equal(self._expiry.strikes, expiry.strikes)
        )
        old_spot, self._spot = self._spot, spot
        if not same_ladder:
            self.beginResetModel()
            self._expiry, self._numbers, self._pending = expiry, numbers, []
            self._text = [
                [self._format(r, c) for c in range(numbers.shape[1])]
                for r in range(numbers.shape[0])
            ]
            self.endResetModel()
            return int(numbers.size)
        self._expiry = expiry
        return self._update(numbers, old_spot)

    def _update(self, numbers: FloatMatrix, old_spot: float) -> int:
        changed = ~((numbers == self._numbers) | (np.isnan(numbers) & np.isnan(self._numbers)))
        self._numbers = numbers
        spans = [
            (int(row), np.flatnonzero(changed[row])) for row in np.flatnonzero(changed.any(axis=1))
        ]
        count = sum(len(columns) for _, columns in spans)
        everything = np.arange(len(self._layout))
        spans += [(row, everything) for row in self._crossed_rows(old_spot)]
        self._announce(spans)
        return count

    def _crossed_rows(self, old_spot: float) -> list[int]:
        """Rows whose in-the-money shading flips because the underlying moved past them."""
        if self._expiry is None or np.isnan(old_spot) or old_spot == self._spot:
            return []
        low, high = sorted((old_spot, self._spot))
        rows = np.flatnonzero((self._expiry.strikes >= low) & (self._expiry.strikes <= high))
        return [int(r) for r in rows]

    def _announce(self, spans: list[tuple[int, npt.NDArray[np.intp]]]) -> None:
        """Reformat and repaint a few rows per event-loop turn, so no single turn is long.

        The numbers are already current; a row still waiting shows its previous
        text for a few milliseconds. Spreading the work keeps the GUI thread
        free in between (see the responsiveness benchmark).
        """
        self._pending = spans
        if not self._flushing:
            self._flushing = True
            self._flush()

    def _flush(self) -> None:
        batch, self._pending = self._pending[:ROWS_PER_TURN], self._pending[ROWS_PER_TURN:]
        for row, columns in batch:
            if row >= len(self._text) or columns[-1] >= len(self._layout):
                continue  # the model was reset since
            for column in columns:
                self._text[row][column] = self._format(row, int(column))
            self.dataChanged.emit(
                self.index(row, int(columns[0])), self.index(row, int(columns[-1]))
            )
        if self._pending:
            QTimer.singleShot(0, self._flush)
        else:
            self._flushing = False

    def _matrix(self, expiry: ExpiryView) -> FloatMatrix:
        sides = {"call": expiry.calls, "put": expiry.puts}
        columns = [
            expiry.strikes if key == STRIKE else getattr(sides[side], key)
            for side, key in self._layout
        ]
        return np.column_stack(columns) if columns else np.zeros((0, 0))

    def _format(self, row: int, column: int) -> str:
        key = self._layout[column][1]
        value = float(self._numbers[row, column])
        if key == STRIKE:
            return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
        return COLUMNS[key].fmt(value)

    # ------------------------------------------------------------------ Qt interface
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of strikes (0 under any parent)."""
        return 0 if parent.isValid() else len(self._text)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Call columns + strike + put columns."""
        return 0 if parent.isValid() else len(self._layout)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, alignment, shading (in the money, inside the expected move, at the money)."""
        if not index.isValid() or self._expiry is None:
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._text) and 0 <= column < len(self._layout)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text[row][column]
        if role == CELL_ROLE:
            return self._cell(row, column)
        handler = self._roles.get(int(role))
        return handler(row, column) if handler is not None else None

    def _cell(self, row: int, column: int) -> tuple[str, int, Any, bool]:
        """Everything the fast delegate paints, in one call."""
        strike = column == self.strike_column
        alignment = self._centred if strike else self._right
        bold = strike and self._expiry is not None and row == self._expiry.atm_row
        return self._text[row][column], alignment, self._background(row, column), bold

    def _alignment(self, row: int, column: int) -> int:
        horizontal = (
            Qt.AlignmentFlag.AlignHCenter
            if column == self.strike_column
            else Qt.AlignmentFlag.AlignRight
        )
        return int(horizontal | Qt.AlignmentFlag.AlignVCenter)

    def _font(self, row: int, column: int) -> QFont | None:
        assert self._expiry is not None
        at_money = column == self.strike_column and row == self._expiry.atm_row
        return self._bold if at_money else None

    def _background(self, row: int, column: int) -> Any:
        assert self._expiry is not None
        palette = colors()
        strike = float(self._expiry.strikes[row])
        side, _ = self._layout[column]
        if column == self.strike_column:
            if row == self._expiry.atm_row:
                return palette.at_the_money
            return palette.in_move if self._expiry.moves.inside(strike) else None
        in_money = strike < self._spot if side == "call" else strike > self._spot
        return palette.in_the_money if in_money else None

    def _tooltip(self, row: int, column: int) -> str | None:
        assert self._expiry is not None
        side, key = self._layout[column]
        if key == STRIKE:
            inside = self._expiry.moves.inside(float(self._expiry.strikes[row]))
            where = "inside" if inside else "outside"
            return f"Strike {self._text[row][column]} is {where} the 1σ expected move"
        return f"{side.title()} {COLUMNS[key].tooltip}"

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles ("Call Bid", "Strike", "Put Bid") with unit tooltips."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._layout):
            return None
        side, key = self._layout[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return "Strike" if key == STRIKE else COLUMNS[key].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                "Strike, dollars per share"
                if key == STRIKE
                else (f"{side.title()}s: {COLUMNS[key].tooltip}")
            )
        return None
