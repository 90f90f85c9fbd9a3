"""American options: Bjerksund–Stensland (2002) values and greeks.

Units as in ``bsm``: prices in dollars per share, ``t`` in years, ``r``, ``q``
and ``sigma`` as decimals per year; greeks per share with theta per calendar
day and vega/rho per point. Inputs are array-likes that broadcast together.

Method (Bjerksund and Stensland, "Closed form valuation of American
options", 2002). A call is valued as the holder who exercises the first time
the asset reaches a flat trigger I2 during [0, t1] or a lower trigger I1
during (t1, T], with t1 = (sqrt(5) - 1)/2 * T, and otherwise holds to
expiry. That strategy is feasible, so its value is a lower bound of the true
price; the triggers interpolate between B0 = max(K, rK/q) and the perpetual
boundary B_inf = beta/(beta - 1) K. The value is a signed sum of discounted
single-barrier claims (normal CDFs) and two-period barrier claims (bivariate
normal CDFs with correlation +/- sqrt(t1/T)). Puts use the put–call
transformation P(S, K, T, r, b) = C(K, S, T, r - b, -b) with b = r - q.

Two guards keep the strategy meaningful outside the formula's design range
(strong negative carry, long maturities): each trigger stays at or above B0
(never exercise below the strike) and I1 stays at or below I2.

Where early exercise never pays (calls with q <= 0, puts with r <= 0) the
value is the European BSM value. Every value is floored at intrinsic
(S - K or K - S) and at the European value. At t <= 0 the value is
intrinsic; with sigma <= 0 it is max(intrinsic, discounted forward intrinsic).
Rounding noise is absolute, about 1e-15 of max(spot, strike).

Greeks are central finite differences of the value (``american_greeks``);
implied volatility inverts the value (``american_implied`` module).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt
from scipy.special import log_ndtr

from workstation.engines.pricing import bsm
from workstation.engines.pricing.bivariate import bivariate_normal_cdf

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IndexArray = npt.NDArray[np.intp]
ArrayLike = npt.ArrayLike

GOLDEN = 0.5 * (math.sqrt(5.0) - 1.0)  # t1 / T
RHO = math.sqrt(GOLDEN)  # correlation of the log price at t1 with the one at T
LOG_EXP_LIMIT = 700.0  # exp() of more than this overflows: switch to logs
EPS = float(np.finfo(np.float64).eps)

# Finite-difference bumps for the greeks (central differences).
SPOT_BUMP_PER_SD = 0.01  # spot bump as a share of one standard deviation sigma sqrt(t) ...
SPOT_BUMP_MIN, SPOT_BUMP_MAX = 1e-5, 1e-3  # ... kept between these fractions of spot
VOL_BUMP = 1e-3  # relative to sigma
TIME_BUMP = 1e-3  # relative to t
RATE_BUMP = 1e-5  # absolute (a thousandth of a rate point)


@dataclass(frozen=True, slots=True)
class OptionBatch:
    """Flat (1-d) inputs of n options; sigma is kept apart because searches vary it."""

    call: BoolArray
    spot: FloatArray
    strike: FloatArray
    t: FloatArray
    r: FloatArray
    q: FloatArray

    @classmethod
    def of(
        cls,
        is_call: ArrayLike,
        spot: ArrayLike,
        strike: ArrayLike,
        t: ArrayLike,
        r: ArrayLike,
        q: ArrayLike,
        other: ArrayLike,
    ) -> tuple[tuple[int, ...], OptionBatch, FloatArray]:
        """Broadcast everything together; return the shape, the options and ``other`` flat."""
        call, *rest = np.broadcast_arrays(
            np.asarray(is_call, dtype=bool),
            *(np.asarray(x, dtype=np.float64) for x in (spot, strike, t, r, q, other)),
        )
        flat = [np.ravel(x) for x in rest]
        return call.shape, cls(np.ravel(call), *flat[:5]), flat[5]

    def take(self, rows: BoolArray | IndexArray) -> OptionBatch:
        """Return the options at ``rows`` (a mask or indices)."""
        return OptionBatch(*(getattr(self, f.name)[rows] for f in fields(self)))

    def sign(self) -> FloatArray:
        """Return +1 for calls, -1 for puts."""
        sign: FloatArray = self.call.astype(np.float64) * 2.0 - 1.0
        return sign


# --------------------------------------------------------------------------- prices
def american_price(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    q: ArrayLike = 0.0,
) -> FloatArray:
    """Return the Bjerksund–Stensland (2002) American value in dollars per share."""
    shape, options, vol = OptionBatch.of(is_call, spot, strike, t, r, q, sigma)
    return american_and_european(options, vol)[0].reshape(shape)


def american_and_european(options: OptionBatch, sigma: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return the American and the European value of every option."""
    o = options
    if sigma.size == 0:
        return np.zeros(0), np.zeros(0)
    european = bsm.price(o.call, o.spot, o.strike, o.t, o.r, sigma, o.q)
    value = np.maximum(european, np.maximum(o.sign() * (o.spot - o.strike), 0.0))
    early = _early_exercise_may_pay(o, sigma)
    if early.any():
        e, vol = o.take(early), sigma[early]
        # Put–call transformation: a put is a call on the strike struck at the spot.
        call_space = _bs2002_call(
            np.where(e.call, e.spot, e.strike),
            np.where(e.call, e.strike, e.spot),
            e.t,
            np.where(e.call, e.r, e.q),
            e.sign() * (e.r - e.q),
            vol,
        )
        # A numerical failure of the approximation (NaN, overflow) leaves the floor in place.
        call_space[~np.isfinite(call_space)] = np.nan
        value[early] = np.fmax(value[early], call_space)
    missing = np.isnan(sigma)
    for x in (o.spot, o.strike, o.t, o.r, o.q):
        missing |= np.isnan(x)
    value[missing] = np.nan  # a missing input never yields a number
    return value, european


