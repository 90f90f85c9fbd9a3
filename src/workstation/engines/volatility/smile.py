"""The volatility smile of each expiration: OTM implied vols, ATM IV at the forward, skew.

Inputs are per-contract columns of ONE underlying snapshot (``ChainColumns``).
Units: ``t`` in years of 365 days to each contract's expiry instant; strikes,
spot and forwards in dollars per share (index points for indices);
implied vols decimals per year (0.20 = 20 %); deltas per share as quoted.

Conventions (and why):
- Each expiry has one forward and one ``t``: the median of its contracts'
  values, so a stray per-contract value cannot move the smile.
- The smile takes each strike's IV from the out-of-the-money side: puts
  below the forward, calls above. OTM quotes carry the time value, so their
  IVs are the least distorted by early exercise and wide ITM spreads. A
  strike exactly at the forward averages the call and put IV; no other
  blending is done (the OTM pick is simple and reproducible).
- ATM IV is the smile interpolated linearly in IV against log-moneyness
  ln(K/F) at ln(K/F) = 0. Within one expiry t is fixed, so this differs from
  interpolating total variance only at second order, and it is the number a
  trader can check by hand from the two bracketing strikes. NaN when the
  forward lies outside the quoted OTM strikes (no extrapolation).
- Contracts with NaN or non-positive IV, strike or expiry are skipped; an
  expiry with no usable contracts gets an empty smile and NaN ATM IV.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from workstation.domain.chains import ChainArray
from workstation.engines.pricing import bsm
from workstation.engines.volatility.skew import WING_DELTA, DeltaSkew, delta_skew

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IndexArray = npt.NDArray[np.intp]
DayArray = npt.NDArray[np.datetime64]
DAYS_PER_YEAR = 365.0


@dataclass(frozen=True, slots=True, eq=False)
class ChainColumns:
    """Per-contract arrays of one underlying snapshot, all the same length.

    ``expiry`` datetime64[D]; ``t`` years (365-day) to each contract's expiry
    instant; ``strike`` dollars per share; ``iv`` decimal (NaN when
    unavailable); ``delta`` per share (NaN allowed; omit it, or pass an empty
    array, when the source quotes none). Inputs are converted to those
    dtypes; a length mismatch raises ``ValueError``.
    """

    expiry: DayArray
    t: FloatArray
    strike: FloatArray
    is_call: BoolArray
    iv: FloatArray
    delta: FloatArray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        strike = np.asarray(self.strike, dtype=np.float64)
        delta = np.full(strike.shape, np.nan) if np.size(self.delta) == 0 else self.delta
        converted = {
            "expiry": np.asarray(self.expiry, dtype="M8[D]"),
            "t": np.asarray(self.t, dtype=np.float64),
            "strike": strike,
            "is_call": np.asarray(self.is_call, dtype=bool),
            "iv": np.asarray(self.iv, dtype=np.float64),
            "delta": np.asarray(delta, dtype=np.float64),
        }
        lengths = {name: values.shape for name, values in converted.items()}
        if len(set(lengths.values())) != 1 or len(converted["strike"].shape) != 1:
            raise ValueError(f"chain columns must be 1-D and the same length, got {lengths}")
        for name, values in converted.items():
            object.__setattr__(self, name, values)

    @classmethod
    def from_chain(cls, rows: ChainArray, t: npt.ArrayLike) -> ChainColumns:
        """Build the columns from ``CHAIN_DTYPE`` rows and each row's years to expiry."""
        t_rows = np.broadcast_to(np.asarray(t, dtype=np.float64), rows.shape)
        return cls(
            rows["expiry"], t_rows, rows["strike"], rows["is_call"], rows["iv"], rows["delta"]
        )

    def __len__(self) -> int:
        return int(self.strike.shape[0])


