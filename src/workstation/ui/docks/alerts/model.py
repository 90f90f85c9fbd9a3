"""The Alerts panel's table: one row per alert, newest first; unseen alerts in bold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from workstation.domain.alerts import Alert
from workstation.domain.notifications import Severity
from workstation.ui.docks.alerts.describe import fired_text, setup_text

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Fired (ET)", "Symbol", "Source", "Alert", "Suggested setup")
SOURCE_COLUMN = 2
ALERT_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class AlertsModel(QAbstractTableModel):
    """Alerts as rows; ``ALERT_ROLE`` returns the Alert itself."""

    def __init__(self) -> None:
        super().__init__()
        self.alerts: list[Alert] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_alerts(self, alerts: Sequence[Alert]) -> None:
        """Show ``alerts`` (newest first)."""
        self.beginResetModel()
        self.alerts = list(alerts)
        self.endResetModel()

    def add(self, alert: Alert) -> None:
        """Put a newly raised alert at the top (ignored when already listed)."""
        if any(a.id == alert.id and alert.id for a in self.alerts):
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.alerts.insert(0, alert)
        self.endInsertRows()

    def mark_seen(self, alert_id: int, at: datetime) -> None:
        """Show alert ``alert_id`` as seen."""
        for row, alert in enumerate(self.alerts):
            if alert.id == alert_id and alert.acknowledged_at is None:
                self.alerts[row] = replace(alert, acknowledged_at=at)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def unseen(self) -> int:
        """How many listed alerts have not been seen."""
        return sum(1 for a in self.alerts if a.acknowledged_at is None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One row per alert."""
        return 0 if parent.isValid() else len(self.alerts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """The fixed columns."""
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, the bold font of unseen alerts, the body as tooltip, the Alert itself."""
        if not index.isValid() or not 0 <= index.row() < len(self.alerts):
            return None
        alert = self.alerts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _cells(alert)[index.column()]
        if role == Qt.ItemDataRole.FontRole and alert.acknowledged_at is None:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return alert.body
        if role == ALERT_ROLE:
            return alert
        return None


def _cells(alert: Alert) -> tuple[str, ...]:
    title = alert.title if alert.severity is not Severity.ERROR else f"⚠ {alert.title}"
    return (fired_text(alert), alert.symbol, alert.source, title, setup_text(alert))
