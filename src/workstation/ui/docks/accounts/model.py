"""The Accounts panel's tables: one row per broker link, and the selected broker's reconciliation.

A reload with the same brokers in the same order emits ``dataChanged`` (the
selection survives); only a changed row set resets the model. The login
countdown is recomputed from ``now`` without a new snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from workstation.domain.brokers import LinkState, Reconciliation
from workstation.services.sync import LinkStatus
from workstation.ui.docks.accounts.describe import (
    NONE,
    STATE_TONES,
    STATE_WORDS,
    ReconciliationLine,
    Tone,
    accounts_text,
    broker_title,
    local_time,
    login_hint,
    login_left,
    login_tone,
    reconciliation_lines,
)
from workstation.ui.theme import colors

Index = QModelIndex | QPersistentModelIndex
LINK_HEADERS = ("Broker", "State", "Accounts", "Last synced", "Login expires", "Detail")
STATE_COLUMN, EXPIRES_COLUMN, DETAIL_COLUMN = 1, 4, 5
STATUS_ROLE = int(Qt.ItemDataRole.UserRole) + 1
RECONCILIATION_HEADERS = ("Account", "Symbol", "Ledger", "Broker", "Reason")
_NUMERIC = (2, 3)
_DISPLAY, _FOREGROUND = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole


def tone_color(tone: Tone) -> QColor | None:
    """The applied theme's colour for ``tone`` (None: the default text colour)."""
    palette = colors()
    return {Tone.GOOD: palette.positive, Tone.WARN: palette.stale, Tone.BAD: palette.negative,
            Tone.MUTED: palette.muted}.get(tone)  # fmt: skip


class LinksModel(QAbstractTableModel):
    """Broker links as rows; ``STATUS_ROLE`` returns the LinkStatus as shown (syncing included)."""

    def __init__(self, zone: tzinfo | None = None) -> None:
        super().__init__()
        self.statuses: list[LinkStatus] = []
        self.now: datetime | None = None
        self.busy: set[str] = set()
        self._zone = zone  # None: the computer's local time zone
        self._bold = QFont()
        self._bold.setBold(True)

    def set_statuses(self, statuses: Sequence[LinkStatus], now: datetime) -> None:
        """Show ``statuses`` as of ``now`` (dataChanged when the same brokers are listed)."""
        fresh = list(statuses)
        self.now = now
        if [s.broker for s in fresh] != [s.broker for s in self.statuses]:
            self.beginResetModel()
            self.statuses = fresh
            self.endResetModel()
            return
        changed = [
            row for row, (a, b) in enumerate(zip(self.statuses, fresh, strict=True)) if a != b
        ]
        self.statuses = fresh
        for row in changed:
            self._row_changed(row)
        self._column_changed(EXPIRES_COLUMN)  # the countdown moves with ``now``

    def set_now(self, now: datetime) -> None:
        """Recompute the login countdowns for ``now`` (no new snapshot needed)."""
        self.now = now
        self._column_changed(EXPIRES_COLUMN)

    def set_busy(self, broker: str, busy: bool) -> None:
        """Show ``broker`` as syncing while a run started here is in progress."""
        if busy == (broker in self.busy):
            return
        (self.busy.add if busy else self.busy.discard)(broker)
        row = self.row_of(broker)
        if row is not None:
            self._row_changed(row)

    def status(self, row: int) -> LinkStatus | None:
        """The link of ``row`` as shown (syncing while busy), or None out of range."""
        if not 0 <= row < len(self.statuses):
            return None
        status = self.statuses[row]
        if status.broker in self.busy and status.state is not LinkState.UNLINKED:
            return replace(status, state=LinkState.SYNCING)
        return status

    def row_of(self, broker: str) -> int | None:
        """The row of ``broker``, or None when not listed."""
        return next((r for r, s in enumerate(self.statuses) if s.broker == broker), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One row per broker."""
        return 0 if parent.isValid() else len(self.statuses)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """The fixed columns."""
        return 0 if parent.isValid() else len(LINK_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return LINK_HEADERS[section] if 0 <= section < len(LINK_HEADERS) else None
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """Cell text, state and countdown colours, tooltips, the LinkStatus itself."""
        status = self.status(index.row()) if index.isValid() else None
        if status is None:
            return None
        column = index.column()
        if role == _DISPLAY:
            return self._cells(status)[column]
        if role == _FOREGROUND:
            return tone_color(self._tone(status, column))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(status, column)
        if role == STATUS_ROLE:
            return status
        bold = role == Qt.ItemDataRole.FontRole and column == STATE_COLUMN
        return self._bold if bold else None

    def _cells(self, status: LinkStatus) -> tuple[str, ...]:
        expires = NONE if self.now is None else login_left(status, self.now)
        return (
            broker_title(status.broker), STATE_WORDS[status.state], accounts_text(status),
            local_time(status.last_synced_at, self._zone), expires, status.detail,
        )  # fmt: skip

    def _tone(self, status: LinkStatus, column: int) -> Tone:
        if column == STATE_COLUMN:
            return STATE_TONES[status.state]
        if column == EXPIRES_COLUMN and self.now is not None:
            return login_tone(status, self.now)
        if column == DETAIL_COLUMN and status.state is LinkState.ERROR:
            return Tone.BAD
        return Tone.MUTED if status.state is LinkState.UNLINKED else Tone.PLAIN

    def _tooltip(self, status: LinkStatus, column: int) -> str | None:
        if column == EXPIRES_COLUMN and self.now is not None:
            return login_hint(status, self.now, self._zone)
        if column == DETAIL_COLUMN and status.detail:
            return status.detail
        return None

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(LINK_HEADERS) - 1))

    def _column_changed(self, column: int) -> None:
        if self.statuses:
            last = len(self.statuses) - 1
            self.dataChanged.emit(self.index(0, column), self.index(last, column))


class ReconciliationModel(QAbstractTableModel):
    """The selected broker's differences between ledger and broker, one line each."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[ReconciliationLine] = []

    def set_checks(self, checks: Sequence[Reconciliation]) -> None:
        """Show the reconciliations of the selected broker's accounts."""
        self.set_lines(reconciliation_lines(checks))

    def set_lines(self, lines: Sequence[ReconciliationLine]) -> None:
        """Show ``lines`` (an empty list clears the table)."""
        self.beginResetModel()
        self.lines = list(lines)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One row per line."""
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """The fixed columns."""
        return 0 if parent.isValid() else len(RECONCILIATION_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return (
                RECONCILIATION_HEADERS[section]
                if 0 <= section < len(RECONCILIATION_HEADERS)
                else None
            )
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """Cell text; the reason in its tone's colour; quantities right-aligned."""
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        line = self.lines[index.row()]
        column = index.column()
        if role == _DISPLAY:
            return (line.account, line.symbol, line.ledger, line.broker, line.reason)[column]
        if role == _FOREGROUND and column == len(RECONCILIATION_HEADERS) - 1:
            return tone_color(line.tone)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == len(RECONCILIATION_HEADERS) - 1:
            return line.reason
        return None
