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
_ALL_LIVE = np.ones(1, dtype=bool)  # placeholder mask when every row has time and volatility


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
        if values.shape == self.shape:
            return values
        if values.size == 1 and not self.shape:
            return values.reshape(self.shape)
        return np.array(np.broadcast_to(values, self.shape))


def _inputs(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    q: ArrayLike,
) -> _Inputs:
    raw = [np.asarray(is_call, dtype=bool), *(_floats(x) for x in (spot, strike, t, r, sigma, q))]
    shapes = {a.shape for a in raw if a.ndim}
    # np.broadcast_shapes is slow; the common case (equal shapes and scalars) needs no call
    shape = shapes.pop() if len(shapes) == 1 else np.broadcast_shapes(*(a.shape for a in raw))
    if not shape:  # work on 1-element arrays so in-place operations always have an array
        raw = [a.reshape(1) for a in raw]
    else:  # scalars stay 0-d (cheaper); arrays of a smaller shape are broadcast (views)
        raw = [a if a.ndim == 0 or a.shape == shape else np.broadcast_to(a, shape) for a in raw]
    call, s, k, tt, rr, vol, qq = raw
    sign = call.astype(np.float64)  # +1 calls, -1 puts (np.where on booleans is ~8x slower)
    sign *= 2.0
    sign -= 1.0
    if bool((tt > 0.0).all()) and bool((vol > 0.0).all()):
        return _Inputs(sign, s, k, tt, rr, vol, qq, _ALL_LIVE, True, shape)
    live = ~((tt <= 0.0) | (vol <= 0.0))  # NaN inputs stay "live" and give NaN, not a limit
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
    if all(getattr(found, name).shape == x.shape for name in _GREEK_NAMES):
        return x.shaped(value), found
    shaped = Greeks(*(x.shaped(np.asarray(getattr(found, name))) for name in _GREEK_NAMES))
    return x.shaped(value), shaped


def _kernel(x: _Inputs, *, with_greeks: bool) -> tuple[FloatArray, Greeks | None]:
    """Evaluate price (and greeks) for every row; fix up rows without time or volatility.

    Every intermediate lives in one preallocated workspace and each operation
    writes in place (numpy ``out=``): fewer allocations and fewer cold cache
    lines keep the arithmetic well below the cost of the transcendental calls.
    """
    t = x.t if x.all_live else np.where(x.live, x.t, 1.0)
    sigma = x.sigma if x.all_live else np.where(x.live, x.sigma, 1.0)
    r, q, sign = _scalar_or(x.r), _scalar_or(x.q), x.sign
    work = _Workspace(x.shape or (1,))
    root_t = np.sqrt(t, out=work.next())
    sd = np.multiply(sigma, root_t, out=work.next())
    variance = np.multiply(sigma, sigma, out=work.next())
    d1 = np.divide(x.spot, x.strike, out=work.next())
    np.log(d1, out=d1)
    drift = np.multiply(variance, 0.5, out=work.next())
    drift += r - q
    drift *= t
    d1 += drift
    d1 /= sd
    d2 = np.subtract(d1, sd, out=drift)
    div_disc = np.exp(np.multiply(t, -q, out=work.next()), out=work.last())
    rate_disc = np.exp(np.multiply(t, -r, out=work.next()), out=work.last())
    n1 = ndtr(np.multiply(sign, d1, out=work.next()), out=work.last())
    n2 = ndtr(np.multiply(sign, d2, out=work.next()), out=work.last())
    spot_delta = np.multiply(div_disc, n1, out=work.next())  # e^-qt N(sign d1)
    spot_delta *= sign  # = delta
    delta = spot_delta.copy() if with_greeks else spot_delta
    spot_delta *= x.spot  # sign S e^-qt N(sign d1)
    strike_leg = np.multiply(x.strike, rate_disc, out=work.next())
    strike_leg *= n2
    strike_leg *= sign  # sign K e^-rt N(sign d2)
    value = spot_delta - strike_leg
    if not with_greeks:
        return (value if x.all_live else _dead_value(x, value)), None
    found = _greeks(
        x,
        r,
        q,
        _Shared(
            t, sigma, variance, sd, root_t, div_disc, d1, d2, delta, spot_delta, strike_leg, value
        ),
        work,
    )
    if x.all_live:
        return value, found
    return _dead_value(x, value), _dead_greeks(x, found)


class _Workspace:
    """One block of scratch rows for the kernel's intermediates."""

    ROWS = 16

    def __init__(self, shape: tuple[int, ...]) -> None:
        self._block = np.empty((self.ROWS, *shape))
        self._used = 0

    def next(self) -> FloatArray:
        """Return an unused scratch row."""
        row: FloatArray = self._block[self._used]
        self._used += 1
        return row

    def last(self) -> FloatArray:
        """Return the most recently handed-out row (for an in-place second step)."""
        row: FloatArray = self._block[self._used - 1]
        return row


@dataclass(frozen=True, slots=True)
class _Shared:
    """Kernel intermediates the greeks reuse (rows with time and volatility)."""

    t: FloatArray
    sigma: FloatArray
    variance: FloatArray
    sd: FloatArray
    root_t: FloatArray
    div_disc: FloatArray
    d1: FloatArray
    d2: FloatArray
    delta: FloatArray
    spot_delta: FloatArray  # sign S e^-qt N(sign d1)
    strike_leg: FloatArray  # sign K e^-rt N(sign d2)
    value: FloatArray


def _greeks(
    x: _Inputs, r: FloatArray | float, q: FloatArray | float, k: _Shared, work: _Workspace
) -> Greeks:
    """Assemble the greeks from the kernel's shared terms (see module docstring for units).

    With w = e^-qt phi(d1): gamma = w/(S sd); vega = S w sqrt(t);
    theta = -S w sigma^2/(2 sd) - r sign K e^-rt N(sign d2) + q sign S e^-qt N(sign d1);
    rho = sign K t e^-rt N(sign d2); vanna = -w d2/sigma;
    charm = q delta - (r - q) w/sd + w d2/(2t).
    """
    w = np.multiply(k.d1, k.d1, out=work.next())
    w *= -0.5
    np.exp(w, out=w)
    w *= k.div_disc
    w *= INV_SQRT_2PI  # e^-qt phi(d1)
    w_per_sd = np.divide(w, k.sd, out=work.next())
    gamma = w_per_sd / x.spot
    vega = x.spot * w
    vega *= np.multiply(k.root_t, POINT, out=k.root_t)
    theta = w_per_sd * k.variance
    theta *= -0.5 / DAYS_PER_YEAR
    theta *= x.spot
    theta -= np.multiply(k.strike_leg, r / DAYS_PER_YEAR, out=work.next())
    theta += np.multiply(k.spot_delta, q / DAYS_PER_YEAR, out=work.last())
    rho = k.strike_leg * k.t
    rho *= POINT
    w_d2 = np.multiply(w, k.d2, out=work.next())
    vanna = w_d2 / k.sigma
    vanna *= -POINT
    charm = w_d2 / k.t
    charm *= 0.5 / DAYS_PER_YEAR
    charm += np.multiply(k.delta, q / DAYS_PER_YEAR, out=work.next())
    charm -= np.multiply(w_per_sd, (r - q) / DAYS_PER_YEAR, out=work.last())
    return Greeks(k.delta, gamma, theta, vega, rho, vanna, charm)


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
