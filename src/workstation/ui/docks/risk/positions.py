"""The open positions as a tree: one row per position, its legs as children.

Position rows carry the position's greeks, P/L, extremes at expiry and the
most pressing exit rule (red when hit, amber when near); leg rows carry the
leg's quantity, mark, implied volatility and greeks. Units are in the
headers. A new report with the same positions (by id) and legs only emits
``dataChanged``; any change of shape resets the model.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from workstation.commands.risk import exit_status
from workstation.domain.exposure import GreekTotals
from workstation.domain.risk import LegRisk, PositionRisk
from workstation.ui.docks.risk.formatting import (
    DASH,
    dollars,
    money,
    number,
    signed_color,
    state_color,
)

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # a number (or text) to sort the column by
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
NO_PARENT = 0  # internal id of a position row; a leg row stores its position's row + 1


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its header (with units), how a position and a leg read in it."""

    header: str
    position: Callable[[PositionRisk], str]
    leg: Callable[[LegRisk, date], str]
    numeric: bool = True
    signed: bool = False  # coloured green/red by the sign of the number
    tip: str = ""  # the header's tooltip: what the number means, in which unit


def _blank_leg(_leg: LegRisk, _today: date) -> str:
    return ""


def _blank_position(_risk: PositionRisk) -> str:
    return ""


def _dte(risk: PositionRisk) -> str:
    dte = risk.totals.nearest_dte
    return DASH if dte is None else str(dte)


def _leg_dte(leg: LegRisk, today: date) -> str:
    expiry = leg.leg.expiry
    return DASH if expiry is None else str((expiry - today).days)


def _qty(leg: LegRisk, _today: date) -> str:
    text = format(leg.leg.quantity.normalize(), "f")
    return text if leg.leg.quantity <= 0 else f"+{text}"


def _iv(leg: LegRisk, _today: date) -> str:
    return number(leg.iv * 100, 1) if leg.leg.is_option else ""


def _greek(field: str, places: int) -> tuple[Callable[..., str], Callable[..., str]]:
    def of_position(risk: PositionRisk) -> str:
        return number(getattr(risk.totals, field), places)

    def of_leg(leg: LegRisk, _today: date) -> str:
        return number(getattr(leg.totals, field), places)

    return of_position, of_leg


def _decimal(field: str) -> Callable[[PositionRisk], str]:
    def text(risk: PositionRisk) -> str:
        value: Decimal | None = getattr(risk, field)
        return money(value)

    return text


COLUMNS = (
    Column("Position / leg", lambda r: r.position.name, lambda leg, _: leg.leg.symbol.strip(),
           numeric=False),
    Column("Account", lambda r: r.position.account, _blank_leg, numeric=False),
    Column("Exit", exit_status, _blank_leg, numeric=False,
           tip="The most pressing exit rule; select the row for every rule and its numbers"),
    Column("DTE (d)", _dte, _leg_dte, tip="Calendar days to the (nearest) expiry"),
    Column("Qty", _blank_position, _qty,
           tip="Signed quantity: contracts for options, shares for stock (+ long, − short)"),
    Column("Mark ($/sh)", _blank_position, lambda leg, _: number(leg.mark, 2),
           tip="Mark per share in dollars"),
    Column("IV (%)", _blank_position, _iv, tip="Implied volatility, percent per year"),
    Column("Delta (sh)", *_greek("delta_shares", 1), tip="Share-equivalent delta"),
    Column("Delta ($)", lambda r: dollars(r.totals.dollar_delta),
           lambda leg, _: dollars(leg.totals.dollar_delta),
           tip="Delta in dollars of stock equivalent (delta shares × spot)"),
    Column("Gamma (sh/$)", *_greek("gamma_shares", 2),
           tip="Change in delta shares per $1 move of the underlying"),
    Column("Theta ($/d)", *_greek("theta_day", 2), signed=True,
           tip="Time decay in dollars per calendar day"),
    Column("Vega ($/pt)", *_greek("vega", 2), tip="Dollars per volatility point"),
    Column("P/L ($)", lambda r: money(r.pnl), lambda leg, _: dollars(leg.totals.pnl, 2),
           signed=True, tip="Unrealized P/L from marks, net of open fees for positions"),
    Column("Max profit ($)", _decimal("max_profit"), _blank_leg,
           tip="Largest gain at expiry (— when unbounded or unknown)"),
    Column("Max loss ($)", _decimal("max_loss"), _blank_leg,
           tip="Largest loss at expiry (— when unbounded or unknown)"),
)  # fmt: skip
HEADERS = tuple(column.header for column in COLUMNS)
ACCOUNT_COLUMN = HEADERS.index("Account")
EXIT_COLUMN = HEADERS.index("Exit")
PNL_COLUMN = HEADERS.index("P/L ($)")
THETA_COLUMN = HEADERS.index("Theta ($/d)")


