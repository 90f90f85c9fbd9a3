"""Liquidity levels: equal highs/lows plus session levels, and the bar that sweeps each.

Levels are ordered by (confirmed, kind, side). A level is swept by the first
bar, from its confirmation bar on, that trades strictly beyond it: a high
above a buy-side level, a low below a sell-side one. (An equal-highs level
cannot be swept on its confirmation bar: that bar's high is at most the
swing's.) The sweep bar is recorded whether or not it closes back inside;
the SWEEP event (events.py) needs the close back inside on that same bar.
"""

from __future__ import annotations

import heapq

import numpy as np
import numpy.typing as npt

from workstation.domain.structure import (
    LEVEL_DTYPE,
    NOT_YET,
    LevelKind,
    StructArray,
    StructureConfig,
    empty,
)
from workstation.engines.structure.equal import EqualRun, equal_levels
from workstation.engines.structure.reach import PriceReach
from workstation.engines.structure.session_levels import LevelRow, session_levels
from workstation.engines.structure.sessions import SessionClock, session_clock
from workstation.engines.structure.swings import SwingRow, swing_points

FloatArray = npt.NDArray[np.float64]

PRICE, LAST, TOUCHES, SWEPT = 2, 4, 6, 7  # LevelRow fields
_EQUAL_FIELDS = ("side", "price", "first", "last", "confirmed", "touches")

_DEFAULT = StructureConfig()  # frozen, so one shared default is safe


def liquidity_levels(
    ts: npt.ArrayLike,
    high: npt.ArrayLike,
    low: npt.ArrayLike,
    config: StructureConfig = _DEFAULT,
) -> StructArray:
    """Return all liquidity levels of a bar series as a LEVEL_DTYPE array, with sweeps.

    ``ts`` are bar open times (epoch seconds UTC, increasing); prices are
    dollars per share. Swings use ``config.swing_length``, equal highs/lows
    ``config.equal_tolerance`` (a fraction of price), the opening range
    ``config.opening_range_minutes``.
    """
    highs = np.asarray(high, dtype=np.float64)
    lows = np.asarray(low, dtype=np.float64)
    swings = swing_points(highs, lows, config.swing_length)
    reach = PriceReach(highs, lows)
    return find_levels(session_clock(ts), highs, lows, swings, config, reach)


def find_levels(
    clock: SessionClock,
    high: FloatArray,
    low: FloatArray,
    swings: StructArray,
    config: StructureConfig,
    reach: PriceReach,
) -> StructArray:
    """Levels of a series whose clock, swings and first-reach searches are given."""
    rows = equal_levels(swings, config.equal_tolerance)
    equal = np.zeros(len(rows), dtype=LEVEL_DTYPE)
    table = np.array(rows, dtype=np.float64).reshape(len(rows), len(_EQUAL_FIELDS))
    for column, field in enumerate(_EQUAL_FIELDS):
        equal[field] = table[:, column]
    equal["kind"] = LevelKind.EQUAL
    levels = np.concatenate([equal, session_levels(clock, high, low, config.opening_range_minutes)])
    levels = levels[np.lexsort((levels["side"], levels["kind"], levels["confirmed"]))]
    levels["swept"] = reach.beyond(levels["side"], levels["confirmed"], levels["price"])
    return levels


class LevelBook:
    """Incremental find_levels: keeps the level rows, extends equal runs, records sweeps."""

    def __init__(self, tolerance: float) -> None:
        self.rows: list[LevelRow] = []
        self._runs = {side: EqualRun(side, tolerance) for side in (-1, 1)}
        self._run_level = {-1: NOT_YET, 1: NOT_YET}
        self._buy_side: list[tuple[float, int]] = []  # (price, level): lowest first
        self._sell_side: list[tuple[float, int]] = []  # (-price, level): highest first

    def add(
        self, swings: list[SwingRow], session: list[tuple[LevelRow, int]]
    ) -> list[tuple[int, LevelRow, int]]:
        """Add the levels confirmed on this bar; return (index, row, break-window day) of each."""
        pending = [(row, NOT_YET) for row in self._equal_rows(swings)] + session
        pending.sort(key=lambda item: (item[0][0], item[0][1]))
        added = []
        for row, day in pending:
            index = len(self.rows)
            self.rows.append(row)
            if row[0] == LevelKind.EQUAL:
                self._run_level[int(row[1])] = index
            heap = self._buy_side if row[1] > 0 else self._sell_side
            heapq.heappush(heap, (row[PRICE] if row[1] > 0 else -row[PRICE], index))
            added.append((index, row, day))
        return added

    def _equal_rows(self, swings: list[SwingRow]) -> list[LevelRow]:
        rows: list[LevelRow] = []
        for bar, confirmed, side, price in swings:
            run = self._runs[side]
            if not run.offer(bar, price):
                continue
            if run.touches == 2:
                rows.append([float(LevelKind.EQUAL), *run.level_row(bar, confirmed), NOT_YET])
            else:
                level = self.rows[self._run_level[side]]
                level[LAST], level[TOUCHES] = bar, run.touches
        return rows

    def sweep(self, bar: int, high: float, low: float) -> list[int]:
        """Record the levels this bar trades through; return their indices in order."""
        swept: list[int] = []
        while self._buy_side and self._buy_side[0][0] < high:
            swept.append(heapq.heappop(self._buy_side)[1])
        while self._sell_side and -self._sell_side[0][0] > low:
            swept.append(heapq.heappop(self._sell_side)[1])
        for index in swept:
            self.rows[index][SWEPT] = bar
        return sorted(swept)

    def array(self) -> StructArray:
        """The levels so far as a LEVEL_DTYPE array."""
        if not self.rows:
            return empty(LEVEL_DTYPE)
        return np.array([tuple(r) for r in self.rows], dtype=LEVEL_DTYPE)