@dataclass(frozen=True, slots=True, eq=False)
class Smile:
    """One expiration's smile.

    ``t`` years (365-day) to the expiry instant; ``forward`` dollars per
    share; ``strikes`` ascending with their ``log_moneyness`` ln(K/F) and
    OTM ``iv`` (decimals); ``atm_iv`` the IV at the forward (decimal, NaN
    when the forward is outside the quoted strikes); ``skew`` the 25-delta
    wing vols.
    """

    expiry: date
    t: float
    forward: float
    strikes: FloatArray
    log_moneyness: FloatArray
    iv: FloatArray
    atm_iv: float
    skew: DeltaSkew

    @property
    def days(self) -> float:
        """Calendar days (fractional) to the expiry instant."""
        return self.t * DAYS_PER_YEAR

    def iv_at(self, strike: npt.ArrayLike) -> FloatArray:
        """Return the smile's IV at ``strike`` (linear in log-moneyness; NaN outside the quotes)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            at = np.log(np.asarray(strike, dtype=np.float64) / self.forward)
        return iv_at_log_moneyness(self.log_moneyness, self.iv, at)


def smiles(
    chain: ChainColumns,
    spot: float,
    *,
    forward: npt.ArrayLike | None = None,
    forward_per_expiry: npt.ArrayLike | None = None,
    r: float | None = None,
    q: float = 0.0,
    wing_delta: float = WING_DELTA,
) -> tuple[Smile, ...]:
    """Return the smile of every expiration in ``chain``, nearest expiry first.

    Forwards (dollars per share) come from the first of these given:
    ``forward`` (a scalar or one per contract), ``forward_per_expiry`` (one
    per distinct expiry, ascending), or ``spot * exp((r - q) * t)`` from
    ``r`` and ``q`` (decimals per year); none of them raises ``ValueError``.
    Missing deltas are computed from the IV with (European) Black–Scholes–
    Merton when ``r`` is given; otherwise contracts without a delta are left
    out of the skew. Rows with a NaT expiry are skipped. ``wing_delta`` is the skew's
    target delta (0.25 = 25-delta).
    """
    groups = expiry_groups(chain.expiry)
    forwards = _contract_forwards(chain, spot, groups, forward, forward_per_expiry, r, q)
    deltas = _fill_deltas(chain, spot, r, q)
    return tuple(_smile(chain, rows, forwards[rows], deltas[rows], wing_delta) for rows in groups)


def _smile(
    chain: ChainColumns, rows: IndexArray, forwards: FloatArray, deltas: FloatArray, wing: float
) -> Smile:
    """Build one expiry's smile from its contracts' row indices."""
    t, fwd = _typical(chain.t[rows]), _typical(forwards)
    strikes, ivs = otm_curve(chain.strike[rows], chain.is_call[rows], chain.iv[rows], fwd)
    log_moneyness = np.log(strikes / fwd)
    atm = float(iv_at_log_moneyness(log_moneyness, ivs, 0.0)) if t > 0 else math.nan
    skew = delta_skew(
        chain.strike[rows],
        chain.is_call[rows],
        deltas,
        chain.iv[rows],
        forward=fwd,
        atm_iv=atm,
        wing_delta=wing,
    )
    expiry: date = chain.expiry[rows[0]].astype(object)
    return Smile(expiry, t, fwd, strikes, log_moneyness, ivs, atm, skew)


def otm_curve(
    strike: FloatArray, is_call: BoolArray, iv: FloatArray, forward: float
) -> tuple[FloatArray, FloatArray]:
    """Return ascending strikes and their OTM IVs (puts below ``forward``, calls above).

    Several usable quotes at one strike (the call and put exactly at the
    forward, or duplicate listings) are averaged. Empty when ``forward`` is
    not a positive finite price.
    """
    if not (math.isfinite(forward) and forward > 0):
        return np.zeros(0), np.zeros(0)
    out_of_money = np.where(strike < forward, ~is_call, (strike > forward) & is_call)
    out_of_money |= strike == forward
    keep = out_of_money & np.isfinite(iv) & (iv > 0.0) & np.isfinite(strike) & (strike > 0.0)
    unique, inverse = np.unique(strike[keep], return_inverse=True)
    counts = np.bincount(inverse, minlength=unique.size)
    mean_iv = np.bincount(inverse, weights=iv[keep], minlength=unique.size) / counts
    return unique.astype(np.float64), mean_iv.astype(np.float64)


def iv_at_log_moneyness(log_moneyness: FloatArray, iv: FloatArray, at: npt.ArrayLike) -> FloatArray:
    """Interpolate IV linearly in log-moneyness (ascending); NaN outside the quoted range."""
    where = np.asarray(at, dtype=np.float64)
    if log_moneyness.size == 0:
        return np.full(where.shape, np.nan)
    inside = (where >= log_moneyness[0]) & (where <= log_moneyness[-1])
    values: FloatArray = np.where(inside, np.interp(where, log_moneyness, iv), np.nan)
    return values


def expiry_groups(expiry: DayArray) -> list[IndexArray]:
    """Return row indices per distinct expiry, nearest first; NaT rows belong to none.

    One sort, no per-expiry scans.
    """
    dated = np.flatnonzero(~np.isnat(expiry))
    if dated.size == 0:
        return []
    order = dated[np.argsort(expiry[dated], kind="stable")]
    ordered = expiry[order]
    cuts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    return list(np.split(order, cuts))


def _contract_forwards(
    chain: ChainColumns,
    spot: float,
    groups: Sequence[IndexArray],
    forward: npt.ArrayLike | None,
    forward_per_expiry: npt.ArrayLike | None,
    r: float | None,
    q: float,
) -> FloatArray:
    """Return one forward per contract from whichever source the caller gave."""
    n = len(chain)
    if forward is not None:
        return np.broadcast_to(np.asarray(forward, dtype=np.float64), (n,)).copy()
    if forward_per_expiry is not None:
        per_expiry = np.asarray(forward_per_expiry, dtype=np.float64).ravel()
        if per_expiry.size != len(groups):
            raise ValueError(f"{len(groups)} expiries but {per_expiry.size} forwards")
        out = np.full(n, np.nan)
        for rows, value in zip(groups, per_expiry, strict=True):
            out[rows] = value
        return out
    if r is not None:
        return bsm.forward(spot, chain.t, r, q)
    raise ValueError("give forward, forward_per_expiry, or r (and q) to compute forwards")


def _fill_deltas(chain: ChainColumns, spot: float, r: float | None, q: float) -> FloatArray:
    """Return quoted deltas, with NaNs replaced by BSM deltas from the IV when ``r`` is known."""
    deltas = chain.delta.copy()
    missing = ~np.isfinite(deltas) & np.isfinite(chain.iv) & (chain.iv > 0.0) & (chain.t > 0.0)
    if r is None or not missing.any():
        return deltas
    with np.errstate(all="ignore"):
        deltas[missing] = bsm.delta(
            chain.is_call[missing],
            spot,
            chain.strike[missing],
            chain.t[missing],
            r,
            chain.iv[missing],
            q,
        )
    return deltas


def _typical(values: FloatArray) -> float:
    """Return the median of the finite values, NaN when there are none."""
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else math.nan
