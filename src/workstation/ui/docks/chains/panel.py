"""Builds the chain panel: model and view now, the controller once the workspace is open."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workstation.ui.docks.chains.controller import ChainController
from workstation.ui.docks.chains.model import ChainTableModel
from workstation.ui.docks.chains.view import ChainPanel
from workstation.ui.layout_store import LayoutStore

if TYPE_CHECKING:
    import asyncio

    from workstation.services.chain_service import ChainService

COLUMNS_KEY = "chains/columns"
SYMBOL_KEY = "chains/symbol"


@dataclass
class ChainDock:
    """The chain panel's parts."""

    model: ChainTableModel
    view: ChainPanel
    layout: LayoutStore
    controller: ChainController | None = None

    @classmethod
    def create(cls, layout: LayoutStore) -> ChainDock:
        """Build the view with the columns this workspace last used."""
        saved = [k for k in layout.value(COLUMNS_KEY).split(",") if k]
        model = ChainTableModel(saved or None)
        return cls(model, ChainPanel(model), layout)

    def connect(
        self,
        chains: ChainService,
        spawn: Callable[[Coroutine[Any, Any, Any], str], asyncio.Task[Any]],
        refresh_seconds: float,
    ) -> ChainController:
        """Start following the last symbol (SPY the first time)."""
        self.controller = ChainController(
            self.view,
            self.model,
            chains,
            spawn,
            symbol=self.layout.value(SYMBOL_KEY, "SPY"),
            refresh_ms=int(refresh_seconds * 1000),
            on_columns=self._remember_columns,
            parent=self.view,
        )
        self.view.symbol_entered.connect(lambda s: self.layout.set_value(SYMBOL_KEY, s))
        return self.controller

    def _remember_columns(self, keys: list[str]) -> None:
        self.layout.set_value(COLUMNS_KEY, ",".join(keys))
