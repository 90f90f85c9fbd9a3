"""Greeks of a book's legs in position units, and their sums per group.

Every leg is priced with its own exercise style: BSM for European
(cash-settled index) options, Bjerksund–Stensland 2002 for American ones,
one call to the pricing engine per style. Per-share greeks become position
units by multiplying with quantity × multiplier:

- delta_shares: share-equivalent delta (stock: its quantity);
- dollar_delta: delta_shares × spot (USD of stock equivalent);
- beta_delta: delta_shares × beta × spot / benchmark price (benchmark shares);
- gamma_shares: change of delta_shares per 1 USD move of the underlying;
- theta_day: USD per calendar day; vega: USD per volatility point;
- market_value: quantity × multiplier × mark (USD, negative for shorts);
- pnl: market_value + open_cash (USD, open cash credit positive);
- dte: calendar days from the book's New York date to expiry (NaN for stock).

An option leg without a usable IV, t or spot is *unpriced*: its greeks are
NaN (never zero) and ``priced`` is False. Sums leave such legs out and count
them, so a total is never silently short.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from workstation.domain.exposure import (
    GREEK_FIELDS,
    LEG_GREEKS_DTYPE,
    TOTALS_DTYPE,
    VALUE_FIELDS,
    Book,
    FloatArray,
    LegArray,
    LegGreeksArray,
    TotalsArray,
)
from workstation.engines.pricing.models import ExerciseStyle, theoretical_prices_and_greeks

IndexArray = npt.NDArray[np.intp]


def leg_greeks(book: Book) -> LegGreeksArray:
    """Return one ``LEG_GREEKS_DTYPE`` row per leg of ``book`` (units in the module docstring)."""
    legs = book.legs
    under = legs["underlying"]
    spot = book.spot[under]
    delta, gamma, theta, vega = _per_share_greeks(book)
    size = legs["quantity"] * legs["multiplier"]
    out = np.zeros(len(legs), dtype=LEG_GREEKS_DTYPE)
    out["delta_shares"] = delta * size
    out["dollar_delta"] = out["delta_shares"] * spot
    out["beta_delta"] = out["dollar_delta"] * book.beta[under] / book.benchmark_price
    out["gamma_shares"] = gamma * size
    out["theta_day"] = theta * size
    out["vega"] = vega * size
    out["market_value"] = size * legs["mark"]
    out["pnl"] = out["market_value"] + legs["open_cash"]
    out["dte"] = days_to_expiry(legs, book)
    greeks = np.stack([out[name] for name in GREEK_FIELDS])
    out["priced"] = np.isfinite(greeks).all(axis=0)
    for name in GREEK_FIELDS:
        out[name][~out["priced"]] = np.nan
    return out


def days_to_expiry(legs: LegArray, book: Book) -> FloatArray:
    """Return calendar days from the book's New York date to each leg's expiry (NaN for stock)."""
    today = np.datetime64(book.trade_date, "D")
    expiry = legs["expiry"]
    days = (expiry - today).astype("timedelta64[D]").astype(np.float64)
    days[np.isnat(expiry)] = np.nan
    return days


def _per_share_greeks(book: Book) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Return delta, gamma, theta (per day), vega (per point) per share; stock is delta 1."""
    legs = book.legs
    option = legs["is_option"]
    delta = np.where(option, np.nan, 1.0)
    gamma, theta, vega = (np.where(option, np.nan, 0.0) for _ in range(3))
    for style in ExerciseStyle:
        rows = np.flatnonzero(option & (legs["european"] == (style is ExerciseStyle.EUROPEAN)))
        if rows.size == 0:
            continue
        under = legs["underlying"][rows]
        _, g = theoretical_prices_and_greeks(
            style,
            legs["is_call"][rows],
            book.spot[under],
            legs["strike"][rows],
            legs["t"][rows],
            book.rate[under],
            pricing_volatility(legs[rows]),
            book.dividend_yield[under],
        )
        delta[rows], gamma[rows], theta[rows], vega[rows] = g.delta, g.gamma, g.theta, g.vega
    unknown = missing_inputs(book)
    for column in (delta, gamma, theta, vega):
        column[unknown] = np.nan
    return delta, gamma, theta, vega


def pricing_volatility(legs: LegArray) -> FloatArray:
    """Return each leg's IV, with 0 for options past expiry (worth intrinsic; IV is moot there)."""
    sigma: FloatArray = np.where(legs["t"] > 0.0, legs["iv"], 0.0)
    return sigma


def missing_inputs(book: Book) -> npt.NDArray[np.bool_]:
    """Return True for option legs that cannot be priced: no spot, no t, or no IV while alive.

    An option past its expiry instant (t <= 0) is worth intrinsic and needs no IV.
    """
    legs = book.legs
    t = legs["t"]
    spot_known = np.isfinite(book.spot[legs["underlying"]])
    alive = t > 0.0
    known = spot_known & np.isfinite(t) & (~alive | np.isfinite(legs["iv"]))
    return np.asarray(legs["is_option"] & ~known, dtype=np.bool_)


def group_totals(greeks: LegGreeksArray, keys: npt.ArrayLike, groups: int) -> TotalsArray:
    """Sum leg exposure into ``groups`` rows of ``TOTALS_DTYPE`` (row g sums legs with key g).

    ``keys`` holds one group index (0 <= key < groups) per leg. Greeks sum the
    priced legs, values the marked ones; the rest are counted instead.
    ``nearest_dte`` is the smallest leg DTE in the group (NaN without options).
    """
    index = np.asarray(keys, dtype=np.intp)
    out = np.zeros(groups, dtype=TOTALS_DTYPE)
    priced = greeks["priced"]
    for name in GREEK_FIELDS:
        out[name] = _sum(index, np.where(priced, greeks[name], 0.0), groups)
    for name in VALUE_FIELDS:
        known = np.isfinite(greeks[name])
        out[name] = _sum(index, np.where(known, greeks[name], 0.0), groups)
    out["legs"] = np.bincount(index, minlength=groups)
    out["unpriced_legs"] = np.bincount(index, weights=~priced, minlength=groups)
    out["unmarked_legs"] = np.bincount(
        index, weights=~np.isfinite(greeks["market_value"]), minlength=groups
    )
    out["nearest_dte"] = _nearest(index, greeks["dte"], groups)
    return out


def _sum(index: IndexArray, values: FloatArray, groups: int) -> FloatArray:
    return np.bincount(index, weights=values, minlength=groups).astype(np.float64)


def _nearest(index: IndexArray, dte: FloatArray, groups: int) -> FloatArray:
    nearest = np.full(groups, np.inf)
    np.minimum.at(nearest, index, np.where(np.isnan(dte), np.inf, dte))
    nearest[np.isinf(nearest)] = np.nan
    return nearest


def portfolio_totals(greeks: LegGreeksArray) -> TotalsArray:
    """Return the one-row ``TOTALS_DTYPE`` table of the whole book."""
    return group_totals(greeks, np.zeros(len(greeks), dtype=np.intp), 1)
