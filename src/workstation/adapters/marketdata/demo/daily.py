"""Daily model of the demo market: one close per NYSE session, from 2016 onward.

The market factor (the S&P 500's log return) follows a GJR-GARCH(1,1) with
unit-variance Student-t innovations and occasional (mostly downward) jumps.
Every other symbol is ``beta x market + idiosyncratic GARCH noise`` plus an
earnings-day jump once a quarter for single stocks; ETFs follow their index
less the expense ratio. Closes are anchored on 2026-01-02 and walked forward
and backward from there, so a session's close depends only on the seed, the
symbol and the sessions from 2016 up to the anchor or the session itself.

Variances are daily (per session, log-return units); vols are per year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from workstation.adapters.marketdata.demo import seeds
from workstation.adapters.marketdata.demo.seeds import DayArray, FloatArray
from workstation.adapters.marketdata.demo.universe import (
    ANCHOR_SESSION,
    MARKET_SYMBOL,
    UNIVERSE_MARKET_VOL,
    SymbolSpec,
)
from workstation.engines.sessions import TradingCalendar

BoolArray = npt.NDArray[np.bool_]

SIMULATION_START = date(2016, 1, 4)
TRADING_DAYS = 252.0


@dataclass(frozen=True, slots=True)
class MarketModel:
    """Parameters of the market factor; vols and drift per year, jumps per session."""

    vol: float = UNIVERSE_MARKET_VOL
    drift: float = 0.07  # log drift per year after jumps
    alpha: float = 0.03
    leverage: float = 0.12  # GJR term: extra weight of down-shocks
    persistence: float = 0.89  # GARCH beta
    dof: float = 6.0
    jump_prob: float = 0.004
    jump_mean: float = -0.015
    jump_sd: float = 0.02
    # Implied-vol shift x_t (log units): AR(1) pushed up by down moves.
    shift_decay: float = 0.95
    shift_per_shock: float = 0.03
    shift_noise: float = 0.02

    @property
    def jump_variance(self) -> float:
        """Return the expected jump variance per session."""
        return self.jump_prob * (self.jump_mean**2 + self.jump_sd**2)

    @property
    def session_mean(self) -> float:
        """Return the mean log return per session of the diffusive part (jumps offset)."""
        return (self.drift - TRADING_DAYS * self.jump_prob * self.jump_mean) / TRADING_DAYS

    @property
    def long_run_variance(self) -> float:
        """Return the long-run diffusive variance per session."""
        return self.vol**2 / TRADING_DAYS - self.jump_variance


MARKET = MarketModel()
IDIO_ALPHA, IDIO_BETA = 0.05, 0.90
GAP_SHARE = 0.3  # share of the daily move that happens overnight
GAP_NOISE = 0.25  # overnight noise, in daily standard deviations
EARNINGS_VOLUME = 2.5


@dataclass(frozen=True, slots=True, eq=False)
class MarketPath:
    """The market factor per session: log return, GARCH variance and implied-vol shift.

    ``variance[i]`` is the diffusive variance of session i known at the prior
    close; ``next_variance[i]`` the forecast for the session after i;
    ``shock[i]`` the standardized move (jumps included); ``implied_shift[i]``
    the log multiplier of implied over GARCH vol at the close of i.
    """

    days: DayArray
    returns: FloatArray
    variance: FloatArray
    next_variance: FloatArray
    shock: FloatArray
    implied_shift: FloatArray


@dataclass(frozen=True, slots=True, eq=False)
class SymbolPath:
    """One symbol per session: close, log return, overnight gap, variance, target volume.

    ``variance`` is the session's total daily variance (market part plus
    idiosyncratic), ``idio_next_variance`` the idiosyncratic forecast for the
    next session, ``earnings`` marks earnings-reaction sessions.
    """

    spec: SymbolSpec
    days: DayArray
    close: FloatArray
    returns: FloatArray
    gap: FloatArray
    variance: FloatArray
    idio_next_variance: FloatArray
    volume: FloatArray
    earnings: BoolArray


def simulation_days(calendar: TradingCalendar, last: date) -> DayArray:
    """Return the sessions simulated when the latest needed session is ``last``."""
    end = max(last, ANCHOR_SESSION)
    days: DayArray = calendar.schedule(SIMULATION_START, end).days
    return days


def simulate_market(seed: int, days: DayArray, model: MarketModel = MARKET) -> MarketPath:
    """Simulate the market factor over ``days`` (sessions from SIMULATION_START)."""
    z = seeds.daily_draws(seed, MARKET_SYMBOL, "shock", days, seeds.student_t(model.dof))
    jump_hit = seeds.daily_draws(seed, MARKET_SYMBOL, "jump", days, seeds.uniform)
    jump_size = seeds.daily_draws(seed, MARKET_SYMBOL, "jump-size", days)
    jumps = np.where(jump_hit < model.jump_prob, model.jump_mean + model.jump_sd * jump_size, 0.0)
    variance = _gjr_garch(z, jumps, model)
    sd = np.sqrt(variance[:-1])
    returns = model.session_mean + sd * z + jumps
    shock = (sd * z + jumps) / sd
    noise = seeds.daily_draws(seed, MARKET_SYMBOL, "implied-shift", days)
    drive = -model.shift_per_shock * shock + model.shift_noise * noise
    shift = _ar1(drive, model.shift_decay)
    return MarketPath(days, returns, variance[:-1], variance[1:], shock, shift)


def _gjr_garch(z: FloatArray, jumps: FloatArray, model: MarketModel) -> FloatArray:
    """Return len(z)+1 conditional variances; jumps feed the recursion like shocks."""
    # Jumps (mostly down) feed the recursion too; omega leaves room for them so the
    # long-run total variance stays vol**2 / 252.
    pull = 1.0 - model.alpha - model.leverage / 2 - model.persistence
    omega = model.long_run_variance * pull - (model.alpha + model.leverage) * model.jump_variance
    out = np.empty(len(z) + 1)
    h = model.long_run_variance
    for i, (zi, ji) in enumerate(zip(z.tolist(), jumps.tolist(), strict=True)):
        out[i] = h
        eps = math.sqrt(h) * zi + ji
        weight = model.alpha + (model.leverage if eps < 0.0 else 0.0)
        h = omega + weight * eps * eps + model.persistence * h
    out[len(z)] = h
    return out


def _ar1(drive: FloatArray, decay: float) -> FloatArray:
    """Return x with x[i] = decay * x[i-1] + drive[i], starting from x[-1] = 0."""
    out = np.empty(len(drive))
    x = 0.0
    for i, d in enumerate(drive.tolist()):
        x = decay * x + d
        out[i] = x
    return out


def _garch(z: FloatArray, long_run: float) -> FloatArray:
    """Return len(z)+1 conditional variances of a symmetric GARCH(1,1)."""
    omega = long_run * (1.0 - IDIO_ALPHA - IDIO_BETA)
    out = np.empty(len(z) + 1)
    h = long_run
    for i, zi in enumerate(z.tolist()):
        out[i] = h
        h = omega + (IDIO_ALPHA * zi * zi + IDIO_BETA) * h
    out[len(z)] = h
    return out


def idio_long_run_variance(spec: SymbolSpec, model: MarketModel = MARKET) -> float:
    """Return the idiosyncratic long-run variance per session (floored at 5 % vol).

    The market itself (SPX) and the ETF tracking it have none.
    """
    if MARKET_SYMBOL in (spec.symbol, spec.tracks):
        return 0.0
    annual = spec.vol**2 - spec.beta**2 * model.vol**2
    return max(annual, 0.05**2) / TRADING_DAYS


def simulate_symbol(
    spec: SymbolSpec, market: MarketPath, seed: int, earnings_days: DayArray
) -> SymbolPath:
    """Simulate a stock or index from the market factor (not ETFs, not VIX)."""
    days = market.days
    z = seeds.daily_draws(seed, spec.symbol, "idio", days)
    idio_var = _garch(z, idio_long_run_variance(spec))  # all zero for the market itself
    earnings = np.isin(days, earnings_days)
    jump = _earnings_jumps(spec, seed, days, earnings)
    diffusive = spec.beta * (market.returns - MARKET.session_mean) + np.sqrt(idio_var[:-1]) * z
    returns = spec.beta * MARKET.session_mean + diffusive + jump
    variance = spec.beta**2 * (market.variance + MARKET.jump_variance) + idio_var[:-1]
    return _assemble(spec, seed, days, returns, variance, idio_var[1:], earnings, jump)


def _earnings_jumps(spec: SymbolSpec, seed: int, days: DayArray, earnings: BoolArray) -> FloatArray:
    """Return the earnings surprise (log move, fat-tailed) on reaction sessions, else 0."""
    if spec.earnings is None:
        return np.zeros(len(days))
    draws = seeds.daily_draws(seed, spec.symbol, "earnings", days, seeds.student_t(4.0))
    jumps: FloatArray = np.where(earnings, spec.earnings.move * draws, 0.0)
    return jumps


def track_index(spec: SymbolSpec, index: SymbolPath, seed: int) -> SymbolPath:
    """Follow ``index`` less the expense ratio: the ETF's own close and volume, same gaps."""
    returns = index.returns - spec.expense_ratio / TRADING_DAYS
    returns[0] = 0.0
    close = _anchored_close(spec, index.days, returns)
    volume = _volumes(spec, seed, index.days, returns, index.variance, index.earnings)
    return SymbolPath(
        spec,
        index.days,
        close,
        returns,
        index.gap,
        index.variance,
        index.idio_next_variance,
        volume,
        index.earnings,
    )


