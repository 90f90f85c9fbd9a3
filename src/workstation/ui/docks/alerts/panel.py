"""Builds the Alerts panel: the view now; the controller feeds it from the alert service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workstation.ui.docks.alerts.view import AlertsPanel

if TYPE_CHECKING:
    from workstation.ui.docks.alerts.controller import AlertsController


@dataclass
class AlertsDock:
    """The Alerts panel's parts."""

    view: AlertsPanel
    controller: AlertsController | None = None

    @classmethod
    def create(cls) -> AlertsDock:
        """Build the empty view."""
        return cls(AlertsPanel())
