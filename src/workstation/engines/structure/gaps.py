"""Fair value gaps: three-candle imbalances, with the bars that tag and fill them.

Around a middle candle ``i``, a bullish gap is the price range nobody traded
between the first candle's high and the third candle's low when
``low[i+1] > high[i-1]`` (top = low[i+1], bottom = high[i-1]); a bearish gap
mirrors it when ``high[i+1] < low[i-1]`` (top = low[i-1], bottom =
high[i+1]). The geometry alone decides; the middle candle's colour is not
checked (in continuous bars a gap's middle candle always runs its way; only an
opening gap can make it otherwise). A gap is confirmed on the third candle
(``i + 1``). From the bar after that, the first bar trading into it (low <=
top for a bullish gap, high >= bottom for a bearish one) tags it, and the
first bar trading through its far edge (low <= bottom, high >= top) fills it
(``mitigated``); one bar can do both, including the very next one.
"""

from __future__ import annotations

import heapq

import numpy as np
import numpy.typing as npt

from workstation.domain.structure import GAP_DTYPE, NOT_YET, StructArray, empty
from workstation.engines.structure.reach import PriceReach

FloatArray = npt.NDArray[np.float64]


def fair_value_gaps(
    open: npt.ArrayLike,
    high: npt.ArrayLike,
    low: npt.ArrayLike,
    close: npt.ArrayLike,
) -> StructArray:
    """Return bullish (+1) and bearish (-1) fair value gaps as a GAP_DTYPE array.

    Prices are dollars per share, oldest first; ``open`` is accepted for the
    uniform OHLC signature and checked for length only (see the module notes
    on why candle colour does not enter).
    """
    highs = np.asarray(high, dtype=np.float64)
    lows = np.asarray(low, dtype=np.float64)
    closes = np.asarray(close, dtype=np.float64)
    if not len(np.asarray(open)) == len(highs) == len(lows) == len(closes):
        raise ValueError("open, high, low and close must have the same length")
    return find_gaps(highs, lows, PriceReach(highs, lows, closes))


def find_gaps(high: FloatArray, low: FloatArray, reach: PriceReach) -> StructArray:
    """Fair value gaps of a series whose first-reach searches are ``reach``'s."""
    if len(high) < 3:
        return empty(GAP_DTYPE)
    up = low[2:] > high[:-2]
    down = high[2:] < low[:-2]
    middle = np.flatnonzero(up | down) + 1
    out = np.zeros(len(middle), dtype=GAP_DTYPE)
    out["bar"] = middle
    out["confirmed"] = middle + 1
    bullish = up[middle - 1]
    out["side"] = np.where(bullish, 1, -1)
    out["top"] = np.where(bullish, low[middle + 1], low[middle - 1])
    out["bottom"] = np.where(bullish, high[middle - 1], high[middle + 1])
    after = middle + 2
    bull, bear = np.flatnonzero(bullish), np.flatnonzero(~bullish)
    for field, bull_edge, bear_edge in (
        ("tagged", "top", "bottom"),
        ("mitigated", "bottom", "top"),
    ):
        out[field][bull] = reach.low_at_or_below(after[bull], out[bull_edge][bull])
        out[field][bear] = reach.high_at_or_above(after[bear], out[bear_edge][bear])
    return out


class GapBook:
    """Incremental fair_value_gaps: detects gaps and their tags and fills bar by bar.

    Open gaps sit in heaps keyed on the edge a bar must reach, so each bar
    looks only at the gaps it actually touches.
    """

    def __init__(self) -> None:
        self.rows: list[list[float]] = []  # bar, confirmed, side, top, bottom, tagged, mitigated
        self._highs: list[float] = []
        self._lows: list[float] = []
        # (key, gap) heaps: bullish gaps by -edge (max first), bearish by edge (min first)
        self._untagged_bull: list[tuple[float, int]] = []
        self._unfilled_bull: list[tuple[float, int]] = []
        self._untagged_bear: list[tuple[float, int]] = []
        self._unfilled_bear: list[tuple[float, int]] = []

    def update(self, bar: int, high: float, low: float) -> list[int]:
        """Take bar ``bar``; return the indices of the gaps it tags (in index order)."""
        tagged = self._reach(bar, high, low)
        self._detect(bar, high, low)
        return tagged

    def _reach(self, bar: int, high: float, low: float) -> list[int]:
        tagged: list[int] = []
        for heap, bullish, field in (
            (self._untagged_bull, True, 5),
            (self._untagged_bear, False, 5),
            (self._unfilled_bull, True, 6),
            (self._unfilled_bear, False, 6),
        ):
            while heap and (-heap[0][0] >= low if bullish else heap[0][0] <= high):
                gap = heapq.heappop(heap)[1]
                self.rows[gap][field] = bar
                if field == 5:
                    tagged.append(gap)
        return sorted(tagged)

    def _detect(self, bar: int, high: float, low: float) -> None:
        self._highs.append(high)
        self._lows.append(low)
        if len(self._highs) > 3:
            del self._highs[0], self._lows[0]
        if len(self._highs) < 3:
            return
        first_high, first_low = self._highs[0], self._lows[0]
        gap = len(self.rows)
        if low > first_high:
            self.rows.append([bar - 1, bar, 1, low, first_high, NOT_YET, NOT_YET])
            heapq.heappush(self._untagged_bull, (-low, gap))
            heapq.heappush(self._unfilled_bull, (-first_high, gap))
        elif high < first_low:
            self.rows.append([bar - 1, bar, -1, first_low, high, NOT_YET, NOT_YET])
            heapq.heappush(self._untagged_bear, (high, gap))
            heapq.heappush(self._unfilled_bear, (first_low, gap))

    def array(self) -> StructArray:
        """The gaps so far as a GAP_DTYPE array."""
        return _rows_to_array(self.rows)


def _rows_to_array(rows: list[list[float]]) -> StructArray:
    if not rows:
        return empty(GAP_DTYPE)
    return np.array([tuple(r) for r in rows], dtype=GAP_DTYPE)
