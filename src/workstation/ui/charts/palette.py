"""Colours of the price chart for the applied theme.

Candles take the theme's positive / negative colours; overlays use hues that
stay apart from them: buy-side liquidity blue, sell-side orange, VWAP gold,
EMAs violet / cyan / pink, order blocks blue / magenta.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor

from workstation.domain.structure import EventKind
from workstation.ui.theme import colors, current_theme


@dataclass(frozen=True, slots=True)
class ChartColors:
    """Every colour a price chart paints with."""

    background: QColor
    grid: QColor
    text: QColor
    muted: QColor
    up: QColor
    down: QColor
    buy_side: QColor  # liquidity resting above highs
    sell_side: QColor  # liquidity resting below lows
    vwap: QColor
    emas: tuple[QColor, ...]
    block_bull: QColor
    block_bear: QColor
    crosshair: QColor
    events: dict[EventKind, QColor]


def with_alpha(color: QColor, alpha: int) -> QColor:
    """``color`` with opacity ``alpha`` (0-255)."""
    out = QColor(color)
    out.setAlpha(alpha)
    return out


def chart_colors() -> ChartColors:
    """Colours for the applied theme (dark or light)."""
    theme = colors()
    dark = current_theme() == "dark"

    def pick(on_dark: str, on_light: str) -> QColor:
        return QColor(on_dark if dark else on_light)

    cyan = pick("#4dd0e1", "#00838f")
    return ChartColors(
        background=pick("#0f1318", "#ffffff"),
        grid=pick("#202833", "#e6e9ee"),
        text=theme.text,
        muted=theme.muted,
        up=theme.positive,
        down=theme.negative,
        buy_side=pick("#5b9dff", "#1d5fd6"),
        sell_side=pick("#ff9f43", "#c25e00"),
        vwap=pick("#ffd166", "#b58900"),
        emas=(pick("#b388ff", "#6a3fc8"), cyan, pick("#f48fb1", "#c2185b")),
        block_bull=pick("#4c8dff", "#1d5fd6"),
        block_bear=pick("#d16bff", "#8e24aa"),
        crosshair=pick("#8a95a6", "#6b7686"),
        events={
            EventKind.SWEEP: pick("#ffb020", "#b26a00"),
            EventKind.FVG_TAG: pick("#b388ff", "#6a3fc8"),
            EventKind.DISPLACEMENT: pick("#e6edf3", "#37474f"),
            EventKind.RANGE_BREAK_OPENING: cyan,
            EventKind.RANGE_BREAK_PRIOR_DAY: cyan,
            EventKind.BREAK_OF_STRUCTURE: theme.positive,
            EventKind.CHANGE_OF_CHARACTER: pick("#ff8a65", "#d84315"),
            EventKind.VWAP_RECLAIM: pick("#ffd166", "#b58900"),
            EventKind.VWAP_REJECT: pick("#ffd166", "#b58900"),
        },
    )
