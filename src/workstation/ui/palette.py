"""Command palette (Ctrl+K or /): fuzzy search over commands and panels; runs commands.

Typing ``/em SPY 7`` parses with the same grammar as the CLI and shows the
result in the palette.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation.commands.context import CommandContext
from workstation.commands.fuzzy import fuzzy_score
from workstation.commands.grammar import CommandError, CommandSpec
from workstation.commands.registry import CommandRegistry
from workstation.commands.result import CommandResult
from workstation.ui.actions import UiAction

Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]
WIDTH = 640


@dataclass(frozen=True, slots=True)
class PaletteEntry:
    """One line in the palette: a UI action or a command."""

    label: str
    detail: str
    shortcut: str = ""
    action: UiAction | None = None
    spec: CommandSpec | None = None


def build_entries(actions: list[UiAction], registry: CommandRegistry) -> list[PaletteEntry]:
    """Return actions first, then every command (GUI and CLI share them)."""
    entries = [PaletteEntry(a.title, a.help or a.group, a.shortcut_text, action=a) for a in actions]
    entries += [PaletteEntry(f"/{s.name}", s.summary, s.usage, spec=s) for s in registry.all()]
    return entries


def filter_entries(entries: list[PaletteEntry], query: str) -> list[PaletteEntry]:
    """Return entries matching ``query`` best first (all of them for an empty query)."""
    if not query.strip():
        return list(entries)
    scored = []
    for entry in entries:
        score = fuzzy_score(query, f"{entry.label} {entry.detail}")
        label_score = fuzzy_score(query, entry.label)
        best = (
            max(s for s in (score, label_score) if s is not None)
            if (score is not None or label_score is not None)
            else None
        )
        if best is not None:
            scored.append((best + (2.0 if label_score is not None else 0.0), entry))
    scored.sort(key=lambda item: -item[0])
    return [entry for _, entry in scored]


def render_result(result: CommandResult) -> str:
    """Return the result as HTML for the palette's result pane."""
    parts = [f"<b>{html.escape(result.title)}</b>"]
    parts += [f"<div>{html.escape(line)}</div>" for line in result.lines]
    if result.table is not None:
        text = CommandResult("", table=result.table).to_text().lstrip("\n")
        parts.append(f"<pre>{html.escape(text)}</pre>")
    return "".join(parts)


class CommandPalette(QFrame):
    """The palette popup, centred at the top of its parent window."""

    result_shown = Signal(str)
    result_ready = Signal(object)  # a CommandResult; data may say {"open_panel": "chains", ...}

    def __init__(self, parent: QWidget, registry: CommandRegistry) -> None:
        super().__init__(parent)
        self._host = parent
        self.setObjectName("Palette")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.registry = registry
        self._actions: list[UiAction] = []
        self._entries: list[PaletteEntry] = []
        self._context: Callable[[], CommandContext | None] = lambda: None
        self._spawn: Spawn | None = None
        self.running: asyncio.Task[Any] | None = None
        self._build()
        self.hide()

    def _build(self) -> None:
        self.input = QLineEdit(placeholderText="Search panels and commands, or type /em SPY 7")
        self.hint = QLabel("")
        self.hint.setObjectName("Muted")
        self.list = QListWidget()
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.output = QTextBrowser()
        self.output.setOpenLinks(False)
        self.output.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        for widget in (self.input, self.hint, self.list, self.output):
            layout.addWidget(widget)
        self.input.textChanged.connect(self.refilter)
        self.input.returnPressed.connect(self.accept_current)
        self.input.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item: self.accept_current())

    def set_actions(self, actions: list[UiAction]) -> None:
        """Set the UI actions (panels, theme, layout…) the palette offers."""
        self._actions = list(actions)
        self._entries = build_entries(self._actions, self.registry)

    def set_runner(self, context: Callable[[], CommandContext | None], spawn: Spawn) -> None:
        """Enable running commands: ``context()`` gives services once the workspace is open."""
        self._context, self._spawn = context, spawn

    def open(self, text: str = "") -> None:
        """Show the palette with ``text`` typed in."""
        width = min(WIDTH, self._host.width() - 40)
        self.setFixedWidth(max(width, 320))
        self.move((self._host.width() - self.width()) // 2, 48)
        self.output.hide()
        self.input.setText(text)
        self.refilter()
        self.show()
        self.raise_()
        self.input.setFocus()

    def close_palette(self) -> None:
        """Hide the palette and give focus back to the window."""
        self.hide()
        self._host.setFocus()

    def refilter(self) -> None:
        """Update the list for the typed text."""
        text = self.input.text()
        self.list.clear()
        if text.startswith("/") and " " in text.strip():
            self._show_command_hint(text)
            return
        self.hint.setText("")
        query = text[1:] if text.startswith("/") else text
        for entry in filter_entries(self._entries, query)[:12]:
            item = QListWidgetItem(f"{entry.label}    {entry.detail}")
            if entry.shortcut:
                item.setToolTip(entry.shortcut)
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self._fit()

    def _show_command_hint(self, text: str) -> None:
        name = text.strip()[1:].split()[0]
        spec = self.registry.get(name)
        self.hint.setText(f"Enter runs  ·  {spec.usage}" if spec else f"unknown command /{name}")
        self._fit()

    def _fit(self) -> None:
        rows = min(self.list.count(), 10)
        self.list.setVisible(rows > 0)
        self.list.setFixedHeight(rows * 28 + 6)
        self.adjustSize()

    def accept_current(self) -> None:
        """Run the typed command, or trigger/complete the selected entry."""
        text = self.input.text().strip()
        if text.startswith("/") and " " in text:
            self.run_line(text)
            return
        item = self.list.currentItem()
        entry: PaletteEntry | None = item.data(Qt.ItemDataRole.UserRole) if item else None
        if entry is None:
            if text.startswith("/"):
                self.run_line(text)
            return
        if entry.action is not None:
            self.close_palette()
            entry.action.trigger()
        elif entry.spec is not None:
            if any(a.required for a in entry.spec.args):
                self.input.setText(f"/{entry.spec.name} ")
            else:
                self.run_line(f"/{entry.spec.name}")

    def run_line(self, line: str) -> None:
        """Parse and run a command line; show the result or the error."""
        try:
            invocation = self.registry.parse(line)
        except CommandError as exc:
            self._show_error(str(exc))
            return
        context = self._context()
        if context is None or self._spawn is None:
            self._show_error("The workspace is still opening; try again in a moment.")
            return
        self._show_html(f"<i>Running {html.escape(line)}…</i>")
        coro = invocation.spec.run(context, invocation.values)
        self.running = self._spawn(coro, f"command /{invocation.spec.name}")
        self.running.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self._show_error(str(exc) or type(exc).__name__)
        else:
            result = task.result()
            self._show_html(render_result(result))
            self.result_ready.emit(result)

    def _show_error(self, message: str) -> None:
        self._show_html(f"<span style='color:#ff6b6b'>{html.escape(message)}</span>")

    def _show_html(self, text: str) -> None:
        self.output.setHtml(text)
        self.output.show()
        self.output.setFixedHeight(min(360, int(self.output.document().size().height()) + 24))
        self.adjustSize()
        self.result_shown.emit(self.output.toPlainText())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Arrow keys move the selection; Escape closes."""
        if (
            watched is self.input
            and isinstance(event, QKeyEvent)
            and (event.type() == QEvent.Type.KeyPress)
        ):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.close_palette()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = (self.list.currentRow() + step) % self.list.count()
                self.list.setCurrentRow(row)
                return True
        return False