def _early_exercise_may_pay(o: OptionBatch, sigma: FloatArray) -> BoolArray:
    """Tell where the call-space dividend yield (q for calls, r for puts) is positive."""
    with np.errstate(invalid="ignore"):
        usable = (o.t > 0.0) & (sigma > 0.0) & (o.spot > 0.0) & (o.strike > 0.0)
        for x in (o.spot, o.strike, o.t, o.r, o.q, sigma):
            usable &= np.isfinite(x)
    found: BoolArray = usable & (np.where(o.call, o.q, o.r) > 0.0)
    return found


@dataclass(frozen=True, slots=True)
class _Strategy:
    """A call below its trigger I2, in logs where the claims need them (1-d arrays)."""

    ls: FloatArray  # ln S
    lk: FloatArray  # ln K
    l1: FloatArray  # ln I1
    l2: FloatArray  # ln I2
    t: FloatArray
    r: FloatArray
    b: FloatArray  # cost of carry r - q
    var: FloatArray  # sigma^2


def _bs2002_call(
    s: FloatArray, k: FloatArray, t: FloatArray, r: FloatArray, b: FloatArray, sigma: FloatArray
) -> FloatArray:
    """Return the BS2002 call value for 1-d inputs with r - b > 0, t > 0, sigma > 0."""
    with np.errstate(all="ignore"):
        var = sigma * sigma
        beta = (0.5 - b / var) + np.sqrt((b / var - 0.5) ** 2 + 2.0 * r / var)
        b_inf = beta / (beta - 1.0) * k
        b_0 = np.maximum(k, r / (r - b) * k)
        spread = np.maximum(b_inf - b_0, 1e-12 * k)

        def trigger(tau: FloatArray) -> FloatArray:
            h = -(b * tau + 2.0 * sigma * np.sqrt(tau)) * (k * k / (spread * b_0))
            at: FloatArray = b_0 - spread * np.expm1(np.minimum(h, 0.0))
            return at

        i2 = trigger(t)
        i1 = np.minimum(trigger(GOLDEN * t), i2)
        value = s - k  # at or above I2: exercise now
        hold = s < i2
        if hold.any():
            logs = (np.log(x[hold]) for x in (s, k, i1, i2))
            at = _Strategy(*logs, *(x[hold] for x in (t, r, b, var)))
            value[hold] = _holding_value(at, beta[hold], k[hold], i1[hold], i2[hold])
    return value


def _holding_value(
    x: _Strategy, beta: FloatArray, k: FloatArray, i1: FloatArray, i2: FloatArray
) -> FloatArray:
    """Value the two-trigger strategy as signed sums of barrier claims.

    First-period rows (claims maturing at t1, knocked out at I2): hitting I2
    early, exercising at t1 between I1 and I2, and the value at t1 of a later
    hit of I1. Second-period rows (maturing at T, also knocked out at I1):
    that hit claim's remainder and the call held to expiry.
    """
    one, zero = np.ones_like(x.ls), np.zeros_like(x.ls)
    first = _phi(
        x,
        gamma=np.stack([beta, one, one, zero, zero, beta]),
        lh=np.stack([x.l2, x.l2, x.l1, x.l2, x.l1, x.l1]),
        lref=np.stack([x.l2, zero, zero, zero, zero, x.l1]),
    )
    second = _psi(
        x,
        gamma=np.stack([beta, one, one, zero, zero]),
        lh=np.stack([x.l1, x.l1, x.lk, x.l1, x.lk]),
        lref=np.stack([x.l1, zero, zero, zero, zero]),
    )
    value: FloatArray = (i2 - k) * np.exp(beta * (x.ls - x.l2))
    value += np.sum(np.stack([k - i2, one, -one, -k, k, i1 - k]) * first, axis=0)
    value += np.sum(np.stack([k - i1, one, -one, -k, k]) * second, axis=0)
    return value


