"""Forward prices implied by put-call parity, per expiration.

C - P = e^{-rt} (F - K) for European options, so each strike quoted on both
sides implies F = K + e^{rt} (C - P). Using the strikes nearest the money
(where both mids are tight) and taking the median makes the estimate robust
to a stale quote. For American options parity holds only approximately (the
early-exercise premium); near the money the error is small and the forward
is still the right anchor for moneyness. The implied dividend yield follows
from F = S e^{(r-q)t}.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
NEAREST = 6  # strikes on each side of the money used for the median


@dataclass(frozen=True, slots=True)
class ImpliedForward:
    """Forward price (dollars per share) and the dividend yield it implies (decimal per year)."""

    forward: float
    dividend_yield: float
    strikes_used: int


def implied_forward(
    strike: FloatArray, call_mid: FloatArray, put_mid: FloatArray, spot: float, t: float, r: float
) -> ImpliedForward:
    """Return the parity-implied forward of one expiration.

    ``strike``, ``call_mid``, ``put_mid`` are aligned per strike (NaN where a
    side is missing). Falls back to the carry-free forward S e^{rt} when no
    strike has both sides.
    """
    both = np.isfinite(call_mid) & np.isfinite(put_mid) & (call_mid > 0) & (put_mid > 0)
    if t <= 0 or not both.any():
        fallback = spot * np.exp(r * max(t, 0.0))
        return ImpliedForward(float(fallback), 0.0, 0)
    k, c, p = strike[both], call_mid[both], put_mid[both]
    near = np.argsort(np.abs(k - spot))[: 2 * NEAREST]
    forwards = k[near] + np.exp(r * t) * (c[near] - p[near])
    forward = float(np.median(forwards))
    dividend_yield = r - float(np.log(forward / spot)) / t if forward > 0 else 0.0
    return ImpliedForward(forward, dividend_yield, int(near.size))


def implied_forwards(
    expiry_index: npt.NDArray[np.intp],
    strike: FloatArray,
    is_call: npt.NDArray[np.bool_],
    mid: FloatArray,
    spot: float,
    t: FloatArray,
    r: float,
) -> tuple[FloatArray, FloatArray]:
    """Vectorised ``implied_forward`` for every expiration of a chain at once.

    Rows must be sorted by (expiry, strike) with each strike's call right
    before its put; ``expiry_index`` numbers the expirations 0..len(t)-1 and
    ``t`` gives each one's years to expiry. Returns (forwards, dividend
    yields), one per expiration, with the carry-free fallback where an
    expiration has no two-sided strike.
    """
    n = len(t)
    fallback = spot * np.exp(r * np.maximum(t, 0.0))
    pair = np.flatnonzero(
        is_call[:-1]
        & ~is_call[1:]
        & (expiry_index[:-1] == expiry_index[1:])
        & (strike[:-1] == strike[1:])
    )
    call, put = mid[pair], mid[pair + 1]
    usable = np.isfinite(call) & np.isfinite(put) & (call > 0) & (put > 0)
    pair, call, put = pair[usable], call[usable], put[usable]
    group, k = expiry_index[pair], strike[pair]
    order = np.lexsort((np.abs(k - spot), group))
    group, k, call, put = group[order], k[order], call[order], put[order]
    rank = np.arange(group.size) - np.searchsorted(group, group)  # position within its expiry
    keep = rank < 2 * NEAREST
    table = np.full((n, 2 * NEAREST), np.nan)
    g = group[keep]
    table[g, rank[keep]] = k[keep] + np.exp(r * t[g]) * (call[keep] - put[keep])
    counts = np.bincount(g, minlength=n)
    with np.errstate(all="ignore"):
        forwards = np.where(
            counts > 0, np.nanmedian(np.where(counts[:, None] > 0, table, 0.0), axis=1), fallback
        )
        yields = np.where((counts > 0) & (t > 0), r - np.log(forwards / spot) / t, 0.0)
    return forwards, yields
