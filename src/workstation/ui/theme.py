"""Dark and light themes: QSS from resources/themes plus colours the models use."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from workstation.config.paths import resources_dir

THEMES = ("dark", "light")


@dataclass(frozen=True, slots=True)
class ThemeColors:
    """Colours for numbers and states that style sheets cannot reach (item models)."""

    positive: QColor
    negative: QColor
    muted: QColor
    stale: QColor
    text: QColor
    in_the_money: QColor  # chain rows of in-the-money contracts
    in_move: QColor  # strikes inside the expected move
    at_the_money: QColor  # the strike nearest the forward


_COLORS = {
    "dark": ThemeColors(
        QColor("#35d07f"),
        QColor("#ff6b6b"),
        QColor("#7d8898"),
        QColor("#e0a526"),
        QColor("#d8dee8"),
        QColor("#17202c"),
        QColor("#1d2a3f"),
        QColor("#2b4a7a"),
    ),
    "light": ThemeColors(
        QColor("#13803f"),
        QColor("#c62828"),
        QColor("#6b7686"),
        QColor("#a86a00"),
        QColor("#1c2330"),
        QColor("#eef3fb"),
        QColor("#dde8fb"),
        QColor("#b9cef5"),
    ),
}

_current = "dark"


def load_qss(name: str) -> str:
    """Return the style sheet of theme ``name``."""
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; choose one of {', '.join(THEMES)}")
    return (resources_dir() / "themes" / f"{name}.qss").read_text(encoding="utf-8")


def apply_theme(app: QApplication, name: str) -> ThemeColors:
    """Apply theme ``name`` to the whole application and return its colours."""
    global _current  # noqa: PLW0603 - one theme per application
    app.setStyleSheet(load_qss(name))
    _current = name
    return _COLORS[name]


def current_theme() -> str:
    """Name of the applied theme."""
    return _current


def colors() -> ThemeColors:
    """Colours of the applied theme."""
    return _COLORS[_current]
