"""IV rank, IV percentile and the volatility regime they imply.

Units: implied vols are decimals (0.20 = 20 %); rank and percentile are on
a 0-100 display scale; a window is counted in sessions, i.e. the rows of
the history (which holds trading days only), not in calendar days.

Conventions (and why):
- The history holds sessions BEFORE ``as_of``; today is ``current_iv``.
  A history row dated ``as_of`` or later is ignored, so today's value is
  never counted twice. The window is the last ``window_sessions`` (252,
  about 52 weeks) sessions with a finite IV; NaN rows are skipped.
- IV rank = 100 x (current - low) / (high - low), where low and high span
  the window AND today's IV, so a new 52-week high reads 100, not 105.
  NaN when high == low (a flat history gives no range to rank in).
- IV percentile = 100 x share of the window's sessions whose IV is
  strictly below today's.
- With fewer than ``min_observations`` sessions (default 20) both are
  NaN; with fewer than the full window they are computed on what exists
  and ``observations`` says how many sessions that was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import Enum

import numpy as np
import numpy.typing as npt

WINDOW_SESSIONS = 252
MIN_OBSERVATIONS = 20


class IvStatsStatus(Enum):
    """Whether rank and percentile are usable, and if not why."""

    OK = "full window"
    PARTIAL = "fewer sessions than the window; computed on those that exist"
    TOO_FEW = "too few sessions of history to rank"
    FLAT = "history is flat (high equals low): no range to rank in"
    NO_CURRENT = "no current implied volatility"


@dataclass(frozen=True, slots=True)
class IvStats:
    """IV rank and percentile of today's IV against its trailing window.

    ``rank``/``percentile`` 0-100 (NaN when unusable, see ``status``);
    ``low``/``high`` the window's range including today (decimals);
    ``current`` today's IV (decimal); ``window_start``/``window_end`` the
    first and last history session used (None when none); ``observations``
    how many history sessions the window holds.
    """

    rank: float
    percentile: float
    low: float
    high: float
    current: float
    window_start: date | None
    window_end: date | None
    observations: int
    status: IvStatsStatus


def iv_stats(
    history_dates: npt.ArrayLike,
    history_iv: npt.ArrayLike,
    current_iv: float,
    *,
    as_of: date,
    window_sessions: int = WINDOW_SESSIONS,
    min_observations: int = MIN_OBSERVATIONS,
) -> IvStats:
    """Return IV rank and percentile of ``current_iv`` (decimal) over the trailing window.

    ``history_dates`` datetime64[D] (or dates) of past sessions, any order;
    ``history_iv`` decimals, NaN allowed. See the module doc for the rules.
    """
    dates, ivs = _window(history_dates, history_iv, as_of, window_sessions)
    n = int(ivs.size)
    start = dates[0].astype(object) if n else None
    end = dates[-1].astype(object) if n else None
    span = np.append(ivs, current_iv) if math.isfinite(current_iv) else ivs
    low = float(span.min()) if span.size else math.nan
    high = float(span.max()) if span.size else math.nan
    status = _status(n, low, high, current_iv, window_sessions, min_observations)
    if status not in (IvStatsStatus.OK, IvStatsStatus.PARTIAL, IvStatsStatus.FLAT):
        return IvStats(math.nan, math.nan, low, high, current_iv, start, end, n, status)
    percentile = 100.0 * float(np.count_nonzero(ivs < current_iv)) / n
    rank = math.nan if status is IvStatsStatus.FLAT else 100.0 * ((current_iv - low) / (high - low))
    return IvStats(rank, percentile, low, high, current_iv, start, end, n, status)


def iv_rank(
    history_dates: npt.ArrayLike,
    history_iv: npt.ArrayLike,
    current_iv: float,
    *,
    as_of: date,
    window_sessions: int = WINDOW_SESSIONS,
) -> float:
    """Return IV rank 0-100 of ``current_iv`` over the trailing window (NaN when unusable)."""
    stats = iv_stats(
        history_dates, history_iv, current_iv, as_of=as_of, window_sessions=window_sessions
    )
    return stats.rank


def iv_percentile(
    history_dates: npt.ArrayLike,
    history_iv: npt.ArrayLike,
    current_iv: float,
    *,
    as_of: date,
    window_sessions: int = WINDOW_SESSIONS,
) -> float:
    """Return IV percentile 0-100: share of window sessions with IV below ``current_iv``."""
    stats = iv_stats(
        history_dates, history_iv, current_iv, as_of=as_of, window_sessions=window_sessions
    )
    return stats.percentile


def _window(
    history_dates: npt.ArrayLike, history_iv: npt.ArrayLike, as_of: date, sessions: int
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.float64]]:
    """Return the last ``sessions`` finite history rows dated before ``as_of``, oldest first."""
    dates = np.asarray(history_dates, dtype="M8[D]").ravel()
    ivs = np.asarray(history_iv, dtype=np.float64).ravel()
    if dates.shape != ivs.shape:
        raise ValueError(f"{dates.size} history dates but {ivs.size} IVs")
    keep = (dates < np.datetime64(as_of, "D")) & np.isfinite(ivs)
    order = np.argsort(dates[keep], kind="stable")
    start = max(int(order.size) - max(sessions, 0), 0)
    chosen = order[start:]
    return dates[keep][chosen], ivs[keep][chosen]


def _status(
    n: int, low: float, high: float, current: float, window: int, minimum: int
) -> IvStatsStatus:
    if not math.isfinite(current):
        return IvStatsStatus.NO_CURRENT
    if n < max(minimum, 1):
        return IvStatsStatus.TOO_FEW
    if high == low:
        return IvStatsStatus.FLAT
    return IvStatsStatus.OK if n >= window else IvStatsStatus.PARTIAL


class VolRegime(Enum):
    """Whether options are rich or cheap relative to their own past."""

    HIGH = "high"  # sell premium territory
    NEUTRAL = "neutral"
    LOW = "low"  # buy premium territory
    UNKNOWN = "unknown"  # rank/percentile unavailable


class RegimeBasis(Enum):
    """Which statistic decides the regime."""

    RANK = "IV rank"
    PERCENTILE = "IV percentile"
    BOTH = "IV rank and IV percentile"  # both must agree for HIGH or LOW


@dataclass(frozen=True, slots=True)
class RegimeRule:
    """Thresholds on the 0-100 scale: HIGH at or above ``high_at``, LOW at or below ``low_at``."""

    basis: RegimeBasis = RegimeBasis.RANK
    high_at: float = 50.0
    low_at: float = 25.0


@dataclass(frozen=True, slots=True)
class RegimeReading:
    """The regime, the rule that fired, and the value(s) it looked at (0-100)."""

    regime: VolRegime
    rule: RegimeRule
    rank: float
    percentile: float

    @property
    def reason(self) -> str:
        """One sentence saying which rule fired, e.g. 'IV rank 62 ≥ 50: high'."""
        values = _basis_values(self.rule.basis, self.rank, self.percentile)
        if self.regime is VolRegime.UNKNOWN:
            return f"{self.rule.basis.value} unavailable: regime unknown"
        shown = " and ".join(f"{name} {value:.0f}" for name, value in values)
        if self.regime is VolRegime.HIGH:
            return f"{shown} ≥ {self.rule.high_at:g}: high"
        if self.regime is VolRegime.LOW:
            return f"{shown} ≤ {self.rule.low_at:g}: low"
        return f"{shown} between {self.rule.low_at:g} and {self.rule.high_at:g}: neutral"


def _basis_values(basis: RegimeBasis, rank: float, percentile: float) -> list[tuple[str, float]]:
    """Return the (name, 0-100 value) pairs that ``basis`` looks at."""
    named_rank, named_percentile = ("IV rank", rank), ("IV percentile", percentile)
    if basis is RegimeBasis.RANK:
        return [named_rank]
    if basis is RegimeBasis.PERCENTILE:
        return [named_percentile]
    return [named_rank, named_percentile]


def vol_regime(stats: IvStats, rule: RegimeRule | None = None) -> RegimeReading:
    """Classify ``stats`` as HIGH, NEUTRAL or LOW by ``rule`` (default: IV rank, 50 / 25).

    UNKNOWN when a value the rule needs is NaN.
    """
    rule = rule or RegimeRule()
    values = [value for _, value in _basis_values(rule.basis, stats.rank, stats.percentile)]
    if not all(math.isfinite(v) for v in values):
        return RegimeReading(VolRegime.UNKNOWN, rule, stats.rank, stats.percentile)
    if all(v >= rule.high_at for v in values):
        regime = VolRegime.HIGH
    elif all(v <= rule.low_at for v in values):
        regime = VolRegime.LOW
    else:
        regime = VolRegime.NEUTRAL
    return RegimeReading(regime, rule, stats.rank, stats.percentile)
