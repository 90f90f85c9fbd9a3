"""Expected move from implied volatility and from the ATM straddle.

Conventions (see shared/reference/trading-rules.md):
- IV-based one-standard-deviation move: ``EM = S * IV * sqrt(days / days_per_year)``
  with 365 calendar days (default) or 252 trading days per year.
- Straddle-based: many platforms quote ~0.85 x the ATM straddle as "the
  expected move"; 1.25 x straddle approximates one standard deviation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from workstation.domain.chains import ChainArray

FloatArray = npt.NDArray[np.float64]
STRADDLE_PLATFORM_FACTOR = 0.85
STRADDLE_ONE_SIGMA_FACTOR = 1.25


def expected_move(spot: Any, iv: Any, days: Any, days_per_year: float = 365.0) -> FloatArray:
    """Return the one-standard-deviation move in price units (dollars per share).

    ``iv`` is a decimal (0.20 = 20 %); ``days`` are calendar days when
    ``days_per_year`` is 365, trading days when it is 252. NaN for negative days.
    """
    s, v, d = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (spot, iv, days)))
    with np.errstate(invalid="ignore"):
        return np.asarray(s * v * np.sqrt(d / days_per_year), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class AtmTerm:
    """ATM implied volatility per expiration.

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


def _atm_straddle(rows: ChainArray, spot: float) -> tuple[float, float]:
    """Return (strike, call mid + put mid) at the strike nearest ``spot``; NaNs if absent."""
    strikes = np.unique(rows["strike"])
    if strikes.size == 0:
        return np.nan, np.nan
    strike = float(strikes[np.argmin(np.abs(strikes - spot))])
    at = rows[rows["strike"] == strike]
    mids = 0.5 * (at["bid"] + at["ask"])
    calls, puts = mids[at["is_call"]], mids[~at["is_call"]]
    if calls.size == 0 or puts.size == 0:
        return strike, np.nan
    return strike, float(calls[0] + puts[0])


def atm_term_structure(rows: ChainArray, spot: float, expiry_days: FloatArray) -> AtmTerm:
    """Return ATM IV (interpolated linearly in strike at ``spot``) for each expiry.

    ``expiry_days`` gives, for each distinct expiry in ``rows`` (ascending),
    the fractional calendar days until that expiry's settlement instant.
    """
    expiries = np.unique(rows["expiry"])
    if expiries.size != len(expiry_days):
        raise ValueError(f"{expiries.size} expiries but {len(expiry_days)} day counts")
    atm = np.full(expiries.size, np.nan)
    straddle = np.full(expiries.size, np.nan)
    strike_at = np.full(expiries.size, np.nan)
    for i, expiry in enumerate(expiries):
        chain = rows[rows["expiry"] == expiry]
        strikes, ivs = _otm_iv_curve(chain, spot)
        if strikes.size >= 2 and strikes[0] <= spot <= strikes[-1]:
            atm[i] = np.interp(spot, strikes, ivs)
        strike_at[i], straddle[i] = _atm_straddle(chain, spot)
    return AtmTerm(expiries, np.asarray(expiry_days, dtype=np.float64), atm, straddle, strike_at)


def iv_at_horizon(days: FloatArray, atm_iv: FloatArray, horizon_days: float) -> float:
    """Return ATM IV at ``horizon_days`` by linear interpolation in total variance.

    Total variance ``iv**2 * days`` is interpolated between the bracketing
    expiries; outside the listed range the nearest expiry's IV is used.
    NaN when no expiry has a finite IV.
    """
    ok = np.isfinite(atm_iv) & (days > 0)
    d, v = days[ok], atm_iv[ok]
    if d.size == 0:
        return float("nan")
    if horizon_days <= d[0]:
        return float(v[0])
    if horizon_days >= d[-1]:
        return float(v[-1])
    total_variance = np.interp(horizon_days, d, v * v * d)
    return float(np.sqrt(total_variance / horizon_days))


def straddle_expected_move(straddle_price: float) -> tuple[float, float]:
    """Return (platform 0.85 x straddle, ~1 sigma 1.25 x straddle), dollars per share."""
    return (STRADDLE_PLATFORM_FACTOR * straddle_price, STRADDLE_ONE_SIGMA_FACTOR * straddle_price)
