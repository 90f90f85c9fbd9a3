"""Asks for the workspace database passphrase (when no keyring backend exists)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

MIN_LENGTH = 8


class PassphraseDialog(QDialog):
    """Passphrase entry; for a new workspace the passphrase is typed twice."""

    def __init__(self, reason: str, *, new: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Workspace passphrase")
        self.setModal(True)
        self.new = new
        explain = QLabel(reason)
        explain.setWordWrap(True)
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setObjectName("Muted")
        form = QFormLayout()
        form.addRow("Passphrase", self.passphrase)
        if new:
            form.addRow("Repeat", self.confirm)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def problem(self) -> str | None:
        """Say what is wrong with the typed passphrase, or None."""
        text = self.passphrase.text()
        if not text:
            return "Type the passphrase."
        if self.new and len(text) < MIN_LENGTH:
            return f"Use at least {MIN_LENGTH} characters."
        if self.new and text != self.confirm.text():
            return "The two passphrases differ."
        return None

    def try_accept(self) -> None:
        """Accept when the passphrase is usable, else say why."""
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        self.accept()
