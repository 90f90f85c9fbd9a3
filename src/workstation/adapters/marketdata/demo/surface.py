"""Implied volatility of the demo market: term structure, skew, events, 30-day history.

ATM variance for expiry T averages a short-end variance (today's GARCH
forecast, scaled by a volatility risk premium and the market's implied-vol
shift) reverting to a long-run level:

    v(T) = v_long + (v_short - v_long) * (1 - exp(-k T)) / (k T)

so the curve is in contango when the market is calm and inverted after a
shock. Single stocks add each expected earnings move's variance to every
expiry after the report. The smile multiplies ATM vol by
``1 + a x + b (sqrt(x^2 + 1) - 1)`` with ``x = ln(K/F) / (atm sqrt(T))``:
puts richer (a < 0), wings curved (b > 0), steeper for indices.

Vols are decimals per year; variances per year; T in years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workstation.adapters.marketdata.demo.daily import (
    MARKET,
    TRADING_DAYS,
    MarketPath,
    SymbolPath,
    idio_long_run_variance,
)
from workstation.adapters.marketdata.demo.seeds import DayArray, FloatArray
from workstation.adapters.marketdata.demo.universe import SymbolSpec
from workstation.domain.instruments import InstrumentKind

RISK_PREMIUM = 1.20  # implied over expected realised vol
REVERSION = 5.0  # per year: a shock's variance halves in ~7 weeks
IV30_YEARS = 30.0 / 365.0
VIX_PREMIUM = 1.10  # the VIX (a variance-swap rate) sits above 30-day ATM vol
MIN_YEARS = 60.0 / (365.0 * 86400.0)  # one minute
OVERNIGHT_SHARE = 0.25  # of a session's variance, accrued between the close and the next open
FULL_SESSION_SECONDS = 6.5 * 3600.0


@dataclass(frozen=True, slots=True, eq=False)
class VolState:
    """Implied-vol state of one underlying at one instant.

    ``short_variance`` and ``long_variance`` are annual ATM variances at the
    short and long end; ``event_days``/``event_moves`` are upcoming earnings
    reaction sessions and their move standard deviations (decimal).
    """

    short_variance: float
    long_variance: float
    slope: float
    curvature: float
    event_days: DayArray
    event_moves: FloatArray

    def atm_iv(
        self, t: FloatArray, expiries: DayArray, trading_t: FloatArray | None = None
    ) -> FloatArray:
        """Return ATM implied vol per expiry, quoted on calendar time ``t`` (years).

        ``trading_t`` is the variance clock to the expiry (see
        ``trading_years``); the market's variance accrues in trading hours,
        so a 0DTE option in the afternoon quotes a higher vol than the same
        state seen over a weekend. Without it calendar time is used.
        """
        t = np.maximum(t, MIN_YEARS)
        clock = t if trading_t is None else np.maximum(trading_t, MIN_YEARS)
        base = term_variance(np.full(t.shape, self.short_variance), self.long_variance, clock)
        total = base * clock + self.event_variance(expiries)
        iv: FloatArray = np.sqrt(total / t)
        return iv

    def event_variance(self, expiries: DayArray) -> FloatArray:
        """Return the total earnings-move variance that each expiry spans."""
        spans = expiries[:, None] >= self.event_days[None, :]
        variance: FloatArray = spans @ (self.event_moves**2)
        return variance

    def iv(self, t: FloatArray, atm: FloatArray, log_moneyness: FloatArray) -> FloatArray:
        """Return smile vol at log-moneyness ln(K/F), given that expiry's ATM vol."""
        x = log_moneyness / (atm * np.sqrt(np.maximum(t, MIN_YEARS)))
        shape = 1.0 + self.slope * x + self.curvature * (np.sqrt(x * x + 1.0) - 1.0)
        iv: FloatArray = atm * np.clip(shape, 0.5, 4.0)
        return iv


