"""The structure overlays of one chart, fed from one ``Structure`` and toggled by name.

Zones (fair value gaps, order blocks) sit under the candles; EMAs, VWAP with
its bands and the levels (whose tags must stay readable) over them. Names for toggles: ``levels``,
``fvg``, ``blocks``, ``vwap``, ``ema``.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from workstation.domain.structure import (
    BLOCK_DTYPE,
    EVENT_DTYPE,
    GAP_DTYPE,
    LEVEL_DTYPE,
    StructArray,
    Structure,
    empty,
)
from workstation.ui.charts.layer import ChartLayer, cosmetic_pen
from workstation.ui.charts.overlays import LevelLayer, Line, LineLayer, ZoneLayer
from workstation.ui.charts.palette import ChartColors, with_alpha
from workstation.ui.charts.series import CandleSeries

OVERLAYS = ("levels", "fvg", "blocks", "vwap", "ema")
BAND_ALPHA = 150


class StructureLayers:
    """Levels, gap and block zones, VWAP and EMA lines for one chart."""

    def __init__(self, series: CandleSeries, palette: ChartColors) -> None:
        self.palette = palette
        self.levels = LevelLayer(series, palette)
        self.gaps = ZoneLayer(series, palette, "FVG", (palette.up, palette.down))
        self.blocks = ZoneLayer(
            series, palette, "OB", (palette.block_bull, palette.block_bear), border=True
        )
        self.vwap = LineLayer(series)
        self.emas = LineLayer(series)
        self._by_name: dict[str, ChartLayer] = dict(
            zip(OVERLAYS, (self.levels, self.gaps, self.blocks, self.vwap, self.emas), strict=True)
        )

    def layers(self) -> list[ChartLayer]:
        """Every overlay layer."""
        return list(self._by_name.values())

    def below_candles(self) -> list[ChartLayer]:
        """Layers drawn under the candles: the zones."""
        return [self.gaps, self.blocks]

    def above_candles(self) -> list[ChartLayer]:
        """Layers drawn over the candles: EMA and VWAP lines, then levels with their tags."""
        return [self.emas, self.vwap, self.levels]

    def set_visible(self, name: str, visible: bool) -> None:
        """Show or hide the overlay called ``name`` (see ``OVERLAYS``)."""
        if name not in self._by_name:
            raise ValueError(f"unknown overlay {name!r}; choose one of {', '.join(OVERLAYS)}")
        self._by_name[name].setVisible(visible)

    def is_visible(self, name: str) -> bool:
        """Whether the overlay called ``name`` is shown."""
        return bool(self._by_name[name].isVisible())

    def set_structure(self, structure: Structure | None) -> None:
        """Feed every overlay from ``structure`` (None clears them)."""
        if structure is None:
            self.levels.set_levels(empty(LEVEL_DTYPE))
            self.gaps.set_zones(empty(GAP_DTYPE))
            self.blocks.set_zones(empty(BLOCK_DTYPE))
            self.vwap.set_lines([])
            self.emas.set_lines([])
            return
        self.levels.set_levels(structure.levels)
        self.gaps.set_zones(structure.gaps)
        self.blocks.set_zones(structure.blocks)
        self.vwap.set_lines(self._vwap_lines(structure))
        self.emas.set_lines(self._ema_lines(structure))

    def legend(self, bar: int) -> list[tuple[str, float, QColor]]:
        """Name, value at bar ``bar`` and colour of each shown line (VWAP, then EMAs)."""
        return [*self.vwap.legend(bar), *self.emas.legend(bar)]

    @staticmethod
    def events_of(structure: Structure | None) -> StructArray:
        """The structure's events (none without a structure)."""
        return empty(EVENT_DTYPE) if structure is None else structure.events

    def _vwap_lines(self, structure: Structure) -> list[Line]:
        color = self.palette.vwap
        lines = [Line(structure.vwap, cosmetic_pen(color, 1.6), session_breaks=True, name="VWAP")]
        for i, (_, (upper, lower)) in enumerate(sorted(structure.vwap_bands.items())):
            # Solid, fainter further out: dotted antialiased pens cost ten times more to draw.
            band = cosmetic_pen(with_alpha(color, BAND_ALPHA // (i + 1)), 1.0)
            lines += [Line(values, band, session_breaks=True) for values in (upper, lower)]
        return lines

    def _ema_lines(self, structure: Structure) -> list[Line]:
        colors = self.palette.emas
        return [
            Line(values, cosmetic_pen(colors[i % len(colors)], 1.4), name=f"EMA {span}")
            for i, (span, values) in enumerate(sorted(structure.emas.items()))
        ]
