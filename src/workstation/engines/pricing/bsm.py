"""Black–Scholes–Merton for European options on an asset with a continuous dividend yield.

Units everywhere: prices in dollars per share (index points for indices),
``t`` in years, ``r``, ``q`` and ``sigma`` as decimals per year (0.04 = 4 %).
All functions take array-likes that broadcast together and return float64
arrays of the broadcast shape. ``is_call`` is a boolean array-like.

Greeks are quoted the way traders read them: theta per calendar day, vega
per volatility point (0.01), rho per rate point (0.01), vanna as the change
in delta per volatility point, charm as the change in delta per calendar day
passing. Gamma is per dollar of the underlying.

Edge cases are defined rather than NaN: at ``t <= 0`` an option is worth its
intrinsic value; with ``sigma <= 0`` (and ``t > 0``) it is worth the
discounted intrinsic value of the forward. Greeks there are the limits
(delta 0 or +/-1 times the dividend discount, everything else 0).

The kernel evaluates each transcendental function once per option (one
log, one sqrt, three exp, two ndtr) and shares every intermediate between
the price and the greeks.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ArrayLike = npt.ArrayLike

INV_SQRT_2PI = 0.3989422804014327
DAYS_PER_YEAR = 365.0
POINT = 0.01  # one volatility or rate point


@dataclass(frozen=True, slots=True)
class Greeks:
    """Option sensitivities per share (multiply by the contract multiplier for a position).

    delta: dV/dS (calls 0..1, puts -1..0); gamma: d(delta)/dS per dollar;
    theta: value change per calendar day passing; vega: per volatility point;
    rho: per rate point; vanna: change in delta per volatility point;
    charm: change in delta per calendar day passing.
    """

    delta: FloatArray
    gamma: FloatArray
    theta: FloatArray
    vega: FloatArray
    rho: FloatArray
    vanna: FloatArray
    charm: FloatArray


_GREEK_NAMES = tuple(f.name for f in fields(Greeks))


@dataclass(frozen=True, slots=True)
class _Inputs:
    sign: FloatArray
    spot: FloatArray
    strike: FloatArray
    t: FloatArray
    r: FloatArray
    sigma: FloatArray
    q: FloatArray
    live: BoolArray
    all_live: bool
    shape: tuple[int, ...]

    def shaped(self, values: FloatArray) -> FloatArray:
        """Give results the broadcast shape of the inputs (0-d inputs give 0-d results)."""
        return values.reshape(self.shape)


def _inputs(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    q: ArrayLike,
) -> _Inputs:
    arrays = list(
        np.broadcast_arrays(
            np.asarray(is_call, dtype=bool), *(_floats(x) for x in (spot, strike, t, r, sigma, q))
        )
    )
    shape = arrays[0].shape
    if not shape:  # work on 1-element arrays so in-place operations always have an array
        arrays = [a.reshape(1) for a in arrays]
    call, s, k, tt, rr, vol, qq = arrays
    live = ~((tt <= 0.0) | (vol <= 0.0))  # NaN inputs stay "live" and give NaN, not a limit
    sign = call * 2.0
    sign -= 1.0
    return _Inputs(sign, s, k, tt, rr, vol, qq, live, bool(live.all()), shape)


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
    x = _inputs(is_call, spot, strike, t, r, sigma, q)
    value, _ = _kernel(x, with_greeks=False)
    return x.shaped(value)


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
    return greeks(is_call, spot, strike, t, r, sigma, q).delta


def greeks(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    q: ArrayLike = 0.0,
) -> Greeks:
    """Return delta, gamma, theta, vega, rho, vanna and charm (units in ``Greeks``)."""
    return price_and_greeks(is_call, spot, strike, t, r, sigma, q)[1]


def price_and_greeks(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    q: ArrayLike = 0.0,
) -> tuple[FloatArray, Greeks]:
    """Return the value (dollars per share) and the greeks, sharing every intermediate."""
    x = _inputs(is_call, spot, strike, t, r, sigma, q)
    value, found = _kernel(x, with_greeks=True)
    assert found is not None
    if x.shape == value.shape:
        return value, found
    shaped = Greeks(*(x.shaped(getattr(found, name)) for name in _GREEK_NAMES))
    return x.shaped(value), shaped


def _kernel(x: _Inputs, *, with_greeks: bool) -> tuple[FloatArray, Greeks | None]:
    """Evaluate price (and greeks) for every row; fix up rows without time or volatility.

    Written with in-place operations: each temporary array is allocated once
    and reused, which keeps the arithmetic cheaper than the transcendental calls.
    """
    t = x.t if x.all_live else np.where(x.live, x.t, 1.0)
    sigma = x.sigma if x.all_live else np.where(x.live, x.sigma, 1.0)
    r, q, sign = _scalar_or(x.r), _scalar_or(x.q), x.sign
    root_t = np.sqrt(t)
    sd = sigma * root_t
    d1 = np.log(x.spot / x.strike)
    drift = sigma * sigma
    drift *= 0.5
    drift += r - q
    drift *= t
    d1 += drift
    d1 /= sd
    d2 = d1 - sd
    div_disc = np.exp(t * -q)
    rate_disc = np.exp(t * -r)
    n1 = ndtr(sign * d1)
    n2 = ndtr(sign * d2)
    spot_leg = x.spot * div_disc  # S e^-qt N(+-d1) after the next line
    spot_leg *= n1
    strike_leg = x.strike * rate_disc  # K e^-rt N(+-d2) after the next line
    strike_leg *= n2
    value = spot_leg - strike_leg
    value *= sign
    found = None
    if with_greeks:
        found = _greeks(x, t, sigma, r, q, root_t, sd, div_disc, d1, d2, n1, spot_leg, strike_leg)
    if x.all_live:
        return value, found
    return _dead_value(x, value), (None if found is None else _dead_greeks(x, found))


def _greeks(
    x: _Inputs,
    t: FloatArray,
    sigma: FloatArray,
    r: FloatArray | float,
    q: FloatArray | float,
    root_t: FloatArray,
    sd: FloatArray,
    div_disc: FloatArray,
    d1: FloatArray,
    d2: FloatArray,
    n1: FloatArray,
    spot_leg: FloatArray,
    strike_leg: FloatArray,
) -> Greeks:
    """Assemble the greeks from the kernel's shared terms (see module docstring for units)."""
    sign = x.sign
    weighted_pdf = d1 * d1  # becomes e^-qt phi(d1)
    weighted_pdf *= -0.5
    np.exp(weighted_pdf, out=weighted_pdf)
    weighted_pdf *= div_disc
    weighted_pdf *= INV_SQRT_2PI
    delta = n1 * sign
    delta *= div_disc
    gamma = x.spot * sd
    np.divide(weighted_pdf, gamma, out=gamma)
    vega_year = x.spot * weighted_pdf
    vega_year *= root_t
    signed_strike_leg = strike_leg * sign
    theta = vega_year * sigma  # -S e^-qt phi(d1) sigma / (2 sqrt t), then the carry terms
    theta /= t
    theta *= -0.5 / DAYS_PER_YEAR
    theta -= signed_strike_leg * (r / DAYS_PER_YEAR)
    theta += spot_leg * sign * (q / DAYS_PER_YEAR)
    rho = signed_strike_leg * t
    rho *= POINT
    vanna = weighted_pdf * d2
    vanna /= sigma
    vanna *= -POINT
    vega_year *= POINT
    return Greeks(
        delta, gamma, theta, vega_year, rho, vanna, _charm(t, r, q, sd, d2, delta, weighted_pdf)
    )