def trading_years(opens: FloatArray, closes: FloatArray, now: float) -> FloatArray:
    """Return the variance clock (years) from ``now`` to each session's close, cumulatively.

    ``opens``/``closes`` are consecutive sessions (epoch seconds) starting
    with the one running or next at ``now``. A full session carries 1/252 of
    a year: its regular hours 1 - OVERNIGHT_SHARE of that (pro rata for what
    is left, and for half days), the night before its open the rest.
    """
    length = (closes - opens) / FULL_SESSION_SECONDS
    left = np.clip((closes - np.maximum(opens, now)) / (closes - opens), 0.0, 1.0)
    night = np.where(opens > now, OVERNIGHT_SHARE, 0.0)
    years: FloatArray = np.cumsum((1.0 - OVERNIGHT_SHARE) * length * left + night) / 252.0
    return years


def term_variance(short: FloatArray, long: float, t: FloatArray) -> FloatArray:
    """Return the average annual variance over [0, t] of a mean-reverting variance."""
    kt = REVERSION * np.maximum(t, MIN_YEARS)
    weight = -np.expm1(-kt) / kt
    variance: FloatArray = long + (short - long) * weight
    return variance


def market_variances(market: MarketPath) -> tuple[FloatArray, float]:
    """Return the market's implied short-end variance per session and its long-run level."""
    realised = TRADING_DAYS * (market.next_variance + MARKET.jump_variance)
    short: FloatArray = realised * RISK_PREMIUM**2 * np.exp(2.0 * market.implied_shift)
    return short, MARKET.vol**2 * RISK_PREMIUM**2


def symbol_variances(
    spec: SymbolSpec, market: MarketPath, path: SymbolPath
) -> tuple[FloatArray, float]:
    """Return a symbol's implied short-end variance per session and its long-run level."""
    m_short, m_long = market_variances(market)
    idio_short = TRADING_DAYS * path.idio_next_variance * RISK_PREMIUM**2
    idio_long = TRADING_DAYS * idio_long_run_variance(spec) * RISK_PREMIUM**2
    short: FloatArray = spec.beta**2 * m_short + idio_short
    return short, spec.beta**2 * m_long + idio_long


def iv30_series(
    spec: SymbolSpec, market: MarketPath, path: SymbolPath, event_days: DayArray
) -> FloatArray:
    """Return the 30-day constant-maturity ATM IV at each session's close."""
    short, long = symbol_variances(spec, market, path)
    base = term_variance(short, long, np.full(short.shape, IV30_YEARS))
    horizon = path.days + np.timedelta64(30, "D")
    spans = (event_days[None, :] > path.days[:, None]) & (event_days[None, :] <= horizon[:, None])
    move = spec.earnings.move if spec.earnings else 0.0
    iv: FloatArray = np.sqrt(base + spans.sum(axis=1) * move**2 / IV30_YEARS)
    return iv


def vix_levels(market: MarketPath, spx: SymbolPath, spx_spec: SymbolSpec) -> FloatArray:
    """Return the VIX close per session: 100 x SPX 30-day IV x the variance-swap premium."""
    levels: FloatArray = (
        100.0 * VIX_PREMIUM * iv30_series(spx_spec, market, spx, np.array([], dtype="M8[D]"))
    )
    return levels


def spot_vol_elasticity(spec: SymbolSpec) -> float:
    """Return d ln(short vol) / d ln(spot) intraday: vol rises as the price falls."""
    return -1.5 if spec.kind is InstrumentKind.EQUITY else -4.0


def vol_state(
    spec: SymbolSpec,
    market: MarketPath,
    path: SymbolPath,
    session: int,
    events: DayArray,
    intraday_move: float = 0.0,
) -> VolState:
    """Return the surface state after session index ``session``'s close.

    ``intraday_move`` (log return since that close) shifts the short end by
    the spot-vol elasticity, for a surface taken during the next session.
    """
    short, long = symbol_variances(spec, market, path)
    bump = np.exp(2.0 * spot_vol_elasticity(spec) * intraday_move)
    moves = np.full(len(events), spec.earnings.move if spec.earnings else 0.0)
    slope, curvature = spec.skew
    return VolState(float(short[session] * bump), long, slope, curvature, events, moves)
