"""StructureTracker: the structure engine bar by bar, for live data.

Each part of analyze() has an incremental twin next to its batch function
(SwingWatch, SessionLevels, LevelBook, GapBook, DisplacementWatch,
BreakWatch, BlockBook, RangeWatch, SessionVwap, VwapWatch, EmaLine). They
apply the same definitions with the same floating-point operations, so after
any number of bars ``tracker.structure()`` equals ``analyze`` of those bars,
field for field (property-tested). An update is plain Python on scalars; its
cost does not grow with history.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from workstation.domain.bars import BAR_DTYPE
from workstation.domain.structure import (
    EVENT_DTYPE,
    NOT_YET,
    SWING_DTYPE,
    EventKind,
    StructArray,
    Structure,
    StructureConfig,
)
from workstation.engines.structure.averages import EmaLine
from workstation.engines.structure.blocks import BlockBook
from workstation.engines.structure.breaks import BreakWatch, DisplacementWatch, EventRow
from workstation.engines.structure.events import RangeWatch, VwapWatch
from workstation.engines.structure.gaps import GapBook
from workstation.engines.structure.liquidity import LevelBook
from workstation.engines.structure.session_levels import SessionLevels
from workstation.engines.structure.sessions import REGULAR_OPEN_MINUTE, bar_clock
from workstation.engines.structure.swings import SwingRow, SwingWatch
from workstation.engines.structure.vwap import SessionVwap

BarInput = Any  # a BAR_DTYPE record or a (ts, open, high, low, close, volume) tuple

_DEFAULT = StructureConfig()  # frozen, so one shared default is safe


class StructureTracker:
    """Feed bars one at a time (oldest first); get the events each bar makes knowable."""

    def __init__(self, config: StructureConfig = _DEFAULT) -> None:
        self.config = config
        self._count = 0
        self._last_ts: int | None = None
        self._swings: list[SwingRow] = []
        self._swing_watch = SwingWatch(config.swing_length)
        self._sessions = SessionLevels(config.opening_range_minutes)
        self._levels = LevelBook(config.equal_tolerance)
        self._gaps = GapBook()
        self._impulse = DisplacementWatch(config.displacement_k, config.range_window)
        self._breaks = BreakWatch()
        self._blocks = BlockBook()
        self._ranges = RangeWatch()
        self._vwap = SessionVwap()
        self._vwap_events = VwapWatch()
        self._vwap_values: list[float] = []
        self._sigma_values: list[float] = []
        self._emas = {span: EmaLine(span) for span in config.ema_spans}
        self._ema_values: dict[int, list[float]] = {span: [] for span in config.ema_spans}
        self._events: list[EventRow] = []

    def __len__(self) -> int:
        return self._count

    def update(self, bar: BarInput) -> StructArray:
        """Take the next bar; return the events it makes knowable (EVENT_DTYPE, by kind, ref).

        Raises ValueError when the bar does not open after the previous one.
        """
        ts, open_, high, low, close, volume = _fields(bar)
        if self._last_ts is not None and ts <= self._last_ts:
            raise ValueError(
                f"bar at ts={ts} does not open after the previous one ({self._last_ts})"
            )
        self._last_ts = ts
        i = self._count
        self._count += 1
        day, minute, week = bar_clock(ts)
        swings = self._swing_watch.update(i, high, low)
        refs = range(len(self._swings), len(self._swings) + len(swings))
        self._swings += swings
        found = self._liquidity(i, day, minute, week, swings, high, low, close)
        found += [_tag(i, gap, self._gaps.rows[gap]) for gap in self._gaps.update(i, high, low)]
        found += self._trend(i, open_, high, low, close, list(zip(refs, swings, strict=True)))
        found += self._ranges.update(i, day, close)
        found += self._session_vwap(i, day, minute >= REGULAR_OPEN_MINUTE, high, low, close, volume)
        for span, line in self._emas.items():
            self._ema_values[span].append(line.update(close))
        found.sort(key=lambda event: (event[1], event[4]))
        self._events += found
        return np.array(found, dtype=EVENT_DTYPE)

    def _liquidity(
        self,
        i: int,
        day: int,
        minute: int,
        week: int,
        swings: list[SwingRow],
        high: float,
        low: float,
        close: float,
    ) -> list[EventRow]:
        session = self._sessions.update(i, day, minute, week, high, low)
        self._ranges.add(self._levels.add(swings, session))
        found: list[EventRow] = []
        for level in self._levels.sweep(i, high, low):
            row = self._levels.rows[level]
            side, price = int(row[1]), row[2]
            if (close <= price) if side > 0 else (close >= price):
                found.append((i, int(EventKind.SWEEP), side, price, level))
        return found

    def _trend(
        self,
        i: int,
        open_: float,
        high: float,
        low: float,
        close: float,
        swings: list[tuple[int, SwingRow]],
    ) -> list[EventRow]:
        found: list[EventRow] = []
        side = self._impulse.update(open_, high, low, close)
        if side:
            found.append((i, int(EventKind.DISPLACEMENT), side, close, NOT_YET))
        self._blocks.note_candle(i, side, open_, high, low, close)
        self._blocks.mitigate(i, high, low)
        breaks = self._breaks.update(i, close, [(ref, row[2], row[3]) for ref, row in swings])
        self._blocks.on_breaks(i, [(b[2], self._swings[b[4]][0]) for b in breaks])
        return found + breaks

    def _session_vwap(
        self, i: int, day: int, regular: bool, high: float, low: float, close: float, volume: float
    ) -> list[EventRow]:
        vwap, sigma = self._vwap.update(day, regular, high, low, close, volume)
        self._vwap_values.append(vwap)
        self._sigma_values.append(sigma)
        return self._vwap_events.update(i, day, vwap, high, low, close)

    def structure(self) -> Structure:
        """Everything known after the last bar, equal to ``analyze`` of the bars so far."""
        vwap = np.array(self._vwap_values, dtype=np.float64)
        sigma = np.array(self._sigma_values, dtype=np.float64)
        bands = {m: (vwap + m * sigma, vwap - m * sigma) for m in self.config.vwap_bands}
        emas = {span: np.array(v, dtype=np.float64) for span, v in self._ema_values.items()}
        return Structure(
            swings=np.array(self._swings, dtype=SWING_DTYPE),
            levels=self._levels.array(),
            gaps=self._gaps.array(),
            blocks=self._blocks.array(),
            events=np.array(self._events, dtype=EVENT_DTYPE),
            vwap=vwap,
            vwap_bands=bands,
            emas=emas,
        )


def _fields(bar: BarInput) -> tuple[int, float, float, float, float, float]:
    if isinstance(bar, np.void):
        if bar.dtype != BAR_DTYPE:
            raise ValueError(f"bar has dtype {bar.dtype}, expected {BAR_DTYPE}")
        bar = bar.item()
    ts, open_, high, low, close, volume = bar
    return int(ts), float(open_), float(high), float(low), float(close), float(volume)


def _tag(bar: int, gap: int, row: list[float]) -> EventRow:
    side = int(row[2])
    return (bar, int(EventKind.FVG_TAG), side, row[3] if side > 0 else row[4], gap)
