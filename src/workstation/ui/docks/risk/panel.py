"""Builds the Risk panel: the view now; the controller feeds it ``RiskReport`` snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workstation.domain.risk import RiskReport
from workstation.ui.docks.risk.view import RiskPanel

if TYPE_CHECKING:
    from workstation.ui.docks.risk.controller import RiskController


@dataclass
class RiskDock:
    """The Risk panel's parts."""

    view: RiskPanel
    controller: RiskController | None = None

    @classmethod
    def create(cls) -> RiskDock:
        """Build the empty view."""
        return cls(RiskPanel())

    def show_report(self, report: RiskReport) -> None:
        """Show one risk report in every tab."""
        self.view.show_report(report)
