"""Implied volatility of European (Black–Scholes–Merton) option prices.

``implied_volatility`` returns sigma (decimal per year) or NaN where no
volatility reproduces the price; ``implied_volatility_status`` says why for
every element (an ``IvStatus`` code), so a NaN is never unexplained and a
0 is never returned.

Method: the price is reduced to an out-of-the-money normalised Black price
(``normalized``); an initial guess of the total volatility s = sigma sqrt(t)
comes from a lookup table of the inverse function, interpolated bilinearly
in (asinh-scaled log-moneyness, log-odds of the normalised price); one
fourth-order Householder step then reaches machine precision, a second one
is taken where the first moved more than 1e-3 relative. Inputs outside the
table (|ln F/K| > 6 or extreme log-odds) take a safeguarded iteration from
asymptotic guesses. The table is built once per process on first use (a few
milliseconds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from workstation.engines.pricing.normalized import householder_step, log_odds

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ArrayLike = npt.ArrayLike

X_MAX = 6.0  # |ln(F/K)| covered by the table
X_SCALE = 1e-4  # asinh scale: resolves |ln F/K| from 1e-4 up, relatively
ETA_MIN, ETA_MAX = -700.0, 50.0  # e^-700 is close to the smallest double
ETA_KNEE = -8.0  # below it the table coordinate follows ln(-eta): s ~ |x| / sqrt(-2 eta)
ZETA_MIN = ETA_KNEE + ETA_KNEE * math.log(ETA_MIN / ETA_KNEE)
N_X, N_ZETA = 129, 753
SECOND_STEP = 1e-3  # a first step larger than this (relative) is followed by a second
FALLBACK_STEPS = 40
SQRT_2PI = math.sqrt(2.0 * math.pi)


class IvStatus(IntEnum):
    """Why an implied volatility is (or is not) available."""

    OK = 0
    NOT_FINITE = 1  # an input is NaN or infinite
    NO_TIME = 2  # t <= 0: nothing left to imply
    BAD_UNDERLYING = 3  # spot or strike <= 0
    BELOW_INTRINSIC = 4  # price below the (forward) intrinsic value
    NO_TIME_VALUE = 5  # price exactly intrinsic: only sigma = 0 fits
    ABOVE_MAXIMUM = 6  # price at or above the upper bound (spot for calls, strike for puts)
    NO_SOLUTION = 7  # the iteration did not converge (not expected; reported if it happens)

    @property
    def description(self) -> str:
        """A sentence for the trader."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    IvStatus.OK: "implied volatility found",
    IvStatus.NOT_FINITE: "an input is missing or not finite",
    IvStatus.NO_TIME: "the option has expired (no time left)",
    IvStatus.BAD_UNDERLYING: "spot and strike must be positive",
    IvStatus.BELOW_INTRINSIC: "price is below intrinsic value",
    IvStatus.NO_TIME_VALUE: "price equals intrinsic value (no time value)",
    IvStatus.ABOVE_MAXIMUM: "price is at or above the option's upper bound",
    IvStatus.NO_SOLUTION: "no volatility reproduces the price",
}


@dataclass(frozen=True, slots=True)
class ImpliedVolatility:
    """Implied volatilities (decimal per year, NaN where unavailable) and why."""

    sigma: FloatArray
    status: npt.NDArray[np.uint8]

    def reasons(self) -> list[str]:
        """Describe each element's status (flattened order)."""
        return [IvStatus(int(code)).description for code in self.status.ravel()]


def implied_volatility(
    option_price: ArrayLike,
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    q: ArrayLike = 0.0,
) -> FloatArray:
    """Return the BSM implied volatility of ``option_price`` (dollars per share).

    Broadcasts the inputs; NaN where no volatility reproduces the price
    (``implied_volatility_status`` says why).
    """
    return implied_volatility_status(option_price, is_call, spot, strike, t, r, q).sigma


