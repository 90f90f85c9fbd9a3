"""Expected move from implied volatility and from the ATM straddle.

Conventions (see shared/reference/trading-rules.md):
- IV-based one-standard-deviation move: ``EM = S * IV * sqrt(days / days_per_year)``
  with 365 calendar days (default) or 252 trading days per year. ``horizon_moves``
  gives both side by side so a screen can say which is which.
- Straddle-based: many platforms quote ~0.85 x the ATM straddle as "the
  expected move"; 1.25 x straddle approximates one standard deviation
  (``straddle.straddle_moves``).
- Bands are ``spot ± k × move`` in price (``move_range.MoveBands``).

Units: prices and moves in dollars per share; IV decimal (0.20 = 20 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from workstation.domain.chains import ChainArray
from workstation.engines.volatility.move_range import MoveBands, move_bands
from workstation.engines.volatility.straddle import (
    STRADDLE_ONE_SIGMA_FACTOR,
    STRADDLE_PLATFORM_FACTOR,
    atm_straddles,
)
from workstation.engines.volatility.term import constant_maturity_iv

FloatArray = npt.NDArray[np.float64]
CALENDAR_DAYS_PER_YEAR = 365.0
TRADING_DAYS_PER_YEAR = 252.0


def expected_move(spot: Any, iv: Any, days: Any, days_per_year: float = 365.0) -> FloatArray:
    """Return the one-standard-deviation move in price units (dollars per share).

    ``iv`` is a decimal (0.20 = 20 %); ``days`` are calendar days when
    ``days_per_year`` is 365, trading days when it is 252. NaN for negative
    days and wherever an input is NaN.
    """
    s, v, d = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (spot, iv, days)))
    with np.errstate(invalid="ignore"):
        return np.asarray(s * v * np.sqrt(d / days_per_year), dtype=np.float64)


@dataclass(frozen=True, slots=True, eq=False)
class HorizonMoves:
    """IV-based expected moves over horizons, in both day conventions.

    ``calendar_days`` and ``trading_days`` describe the same horizons;
    ``iv`` decimals; ``calendar`` bands use S·IV·√(calendar_days/365),
    ``trading`` bands S·IV·√(trading_days/252) (dollars per share).
    """

    calendar_days: FloatArray
    trading_days: FloatArray
    iv: FloatArray
    calendar: MoveBands
    trading: MoveBands


def horizon_moves(
    spot: npt.ArrayLike,
    iv: npt.ArrayLike,
    calendar_days: npt.ArrayLike,
    trading_days: npt.ArrayLike,
) -> HorizonMoves:
    """Return ±1σ/±2σ bands for each horizon under both day-count conventions.

    All inputs broadcast. ``iv`` (decimal) is the IV for each horizon, e.g.
    ``TermStructure.iv_at(calendar_days)``, or a smile's ATM IV for the
    horizon to that expiry. ``trading_days`` come from an exchange calendar
    (the caller's). NaN inputs give NaN bands.
    """
    s, v, cal, trade = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (spot, iv, calendar_days, trading_days))
    )
    return HorizonMoves(
        cal.copy(),
        trade.copy(),
        v.copy(),
        move_bands(s, expected_move(s, v, cal, CALENDAR_DAYS_PER_YEAR)),
        move_bands(s, expected_move(s, v, trade, TRADING_DAYS_PER_YEAR)),
    )


@dataclass(frozen=True, slots=True)
class AtmTerm:
    """ATM implied volatility per expiration (measured at the spot).

    ``days`` are fractional calendar days to each expiry instant; ``atm_iv``
    decimals; ``straddle`` the ATM straddle mid (dollars per share) at the
    strike nearest the spot; ``straddle_strike`` that strike.
    """

    expiries: npt.NDArray[np.datetime64]
    days: FloatArray
    atm_iv: FloatArray
    straddle: FloatArray
    straddle_strike: FloatArray


def _otm_iv_curve(rows: ChainArray, spot: float) -> tuple[FloatArray, FloatArray]:
    """Return strikes and IVs using out-of-the-money options (puts below spot, calls above)."""
    otm = np.where(rows["strike"] < spot, ~rows["is_call"], rows["is_call"])
    pick = rows[otm & np.isfinite(rows["iv"]) & (rows["iv"] > 0)]
    order = np.argsort(pick["strike"], kind="stable")
    return pick["strike"][order].astype(np.float64), pick["iv"][order].astype(np.float64)


def atm_term_structure(rows: ChainArray, spot: float, expiry_days: FloatArray) -> AtmTerm:
    """Return ATM IV (interpolated linearly in strike at ``spot``) for each expiry.

    ``expiry_days`` gives, for each distinct expiry in ``rows`` (ascending),
    the fractional calendar days until that expiry's settlement instant.
    Kept for ``services.expected_move``; ``smile.smiles`` with
    ``term.term_structure`` measures ATM at the forward instead.
    """
    expiries = np.unique(rows["expiry"])
    if expiries.size != len(expiry_days):
        raise ValueError(f"{expiries.size} expiries but {len(expiry_days)} day counts")
    atm = np.full(expiries.size, np.nan)
    for i, expiry in enumerate(expiries):
        strikes, ivs = _otm_iv_curve(rows[rows["expiry"] == expiry], spot)
        if strikes.size >= 2 and strikes[0] <= spot <= strikes[-1]:
            atm[i] = np.interp(spot, strikes, ivs)
    mid = 0.5 * (rows["bid"] + rows["ask"])
    found = atm_straddles(rows["expiry"], rows["strike"], rows["is_call"], mid, spot)
    at = np.searchsorted(expiries, found.expiries)
    price, strike = np.full(expiries.size, np.nan), np.full(expiries.size, np.nan)
    price[at], strike[at] = found.price, found.strike
    return AtmTerm(expiries, np.asarray(expiry_days, dtype=np.float64), atm, price, strike)


def iv_at_horizon(days: FloatArray, atm_iv: FloatArray, horizon_days: float) -> float:
    """Return ATM IV at ``horizon_days`` by linear interpolation in total variance.

    Total variance ``iv**2 * days`` is interpolated between the bracketing
    expiries; outside the listed range the nearest expiry's IV is used.
    NaN when no expiry has a finite IV. Same as ``term.constant_maturity_iv``.
    """
    return float(constant_maturity_iv(days, atm_iv, horizon_days))


def straddle_expected_move(straddle_price: float) -> tuple[float, float]:
    """Return (platform 0.85 x straddle, ~1 sigma 1.25 x straddle), dollars per share."""
    return (STRADDLE_PLATFORM_FACTOR * straddle_price, STRADDLE_ONE_SIGMA_FACTOR * straddle_price)