def level_path(
    spec: SymbolSpec, seed: int, days: DayArray, level: FloatArray, variance: FloatArray
) -> SymbolPath:
    """Wrap a level series that is not a price walk (the VIX) as a SymbolPath."""
    returns = np.diff(np.log(level), prepend=np.log(level[0]))
    gap = _gaps(spec, seed, days, returns, variance, np.zeros(len(days)))
    zeros = np.zeros(len(days))
    return SymbolPath(
        spec, days, level, returns, gap, variance, zeros, zeros, np.zeros(len(days), dtype=bool)
    )


def _assemble(
    spec: SymbolSpec,
    seed: int,
    days: DayArray,
    returns: FloatArray,
    variance: FloatArray,
    idio_next: FloatArray,
    earnings: BoolArray,
    jump: FloatArray,
) -> SymbolPath:
    returns = returns.copy()
    returns[0] = 0.0  # the first simulated session is the walk's origin
    close = _anchored_close(spec, days, returns)
    gap = _gaps(spec, seed, days, returns, variance, jump)
    volume = _volumes(spec, seed, days, returns, variance, earnings)
    return SymbolPath(spec, days, close, returns, gap, variance, idio_next, volume, earnings)


def _anchored_close(spec: SymbolSpec, days: DayArray, returns: FloatArray) -> FloatArray:
    """Return closes walked forward and backward from the anchor session's close."""
    cum = np.cumsum(returns)
    anchor = int(np.searchsorted(days, np.datetime64(ANCHOR_SESSION, "D")))
    close: FloatArray = spec.anchor_close * np.exp(cum - cum[anchor])
    return close


