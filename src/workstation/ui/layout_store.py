"""Per-workspace UI state (window geometry, dock layout, theme) in an INI file.

Kept out of the database so the window can be restored before the store opens.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings


class LayoutStore:
    """Reads and writes ``<workspace>/ui-state.ini``."""

    VERSION = 1

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "ui-state.ini"
        self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def theme(self, default: str = "dark") -> str:
        """Return the saved theme name."""
        value = self._settings.value("ui/theme", default)
        return value if value in ("dark", "light") else default

    def set_theme(self, name: str) -> None:
        """Remember the theme."""
        self._settings.setValue("ui/theme", name)
        self._settings.sync()

    def value(self, key: str, default: str = "") -> str:
        """Return a saved UI preference (a string)."""
        found = self._settings.value(key, default)
        return found if isinstance(found, str) else default

    def set_value(self, key: str, value: str) -> None:
        """Remember a UI preference."""
        self._settings.setValue(key, value)
        self._settings.sync()

    def geometry(self) -> QByteArray | None:
        """Return saved window geometry, if any."""
        value = self._settings.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def state(self) -> QByteArray | None:
        """Return saved dock layout, if any."""
        value = self._settings.value("window/state")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save(self, geometry: QByteArray, state: QByteArray) -> None:
        """Remember geometry and dock layout."""
        self._settings.setValue("window/geometry", geometry)
        self._settings.setValue("window/state", state)
        self._settings.sync()

    def clear_layout(self) -> None:
        """Forget geometry and dock layout."""
        self._settings.remove("window")
        self._settings.sync()
