"""Help overlay (F1 or ?): every shortcut and command on one card."""

from __future__ import annotations

import html
from itertools import groupby

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from workstation.commands.registry import CommandRegistry
from workstation.ui.actions import UiAction


class HelpOverlay(QFrame):
    """A dimmed layer over the window with the shortcut card; any key or click closes it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._host = parent
        self.setObjectName("HelpOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.card = QFrame(self)
        self.card.setObjectName("HelpCard")
        self.card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._grid = QGridLayout(self.card)
        self._grid.setContentsMargins(24, 18, 24, 18)
        self._grid.setHorizontalSpacing(28)
        self._grid.setVerticalSpacing(4)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        parent.installEventFilter(self)
        self.hide()

    def populate(self, actions: list[UiAction], registry: CommandRegistry) -> None:
        """Fill the card: shortcuts by group on the left, commands on the right."""
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)  # off screen now, not at the next event loop turn
                widget.deleteLater()
        self._grid.addWidget(_heading("Keyboard shortcuts"), 0, 0, 1, 2)
        row = 1
        ordered = sorted((a for a in actions if a.shortcuts), key=lambda a: a.group)
        for group, members in groupby(ordered, key=lambda a: a.group):
            self._grid.addWidget(_subheading(group), row, 0, 1, 2)
            row += 1
            for action in members:
                self._grid.addWidget(_key(action.shortcut_text), row, 0)
                self._grid.addWidget(QLabel(action.title), row, 1)
                row += 1
        self._grid.addWidget(_heading("Commands (palette or CLI)"), 0, 2, 1, 2)
        for i, spec in enumerate(registry.all(), start=1):
            self._grid.addWidget(_key(spec.usage), i, 2)
            self._grid.addWidget(QLabel(spec.summary), i, 3)
        footer = QLabel("Press any key or click to close")
        footer.setObjectName("Muted")
        self._grid.addWidget(footer, max(row, len(registry.all()) + 1) + 1, 0, 1, 4)

    def open(self) -> None:
        """Cover the parent window and show the card."""
        self.setGeometry(self._host.rect())
        self.show()
        self.raise_()
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Close on any key."""
        self.hide()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Close on click."""
        self.hide()
        event.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the parent's size."""
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._host.rect())
        return False


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b style='font-size:15px'>{html.escape(text)}</b>")
    label.setContentsMargins(0, 4, 0, 6)
    return label


def _subheading(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setObjectName("SectionTitle")
    return label


def _key(text: str) -> QLabel:
    label = QLabel(f"<code>{html.escape(text)}</code>")
    label.setObjectName("Muted")
    return label
