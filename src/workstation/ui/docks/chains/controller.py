"""Chain controller: fetches the chain, analyses it off the GUI thread, updates the view.

Refreshes run one at a time (a refresh still in flight makes the next tick
skip), so the display updates at most ``max_hz`` times a second however fast
quotes arrive; the model emits ``dataChanged`` only for cells that changed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from workstation.ui.docks.chains.model import ChainTableModel
from workstation.ui.docks.chains.view import ChainPanel

if TYPE_CHECKING:
    from workstation.services.chain_service import ChainService
    from workstation.services.chain_view import ChainView

log = logging.getLogger(__name__)
Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]
DEFAULT_REFRESH_MS = 1000
MAX_HZ = 10.0


class ChainController(QObject):
    """Keeps one chain panel live for its symbol."""

    def __init__(
        self,
        panel: ChainPanel,
        model: ChainTableModel,
        chains: ChainService,
        spawn: Spawn,
        *,
        symbol: str = "SPY",
        refresh_ms: int = DEFAULT_REFRESH_MS,
        on_columns: Callable[[list[str]], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._panel, self._model = panel, model
        self._chains, self._spawn = chains, spawn
        self.symbol = symbol
        self.focus: date | None = None
        self.view: ChainView | None = None
        self._running: asyncio.Task[Any] | None = None
        self._last_apply = 0.0
        self._scroll_when_shown = False
        self._on_columns = on_columns
        panel.symbol_entered.connect(self.set_symbol)
        panel.expiry_selected.connect(self.set_focus)
        panel.columns_changed.connect(self.set_columns)
        panel.symbol.setText(symbol)
        self._timer = QTimer(self, interval=refresh_ms)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def set_symbol(self, symbol: str) -> None:
        """Show ``symbol``'s chain (nearest expiration first)."""
        self.symbol, self.focus = symbol, None
        self._panel.symbol.setText(symbol)
        self._panel.status.setText(f"Loading {symbol} chain…")
        self.refresh(force=True)

    def set_focus(self, expiry: date) -> None:
        """Show one expiration in detail."""
        self.focus = expiry
        self._scroll_when_shown = True
        self.refresh(force=True)  # the new focus is analysed in detail on this refresh

    def set_columns(self, keys: list[str]) -> None:
        """Change the per-side columns and remember them."""
        self._model.set_columns(keys)
        if self._on_columns is not None:
            self._on_columns(self._model.keys)

    def refresh(self, force: bool = False) -> None:
        """Start a refresh unless one is running (``force`` restarts it for a new symbol)."""
        if self._running is not None and not self._running.done():
            if not force:
                return
            self._running.cancel()
        self._running = self._spawn(self._refresh(self.symbol, self.focus), f"chain {self.symbol}")

    async def _refresh(self, symbol: str, focus: date | None) -> None:
        try:
            previous = (
                self.view if self.view is not None and self.view.underlying == symbol else None
            )
            view = await self._chains.chain_view(symbol, focus, previous)
        except Exception as exc:  # shown in the panel; the next tick retries
            log.warning("chain %s failed: %s", symbol, exc)
            self._panel.status.setText(f"{symbol}: {exc}")
            return
        if symbol == self.symbol:
            await self._pace()
            self.apply(view)

    async def _pace(self) -> None:
        wait = self._last_apply + 1.0 / MAX_HZ - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def apply(self, view: ChainView) -> None:
        """Show an analysed chain (GUI thread)."""
        self._last_apply = time.monotonic()
        first = self.view is None or self.view.underlying != view.underlying
        self.view = view
        if self.focus is None or view.expiry(self.focus) is None:
            self.focus = view.expiries[0].expiry if view.expiries else None
        chosen = view.expiry(self.focus) if self.focus else None
        if chosen is not None and not chosen.detailed:  # a newer focus is on its way
            return
        self._panel.show_expiries(view.expiries, self.focus)
        self._panel.header.show_chain(view, chosen)
        if chosen is not None:
            self._model.show(chosen, view.spot)
        self._panel.status.setText(
            f"{len(view.expiries)} expirations · {view.contracts:,} contracts"
        )
        if first or self._scroll_when_shown:
            self._scroll_when_shown = False
            self._panel.scroll_to_money()

    def stop(self) -> None:
        """Stop refreshing (on shutdown)."""
        self._timer.stop()
        if self._running is not None:
            self._running.cancel()
