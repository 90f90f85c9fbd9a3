"""Session VWAP with standard-deviation bands, and VWAP anchored at any bar.

VWAP weighs each bar's typical price (high + low + close) / 3 by its volume
(shares). The session VWAP starts afresh at each regular session's first bar
(09:30 ET) and covers regular-session bars only: pre-market, overnight and
after-hours bars neither enter it nor get a value (NaN), because their thin
volume would drag the day's reference price to where little traded. The bands
are VWAP ± m·σ, σ being the volume-weighted standard deviation of typical
price since the session opened. While no volume has traded (index bars carry
none) VWAP is NaN.

Sums run over deviations from the session's first typical price rather than
over raw prices, so the variance does not lose its digits to cancellation.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from workstation.engines.structure.sessions import SessionClock, session_clock

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]
Bands = dict[float, tuple[FloatArray, FloatArray]]

NAN = float("nan")


def session_vwap(
    ts: npt.ArrayLike,
    high: npt.ArrayLike,
    low: npt.ArrayLike,
    close: npt.ArrayLike,
    volume: npt.ArrayLike,
    bands: tuple[float, ...] = (1.0, 2.0),
) -> tuple[FloatArray, Bands]:
    """Return session VWAP per bar and, per band multiple, its (upper, lower) band arrays.

    ``ts`` are bar open times (epoch seconds UTC, increasing), prices dollars
    per share, volumes shares; band multiples are standard deviations.
    """
    h, lo, c, v = (np.asarray(x, dtype=np.float64) for x in (high, low, close, volume))
    return clocked_vwap(session_clock(ts), h, lo, c, v, bands)


def clocked_vwap(
    clock: SessionClock,
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    volume: FloatArray,
    bands: tuple[float, ...],
) -> tuple[FloatArray, Bands]:
    """session_vwap for bars whose session clock is already known."""
    vwap = np.full(len(high), np.nan)
    sigma = np.full(len(high), np.nan)
    regular = np.flatnonzero(clock.regular)
    if regular.size:
        day = clock.day[regular]
        starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
        typical = (high[regular] + low[regular] + close[regular]) / 3.0
        vwap[regular], sigma[regular] = _weighted(typical, volume[regular], starts)
    return vwap, {m: (vwap + m * sigma, vwap - m * sigma) for m in bands}


def anchored_vwap(
    high: npt.ArrayLike,
    low: npt.ArrayLike,
    close: npt.ArrayLike,
    volume: npt.ArrayLike,
    from_bar: int,
) -> FloatArray:
    """Return VWAP of typical price from bar ``from_bar`` on (NaN before it and before any volume).

    Prices are dollars per share, volume shares; no session reset.
    """
    highs = np.asarray(high, dtype=np.float64)
    out = np.full(len(highs), np.nan)
    if not 0 <= from_bar < len(highs):
        raise ValueError(f"anchor bar {from_bar} is outside the {len(highs)} bars")
    sl = slice(from_bar, None)
    typical = (highs[sl] + np.asarray(low, np.float64)[sl] + np.asarray(close, np.float64)[sl]) / 3
    out[sl] = _weighted(typical, np.asarray(volume, np.float64)[sl], np.zeros(1, np.int64))[0]
    return out


def _weighted(
    typical: FloatArray, volume: FloatArray, starts: IndexArray
) -> tuple[FloatArray, FloatArray]:
    """Running volume-weighted mean and standard deviation, restarting at each start."""
    lengths = np.diff(np.r_[starts, len(typical)])
    anchor = np.repeat(typical[starts], lengths)
    deviation = typical - anchor
    weighted = volume * deviation
    sums = _running(np.stack([volume, weighted, weighted * deviation]), starts, lengths)
    traded = sums[0] > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = sums[1] / sums[0]
        variance = np.maximum(sums[2] / sums[0] - mean * mean, 0.0)
    vwap = np.where(traded, anchor + mean, np.nan)
    return vwap, np.where(traded, np.sqrt(variance), np.nan)


def _running(values: FloatArray, starts: IndexArray, lengths: IndexArray) -> FloatArray:
    """Cumulative sums along the last axis restarting at each start, added left to right.

    Sessions are laid out as rows of a zero-padded grid so one cumsum does them
    all; the additions are those of a live running total, bit for bit.
    """
    n, width = values.shape[-1], int(lengths.max())
    if len(starts) * width == n:  # equal sessions back to back: the grid is a reshape
        grid: FloatArray = np.cumsum(values.reshape(len(values), len(starts), width), axis=2)
        return grid.reshape(values.shape)
    if len(starts) * width > 4 * n + 4096:  # very uneven sessions: one at a time
        pieces = [
            np.cumsum(values[:, s : s + k], axis=1) for s, k in zip(starts, lengths, strict=True)
        ]
        return np.concatenate(pieces, axis=1)
    cell = np.arange(n) + np.repeat(np.arange(len(starts)) * width - starts, lengths)
    grid = np.zeros((len(values), len(starts) * width))
    grid[:, cell] = values
    running = np.cumsum(grid.reshape(len(values), len(starts), width), axis=2)
    out: FloatArray = running.reshape(len(values), -1)[:, cell]
    return out


class SessionVwap:
    """Incremental session_vwap: the same sums, carried bar by bar."""

    def __init__(self) -> None:
        self._day: int | None = None
        self._anchor = 0.0
        self._volume = self._weighted = self._squared = 0.0

    def update(
        self, day: int, regular: bool, high: float, low: float, close: float, volume: float
    ) -> tuple[float, float]:
        """Take one bar; return (VWAP, σ) after it, NaN outside the regular session."""
        if not regular:
            self._day = None
            return NAN, NAN
        typical = (high + low + close) / 3.0
        if day != self._day:
            self._day, self._anchor = day, typical
            self._volume = self._weighted = self._squared = 0.0
        deviation = typical - self._anchor
        weighted = volume * deviation
        self._volume += volume
        self._weighted += weighted
        self._squared += weighted * deviation
        if not self._volume > 0:
            return NAN, NAN
        mean = self._weighted / self._volume
        variance = max(self._squared / self._volume - mean * mean, 0.0)
        return self._anchor + mean, math.sqrt(variance)
