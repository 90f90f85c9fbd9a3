"""The normalised Black function in the form the implied-volatility solver needs.

Every European option reduces to an out-of-the-money call on a forward with
log-moneyness ``x = ln(F/K) <= 0`` and total volatility ``s = sigma sqrt(t)``:

    b(x, s) = e^{x/2} N(x/s + s/2) - e^{-x/2} N(x/s - s/2),   0 < b < b_max = e^{x/2}

The solver works with the log-odds ``eta = ln(b / (b_max - b))``, which
behaves like ln b for cheap options and like -ln(b_max - b) for options near
their upper bound. Written with the scaled complementary error function
``erfcx`` the common factor exp(-(h^2 + t^2)/2) cancels, so eta and its
derivatives are evaluated without underflow or overflow for any inputs
(h = x/s, t = s/2). Where two erfcx values nearly cancel (a short-dated,
almost at-the-money option) their difference comes from a Taylor series.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.special import erfcx

FloatArray = npt.NDArray[np.float64]

SQRT2 = math.sqrt(2.0)
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
# Below this product the erfcx difference loses digits; the series is exact to 1e-17 there.
SERIES_THRESHOLD = 0.1
SERIES_TERMS = 14


def log_odds(x: FloatArray, s: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return (eta, P, Q) for x <= 0 and s > 0.

    ``P = b'/b`` and ``Q = b'/(b_max - b)`` where ``b'`` is db/ds, so that
    d(eta)/ds = P + Q. All three are finite for every finite input.
    """
    h = x / s
    t = 0.5 * s
    z = (h + t) / SQRT2
    upper = z >= 0.0
    sign = np.where(upper, 1.0, -1.0)
    near = erfcx(np.abs(z))
    far = erfcx((t - h) / SQRT2)
    small = near + sign * far
    _refine_close_pairs(small, upper, np.abs(z), near, SQRT2 * t)
    decay = np.exp(-z * z)
    rest = 2.0 - small * decay
    eta = sign * (z * z + np.log(rest / small))
    p_small = SQRT_2_OVER_PI / small
    p_large = SQRT_2_OVER_PI * decay / rest
    return eta, np.where(upper, p_large, p_small), np.where(upper, p_small, p_large)


def _refine_close_pairs(
    small: FloatArray,
    upper: npt.NDArray[np.bool_],
    w: FloatArray,
    near: FloatArray,
    gap: FloatArray,
) -> None:
    """Replace erfcx(w) - erfcx(w + gap) by its Taylor series where the two nearly cancel."""
    close = ~upper & (np.broadcast_to(gap, w.shape) * (2.0 * w + 1.0) < SERIES_THRESHOLD)
    if close.any():
        small[close] = erfcx_gap(w[close], near[close], np.broadcast_to(gap, w.shape)[close])


def erfcx_gap(w: FloatArray, at_w: FloatArray, gap: FloatArray) -> FloatArray:
    """Return erfcx(w) - erfcx(w + gap) for small ``gap`` by Taylor series.

    With T_k = erfcx^(k)(w) gap^k / k!, erfcx' = 2 w erfcx - 2/sqrt(pi) gives
    T_(k+1) = (2 w gap T_k + 2 gap^2 T_(k-1)) / (k + 1); the terms shrink
    geometrically when 2 w gap is small, which the caller ensures.
    """
    previous = at_w
    current = (2.0 * w * at_w - TWO_OVER_SQRT_PI) * gap
    total = -current
    wg2 = 2.0 * w * gap
    gap2 = 2.0 * gap * gap
    for k in range(1, SERIES_TERMS):
        previous, current = current, (wg2 * current + gap2 * previous) / (k + 1)
        total -= current
    return total


def householder_step(x: FloatArray, s: FloatArray, target: FloatArray) -> FloatArray:
    """Return one fourth-order Householder update of s towards eta(x, s) = target.

    Derivatives come from b''/b' = x^2/s^3 - s/4 and its derivative.
    """
    eta, p, q = log_odds(x, s)
    curve = x * x / (s * s * s) - 0.25 * s
    curve_slope = -3.0 * x * x / (s * s * s * s) - 0.25
    dp = p * curve - p * p
    dq = q * curve + q * q
    g1 = p + q
    g2 = g1 * curve + q * q - p * p
    g3 = (dp + dq) * curve + g1 * curve_slope + 2.0 * (q * dq - p * dp)
    newton = (eta - target) / g1
    h2 = g2 / g1
    h3 = g3 / g1
    step = newton * (1.0 - 0.5 * h2 * newton) / (1.0 - newton * (h2 - h3 * newton / 6.0))
    return s - step