def _gaps(
    spec: SymbolSpec,
    seed: int,
    days: DayArray,
    returns: FloatArray,
    variance: FloatArray,
    jump: FloatArray,
) -> FloatArray:
    """Return the overnight log move: a share of the day's move, noise and any earnings jump."""
    noise = seeds.daily_draws(seed, spec.symbol, "gap", days)
    gap: FloatArray = GAP_SHARE * (returns - jump) + jump + GAP_NOISE * np.sqrt(variance) * noise
    gap[0] = 0.0
    return gap


def _volumes(
    spec: SymbolSpec,
    seed: int,
    days: DayArray,
    returns: FloatArray,
    variance: FloatArray,
    earnings: BoolArray,
) -> FloatArray:
    """Return target shares per session: heavier on big moves and earnings days."""
    if spec.volume <= 0.0:
        return np.zeros(len(days))
    noise = seeds.daily_draws(seed, spec.symbol, "volume", days)
    size = np.minimum(np.abs(returns) / np.sqrt(variance), 3.0)  # a 10-sigma day is not 10x volume
    boost = np.where(earnings, EARNINGS_VOLUME, 1.0)
    volume: FloatArray = spec.volume * np.exp(0.25 * noise - 0.03) * (0.55 + 0.55 * size) * boost
    return volume


def earnings_reactions(
    spec: SymbolSpec, calendar: TradingCalendar, first: date, last: date
) -> list[date]:
    """Return the sessions in [first, last] that react to an earnings report (after the close).

    The reaction session is the first session after the report date.
    """
    if spec.earnings is None:
        return []
    reactions = []
    for year in range(first.year - 1, last.year + 1):
        for month, day in spec.earnings.dates:
            report = date(year, month, day)
            if calendar.first <= report < calendar.last - timedelta(days=10):
                reactions.append(calendar.next_session(report))
    return sorted(d for d in reactions if first <= d <= last)
