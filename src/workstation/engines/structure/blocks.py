"""Order blocks: the last opposite candle before a displacement that broke structure.

When a close breaks the latest swing high (a bullish BOS or CHOCH at bar
``j``), the move is looked at from the bar after that swing high up to ``j``:
the first bullish displacement candle ``d`` in it marks the impulse, and the
last bearish candle (close < open) before ``d`` is the bullish order block,
its range high..low. A break with no displacement in its leg, or no opposite
candle before the displacement, makes no block. Bearish blocks mirror this.
A candle becomes a block at most once per side (the first break that picks
it). A block is confirmed at the break and mitigated by the first later bar
trading back into it (low <= its high for a bullish block, high >= its low for
a bearish one). Blocks are ordered by (confirmed, side).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left

import numpy as np
import numpy.typing as npt

from workstation.domain.structure import BLOCK_DTYPE, NOT_YET, StructArray, StructureConfig
from workstation.engines.structure.breaks import displacement_side, structure_breaks
from workstation.engines.structure.reach import PriceReach
from workstation.engines.structure.swings import swing_points

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]
SideArray = npt.NDArray[np.int8]

_DEFAULT = StructureConfig()  # frozen, so one shared default is safe


def order_blocks(
    open: npt.ArrayLike,
    high: npt.ArrayLike,
    low: npt.ArrayLike,
    close: npt.ArrayLike,
    config: StructureConfig = _DEFAULT,
) -> StructArray:
    """Return the order blocks of a bar series (BLOCK_DTYPE), with their mitigation.

    Prices are dollars per share; swings use ``config.swing_length``,
    displacement ``config.displacement_k`` and ``config.range_window``.
    """
    o, h, lo, c = (np.asarray(x, dtype=np.float64) for x in (open, high, low, close))
    swings = swing_points(h, lo, config.swing_length)
    reach = PriceReach(h, lo, c)
    impulse = displacement_side(o, h, lo, c, config.displacement_k, config.range_window)
    breaks = structure_breaks(c, swings, reach)
    return find_blocks(o, h, lo, c, breaks, swings, impulse, reach)


def find_blocks(
    open: FloatArray,
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    breaks: StructArray,
    swings: StructArray,
    displacement: SideArray,
    reach: PriceReach,
) -> StructArray:
    """Order blocks from structure breaks (EVENT_DTYPE, ref = swing) and displacement sides."""
    confirmed, side, candle = [], [], []
    for s in (1, -1):
        mine = breaks[breaks["side"] == s]
        impulses = np.flatnonzero(displacement == s)
        opposite = np.flatnonzero(close < open if s > 0 else close > open)
        start = swings["bar"][mine["ref"]] + 1
        at = np.searchsorted(impulses, start)
        impulse = impulses[np.minimum(at, len(impulses) - 1)] if impulses.size else start
        before = np.searchsorted(opposite, impulse) - 1
        ok = (at < len(impulses)) & (impulse <= mine["bar"]) & (before >= 0)
        confirmed.append(mine["bar"][ok])
        side.append(np.full(int(ok.sum()), s, dtype=np.int8))
        candle.append(opposite[before[ok]] if opposite.size else before[ok])
    found = (np.concatenate(confirmed), np.concatenate(side), np.concatenate(candle))
    return _blocks(*found, high, low, reach)


def _blocks(
    confirmed: IndexArray,
    side: SideArray,
    candle: IndexArray,
    high: FloatArray,
    low: FloatArray,
    reach: PriceReach,
) -> StructArray:
    order = np.lexsort((side, confirmed))
    confirmed, side, candle = confirmed[order], side[order], candle[order]
    _, first = np.unique(candle * 2 + (side > 0), return_index=True)
    keep = np.sort(first)
    out = np.zeros(len(keep), dtype=BLOCK_DTYPE)
    out["bar"], out["confirmed"], out["side"] = candle[keep], confirmed[keep], side[keep]
    out["top"], out["bottom"] = high[out["bar"]], low[out["bar"]]
    up = out["side"] > 0
    after = out["confirmed"] + 1
    out["mitigated"][up] = reach.low_at_or_below(after[up], out["top"][up])
    out["mitigated"][~up] = reach.high_at_or_above(after[~up], out["bottom"][~up])
    return out


class BlockBook:
    """Incremental find_blocks: impulses, opposite candles, blocks and their mitigation."""

    def __init__(self) -> None:
        self.rows: list[list[float]] = []  # bar, confirmed, side, top, bottom, mitigated
        # per side: impulse bars and, for each, the last opposite candle (bar, high, low) before it
        self._impulse_bars: dict[int, list[int]] = {1: [], -1: []}
        self._impulse_origin: dict[int, list[tuple[int, float, float]]] = {1: [], -1: []}
        self._last_opposite: dict[int, tuple[int, float, float]] = {
            1: (-1, 0.0, 0.0),
            -1: (-1, 0.0, 0.0),
        }
        self._used: dict[int, set[int]] = {1: set(), -1: set()}
        self._bullish: list[tuple[float, int]] = []  # (-top, block): highest top first
        self._bearish: list[tuple[float, int]] = []  # (bottom, block): lowest bottom first

    def note_candle(
        self,
        bar: int,
        displacement: int,
        open: float,
        high: float,
        low: float,
        close: float,
    ) -> None:
        """Record this bar as an impulse (if it displaced) and as an opposite candle."""
        if displacement:
            self._impulse_bars[displacement].append(bar)
            self._impulse_origin[displacement].append(self._last_opposite[displacement])
        if close < open:
            self._last_opposite[1] = (bar, high, low)
        elif close > open:
            self._last_opposite[-1] = (bar, high, low)

    def mitigate(self, bar: int, high: float, low: float) -> None:
        """Mark the blocks this bar trades back into."""
        while self._bullish and -self._bullish[0][0] >= low:
            self.rows[heapq.heappop(self._bullish)[1]][5] = bar
        while self._bearish and self._bearish[0][0] <= high:
            self.rows[heapq.heappop(self._bearish)[1]][5] = bar

    def on_breaks(self, bar: int, breaks: list[tuple[int, int]]) -> None:
        """Form blocks from this bar's breaks, given as (side, bar of the broken swing)."""
        for side, swing_bar in sorted(breaks):
            impulses = self._impulse_bars[side]
            at = bisect_left(impulses, swing_bar + 1)
            if at == len(impulses):  # impulses are never later than this bar
                continue
            candle, high, low = self._impulse_origin[side][at]
            if candle < 0 or candle in self._used[side]:
                continue
            self._used[side].add(candle)
            index = len(self.rows)
            self.rows.append([candle, bar, side, high, low, NOT_YET])
            if side > 0:
                heapq.heappush(self._bullish, (-high, index))
            else:
                heapq.heappush(self._bearish, (low, index))

    def array(self) -> StructArray:
        """The blocks so far as a BLOCK_DTYPE array."""
        if not self.rows:
            return np.zeros(0, dtype=BLOCK_DTYPE)
        return np.array([tuple(r) for r in self.rows], dtype=BLOCK_DTYPE)
