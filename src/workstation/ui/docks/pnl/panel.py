"""Builds the P&L panel: models and view now; the controller feeds it ``LedgerView`` snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workstation.domain.pnl import LedgerView
from workstation.ui.docks.pnl.view import PnlModels, PnlPanel

if TYPE_CHECKING:
    from workstation.ui.docks.pnl.controller import PnlController


@dataclass
class PnlDock:
    """The P&L panel's parts."""

    models: PnlModels
    view: PnlPanel
    controller: PnlController | None = None

    @classmethod
    def create(cls) -> PnlDock:
        """Build the empty view and its models."""
        models = PnlModels.create()
        return cls(models, PnlPanel(models))

    def show_view(self, view: LedgerView, pending: str = "") -> None:
        """Show one ledger snapshot in every tab (``pending``: a saved one; what is updating)."""
        self.view.show_view(view, pending)
