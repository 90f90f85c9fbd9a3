"""Minute paths of the demo market and the bars built from them.

Each session's path is a Brownian bridge in log price from the open (prior
close x overnight gap) to the session's daily close, with U-shaped intraday
volatility and U-shaped volume (heavy at the open and the close). Minute
moves are correlated with the market's minutes (negatively for the VIX).
Daily bars are always the aggregation of the rounded minute bars, so the
two agree exactly. Arrays are (sessions x 390); a half day uses its first
210 columns. Prices are dollars per share (points for indices), rounded to
cents; volumes are shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workstation.adapters.marketdata.demo import seeds
from workstation.adapters.marketdata.demo.daily import SymbolPath
from workstation.adapters.marketdata.demo.seeds import MINUTES_PER_DAY_MAX, FloatArray
from workstation.domain.bars import BarArray, empty_bars
from workstation.engines.sessions import SessionSchedule

BoolArray = npt.NDArray[np.bool_]
OVERNIGHT_VARIANCE_SHARE = 0.25
VIX_DAILY_VARIANCE = 0.85**2 / 252.0  # vol of vol, per session
WICK = 0.6  # intra-minute extremes, in minute standard deviations


@dataclass(frozen=True, slots=True, eq=False)
class MinutePaths:
    """Unrounded minute OHLC of consecutive sessions, (sessions x 390) each."""

    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray

    def scaled(self, ratio: FloatArray) -> MinutePaths:
        """Return the paths multiplied by a per-session ratio (an ETF on its index)."""
        r = ratio[:, None]
        return MinutePaths(self.open * r, self.high * r, self.low * r, self.close * r)


@dataclass(frozen=True, slots=True, eq=False)
class MinuteSessions:
    """Rounded minute bars of consecutive sessions with their schedule.

    Columns at or beyond ``schedule.minutes[i]`` are padding and hold no bar.
    """

    schedule: SessionSchedule
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    volume: FloatArray

    @property
    def valid(self) -> BoolArray:
        """Return the mask of real minutes (False on half-day padding)."""
        return minute_mask(self.schedule)

    def daily_bars(self) -> BarArray:
        """Return one bar per session, the exact aggregate of its minute bars."""
        valid, last = self.valid, self.schedule.minutes - 1
        rows = np.arange(len(self.schedule))
        bars = empty_bars(len(self.schedule))
        bars["ts"] = self.schedule.opens
        bars["open"] = self.open[:, 0]
        bars["high"] = np.max(np.where(valid, self.high, -np.inf), axis=1)
        bars["low"] = np.min(np.where(valid, self.low, np.inf), axis=1)
        bars["close"] = self.close[rows, last]
        bars["volume"] = np.sum(np.where(valid, self.volume, 0.0), axis=1)
        return bars

    def minute_bars(self, first: int, last: int) -> BarArray:
        """Return the minute bars of sessions ``first`` to ``last`` (row indices, exclusive)."""
        valid = self.valid[first:last]
        ts = self.schedule.opens[first:last, None] + 60 * np.arange(MINUTES_PER_DAY_MAX)
        bars = empty_bars(int(valid.sum()))
        bars["ts"] = ts[valid]
        for name in ("open", "high", "low", "close", "volume"):
            bars[name] = getattr(self, name)[first:last][valid]
        return bars


def minute_mask(schedule: SessionSchedule) -> BoolArray:
    """Return (sessions x 390) True where the session has that minute."""
    mask: BoolArray = np.arange(MINUTES_PER_DAY_MAX)[None, :] < schedule.minutes[:, None]
    return mask


def _u_shape(
    minutes: npt.NDArray[np.int64],
    open_weight: float,
    open_decay: float,
    close_weight: float,
    close_decay: float,
) -> FloatArray:
    """Return per-minute weights summing to 1 per session, heavy at the open and the close."""
    j = np.arange(MINUTES_PER_DAY_MAX)[None, :].astype(float)
    to_close = (minutes[:, None] - 1 - j).clip(min=0)
    shape = (
        1.0 + open_weight * np.exp(-j / open_decay) + close_weight * np.exp(-to_close / close_decay)
    )
    shape = np.where(j < minutes[:, None], shape, 0.0)
    weights: FloatArray = shape / shape.sum(axis=1, keepdims=True)
    return weights


def simulate_paths(
    path: SymbolPath,
    rows: npt.NDArray[np.int64],
    schedule: SessionSchedule,
    market_noise: FloatArray,
    seed: int,
) -> MinutePaths:
    """Return unrounded minute paths for the sessions at ``rows`` of a daily path.

    ``market_noise`` holds the market's standard normal minute draws for the
    same sessions; a symbol's minute shocks load on them with its market
    correlation.
    """
    symbol, corr = path.spec.symbol, path.spec.market_corr
    own = seeds.minute_draws(seed, symbol, "minute", schedule.days)
    shocks = corr * market_noise + np.sqrt(1.0 - corr * corr) * own
    weights = _u_shape(schedule.minutes, 1.6, 25.0, 0.9, 20.0)
    sigma = np.sqrt(path.variance[rows] * (1.0 - OVERNIGHT_VARIANCE_SHARE))
    minute_sd = sigma[:, None] * np.sqrt(weights)
    log_open = np.log(path.close[rows - 1]) + path.gap[rows]
    log_path = _bridge(minute_sd * shocks, weights, np.log(path.close[rows]) - log_open)
    close = np.exp(log_open[:, None] + log_path)
    open_ = np.exp(log_open[:, None] + np.pad(log_path[:, :-1], ((0, 0), (1, 0))))
    high_draw = np.abs(seeds.minute_draws(seed, symbol, "minute-high", schedule.days))
    low_draw = np.abs(seeds.minute_draws(seed, symbol, "minute-low", schedule.days))
    high = np.maximum(open_, close) * np.exp(WICK * minute_sd * high_draw)
    low = np.minimum(open_, close) * np.exp(-WICK * minute_sd * low_draw)
    return MinutePaths(open_, high, low, close)


def _bridge(increments: FloatArray, weights: FloatArray, target: FloatArray) -> FloatArray:
    """Pin each row's random walk to end at ``target`` (time runs with the weights)."""
    walk = np.cumsum(increments * (weights > 0.0), axis=1)
    clock = np.cumsum(weights, axis=1)
    end = walk[:, -1]  # padding adds nothing, so the last column is the session's end
    bridged: FloatArray = walk - clock * (end - target)[:, None]
    return bridged


def minute_volumes(
    path: SymbolPath,
    rows: npt.NDArray[np.int64],
    schedule: SessionSchedule,
    shocks: FloatArray,
    seed: int,
) -> FloatArray:
    """Return shares per minute: the session's volume spread on a U shape, more on big moves."""
    if path.spec.volume <= 0.0:
        return np.zeros((len(rows), MINUTES_PER_DAY_MAX))
    noise = seeds.minute_draws(seed, path.spec.symbol, "minute-volume", schedule.days)
    weights = _u_shape(schedule.minutes, 2.0, 20.0, 2.5, 15.0)
    weights = weights * np.exp(0.35 * noise) * (0.7 + 0.35 * np.abs(shocks))
    weights /= weights.sum(axis=1, keepdims=True)
    volume: FloatArray = np.rint(path.volume[rows, None] * weights)
    return volume


def rounded_sessions(
    paths: MinutePaths, volume: FloatArray, schedule: SessionSchedule
) -> MinuteSessions:
    """Round prices to cents and pack them with volumes into MinuteSessions."""
    o, h, lo, c = (np.round(a, 2) for a in (paths.open, paths.high, paths.low, paths.close))
    return MinuteSessions(schedule, o, h, lo, c, volume)
