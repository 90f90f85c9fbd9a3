"""Implied volatility against the American (Bjerksund–Stensland 2002) value.

NaN plus an ``IvStatus`` code where no volatility reproduces the price. The
bounds are the American ones: the value at zero volatility, max(intrinsic,
discounted forward intrinsic), is the floor (below it BELOW_INTRINSIC, on it
within rounding noise NO_TIME_VALUE); the spot (calls) or strike (puts) is
the ceiling.

Method, vectorised over the options still searching:
1. The European IV of the price is an upper bound (the American value is at
   least the European one at every volatility).
2. "De-Americanise": subtract the early-exercise premium measured at that
   bound and take the European IV again; this is usually within a few
   basis points of the answer.
3. Illinois (safeguarded regula falsi) steps inside the bracket until the
   American value matches the price to 1e-12 relative, or the bracket
   cannot shrink further.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from workstation.engines.pricing.american import OptionBatch, american_and_european
from workstation.engines.pricing.implied import ImpliedVolatility, IvStatus
from workstation.engines.pricing.implied import implied_volatility_status as european_iv

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ArrayLike = npt.ArrayLike

EPS = float(np.finfo(np.float64).eps)
NOISE = 8.0 * EPS  # rounding noise of a price, relative to max(spot, strike)
PRICE_TOLERANCE = 1e-12  # stop when |price error| is below this share of the price
ACCEPT_TOLERANCE = 1e-9  # report OK up to this share (or when the bracket cannot shrink)
MAX_STEPS = 60
SIGMA_MAX = 100.0  # 10,000 % a year: no search above it
FIRST_GUESS = 0.5  # where the European volatility of the price does not exist


def american_implied_volatility(
    option_price: ArrayLike,
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    q: ArrayLike = 0.0,
) -> FloatArray:
    """Return the volatility (decimal per year) at which ``american_price`` equals the price.

    NaN where none does; ``american_implied_volatility_status`` says why.
    """
    return american_implied_volatility_status(option_price, is_call, spot, strike, t, r, q).sigma


def american_implied_volatility_status(
    option_price: ArrayLike,
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    q: ArrayLike = 0.0,
) -> ImpliedVolatility:
    """Return American implied volatilities and an ``IvStatus`` code per element."""
    shape, options, price = OptionBatch.of(is_call, spot, strike, t, r, q, option_price)
    status, floor = _classify(price, options)
    sigma = np.full(price.shape, np.nan)
    ok = status == IvStatus.OK
    tiny = ok & (price < NOISE * np.maximum(options.spot, options.strike))
    if tiny.any():  # the early-exercise premium is below the model's noise: European IV
        o = options.take(tiny)
        european = european_iv(price[tiny], o.call, o.spot, o.strike, o.t, o.r, o.q)
        sigma[tiny], status[tiny] = european.sigma, european.status
        ok &= ~tiny
    if ok.any():
        found, converged = _solve(price[ok], options.take(ok), floor[ok])
        sigma[ok] = np.where(converged, found, np.nan)
        status[np.flatnonzero(ok)[~converged]] = IvStatus.NO_SOLUTION
    return ImpliedVolatility(sigma.reshape(shape), status.reshape(shape))


def _classify(price: FloatArray, o: OptionBatch) -> tuple[npt.NDArray[np.uint8], FloatArray]:
    """Status of each option before any search (OK means: search), and the zero-vol floor."""
    status = np.zeros(price.shape, dtype=np.uint8)
    finite = np.isfinite(price) & np.isfinite(o.spot) & np.isfinite(o.strike)
    finite &= np.isfinite(o.t) & np.isfinite(o.r) & np.isfinite(o.q)
    status[~finite] = IvStatus.NOT_FINITE
    status[finite & ~(o.t > 0.0)] = IvStatus.NO_TIME
    status[(status == 0) & ~((o.spot > 0.0) & (o.strike > 0.0))] = IvStatus.BAD_UNDERLYING
    usable = status == 0
    with np.errstate(all="ignore"):
        floor = american_and_european(o, np.zeros(price.shape))[0]
        # in the money the floor carries rounding noise; out of the money it is exactly 0
        noise = np.where(floor > 0.0, NOISE * np.maximum(o.spot, o.strike), 0.0)
        ceiling = np.where(
            o.call,
            o.spot * np.exp(-np.minimum(o.q, 0.0) * o.t),
            o.strike * np.exp(-np.minimum(o.r, 0.0) * o.t),
        )
    status[usable & (price < floor - noise)] = IvStatus.BELOW_INTRINSIC
    status[usable & (np.abs(price - floor) <= noise)] = IvStatus.NO_TIME_VALUE
    status[(status == 0) & ~(price < ceiling)] = IvStatus.ABOVE_MAXIMUM
    return status, floor


def _solve(price: FloatArray, o: OptionBatch, floor: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Return (sigma, converged) for options whose price lies strictly inside the bounds."""
    high = _upper_bound(price, o)
    american, european = american_and_european(o, high)
    guess = _deamericanised(price - (american - european), o, high)
    low = np.zeros_like(price)
    f_low = floor - price  # the zero-volatility value is below the price
    f_high = american - price
    return _illinois(price, o, low, f_low, high, f_high, guess)


