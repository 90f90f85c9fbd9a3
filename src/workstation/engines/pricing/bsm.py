"""Black–Scholes–Merton for European options on an asset with a continuous dividend yield.

Units everywhere: prices in dollars per share (index points for indices),
``t`` in years, ``r``, ``q`` and ``sigma`` as decimals per year (0.04 = 4 %).
All functions take array-likes that broadcast together and return float64
arrays of the broadcast shape. ``is_call`` is a boolean array-like.

Edge cases are defined rather than NaN: at ``t <= 0`` an option is worth its
intrinsic value; with ``sigma <= 0`` (and ``t > 0``) it is worth the
discounted intrinsic value of the forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ArrayLike = npt.ArrayLike


@dataclass(frozen=True, slots=True)
class Contracts:
    """Broadcast inputs of a batch of options, plus the terms every formula shares.

    ``live`` marks rows with time and volatility left (t > 0 and sigma > 0);
    ``d1``/``d2`` are finite placeholders where a row is not live.
    """

    is_call: BoolArray
    spot: FloatArray
    strike: FloatArray
    t: FloatArray
    r: FloatArray
    sigma: FloatArray
    q: FloatArray
    live: BoolArray
    d1: FloatArray
    d2: FloatArray

    @property
    def sign(self) -> FloatArray:
        """Return +1 for calls and -1 for puts."""
        return np.where(self.is_call, 1.0, -1.0)

    @property
    def spot_discount(self) -> FloatArray:
        """Return exp(-q t), the dividend discount factor (0-1)."""
        return np.exp(-self.q * np.maximum(self.t, 0.0))

    @property
    def strike_discount(self) -> FloatArray:
        """Return exp(-r t), the money-market discount factor."""
        return np.exp(-self.r * np.maximum(self.t, 0.0))


def contracts(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    q: ArrayLike = 0.0,
) -> Contracts:
    """Broadcast option inputs together and compute d1 and d2 where defined."""
    call, s, k, tt, rr, vol, qq = np.broadcast_arrays(
        np.asarray(is_call, dtype=bool), *(_floats(x) for x in (spot, strike, t, r, sigma, q))
    )
    live = (tt > 0.0) & (vol > 0.0)
    root_t = np.sqrt(np.where(live, tt, 1.0))
    sd = np.where(live, vol, 1.0) * root_t
    with np.errstate(divide="ignore", invalid="ignore"):
        log_moneyness = np.log(s / k)
    d1 = np.where(live, (log_moneyness + (rr - qq + 0.5 * vol * vol) * tt) / sd, 0.0)
    d2 = np.where(live, d1 - sd, 0.0)
    return Contracts(call, s, k, tt, rr, vol, qq, live, d1, d2)


def forward(spot: ArrayLike, t: ArrayLike, r: ArrayLike, q: ArrayLike = 0.0) -> FloatArray:
    """Return the forward price S e^{(r-q)t} in dollars per share."""
    return _floats(spot) * np.exp((_floats(r) - _floats(q)) * _floats(t))


def price(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    q: ArrayLike = 0.0,
) -> FloatArray:
    """Return the BSM value of European options in dollars per share."""
    c = contracts(is_call, spot, strike, t, r, sigma, q)
    return price_of(c)


def delta(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    q: ArrayLike = 0.0,
) -> FloatArray:
    """Return dV/dS per share: calls 0 to 1, puts -1 to 0 (times e^{-qt})."""
    c = contracts(is_call, spot, strike, t, r, sigma, q)
    return delta_of(c)


def price_of(c: Contracts) -> FloatArray:
    """Return the value of prepared contracts in dollars per share."""
    sign, fwd_pv, k_pv = c.sign, c.spot * c.spot_discount, c.strike * c.strike_discount
    model = sign * (fwd_pv * ndtr(sign * c.d1) - k_pv * ndtr(sign * c.d2))
    no_vol = np.maximum(sign * (fwd_pv - k_pv), 0.0)
    expired = np.maximum(sign * (c.spot - c.strike), 0.0)
    value: FloatArray = np.where(c.live, model, np.where(c.t > 0.0, no_vol, expired))
    return value


def delta_of(c: Contracts) -> FloatArray:
    """Return the delta of prepared contracts per share (see ``delta``)."""
    sign = c.sign
    model = sign * c.spot_discount * ndtr(sign * c.d1)
    no_vol = c.spot_discount * _in_the_money(
        sign, c.spot * c.spot_discount, c.strike * c.strike_discount
    )
    expired = _in_the_money(sign, c.spot, c.strike)
    value: FloatArray = np.where(c.live, model, np.where(c.t > 0.0, no_vol, expired))
    return value


def _in_the_money(sign: FloatArray, underlying: FloatArray, strike: FloatArray) -> FloatArray:
    """Return +1/-1 (call/put) where in the money, 0 otherwise: the limit delta."""
    itm: FloatArray = np.where(sign * (underlying - strike) > 0.0, sign, 0.0)
    return itm


def _floats(x: Any) -> FloatArray:
    return np.asarray(x, dtype=np.float64)