def exit_details(risk: PositionRisk) -> str:
    """Every exit signal of a position with its detail, and the expiry recommendation."""
    assessment = risk.exit
    if assessment is None:
        return f"{risk.position.name}: no marks, so the exit rules could not be checked."
    lines = [risk.position.name]
    for signal in assessment.signals:
        lines.append(f"• {signal.state.value.replace('_', ' ')}: {signal.headline}")
        if signal.detail:
            lines.append(f"    {signal.detail}")
    advice = assessment.recommendation
    if advice is not None:
        action = advice.action.value.replace("_", " ")
        lines.append(f"Expiry: {action} (risk score {advice.risk_score:.0%}; "
                     f"1 EM = ${advice.expected_move:,.2f}, {advice.move_source})")  # fmt: skip
        lines += [f"  – {reason}" for reason in advice.reasons]
        if advice.legs_to_close:
            legs = ", ".join(s.strip() for s in advice.legs_to_close)
            lines.append(f"  close: {legs}")
    return "\n".join(lines)


class PositionsModel(QAbstractItemModel):
    """Open positions (top level) with their legs (children)."""

    def __init__(self) -> None:
        super().__init__()
        self.positions: tuple[PositionRisk, ...] = ()
        self.today = date.min

    def set_positions(self, positions: tuple[PositionRisk, ...], today: date) -> None:
        """Show ``positions``; same shape emits dataChanged, a new shape resets."""
        same = _shape(positions) == _shape(self.positions)
        if not same:
            self.beginResetModel()
        self.positions, self.today = positions, today
        if not same:
            self.endResetModel()
        elif positions:
            self._changed()

    def _changed(self) -> None:
        last = len(COLUMNS) - 1
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.positions) - 1, last))
        for row, risk in enumerate(self.positions):
            if risk.legs:
                parent = self.index(row, 0)
                self.dataChanged.emit(
                    self.index(0, 0, parent), self.index(len(risk.legs) - 1, last, parent)
                )

    # ------------------------------------------------------------ structure
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """Return the index of a position (no parent) or of a leg (under its position)."""
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, NO_PARENT)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        """Return a leg's position, or nothing for a position."""
        if not child.isValid() or child.internalId() == NO_PARENT:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, NO_PARENT)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Positions at the top, legs under a position, nothing under a leg."""
        if not parent.isValid():
            return len(self.positions)
        if parent.column() != 0 or parent.internalId() != NO_PARENT:
            return 0
        return len(self.positions[parent.row()].legs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Every row has the same columns."""
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles with their units."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tip or None
        return None

    # ------------------------------------------------------------ cells
    def position_at(self, index: Index) -> PositionRisk | None:
        """Return the position of a row (a leg's own position for a leg row)."""
        if not index.isValid():
            return None
        row = index.row() if index.internalId() == NO_PARENT else index.internalId() - 1
        return self.positions[row] if 0 <= row < len(self.positions) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, alignment, colour, tooltip and sort key of a cell."""
        if not index.isValid():
            return None
        risk = self.position_at(index)
        assert risk is not None
        leg = None if index.internalId() == NO_PARENT else risk.legs[index.row()]
        column = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            text = column.position(risk) if leg is None else column.leg(leg, self.today)
            return text if role == Qt.ItemDataRole.DisplayRole else _sort_key(text, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column.numeric else LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._color(index.column(), risk, leg)
        return None if leg is not None else self._position_role(risk, role)

    def _position_role(self, risk: PositionRisk, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return exit_details(risk)
        if role == Qt.ItemDataRole.FontRole:  # positions bold, their legs plain
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _color(self, column: int, risk: PositionRisk, leg: LegRisk | None) -> Any:
        if column == EXIT_COLUMN and leg is None and risk.exit is not None:
            return state_color(risk.exit.worst)
        if column == PNL_COLUMN:
            return signed_color(risk.pnl if leg is None else leg.totals.pnl)
        if column == THETA_COLUMN:
            return signed_color((risk.totals if leg is None else leg.totals).theta_day)
        return None


def _shape(positions: tuple[PositionRisk, ...]) -> tuple[tuple[str, int], ...]:
    return tuple((p.position.id, len(p.legs)) for p in positions)


def _sort_key(text: str, column: Column) -> float | str:
    if not column.numeric:
        return text.casefold()
    cleaned = text.replace("$", "").replace(",", "").replace("+", "")
    try:
        return float(cleaned)
    except ValueError:
        return -math.inf  # unknown values sort first


def totals_text(totals: GreekTotals, beta_weighted: bool) -> str:
    """The portfolio line: delta (shares, $, SPY shares), gamma, theta, vega, P/L."""
    beta = f" · {number(totals.beta_delta, 1)} SPY sh (β-weighted)" if beta_weighted else ""
    return (
        f"Delta {number(totals.delta_shares, 1)} sh · {dollars(totals.dollar_delta)}{beta}"
        f"   Gamma {number(totals.gamma_shares, 2)} sh/$"
        f"   Theta {dollars(totals.theta_day, 2)}/day"
        f"   Vega {dollars(totals.vega, 2)}/vol pt"
        f"   P/L {dollars(totals.pnl, 2)}"
    )
