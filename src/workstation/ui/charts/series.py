"""The bars one chart shows: OHLCV merged for display, timestamps and exchange times.

x in every chart layer is the bar index (bar ``i`` is centred on x = i), so
nights, weekends and holidays take no room. The series answers "which
candles are in view at this zoom" in time proportional to the view's width.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from workstation.domain.bars import BarArray, empty_bars
from workstation.ui.charts.merge import HIGH, LOW, VOLUME, BarPyramid, Candles, ohlcv_of
from workstation.ui.charts.time_axis import exchange_seconds

IntArray = npt.NDArray[np.int64]


class CandleSeries:
    """Bars (``BAR_DTYPE``, oldest first) held for drawing; live ticks update the tail.

    ``daily`` series are labelled with the bar's UTC calendar date (a daily
    bar's ts is its session date at or after midnight UTC), intraday series
    with the exchange's wall clock.
    """

    def __init__(self) -> None:
        self.daily = False
        self.version = 0  # bumps on every change: caches compare it
        self._pyramid = BarPyramid(np.empty((5, 0)))
        self._ts = np.zeros(0, np.int64)
        self._local = np.zeros(0, np.int64)
        self._size = 0
        self._cache: tuple[tuple[int, int, float, int], Candles] | None = None

    def __len__(self) -> int:
        return self._size

    def set_bars(self, bars: BarArray, daily: bool = False) -> None:
        """Show ``bars`` instead of whatever was loaded."""
        self.daily = daily
        self._pyramid = BarPyramid(ohlcv_of(bars))
        self._ts = bars["ts"].astype(np.int64)
        self._local = self._ts.copy() if daily else exchange_seconds(self._ts)
        self._size = len(bars)
        self.version += 1

    @property
    def ts(self) -> IntArray:
        """Bar open times, epoch seconds UTC."""
        return self._ts[: self._size]

    @property
    def local(self) -> IntArray:
        """Bar open times on the exchange wall clock (epoch seconds as if it were UTC)."""
        return self._local[: self._size]

    @property
    def ohlcv(self) -> npt.NDArray[np.float64]:
        """Rows open, high, low, close, volume; shape (5, n) (a view: do not modify)."""
        return self._pyramid.bars

    def bars(self) -> BarArray:
        """A copy of the series as a ``BAR_DTYPE`` array."""
        out = empty_bars(self._size)
        out["ts"] = self.ts
        for row, name in enumerate(_FIELDS):
            out[name] = self.ohlcv[row]
        return out

    def bar(self, index: int) -> np.void:
        """Bar ``index`` (negative counts from the end) as a ``BAR_DTYPE`` record."""
        out: np.void = empty_bars(1)[0]
        out["ts"] = self.ts[index]
        for row, name in enumerate(_FIELDS):
            out[name] = self.ohlcv[row, index]
        return out

    def replace_last(self, bar: np.void) -> None:
        """Replace the last bar (a ``BAR_DTYPE`` record: the forming bar moved)."""
        if int(bar["ts"]) != int(self.ts[-1]):
            raise ValueError("the replacement bar must open when the last bar opened")
        self._pyramid.replace_last(_values(bar))
        self.version += 1

    def append(self, bar: np.void) -> None:
        """Add a bar after the last one (a new bar opened)."""
        ts = int(bar["ts"])
        if self._size and ts <= int(self.ts[-1]):
            raise ValueError(f"bar at {ts} does not open after the last bar ({self.ts[-1]})")
        if self._size == self._ts.size:
            self._ts = np.resize(self._ts, max(16, 2 * self._size))
            self._local = np.resize(self._local, self._ts.size)
        self._ts[self._size] = ts
        self._local[self._size] = ts if self.daily else int(exchange_seconds([ts])[0])
        self._pyramid.append(_values(bar))
        self._size += 1
        self.version += 1

    def candles(self, first: int, stop: int, bars_per_pixel: float) -> Candles:
        """Candles covering bars ``[first, stop)`` at this zoom (cached for the last query)."""
        key = (first, stop, bars_per_pixel, self.version)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self._pyramid.candles(first, stop, bars_per_pixel))
        return self._cache[1]

    def price_range(self) -> tuple[float, float]:
        """Lowest low and highest high of all bars (O(1): the pyramid's top)."""
        if not self._size:
            return 0.0, 1.0
        top = self._pyramid.level(self._pyramid.depth - 1)
        return float(top[LOW, 0]), float(top[HIGH, 0])

    def volume_bound(self) -> float:
        """An upper bound on any bar's volume (all volume summed, O(1)), shares."""
        if not self._size:
            return 1.0
        top = self._pyramid.level(self._pyramid.depth - 1)
        return float(top[VOLUME, 0]) or 1.0

    def index_at(self, ts: int) -> int:
        """Index of the bar open at ``ts`` (the last bar opening at or before it), or -1."""
        return int(np.searchsorted(self.ts, ts, side="right")) - 1


_FIELDS = ("open", "high", "low", "close", "volume")


def _values(bar: np.void) -> list[float]:
    return [float(bar[f]) for f in _FIELDS]