def implied_volatility_status(
    option_price: ArrayLike,
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    q: ArrayLike = 0.0,
) -> ImpliedVolatility:
    """Return implied volatilities and an ``IvStatus`` code per element."""
    arrays = np.broadcast_arrays(
        np.asarray(option_price, dtype=np.float64),
        np.asarray(is_call, dtype=bool),
        *(np.asarray(v, dtype=np.float64) for v in (spot, strike, t, r, q)),
    )
    shape = arrays[0].shape
    price, call, s, k, tt, rr, qq = (np.ravel(a) for a in arrays)
    problem = _normalise(price, call, s, k, tt, rr, qq)
    sigma = np.full(price.shape, np.nan)
    ok = problem.status == IvStatus.OK
    if ok.any():
        total = _solve(problem.x[ok], problem.eta[ok])
        sigma[ok] = total / np.sqrt(tt[ok])
        failed = ~np.isfinite(sigma) & ok
        problem.status[failed] = IvStatus.NO_SOLUTION
        sigma[failed] = np.nan
    return ImpliedVolatility(sigma.reshape(shape), problem.status.reshape(shape))


@dataclass(frozen=True, slots=True)
class _Problem:
    x: FloatArray  # -|ln(F/K)|
    eta: FloatArray  # log-odds of the normalised out-of-the-money price
    status: npt.NDArray[np.uint8]


def _normalise(
    price: FloatArray,
    call: BoolArray,
    spot: FloatArray,
    strike: FloatArray,
    t: FloatArray,
    r: FloatArray,
    q: FloatArray,
) -> _Problem:
    """Reduce each option to (x <= 0, eta) and classify inputs that have no solution."""
    status = np.zeros(price.shape, dtype=np.uint8)
    finite = np.isfinite(price) & np.isfinite(spot) & np.isfinite(strike) & np.isfinite(t)
    finite &= np.isfinite(r) & np.isfinite(q)
    status[~finite] = IvStatus.NOT_FINITE
    status[finite & ~(t > 0.0)] = IvStatus.NO_TIME
    status[(status == 0) & ~((spot > 0.0) & (strike > 0.0))] = IvStatus.BAD_UNDERLYING
    usable = status == 0
    with np.errstate(all="ignore"):
        # log1p/expm1 keep ln(F/K) and F - K exact to a few ulps near the money
        log_fk = np.log1p((spot - strike) / strike) + (r - q) * t
        forward_minus_strike = strike * np.expm1(log_fk)
        sign = call.astype(np.float64)  # +1 calls, -1 puts (faster than np.where on booleans)
        sign *= 2.0
        sign -= 1.0
        intrinsic = np.maximum(sign * forward_minus_strike, 0.0)
        time_value = price * np.exp(r * t) - intrinsic  # the out-of-the-money option's price
        x = -np.abs(log_fk)
        root_fk = strike * np.exp(0.5 * log_fk)
        b = time_value / root_fk
        b_max = np.exp(0.5 * x)
        eta = np.log(b / (b_max - b))
    status[usable & (time_value < 0.0)] = IvStatus.BELOW_INTRINSIC
    status[usable & (time_value == 0.0)] = IvStatus.NO_TIME_VALUE
    status[usable & (time_value > 0.0) & ~(b < b_max)] = IvStatus.ABOVE_MAXIMUM
    status[(status == 0) & ~np.isfinite(eta)] = IvStatus.ABOVE_MAXIMUM
    return _Problem(x, eta, status)


def _solve(x: FloatArray, eta: FloatArray) -> FloatArray:
    """Return s = sigma sqrt(t) with eta(x, s) = eta (x <= 0)."""
    s = np.empty_like(x)
    inside = (x >= -X_MAX) & (eta >= ETA_MIN) & (eta <= ETA_MAX)
    if inside.all():
        return _solve_inside(x, eta)
    if inside.any():
        s[inside] = _solve_inside(x[inside], eta[inside])
    outside = ~inside
    s[outside] = _solve_outside(x[outside], eta[outside])
    return s


def _solve_inside(x: FloatArray, eta: FloatArray) -> FloatArray:
    guess = _table_guess(x, eta)
    s = householder_step(x, guess, eta)
    again = np.abs(s - guess) > SECOND_STEP * guess
    if again.any():
        s[again] = householder_step(x[again], s[again], eta[again])
    return s