def _phi(x: _Strategy, gamma: FloatArray, lh: FloatArray, lref: FloatArray) -> FloatArray:
    """Return e^{-r t1} E[(S_t1/ref)^gamma; S_t1 <= H, no touch of I2 before t1].

    ``lh`` and ``lref`` are logs. Under the measure with density S^gamma the
    log price drifts at mu = b + (gamma - 1/2) sigma^2; the reflection
    principle gives the second term, weighted by (I2/S)^(2 mu / sigma^2).
    """
    tau = GOLDEN * x.t
    sd = np.sqrt(x.var * tau)
    mu = x.b + (gamma - 0.5) * x.var
    lead = (gamma * x.b - x.r + 0.5 * gamma * (gamma - 1.0) * x.var) * tau
    lead += gamma * (x.ls - lref)
    below = log_ndtr((lh - x.ls - mu * tau) / sd)
    reflected = log_ndtr((lh + x.ls - 2.0 * x.l2 - mu * tau) / sd)
    mirror = (2.0 * mu / x.var) * (x.l2 - x.ls)
    claim: FloatArray = np.exp(lead + below) - np.exp(lead + mirror + reflected)
    return claim


def _psi(x: _Strategy, gamma: FloatArray, lh: FloatArray, lref: FloatArray) -> FloatArray:
    """Return e^{-rT} E[(S_T/ref)^gamma; S_T <= H, no touch of I2 on [0, t1] nor I1 on (t1, T]].

    Conditioning on the log price at t1 and reflecting in each period gives
    four bivariate normal terms: correlation +sqrt(t1/T) for the direct and
    the I2-reflected paths, -sqrt(t1/T) for the two reflected at I1.
    """
    t1 = GOLDEN * x.t
    sd1, sd = np.sqrt(x.var * t1), np.sqrt(x.var * x.t)
    mu = x.b + (gamma - 0.5) * x.var
    kappa = 2.0 * mu / x.var
    lead = (gamma * x.b - x.r + 0.5 * gamma * (gamma - 1.0) * x.var) * x.t
    lead += gamma * (x.ls - lref)
    up1, up = mu * t1, mu * x.t
    ls, l1, l2 = x.ls, x.l1, x.l2
    direct = bivariate_normal_cdf(
        np.stack([l1 - ls - up1, l1 + ls - 2.0 * l2 - up1]) / sd1,
        np.stack([lh - ls - up, lh + ls - 2.0 * l2 - up]) / sd,
        RHO,
    )
    reflected = bivariate_normal_cdf(
        np.stack([l1 - ls + up1, l1 + ls - 2.0 * l2 + up1]) / sd1,
        np.stack([lh + ls - 2.0 * l1 - up, lh - ls - 2.0 * l1 + 2.0 * l2 - up]) / sd,
        -RHO,
    )
    claim = _times_exp(lead, direct[0]) - _times_exp(lead + kappa * (l2 - ls), direct[1])
    claim -= _times_exp(lead + kappa * (l1 - ls), reflected[0])
    claim += _times_exp(lead + kappa * (l1 - l2), reflected[1])
    return claim


def _times_exp(log_factor: FloatArray, probability: FloatArray) -> FloatArray:
    """Return e^log_factor * probability without overflow when the factor is huge."""
    probability = np.maximum(probability, 0.0)
    product: FloatArray = np.exp(np.minimum(log_factor, LOG_EXP_LIMIT)) * probability
    huge = log_factor > LOG_EXP_LIMIT
    if huge.any():
        product[huge] = np.exp(log_factor[huge] + np.log(probability[huge]))
    return product


# --------------------------------------------------------------------------- greeks
# Bump table rows: steps of (spot, sigma, t, r). Rows 0-8 give delta, gamma, vega,
# theta and rho; rows 9-12 vanna and rows 13-16 charm as cross differences.
_BUMPS = np.array(
    [(0, 0, 0, 0), (1, 0, 0, 0), (-1, 0, 0, 0), (0, 1, 0, 0), (0, -1, 0, 0), (0, 0, -1, 0),
     (0, 0, 1, 0), (0, 0, 0, 1), (0, 0, 0, -1), (1, 1, 0, 0), (1, -1, 0, 0), (-1, 1, 0, 0),
     (-1, -1, 0, 0), (1, 0, -1, 0), (1, 0, 1, 0), (-1, 0, -1, 0), (-1, 0, 1, 0)],
    dtype=np.float64,
)  # fmt: skip


