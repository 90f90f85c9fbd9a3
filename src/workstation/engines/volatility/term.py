"""ATM term structure: IV per expiry, constant-maturity IV, and the curve's shape.

Units: ``days`` are fractional calendar days to each expiry instant (years
x 365); implied vols decimals per year (0.20 = 20 %); the flat band is in
decimal vol points (0.005 = half a vol point).

Conventions (and why):
- Constant-maturity IV (e.g. the 30-day IV) interpolates total variance
  sigma^2 x days linearly between the two listed expiries that bracket the
  horizon. Variance, not vol, adds over time, so this is the interpolation
  that keeps the forward variance between the expiries constant; the result
  always lies between the two bracketing IVs. Outside the listed range the
  IV is held flat at the nearest expiry's IV (no slope is invented).
- The shape compares a front expiry (the nearest with at least 7 days, so
  that expiring weeklies do not decide it) with a back expiry (the one
  nearest 75 days, the middle of the 60-90 day range traders look at).
  Back above front by more than the flat band is contango, below by more
  than the band backwardation, otherwise flat. An expiry in between whose
  IV exceeds both ends by more than the band (typically an earnings
  expiry) makes the curve humped; that check comes first.
- Expiries without a finite ATM IV, or with days <= 0, are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

import numpy as np
import numpy.typing as npt

from workstation.engines.volatility.smile import Smile

FloatArray = npt.NDArray[np.float64]
DayArray = npt.NDArray[np.datetime64]

FRONT_MIN_DAYS = 7.0
BACK_TARGET_DAYS = 75.0
FLAT_BAND = 0.005


@dataclass(frozen=True, slots=True, eq=False)
class TermStructure:
    """ATM IV per expiration, nearest first.

    ``expiries`` datetime64[D]; ``days`` fractional calendar days to each
    expiry instant; ``atm_iv`` decimals (NaN where the smile had no ATM IV).
    """

    expiries: DayArray
    days: FloatArray
    atm_iv: FloatArray

    def iv_at(self, horizon_days: npt.ArrayLike) -> FloatArray:
        """Return constant-maturity ATM IV at ``horizon_days`` calendar days (see module)."""
        return constant_maturity_iv(self.days, self.atm_iv, horizon_days)

    @property
    def iv30(self) -> float:
        """The 30-calendar-day constant-maturity ATM IV (decimal; NaN without usable expiries)."""
        return float(self.iv_at(30.0))


def term_structure(smiles: Sequence[Smile]) -> TermStructure:
    """Return the ATM term structure of ``smiles`` (any order; sorted by expiry)."""
    ordered = sorted(smiles, key=lambda s: s.expiry)
    return TermStructure(
        np.array([s.expiry for s in ordered], dtype="M8[D]"),
        np.array([s.days for s in ordered], dtype=np.float64),
        np.array([s.atm_iv for s in ordered], dtype=np.float64),
    )


def constant_maturity_iv(
    days: npt.ArrayLike, atm_iv: npt.ArrayLike, horizon_days: npt.ArrayLike
) -> FloatArray:
    """Return ATM IV (decimal) at each horizon (calendar days) by total-variance interpolation.

    ``days``/``atm_iv`` describe listed expiries in any order; NaN IVs and
    days <= 0 are skipped. Flat extrapolation beyond the first and last
    usable expiry. NaN for horizons that are NaN or <= 0, or when no expiry
    is usable. Shape of ``horizon_days``.
    """
    d_all = np.asarray(days, dtype=np.float64)
    v_all = np.asarray(atm_iv, dtype=np.float64)
    horizon = np.asarray(horizon_days, dtype=np.float64)
    usable = np.isfinite(d_all) & (d_all > 0.0) & np.isfinite(v_all)
    order = np.argsort(d_all[usable], kind="stable")
    d, v = d_all[usable][order], v_all[usable][order]
    if d.size == 0:
        return np.full(horizon.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        inside = np.sqrt(np.interp(horizon, d, v * v * d) / horizon)
    iv = np.where(horizon <= d[0], v[0], np.where(horizon >= d[-1], v[-1], inside))
    result: FloatArray = np.where(horizon > 0.0, iv, np.nan)
    return result


class TermShape(Enum):
    """Shape of the ATM term structure."""

    CONTANGO = "contango"  # back IV above front IV: the calm-market norm
    BACKWARDATION = "backwardation"  # front IV above back IV: stress now
    FLAT = "flat"  # within the flat band
    HUMPED = "humped"  # an intermediate expiry above both ends (an event)
    UNKNOWN = "unknown"  # fewer than two usable expiries


@dataclass(frozen=True, slots=True)
class TermPoint:
    """One expiry on the curve: calendar days to its instant, ATM IV decimal."""

    expiry: date
    days: float
    atm_iv: float


@dataclass(frozen=True, slots=True)
class TermReading:
    """The shape of a term structure and the numbers that decided it.

    ``front``/``back`` the compared expiries (None when missing); ``peak``
    the intermediate expiry that made the curve humped (else None);
    ``flat_band`` in decimal vol points.
    """

    shape: TermShape
    front: TermPoint | None
    back: TermPoint | None
    peak: TermPoint | None
    flat_band: float

    @property
    def slope(self) -> float:
        """Back minus front ATM IV in decimal vol points (NaN when either is missing)."""
        if self.front is None or self.back is None:
            return math.nan
        return self.back.atm_iv - self.front.atm_iv

    @property
    def reason(self) -> str:
        """One sentence with the numbers, e.g. for a recommendation's reasons."""
        if self.front is None or self.back is None:
            return "term structure unknown: fewer than two expiries with an ATM IV"
        ends = f"front {_point(self.front)} vs back {_point(self.back)}"
        band = f"flat band ±{100 * self.flat_band:.1f} vol pts"
        if self.peak is not None:
            return f"humped: {_point(self.peak)} above both ends ({ends}; {band})"
        return f"{self.shape.value}: {ends}, slope {100 * self.slope:+.1f} vol pts ({band})"