def _charm(
    t: FloatArray,
    r: FloatArray | float,
    q: FloatArray | float,
    sd: FloatArray,
    d2: FloatArray,
    delta: FloatArray,
    weighted_pdf: FloatArray,
) -> FloatArray:
    """Return -d(delta)/dT per calendar day.

    -dDelta/dT = q delta - e^-qt phi(d1) ((r - q)/(sigma sqrt t) - d2/(2t)).
    """
    slope = d2 / t
    slope *= -0.5
    slope += (r - q) / sd
    slope *= weighted_pdf
    charm = delta * q
    charm -= slope
    charm *= 1.0 / DAYS_PER_YEAR
    return charm


def _scalar_or(values: FloatArray) -> FloatArray | float:
    """Return a Python float when every element is the same broadcast scalar (cheaper)."""
    if values.size and (values.ndim == 0 or values.strides == (0,) * values.ndim):
        return float(values.flat[0])
    return values


def _dead_value(x: _Inputs, value: FloatArray) -> FloatArray:
    """Intrinsic value at expiry; discounted forward intrinsic with no volatility."""
    t = np.maximum(x.t, 0.0)
    forward_intrinsic = np.maximum(
        x.sign * (x.spot * np.exp(-x.q * t) - x.strike * np.exp(-x.r * t)), 0.0
    )
    expired = np.maximum(x.sign * (x.spot - x.strike), 0.0)
    fixed: FloatArray = np.where(x.live, value, np.where(x.t > 0.0, forward_intrinsic, expired))
    return fixed


def _dead_greeks(x: _Inputs, found: Greeks) -> Greeks:
    """Limit greeks where there is no time or volatility: delta 0 or +/-1, the rest 0."""
    t = np.maximum(x.t, 0.0)
    div_disc = np.exp(-x.q * t)
    underlying = np.where(x.t > 0.0, x.spot * div_disc, x.spot)
    strike = np.where(x.t > 0.0, x.strike * np.exp(-x.r * t), x.strike)
    in_money = np.where(x.sign * (underlying - strike) > 0.0, x.sign, 0.0)
    limit_delta = np.where(x.t > 0.0, div_disc, 1.0) * in_money

    def keep(values: FloatArray, dead: FloatArray | float = 0.0) -> FloatArray:
        out: FloatArray = np.where(x.live, values, dead)
        return out

    return Greeks(
        keep(found.delta, limit_delta),
        keep(found.gamma),
        keep(found.theta),
        keep(found.vega),
        keep(found.rho),
        keep(found.vanna),
        keep(found.charm),
    )


def _floats(x: Any) -> FloatArray:
    return np.asarray(x, dtype=np.float64)
