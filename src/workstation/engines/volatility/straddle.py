"""The at-the-money straddle of each expiry and the expected moves traders read from it.

Units: prices, strikes and moves in dollars per share (index points for
indices). Conventions (see shared/reference/trading-rules.md):
- The ATM straddle is the call mid plus the put mid at the strike nearest
  the spot among strikes where both legs have a finite, non-negative mid;
  on a tie the lower strike wins. Nearest-to-spot is what a trader looks up
  on a chain; no interpolation between strikes.
- "Platform" expected move = 0.85 × straddle (what many platforms quote);
  one-sigma move ≈ 1.25 × straddle (since straddle ≈ 0.8 × S × IV × √t).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workstation.engines.volatility.move_range import MoveBands, move_bands
from workstation.engines.volatility.smile import expiry_groups

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
DayArray = npt.NDArray[np.datetime64]

STRADDLE_PLATFORM_FACTOR = 0.85
STRADDLE_ONE_SIGMA_FACTOR = 1.25


@dataclass(frozen=True, slots=True, eq=False)
class Straddles:
    """ATM straddle per expiry, nearest first.

    ``expiries`` datetime64[D]; ``strike`` the straddle strike and ``price``
    call mid + put mid (dollars per share); both NaN for an expiry with no
    strike where both legs are priced.
    """

    expiries: DayArray
    strike: FloatArray
    price: FloatArray


def atm_straddles(
    expiry: npt.ArrayLike,
    strike: npt.ArrayLike,
    is_call: npt.ArrayLike,
    mid: npt.ArrayLike,
    spot: float,
) -> Straddles:
    """Return the ATM straddle of every expiry from per-contract arrays.

    ``mid`` is each contract's (bid + ask) / 2 in dollars per share; NaN or
    negative mids are skipped, and so are rows with a NaT expiry.
    """
    expiries = np.asarray(expiry, dtype="M8[D]")
    strikes = np.asarray(strike, dtype=np.float64)
    calls = np.asarray(is_call, dtype=bool)
    mids = np.asarray(mid, dtype=np.float64)
    groups = expiry_groups(expiries)
    found = [_straddle(strikes[rows], calls[rows], mids[rows], spot) for rows in groups]
    return Straddles(
        np.array([expiries[rows[0]] for rows in groups], dtype="M8[D]"),
        np.array([k for k, _ in found], dtype=np.float64),
        np.array([p for _, p in found], dtype=np.float64),
    )


def _straddle(
    strike: FloatArray, is_call: BoolArray, mid: FloatArray, spot: float
) -> tuple[float, float]:
    """Return (strike, call mid + put mid) nearest ``spot`` for one expiry; NaNs if none."""
    priced = np.isfinite(mid) & (mid >= 0.0) & np.isfinite(strike)
    calls, puts = priced & is_call, priced & ~is_call
    call_strikes, first_call = np.unique(strike[calls], return_index=True)
    put_strikes, first_put = np.unique(strike[puts], return_index=True)
    both, at_call, at_put = np.intersect1d(
        call_strikes, put_strikes, assume_unique=True, return_indices=True
    )
    if both.size == 0:
        return np.nan, np.nan
    prices = mid[calls][first_call][at_call] + mid[puts][first_put][at_put]
    nearest = int(np.argmin(np.abs(both - spot)))
    return float(both[nearest]), float(prices[nearest])


@dataclass(frozen=True, slots=True, eq=False)
class StraddleMoves:
    """Expected moves read from straddle prices (all dollars per share).

    ``straddle`` the raw ATM straddle mid; ``platform_move`` 0.85 × straddle
    (the number many platforms call "the expected move");
    ``one_sigma`` bands around the spot with move 1.25 × straddle (≈ 1σ, so
    its 2σ levels are ± 2.5 × straddle).
    """

    straddle: FloatArray
    platform_move: FloatArray
    one_sigma: MoveBands

    @property
    def platform_low(self) -> FloatArray:
        """Spot minus the platform move."""
        low: FloatArray = self.one_sigma.center - self.platform_move
        return low

    @property
    def platform_high(self) -> FloatArray:
        """Spot plus the platform move."""
        high: FloatArray = self.one_sigma.center + self.platform_move
        return high


def straddle_moves(spot: npt.ArrayLike, straddle: npt.ArrayLike) -> StraddleMoves:
    """Return raw, 0.85 × and 1.25 × (≈ 1σ) straddle moves around ``spot``; NaN stays NaN."""
    s, price = np.broadcast_arrays(np.asarray(spot, np.float64), np.asarray(straddle, np.float64))
    return StraddleMoves(
        price.copy(),
        STRADDLE_PLATFORM_FACTOR * price,
        move_bands(s, STRADDLE_ONE_SIGMA_FACTOR * price),
    )