def classify_term(
    term: TermStructure,
    *,
    front_min_days: float = FRONT_MIN_DAYS,
    back_target_days: float = BACK_TARGET_DAYS,
    flat_band: float = FLAT_BAND,
) -> TermReading:
    """Classify ``term`` as contango, backwardation, flat or humped (rules in the module doc).

    ``front_min_days`` and ``back_target_days`` are calendar days;
    ``flat_band`` decimal vol points.
    """
    points = [
        TermPoint(e.astype(object), float(d), float(v))
        for e, d, v in zip(term.expiries, term.days, term.atm_iv, strict=True)
        if math.isfinite(v) and d > 0.0
    ]
    front = next((p for p in points if p.days >= front_min_days), None)
    later = [p for p in points if front is not None and p.days > front.days]
    if front is None or not later:
        return TermReading(TermShape.UNKNOWN, front, None, None, flat_band)
    back = min(later, key=lambda p: abs(p.days - back_target_days))
    between = [p for p in later if p.days < back.days]
    peak = max(between, key=lambda p: p.atm_iv, default=None)
    if peak is not None and peak.atm_iv > max(front.atm_iv, back.atm_iv) + flat_band:
        return TermReading(TermShape.HUMPED, front, back, peak, flat_band)
    slope = back.atm_iv - front.atm_iv
    if slope > flat_band:
        shape = TermShape.CONTANGO
    elif slope < -flat_band:
        shape = TermShape.BACKWARDATION
    else:
        shape = TermShape.FLAT
    return TermReading(shape, front, back, None, flat_band)


def _point(p: TermPoint) -> str:
    return f"{p.expiry:%d %b} ({p.days:.0f}d) {100 * p.atm_iv:.1f}%"
