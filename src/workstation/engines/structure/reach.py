"""First bar at or after a start whose price reaches a threshold, for many queries at once.

Gap tags and fills, level sweeps, range breaks, broken swings and block
mitigation all ask the same question: "from bar ``s`` on, which is the first
bar whose low (high, close) reaches ``x``?". Answering it with a Python loop
over bars costs seconds on a million bars; here every query climbs a tree of
block minima (``BRANCH`` children per node) and comes back down, so a batch of
``q`` queries costs O(q · BRANCH · log n) vectorised work and nothing per bar.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

BRANCH = 32  # a power of two (blocks are built by pairwise halving)
_COLUMNS = np.arange(BRANCH)
_NEAR = np.arange(8)


class MinTree:
    """Block minima of a series, level by level, answering first-at-or-below queries."""

    def __init__(self, values: npt.ArrayLike) -> None:
        level = np.asarray(values, dtype=np.float64)
        self.size = len(level)
        self._levels: list[FloatArray] = []
        # One spare block at the bottom lets the near look-ahead read past the end.
        spare = BRANCH
        while True:
            padded = np.concatenate([level, np.full(-len(level) % BRANCH + spare, np.inf)])
            self._levels.append(padded)
            if len(padded) <= BRANCH:
                break
            level, spare = padded, 0
            while len(level) > len(padded) // BRANCH:  # pairwise halving beats min(axis=1)
                level = np.minimum(level[0::2], level[1::2])

    def first_at_or_below(
        self, starts: npt.ArrayLike, limits: npt.ArrayLike, *, strict: bool = False
    ) -> IndexArray:
        """Return, per query, the first index >= start whose value is <= limit (< if strict).

        ``-1`` where no such index exists. Starts below 0 count from 0.
        """
        first = np.maximum(np.asarray(starts, dtype=np.int64), 0)
        bound = np.asarray(limits, dtype=np.float64)
        out = np.full(len(first), -1, dtype=np.int64)
        live = np.flatnonzero(first < self.size)
        pos = first[live]
        # Most prices are reached within a few bars: look there before climbing the tree.
        hit = _reaches(self._levels[0][pos[:, None] + _NEAR], bound[live, None], strict)
        found = hit.any(axis=1)
        out[live[found]] = pos[found] + hit[found].argmax(axis=1)
        live, pos = live[~found], pos[~found] + len(_NEAR)
        for depth, level in enumerate(self._levels):
            keep = pos < len(level)
            live, pos = live[keep], pos[keep]
            if live.size == 0:
                break
            base = pos - pos % BRANCH
            hit = _reaches(level[base[:, None] + _COLUMNS], bound[live, None], strict)
            hit &= (pos - base)[:, None] <= _COLUMNS
            found = hit.any(axis=1)
            where = base[found] + hit[found].argmax(axis=1)
            out[live[found]] = self._descend(where, bound[live[found]], depth, strict)
            live, pos = live[~found], pos[~found] // BRANCH + 1
        return out

    def _descend(
        self, where: IndexArray, bound: FloatArray, depth: int, strict: bool
    ) -> IndexArray:
        """Walk from block ``where`` at ``depth`` down to the first qualifying bar."""
        for level in reversed(self._levels[:depth]):
            hit = _reaches(level[where[:, None] * BRANCH + _COLUMNS], bound[:, None], strict)
            where = where * BRANCH + hit.argmax(axis=1)
        return where


def _reaches(values: FloatArray, bound: FloatArray, strict: bool) -> BoolArray:
    reached: BoolArray = values < bound if strict else values <= bound
    return reached


class PriceReach:
    """First-reach searches over one bar series' highs, lows and closes (dollars per share).

    Trees are built on first use, so a caller asking only about lows pays for
    one tree; closes are needed only by the close searches. Every method takes
    arrays of start bars and price thresholds and returns bar indices, ``-1``
    for "never reached within the series".
    """

    def __init__(self, high: FloatArray, low: FloatArray, close: FloatArray | None = None) -> None:
        self._high = high
        self._low = low
        self._close = close

    @cached_property
    def _lows(self) -> MinTree:
        return MinTree(self._low)

    @cached_property
    def _highs(self) -> MinTree:
        return MinTree(-self._high)

    @cached_property
    def _closes(self) -> MinTree:
        return MinTree(self._closing())

    @cached_property
    def _closes_negated(self) -> MinTree:
        return MinTree(-self._closing())

    def _closing(self) -> FloatArray:
        if self._close is None:
            raise ValueError("close searches need the closes: pass close to PriceReach")
        return self._close

    def low_at_or_below(self, starts: IndexArray, prices: FloatArray) -> IndexArray:
        """First bar >= start whose low is at or below the price."""
        return self._lows.first_at_or_below(starts, prices)

    def low_below(self, starts: IndexArray, prices: FloatArray) -> IndexArray:
        """First bar >= start whose low is strictly below the price."""
        return self._lows.first_at_or_below(starts, prices, strict=True)

    def high_at_or_above(self, starts: IndexArray, prices: FloatArray) -> IndexArray:
        """First bar >= start whose high is at or above the price."""
        return self._highs.first_at_or_below(starts, -prices)

    def high_above(self, starts: IndexArray, prices: FloatArray) -> IndexArray:
        """First bar >= start whose high is strictly above the price."""
        return self._highs.first_at_or_below(starts, -prices, strict=True)

    def close_above(self, starts: IndexArray, prices: FloatArray) -> IndexArray:
        """First bar >= start that closes strictly above the price."""
        return self._closes_negated.first_at_or_below(starts, -prices, strict=True)

    def close_below(self, starts: IndexArray, prices: FloatArray) -> IndexArray:
        """First bar >= start that closes strictly below the price."""
        return self._closes.first_at_or_below(starts, prices, strict=True)

    def beyond(
        self, side: npt.NDArray[np.int8], starts: IndexArray, prices: FloatArray
    ) -> IndexArray:
        """First bar >= start trading strictly beyond the price: above for side +1, below for -1."""
        out = np.full(len(starts), -1, dtype=np.int64)
        up = side > 0
        out[up] = self.high_above(starts[up], prices[up])
        out[~up] = self.low_below(starts[~up], prices[~up])
        return out

    def close_beyond(
        self, side: npt.NDArray[np.int8], starts: IndexArray, prices: FloatArray
    ) -> IndexArray:
        """First bar >= start closing strictly beyond the price: above for side +1, below for -1."""
        out = np.full(len(starts), -1, dtype=np.int64)
        up = side > 0
        out[up] = self.close_above(starts[up], prices[up])
        out[~up] = self.close_below(starts[~up], prices[~up])
        return out
