"""Merging bars for display: one candle per pixel column, however many bars are loaded.

Bars are held as a float array of shape (5, n): rows open, high, low, close
(dollars per share) and volume (shares). A ``BarPyramid`` keeps the bars
merged in aligned runs of 2, 4, 8, ... so that a zoomed-out view merges at most
``DETAIL`` times as many stored candles as it has pixel columns: the cost of a
view depends on its width in pixels, not on the number of bars.

Pixel buckets are aligned to bar index 0 (bucket ``j`` holds bars
``[j·b, (j+1)·b)`` for ``b`` bars per pixel, rounded to the pyramid level),
so panning at a fixed zoom shows the same merged candles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

OPEN, HIGH, LOW, CLOSE, VOLUME = range(5)
DETAIL = 8  # a merged bucket is exact to 1/DETAIL of a pixel column


def merge_buckets(ohlcv: FloatArray, starts: npt.ArrayLike) -> FloatArray:
    """Merge consecutive bars into buckets that begin at the bar indices ``starts``.

    ``ohlcv`` has shape (5, n); ``starts`` must be strictly increasing, begin at
    0 and stay below n. Each bucket runs to the next start (the last to the end).
    Returns shape (5, len(starts)): open of the bucket's first bar, highest
    high, lowest low, close of its last bar, summed volume.
    """
    first = np.asarray(starts, dtype=np.int64)
    n = ohlcv.shape[1]
    if first.size == 0:
        return np.empty((5, 0))
    if first[0] != 0 or first[-1] >= n or np.any(np.diff(first) <= 0):
        raise ValueError(f"bucket starts must rise strictly from 0 to below {n} bars")
    last = np.append(first[1:], n) - 1
    out = np.empty((5, first.size))
    out[OPEN] = ohlcv[OPEN, first]
    out[HIGH] = np.maximum.reduceat(ohlcv[HIGH], first)
    out[LOW] = np.minimum.reduceat(ohlcv[LOW], first)
    out[CLOSE] = ohlcv[CLOSE, last]
    out[VOLUME] = np.add.reduceat(ohlcv[VOLUME], first)
    return out


def bucket_edges(first: int, stop: int, bars_per_pixel: float, step: int) -> IntArray:
    """Bar indices where the pixel buckets overlapping bars ``[first, stop)`` begin and end.

    Bucket ``j`` begins at ``j · bars_per_pixel`` rounded down to a multiple of
    ``step`` bars (the pyramid level's run length). Returns the sorted, distinct
    edges clipped to ``[0, stop]``; consecutive edges bound one bucket.
    """
    j0 = math.floor(first / bars_per_pixel)
    j1 = math.ceil(stop / bars_per_pixel)
    js = np.arange(j0, j1 + 1, dtype=np.float64)
    edges = (np.floor(js * bars_per_pixel).astype(np.int64) // step) * step
    edges[-1] = stop  # the last bucket may end mid-run: it is cut at ``stop``
    edges = np.clip(edges, 0, stop)
    keep = np.empty(edges.size, dtype=bool)
    keep[:1] = True
    np.not_equal(edges[1:], edges[:-1], out=keep[1:])
    distinct: IntArray = edges[keep]
    return distinct


@dataclass(frozen=True, slots=True)
class Candles:
    """Candles to draw: candle ``i`` merges bars ``first[i]`` .. ``first[i] + count[i] - 1``.

    ``ohlcv`` has shape (5, len) like the bars (dollars per share, shares).
    """

    first: IntArray
    count: IntArray
    ohlcv: FloatArray

    def __len__(self) -> int:
        return int(self.first.size)

    @property
    def centre(self) -> FloatArray:
        """Bar-index position of each candle's middle (x in chart coordinates)."""
        centre: FloatArray = self.first + (self.count - 1) / 2.0
        return centre


class BarPyramid:
    """Bars plus the same bars merged in aligned runs of 2, 4, 8, ... (levels 1, 2, 3, ...).

    Level ``k`` candle ``j`` merges bars ``[j·2^k, (j+1)·2^k)``. The last bar
    can be replaced and bars appended in O(log n) (live ticks).
    """

    def __init__(self, ohlcv: FloatArray) -> None:
        base = np.array(ohlcv, dtype=np.float64, order="C", ndmin=2)
        if base.shape[0] != 5:
            raise ValueError(f"bars must have 5 rows (OHLCV), got shape {base.shape}")
        self._levels: list[FloatArray] = [base]
        self._lengths: list[int] = [base.shape[1]]
        while self._lengths[-1] > 1:
            below = self._levels[-1][:, : self._lengths[-1]]
            self._levels.append(_merge_pairs(below))
            self._lengths.append(self._levels[-1].shape[1])

    def __len__(self) -> int:
        return self._lengths[0]

    @property
    def bars(self) -> FloatArray:
        """The unmerged bars, shape (5, n) (a view: do not modify)."""
        return self._levels[0][:, : self._lengths[0]]

    def level(self, k: int) -> FloatArray:
        """Candles of level ``k`` (runs of 2^k bars), shape (5, ceil(n / 2^k))."""
        return self._levels[k][:, : self._lengths[k]]

    @property
    def depth(self) -> int:
        """Number of levels, the unmerged bars included."""
        return len(self._levels)

    def replace_last(self, bar: npt.ArrayLike) -> None:
        """Replace the last bar with ``bar`` (open, high, low, close, volume)."""
        if self._lengths[0] == 0:
            raise ValueError("there is no last bar to replace")
        self._levels[0][:, self._lengths[0] - 1] = np.asarray(bar, dtype=np.float64)
        self._refresh_tail()

    def append(self, bar: npt.ArrayLike) -> None:
        """Add ``bar`` (open, high, low, close, volume) after the last one."""
        self._reserve(0, self._lengths[0] + 1)
        self._levels[0][:, self._lengths[0]] = np.asarray(bar, dtype=np.float64)
        self._lengths[0] += 1
        self._refresh_tail()

    def candles(self, first: int, stop: int, bars_per_pixel: float) -> Candles:
        """Candles covering bars ``[first, stop)``: one per bar, or one per pixel column.

        Below one bar per pixel every bar is its own candle; above, bars merge
        into pixel buckets (see ``bucket_edges``) read from the coarsest level
        whose runs are at most 1/DETAIL of a bucket, so the work is
        O(pixels · DETAIL) whatever ``stop - first`` is.
        """
        first, stop = max(first, 0), min(stop, len(self))
        if stop <= first:
            return Candles(np.zeros(0, np.int64), np.zeros(0, np.int64), np.empty((5, 0)))
        if bars_per_pixel < 1.0:
            index = np.arange(first, stop, dtype=np.int64)
            return Candles(index, np.ones_like(index), self.bars[:, first:stop])
        k = min(max(0, math.floor(math.log2(bars_per_pixel / DETAIL))), self.depth - 1)
        step = 1 << k
        runs = bucket_edges(first, stop, bars_per_pixel, step) // step
        runs[-1] = -(-stop // step)  # whole runs: the last may reach past ``stop``
        merged = merge_buckets(self.level(k)[:, runs[0] : runs[-1]], runs[:-1] - runs[0])
        begins = runs[:-1] * step
        return Candles(begins, np.minimum(runs[1:] * step, len(self)) - begins, merged)

    def _reserve(self, k: int, length: int) -> None:
        level = self._levels[k]
        if level.shape[1] < length:
            grown = np.empty((5, max(length, 2 * level.shape[1], 16)))
            grown[:, : self._lengths[k]] = level[:, : self._lengths[k]]
            self._levels[k] = grown

    def _refresh_tail(self) -> None:
        """Recompute the last candle of every level from the one below (O(log n))."""
        n, k = self._lengths[0], 1
        while True:
            below = self._lengths[k - 1]
            if below <= 1 and k >= len(self._levels):
                return
            if k == len(self._levels):
                self._levels.append(np.empty((5, 16)))
                self._lengths.append(0)
            j = (n - 1) >> k
            self._reserve(k, j + 1)
            self._lengths[k] = j + 1
            self._levels[k][:, j] = _merge_pair(
                self._levels[k - 1], 2 * j, min(2 * j + 1, below - 1)
            )
            if self._lengths[k] == 1:
                del self._levels[k + 1 :], self._lengths[k + 1 :]
                return
            k += 1


def _merge_pairs(level: FloatArray) -> FloatArray:
    """Merge bars 2j and 2j+1 (an odd last bar stays alone): ``merge_buckets`` by twos."""
    n = level.shape[1]
    even, odd = level[:, 0::2], level[:, 1::2]
    m = odd.shape[1]
    out = even.copy()
    np.maximum(even[HIGH, :m], odd[HIGH], out=out[HIGH, :m])
    np.minimum(even[LOW, :m], odd[LOW], out=out[LOW, :m])
    out[CLOSE, :m] = odd[CLOSE]
    out[VOLUME, :m] += odd[VOLUME]
    assert out.shape[1] == (n + 1) // 2
    return out


def _merge_pair(level: FloatArray, a: int, b: int) -> FloatArray:
    out: FloatArray = np.array(
        [
            level[OPEN, a],
            max(level[HIGH, a], level[HIGH, b]),
            min(level[LOW, a], level[LOW, b]),
            level[CLOSE, b],
            level[VOLUME, a] + (level[VOLUME, b] if b != a else 0.0),
        ]
    )
    return out


def ohlcv_of(bars: npt.NDArray[Any]) -> FloatArray:
    """Rows open, high, low, close, volume of a ``BAR_DTYPE`` array, shape (5, n)."""
    out: FloatArray = np.stack([bars[f].astype(np.float64) for f in _FIELDS])
    return out.reshape(5, len(bars))


_FIELDS = ("open", "high", "low", "close", "volume")