def _solve_outside(x: FloatArray, eta: FloatArray) -> FloatArray:
    """Safeguarded iteration for inputs beyond the table (rare: extreme prices or strikes)."""
    s = _asymptotic_guess(x, eta)
    active = np.arange(len(s))
    for _ in range(FALLBACK_STEPS):
        current = s[active]
        with np.errstate(all="ignore"):
            new = householder_step(x[active], current, eta[active])
        new = np.where(np.isfinite(new) & (new > 0.0), new, 0.5 * current)
        new = np.clip(new, 0.1 * current, 10.0 * current)  # never jump more than a decade
        s[active] = new
        active = active[np.abs(new - current) > 1e-14 * current]
        if active.size == 0:
            break
    return s


def _asymptotic_guess(x: FloatArray, eta: FloatArray) -> FloatArray:
    """Return a rough s from the limits: tiny prices (eta << 0) or prices near the bound."""
    with np.errstate(all="ignore"):
        deep = np.abs(x) / np.sqrt(-2.0 * np.minimum(eta, -1.0))  # ln b ~ -x^2 / (2 s^2)
        at_the_money = SQRT_2PI * np.exp(np.minimum(eta, 0.0))  # b ~ s / sqrt(2 pi)
        near_bound = np.sqrt(8.0 * np.maximum(eta, 1.0))  # b_max - b ~ e^{-s^2/8}
    low = np.maximum(deep, at_the_money)
    return np.where(eta > 0.0, np.maximum(near_bound, low), low)


# --------------------------------------------------------------------------- the table
def _zeta(eta: FloatArray) -> FloatArray:
    """Map eta to the table's second coordinate: itself above the knee, log-like below."""
    with np.errstate(invalid="ignore", divide="ignore"):
        deep = ETA_KNEE + ETA_KNEE * np.log(eta / ETA_KNEE)
    zeta: FloatArray = np.where(eta >= ETA_KNEE, eta, deep)
    return zeta


def _x_coordinate(x: FloatArray) -> FloatArray:
    """Map x in [-X_MAX, 0] to [0, 1], finely near the money."""
    scaled: FloatArray = np.arcsinh(-x / X_SCALE) / math.asinh(X_MAX / X_SCALE)
    return scaled


@lru_cache(maxsize=1)
def _table() -> npt.NDArray[np.float32]:
    """Return ln s on the (x, eta) grid, built by sweeping s forward along each x row."""
    xs = -X_SCALE * np.sinh(np.linspace(0.0, 1.0, N_X) * math.asinh(X_MAX / X_SCALE))
    log_s = np.linspace(math.log(1e-30), math.log(60.0), 2000)
    with np.errstate(all="ignore"):
        eta_rows = log_odds(xs[:, None], np.exp(log_s)[None, :])[0]
    zeta_rows = _zeta(eta_rows)
    grid = np.linspace(ZETA_MIN, ETA_MAX, N_ZETA)
    table = np.empty((N_X, N_ZETA), dtype=np.float32)
    for row, zeta in enumerate(zeta_rows):
        keep = np.isfinite(zeta)
        table[row] = np.interp(grid, zeta[keep], log_s[keep])
    return table


def _table_guess(x: FloatArray, eta: FloatArray) -> FloatArray:
    """Bilinear interpolation of ln s in the table."""
    table = _table()
    fx = np.minimum(_x_coordinate(x) * (N_X - 1), N_X - 1.000001)
    fe = (_zeta(eta) - ZETA_MIN) * ((N_ZETA - 1) / (ETA_MAX - ZETA_MIN))
    fe = np.minimum(fe, N_ZETA - 1.000001)
    ix = fx.astype(np.intp)
    ie = fe.astype(np.intp)
    wx = fx - ix
    we = fe - ie
    flat = table.ravel()
    base = ix * N_ZETA + ie
    lo_a, lo_b = flat[base], flat[base + 1]
    hi_a, hi_b = flat[base + N_ZETA], flat[base + N_ZETA + 1]
    low = lo_a + (lo_b - lo_a) * we
    high = hi_a + (hi_b - hi_a) * we
    guess: FloatArray = np.exp(low + (high - low) * wx)
    return guess
