"""File-menu actions for the ledger: import a broker export, export P&L reports.

Wired once the workspace is open; each action runs its file work in the
background and reports through the notifier.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from workstation.domain.notifications import Notification, Severity
from workstation.services.ledger_import import ImportOutcome, TransactionImport
from workstation.ui.actions import UiAction
from workstation.ui.dialogs.import_dialog import ImportDialog
from workstation.ui.docks.pnl.controller import PnlController
from workstation.ui.main_window import MainWindow

Spawn = Callable[[Coroutine[Any, Any, Any], str], object]
Notify = Callable[[Notification], None]

EXPORTS = (
    ("export-statement", "Export P&L statement (PDF)…", "statement", "PDF (*.pdf)", "pnl.pdf"),
    ("export-trades", "Export closed trades (CSV)…", "trades", "CSV (*.csv)", "trades.csv"),
    ("export-transactions", "Export transactions (CSV)…", "transactions", "CSV (*.csv)",
     "transactions.csv"),
    ("export-lots", "Export open lots (CSV)…", "lots", "CSV (*.csv)", "open_lots.csv"),
    ("export-pnl-month", "Export P&L by month (CSV)…", "pnl-month", "CSV (*.csv)",
     "pnl_by_month.csv"),
)  # fmt: skip


class LedgerActions:
    """Import and export entries in the File menu (also in the palette and help)."""

    def __init__(
        self,
        window: MainWindow,
        importer: TransactionImport,
        pnl: Callable[[], PnlController],
        spawn: Spawn,
        notify: Notify,
    ) -> None:
        self._window, self._importer, self._pnl = window, importer, pnl  # built on demand
        self._spawn, self._notify = spawn, notify
        self.dialog: ImportDialog | None = None
        actions = [
            UiAction("import", "Import broker transactions…", self.open_import, ("Ctrl+I",),
                     help="Preview and import a Tastytrade or Schwab CSV export"),
            *(UiAction(name, title, self._exporter(what, pattern, default))
              for name, title, what, pattern, default in EXPORTS),
        ]  # fmt: skip
        window.add_actions(actions, window.menu("file"))

    def _exporter(self, what: str, pattern: str, default: str) -> Callable[[], None]:
        return lambda: self.export(what, pattern, default)

    def open_import(self) -> None:
        """Show the import dialog."""
        if self.dialog is None:
            self.dialog = ImportDialog(
                self._importer, lambda name, coro: self._spawn(coro, name), self._window
            )
            self.dialog.imported.connect(self._imported)
        self.dialog.show()
        self.dialog.raise_()

    def _imported(self, outcome: ImportOutcome) -> None:
        self._pnl().refresh()
        self._notify(
            Notification("Import finished", f"{outcome.added:,} new transactions", Severity.INFO)
        )

    def export(self, what: str, pattern: str, default: str) -> None:
        """Ask where to save, then write the export in the background."""
        name, _ = QFileDialog.getSaveFileName(self._window, "Export", default, pattern)
        if name:
            self._spawn(self._export(what, Path(name)), f"export {what}")

    async def _export(self, what: str, path: Path) -> None:
        written = await self._pnl().export(what, path)
        self._notify(Notification("Export written", str(written), Severity.INFO))
