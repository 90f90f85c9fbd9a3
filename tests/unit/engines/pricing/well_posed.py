"""When an implied volatility can be known to 1e-12: the test oracle for "well posed"."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from workstation.engines.pricing import greeks, price

EPS = np.finfo(float).eps


def well_posed(is_call, spot, strike, t, r, sigma, q):
    """True where rounding the price to double moves sigma by under a quarter of 1e-12.

    A BSM price is the difference of S e^-qt N(d1) and K e^-rt N(d2); its
    rounding noise scales with those two terms, not with the price itself
    (deep in the money, or at the money with minutes left, they nearly cancel).
    A price that underflows to zero has no volatility to recover.
    """
    sign = np.where(is_call, 1.0, -1.0)
    sd = sigma * np.sqrt(t)
    d1 = (np.log(spot / strike) + (r - q + 0.5 * sigma**2) * t) / sd
    terms = spot * np.exp(-q * t) * ndtr(sign * d1) + strike * np.exp(-r * t) * ndtr(
        sign * (d1 - sd)
    )
    vega = greeks(is_call, spot, strike, t, r, sigma, q).vega * 100
    value = price(is_call, spot, strike, t, r, sigma, q)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return (4 * EPS * terms / vega < 2.5e-13) & (value > 1e-300)
