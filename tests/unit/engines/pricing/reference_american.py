"""A slow, independent American option pricer for validating the fast approximation.

Binomial (Cox–Ross–Rubinstein) tree whose last step is replaced by the
Black–Scholes–Merton value (the holder at the penultimate node can still
exercise, but the one remaining period is priced exactly), followed by
Richardson extrapolation between n and n/2 steps: 2 V(n) - V(n/2). The
smoothing removes most of the odd-even oscillation of the plain tree and
the extrapolation its first-order error: at 800 steps European values come
out within 2e-4 of BSM on a strike of 100 (a week to two years, 10-80 %
volatility); American values move by at most 7e-4 (two-year options) from
800 to 1,600 steps and 2e-4 from 1,600 to 3,200, so at 800 steps the
reference is good to about 1e-3 absolute, 3e-4 relative.

Vectorised across options: the tree runs once with one column per option.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr


def american_tree_price(is_call, spot, strike, t, r, sigma, q=0.0, steps=800, american=True):
    """Return the smoothed, extrapolated binomial value of American (or European) options."""
    arrays = np.broadcast_arrays(
        np.asarray(is_call, bool), *(np.asarray(x, float) for x in (spot, strike, t, r, sigma, q))
    )
    shape = arrays[0].shape
    flat = [np.ravel(a) for a in arrays]
    fine = _smoothed_tree(*flat, steps=steps, american=american)
    coarse = _smoothed_tree(*flat, steps=steps // 2, american=american)
    return (2.0 * fine - coarse).reshape(shape)


def _smoothed_tree(call, spot, strike, t, r, sigma, q, *, steps, american):
    sign = np.where(call, 1.0, -1.0)
    dt = t / steps
    up = np.exp(sigma * np.sqrt(dt))
    p = (np.exp((r - q) * dt) - 1.0 / up) / (up - 1.0 / up)
    disc = np.exp(-r * dt)
    log_up = np.log(up)
    # Rows are nodes (j up-moves), columns options.
    j = np.arange(steps)[:, None]
    nodes = spot * np.exp(log_up * (2.0 * j - (steps - 1)))
    values = _bsm(sign, nodes, strike, dt, r, sigma, q)
    if american:
        values = np.maximum(values, sign * (nodes - strike))
    for i in range(steps - 2, -1, -1):
        values = disc * (p * values[1:] + (1.0 - p) * values[:-1])
        if american:
            nodes = spot * np.exp(log_up * (2.0 * np.arange(i + 1)[:, None] - i))
            np.maximum(values, sign * (nodes - strike), out=values)
    return values[0]


def _bsm(sign, spot, strike, t, r, sigma, q):
    sd = sigma * np.sqrt(t)
    d1 = (np.log(spot / strike) + (r - q + 0.5 * sigma * sigma) * t) / sd
    d2 = d1 - sd
    return sign * (
        spot * np.exp(-q * t) * ndtr(sign * d1) - strike * np.exp(-r * t) * ndtr(sign * d2)
    )
