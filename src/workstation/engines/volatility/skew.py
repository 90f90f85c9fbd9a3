"""Delta skew of one expiry: the 25-delta call and put vols and the numbers traders quote.

Units: implied volatilities and their differences are decimals (0.02 = two
vol points); deltas are per share as quoted (calls 0 to 1, puts -1 to 0);
strikes in dollars per share.

Convention: the IV at a target delta is read off each side's own contracts
(calls for the call wing, puts for the put wing), ordered by strike, by
linear interpolation in delta between the two neighbouring strikes whose
deltas straddle the target. Contracts whose delta or IV is NaN (or IV <= 0)
are skipped. If noisy quotes make delta cross the target more than once,
the crossing whose strike is nearest the forward wins. The strike where the
target delta sits is interpolated with the same weight in ln K. NaN when
no pair of strikes brackets the target (the wing is not quoted that far out).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

WING_DELTA = 0.25


@dataclass(frozen=True, slots=True)
class DeltaSkew:
    """Wing vols of one expiry at ``delta`` (0.25 = the 25-delta call and -25-delta put).

    ``call_iv``/``put_iv`` and ``atm_iv`` are decimals (NaN when unavailable);
    ``call_strike``/``put_strike`` the strikes where those deltas sit, found
    by the same interpolation (dollars per share).
    """

    delta: float
    call_iv: float
    put_iv: float
    call_strike: float
    put_strike: float
    atm_iv: float

    @property
    def risk_reversal(self) -> float:
        """Call-wing IV minus put-wing IV in decimal vol points; negative means put skew."""
        return self.call_iv - self.put_iv

    @property
    def skew_ratio(self) -> float:
        """Put-wing IV over call-wing IV (a ratio; above 1 means puts are richer)."""
        return self.put_iv / self.call_iv

    @property
    def put_skew(self) -> float:
        """Put-wing IV minus ATM IV in decimal vol points (how much the puts are bid up)."""
        return self.put_iv - self.atm_iv

    @property
    def butterfly(self) -> float:
        """Mean of the two wing IVs minus ATM IV in decimal vol points (smile curvature)."""
        return 0.5 * (self.call_iv + self.put_iv) - self.atm_iv


def delta_skew(
    strike: FloatArray,
    is_call: BoolArray,
    delta: FloatArray,
    iv: FloatArray,
    *,
    forward: float,
    atm_iv: float,
    wing_delta: float = WING_DELTA,
) -> DeltaSkew:
    """Return the ``wing_delta`` call and put vols of one expiry's contracts.

    Arrays are per contract of a single expiry in any order; ``wing_delta``
    is positive (0.25): the call wing is read at +0.25, the put wing at -0.25.
    """
    call_iv, call_strike = iv_at_delta(
        strike[is_call], delta[is_call], iv[is_call], wing_delta, forward
    )
    puts = ~is_call
    put_iv, put_strike = iv_at_delta(strike[puts], delta[puts], iv[puts], -wing_delta, forward)
    return DeltaSkew(wing_delta, call_iv, put_iv, call_strike, put_strike, atm_iv)


def iv_at_delta(
    strike: FloatArray, delta: FloatArray, iv: FloatArray, target: float, forward: float
) -> tuple[float, float]:
    """Return (IV, strike) where one side's delta equals ``target``; NaNs if not bracketed.

    All arrays belong to contracts of one type (all calls or all puts) of one
    expiry. See the module docstring for the interpolation convention.
    """
    usable = np.isfinite(strike) & np.isfinite(delta) & np.isfinite(iv) & (iv > 0.0)
    order = np.argsort(strike[usable], kind="stable")
    k, d, v = strike[usable][order], delta[usable][order], iv[usable][order]
    gap = d - target
    left = np.concatenate([np.flatnonzero(gap == 0.0), np.flatnonzero(gap[:-1] * gap[1:] < 0.0)])
    if left.size == 0:
        return math.nan, math.nan
    right = np.minimum(left + 1, k.size - 1)
    # weight 0 on exact hits; otherwise the share of the way from left to right
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.where(gap[left] == 0.0, 0.0, gap[left] / (gap[left] - gap[right]))
    strikes_at = k[left] * (k[right] / k[left]) ** weight  # linear in ln K, like the smile
    ivs_at = v[left] + weight * (v[right] - v[left])
    nearest = int(np.argmin(np.abs(np.log(strikes_at / forward)))) if forward > 0 else 0
    return float(ivs_at[nearest]), float(strikes_at[nearest])
