"""File -> Import: pick a broker export, preview what it holds, then import it.

The preview reads and validates the whole file (nothing is written): rows,
date range, accounts, and how many rows are new against the workspace. A bad
row shows the file, line, column and problem, and the Import button stays
off. Import commits the new rows in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.transactions import ImportFileError

if TYPE_CHECKING:
    from workstation.services.ledger_import import (
        ImportOutcome,
        ImportPreview,
        TransactionImport,
    )

Spawn = Callable[[str, Coroutine[Any, Any, Any]], object]
PREVIEW_ROWS = 200
_COLUMNS = ("Executed (ET)", "Account", "Kind", "Symbol", "Qty", "Price", "Value", "Fees", "New")


class ImportDialog(QDialog):
    """Preview-then-commit import of a Tastytrade or Schwab CSV export."""

    imported = Signal(object)  # ImportOutcome

    def __init__(
        self, importer: TransactionImport, spawn: Spawn, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import broker transactions")
        self._importer, self._spawn = importer, spawn
        self._preview: ImportPreview | None = None
        self.path = QLineEdit(placeholderText="Choose a CSV export…")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.broker = QComboBox()
        self.broker.addItems(["Detect", "tastytrade", "schwab"])
        self.account = QLineEdit(placeholderText="needed when the export has no account column")
        self.summary = QLabel("Choose a file, then Preview.")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.buttons = QDialogButtonBox()
        self.preview_button = self.buttons.addButton(
            "Preview", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.import_button.setEnabled(False)
        self.preview_button.clicked.connect(self.request_preview)
        self.import_button.clicked.connect(self.request_import)
        self.buttons.rejected.connect(self.reject)
        self._layout(browse)

    def _layout(self, browse: QPushButton) -> None:
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("File", row)
        form.addRow("Broker", self.broker)
        form.addRow("Account", self.account)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(900, 520)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Broker export", "", "CSV files (*.csv);;All files (*)"
        )
        if name:
            self.path.setText(name)
            self.request_preview()

    def _choice(self) -> tuple[Path, str | None, str | None]:
        broker = self.broker.currentText()
        account = self.account.text().strip() or None
        return (
            Path(self.path.text().strip()).expanduser(),
            None if broker == "Detect" else broker,
            account,
        )

    def request_preview(self) -> None:
        """Read and validate the chosen file in the background and show what it holds."""
        path, broker, account = self._choice()
        self.import_button.setEnabled(False)
        if not path.is_file():
            self.show_problem(f"{path} is not a file.")
            return
        self.summary.setText(f"Reading {path.name}…")
        self._spawn("import-preview", self._preview_task(path, broker, account))

    async def _preview_task(self, path: Path, broker: str | None, account: str | None) -> None:
        try:
            preview = await self._importer.preview(path, broker, account)
        except ImportFileError as exc:
            self.show_problem(
                f"{exc}\nNothing was imported. Fix the file or the options and preview again."
            )
            return
        self.show_preview(preview)

    def show_problem(self, text: str) -> None:
        """Show why the file cannot be imported."""
        self._preview = None
        self.summary.setText(text)
        self.table.setRowCount(0)
        self.import_button.setEnabled(False)

    def show_preview(self, preview: ImportPreview) -> None:
        """Show the preview: summary and the first rows, new ones marked."""
        self._preview = preview
        self.summary.setText(preview.describe())
        new = {row.key for row in preview.new}
        rows = preview.statement.rows[-PREVIEW_ROWS:][::-1]  # newest first, as exports are
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = _cells(row, row.key in new)
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.import_button.setEnabled(bool(preview.new))
        if not preview.new:
            self.summary.setText(
                preview.describe() + "\nEverything in this file is already in the workspace."
            )

    def request_import(self) -> None:
        """Commit the previewed file's new rows."""
        if self._preview is None:
            return
        self.import_button.setEnabled(False)
        self.summary.setText("Importing…")
        self._spawn("import-commit", self._commit_task(self._preview))

    async def _commit_task(self, preview: ImportPreview) -> None:
        try:
            outcome = await self._importer.commit(preview)
        except ImportFileError as exc:
            self.show_problem(str(exc))
            return
        self.show_outcome(outcome)

    def show_outcome(self, outcome: ImportOutcome) -> None:
        """Say what the import added and announce it."""
        self.summary.setText(
            f"Imported {outcome.added:,} new transactions. {outcome.preview.describe()}"
        )
        self.imported.emit(outcome)


def _cells(row: Any, is_new: bool) -> tuple[str, ...]:
    from zoneinfo import ZoneInfo

    when = row.executed_at.astimezone(ZoneInfo("America/New_York"))
    price = "" if row.price is None else f"{row.price:f}"
    return (
        f"{when:%Y-%m-%d %H:%M}",
        row.account,
        row.sub_type or row.kind.value,
        row.symbol.strip() or row.description[:40],
        f"{row.quantity:f}" if row.quantity else "",
        price,
        f"{row.value:,.2f}",
        f"{row.fees:,.2f}" if row.fees else "",
        "new" if is_new else "present",
    )