def american_greeks(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    q: ArrayLike = 0.0,
) -> tuple[FloatArray, bsm.Greeks]:
    """Return the American value (dollars per share) and its greeks (units as in ``Greeks``).

    Greeks are central finite differences of ``american_price``: spot bumped by
    1 % of one standard deviation (S sigma sqrt(t)), kept between 1e-5 and
    1e-3 of spot; sigma by 0.1 % of itself; t by 0.1 % of itself; r by 1e-5.
    Vanna and charm are cross differences of the spot and sigma / t bumps.
    Where the value is the European one they are the exact BSM greeks; with
    no time or no volatility they are the limits (delta 0, +/-1 or the
    forward's, the rest 0); NaN where an input is NaN.
    """
    shape, options, vol = OptionBatch.of(is_call, spot, strike, t, r, q, sigma)
    value, european = american_and_european(options, vol)
    if value.size == 0:
        return value.reshape(shape), bsm.Greeks(*(value.reshape(shape) for _ in fields(bsm.Greeks)))
    o = options
    exact = bsm.price_and_greeks(o.call, o.spot, o.strike, o.t, o.r, vol, o.q)[1]
    columns = {f.name: np.array(getattr(exact, f.name), dtype=np.float64) for f in fields(exact)}
    dead = ~((o.t > 0.0) & (vol > 0.0))
    # Above the European value the early-exercise approximation (or intrinsic) is in force.
    bumped = (value > european) & ~dead
    if bumped.any():
        for name, column in _bumped_greeks(o.take(bumped), vol[bumped]).items():
            columns[name][bumped] = column
    if dead.any():
        _dead_limits(columns, value, o, dead)
    for column in columns.values():
        column[np.isnan(value)] = np.nan  # a missing input (e.g. no IV) gives no greeks
    greeks = bsm.Greeks(**{name: column.reshape(shape) for name, column in columns.items()})
    return value.reshape(shape), greeks


def _bumped_greeks(o: OptionBatch, sigma: FloatArray) -> dict[str, FloatArray]:
    """Price the 17-row bump table in one call and difference it (see ``american_greeks``)."""
    dh = o.spot * np.clip(SPOT_BUMP_PER_SD * sigma * np.sqrt(o.t), SPOT_BUMP_MIN, SPOT_BUMP_MAX)
    dv, dt = VOL_BUMP * sigma, TIME_BUMP * o.t
    step = _BUMPS[:, :, None]
    rows = len(_BUMPS)
    bumped = OptionBatch(
        np.tile(o.call, rows),
        np.ravel(o.spot + step[:, 0] * dh),
        np.tile(o.strike, rows),
        np.ravel(o.t + step[:, 2] * dt),
        np.ravel(o.r + step[:, 3] * RATE_BUMP),
        np.tile(o.q, rows),
    )
    v = american_and_european(bumped, np.ravel(sigma + step[:, 1] * dv))[0].reshape(rows, -1)
    return {
        "delta": (v[1] - v[2]) / (2.0 * dh),
        "gamma": (v[1] - 2.0 * v[0] + v[2]) / (dh * dh),
        "theta": (v[5] - v[6]) / (2.0 * dt) / bsm.DAYS_PER_YEAR,
        "vega": (v[3] - v[4]) / (2.0 * dv) * bsm.POINT,
        "rho": (v[7] - v[8]) / (2.0 * RATE_BUMP) * bsm.POINT,
        "vanna": (v[9] - v[10] - v[11] + v[12]) / (4.0 * dh * dv) * bsm.POINT,
        "charm": (v[13] - v[14] - v[15] + v[16]) / (4.0 * dh * dt) / bsm.DAYS_PER_YEAR,
    }


def _dead_limits(
    columns: dict[str, FloatArray], value: FloatArray, o: OptionBatch, dead: BoolArray
) -> None:
    """Set greeks without time or volatility: delta +/-1 if exercised, the forward's, or 0."""
    sign = o.sign()
    payoff = sign * (o.spot - o.strike)
    forward_delta = sign * np.exp(-o.q * np.maximum(o.t, 0.0))
    delta = np.where((value == payoff) & (payoff > 0.0), sign, 0.0)
    delta = np.where((delta == 0.0) & (value > 0.0), forward_delta, delta)
    for name, column in columns.items():
        column[dead] = delta[dead] if name == "delta" else 0.0
