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