def _upper_bound(price: FloatArray, o: OptionBatch) -> FloatArray:
    """A volatility whose American value is at or above the price."""
    with np.errstate(all="ignore"):
        high = european_iv(price, o.call, o.spot, o.strike, o.t, o.r, o.q).sigma
    missing = ~np.isfinite(high)
    if missing.any():
        high[missing] = _grow_until_above(price[missing], o.take(missing))
    return high


def _grow_until_above(price: FloatArray, o: OptionBatch) -> FloatArray:
    """Double a first guess until the American value reaches the price (at most SIGMA_MAX)."""
    sigma = np.full(price.shape, FIRST_GUESS)
    for _ in range(12):
        below = american_and_european(o, sigma)[0] < price
        if not below.any():
            break
        sigma = np.where(below, np.minimum(2.0 * sigma, SIGMA_MAX), sigma)
    return sigma


def _deamericanised(european_price: FloatArray, o: OptionBatch, high: FloatArray) -> FloatArray:
    """European IV of the price less the early-exercise premium, kept inside (0, high)."""
    with np.errstate(all="ignore"):
        guess = european_iv(european_price, o.call, o.spot, o.strike, o.t, o.r, o.q).sigma
    usable = np.isfinite(guess) & (guess > 0.0) & (guess < high)
    return np.where(usable, guess, 0.5 * high)


def _illinois(
    price: FloatArray,
    o: OptionBatch,
    low: FloatArray,
    f_low: FloatArray,
    high: FloatArray,
    f_high: FloatArray,
    guess: FloatArray,
) -> tuple[FloatArray, BoolArray]:
    """Bracketed root search on sigma; returns (sigma, converged)."""
    sigma = guess.copy()
    error = np.abs(f_high)  # |price error| at the best point so far
    done = error <= PRICE_TOLERANCE * price
    sigma[done] = high[done]
    error[~done] = np.inf
    active = np.flatnonzero(~done)
    side = np.zeros(price.shape, dtype=np.int8)  # last bracket end replaced: -1 low, +1 high
    for _ in range(MAX_STEPS):
        if active.size == 0:
            break
        s = sigma[active]
        f = american_and_european(o.take(active), s)[0] - price[active]
        error[active] = np.abs(f)
        hit = error[active] <= PRICE_TOLERANCE * price[active]
        _shrink(active, f > 0.0, s, f, low, f_low, high, f_high, side)
        narrow = (high[active] - low[active]) <= 4.0 * EPS * high[active]
        step = _next_point(low[active], f_low[active], high[active], f_high[active])
        sigma[active] = np.where(hit | narrow, s, step)
        active = active[~(hit | narrow)]
    # matched to 1e-9, or to the model's own rounding noise, or the bracket cannot shrink
    tolerance = np.maximum(ACCEPT_TOLERANCE * price, NOISE * np.maximum(o.spot, o.strike))
    converged = (error <= tolerance) | ((high - low) <= 4.0 * EPS * high)
    return sigma, converged


def _shrink(
    active: npt.NDArray[np.intp],
    above: BoolArray,
    s: FloatArray,
    f: FloatArray,
    low: FloatArray,
    f_low: FloatArray,
    high: FloatArray,
    f_high: FloatArray,
    side: npt.NDArray[np.int8],
) -> None:
    """Move one end of each bracket to the new point; halve the stale end (Illinois)."""
    to_high, to_low = active[above], active[~above]
    stale_low = to_high[side[to_high] == 1]  # the high end moved twice in a row
    f_low[stale_low] *= 0.5
    stale_high = to_low[side[to_low] == -1]
    f_high[stale_high] *= 0.5
    high[to_high], f_high[to_high], side[to_high] = s[above], f[above], 1
    low[to_low], f_low[to_low], side[to_low] = s[~above], f[~above], -1


def _next_point(
    low: FloatArray, f_low: FloatArray, high: FloatArray, f_high: FloatArray
) -> FloatArray:
    """Regula-falsi point of the bracket; bisection where the secant is unusable."""
    with np.errstate(all="ignore"):
        point = high - f_high * (high - low) / (f_high - f_low)
    inside = np.isfinite(point) & (point > low) & (point < high)
    result: FloatArray = np.where(inside, point, 0.5 * (low + high))
    return result
