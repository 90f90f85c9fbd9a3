"""Builds the dashboard panel: models and view now, the controller once data flows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workstation.config.defaults import DEFAULT_INDICES, DEFAULT_WATCHLIST
from workstation.ui.bridge import Bridge
from workstation.ui.docks.dashboard.controller import DashboardController
from workstation.ui.docks.dashboard.model import QuoteTableModel
from workstation.ui.docks.dashboard.view import DashboardView

if TYPE_CHECKING:
    from workstation.services.market_data import MarketDataService


@dataclass
class DashboardPanel:
    """The dashboard's parts."""

    indices: QuoteTableModel
    watchlist: QuoteTableModel
    view: DashboardView
    controller: DashboardController | None = None

    @classmethod
    def create(cls) -> DashboardPanel:
        """Build the view with the default symbols, before any service exists."""
        indices = QuoteTableModel(list(DEFAULT_INDICES))
        watchlist = QuoteTableModel(list(DEFAULT_WATCHLIST))
        return cls(indices, watchlist, DashboardView(indices, watchlist))

    def connect(
        self,
        market: MarketDataService,
        bridge: Bridge,
        indices: list[str],
        watchlist: list[str],
        descriptions: dict[str, str],
    ) -> DashboardController:
        """Follow the workspace's symbols and start refreshing from ``market``."""
        for model, symbols in ((self.indices, indices), (self.watchlist, watchlist)):
            model.set_descriptions(descriptions)
            if model.symbols != symbols:
                model.set_symbols(symbols)
        self.controller = DashboardController(
            self.view, self.indices, self.watchlist, market, bridge, parent=self.view
        )
        self.controller.refresh()
        return self.controller
