"""Feeds the P&L panel: loads ledger snapshots and stores the trader's corrections.

Every change (an import, a rename, tags, a merge of strategies, new delta
buckets) asks the ledger service for a fresh snapshot in the background and
shows it; the panel itself keeps no state of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.domain.pnl import LedgerView
from workstation.ui.docks.pnl.panel import PnlDock

if TYPE_CHECKING:
    from workstation.services.ledger import LedgerService

log = logging.getLogger(__name__)
Spawn = Callable[[Coroutine[Any, Any, Any], str], object]


class PnlController:
    """Loads LedgerView snapshots into the P&L dock and applies edits."""

    def __init__(self, dock: PnlDock, ledger: LedgerService, spawn: Spawn) -> None:
        self._dock, self._ledger, self._spawn = dock, ledger, spawn
        self.view: LedgerView | None = None
        self.delta_edges: tuple[float, ...] | None = None
        panel = dock.view
        panel.rename_requested.connect(self._rename)
        panel.tags_requested.connect(self._tags)
        panel.regroup_requested.connect(self._merge)
        panel.delta_buckets_requested.connect(self._buckets)

    def refresh(self) -> None:
        """Load a fresh snapshot in the background and show it."""
        self._spawn(self.load(), "pnl refresh")

    async def load(self) -> None:
        """Load a fresh snapshot and show it (awaitable).

        On the first load a saved view that is out of date (marks moved, or
        the ledger changed since) is shown at once, labelled with what is
        updating, until the current one is ready; later loads keep the
        current view on screen meanwhile. Then the view's transactions are
        read off the GUI thread (a saved view reads them on first use) and the
        current view is saved for the next cold open.
        """
        async for view, pending in self._ledger.views(delta_edges=self.delta_edges):
            if not pending:
                self.view = view
                self._dock.show_view(view)
            elif self.view is None:
                self._dock.show_view(view, pending)
        if self.view is not None:
            await self._ledger.load_transactions(self.view)
        await self._ledger.persist()

    def _after(self, change: Coroutine[Any, Any, Any], name: str) -> None:
        async def run() -> None:
            await change
            await self.load()

        self._spawn(run(), name)

    def _rename(self, group_id: str, name: str) -> None:
        self._after(self._ledger.rename(group_id, name), "pnl rename")

    def _tags(self, group_id: str, tags: tuple[str, ...]) -> None:
        self._after(self._ledger.set_tags(group_id, tags), "pnl tags")

    def _merge(self, group_ids: tuple[str, ...]) -> None:
        if len(group_ids) >= 2:
            self._after(self._ledger.merge(group_ids[0], group_ids[1:]), "pnl merge")

    def _buckets(self, edges: tuple[float, ...]) -> None:
        self.delta_edges = tuple(edges)
        self.refresh()

    async def export(self, what: str, path: Path) -> Path:
        """Write an export of the current snapshot (loading one first if needed)."""
        if self.view is None:
            await self.load()
        assert self.view is not None
        return await self._ledger.export(self.view, what, path)
