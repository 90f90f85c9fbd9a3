"""Named UI actions: one list feeds the menus, the palette and the help overlay."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UiAction:
    """Something the trader can do from the keyboard.

    ``shortcuts`` are Qt key sequences ("Ctrl+K"); the first is shown in menus.
    ``group`` orders the help overlay ("General", "Panels", "View").
    """

    name: str
    title: str
    trigger: Callable[[], None]
    shortcuts: tuple[str, ...] = ()
    group: str = "General"
    help: str = ""

    @property
    def shortcut_text(self) -> str:
        """Shortcuts as shown to the trader ("Ctrl+K  /")."""
        return "  ".join(self.shortcuts)
