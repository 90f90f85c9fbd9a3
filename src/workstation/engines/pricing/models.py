"""Which pricing model produced a number, and a facade that dispatches on exercise style.

US equity and ETF options are American; cash-settled index options (SPX,
XSP, NDX, RUT, VIX and their weekly roots) are European. Chain analytics
call ``theoretical_prices`` and ``implied_volatilities`` with the style of
the underlying and show ``model_for(style)`` next to the numbers.

Units as in ``bsm``: dollars per share, ``t`` in years, rates, yields and
volatilities as decimals per year.
"""

from __future__ import annotations

from enum import StrEnum

import numpy.typing as npt

from workstation.domain.instruments import EUROPEAN_INDEX_ROOTS
from workstation.engines.pricing import bsm
from workstation.engines.pricing.american import american_greeks, american_price
from workstation.engines.pricing.american_implied import american_implied_volatility_status
from workstation.engines.pricing.implied import ImpliedVolatility, implied_volatility_status

FloatArray = bsm.FloatArray
ArrayLike = npt.ArrayLike

__all__ = [
    "ExerciseStyle",
    "PricingModel",
    "exercise_style",
    "implied_volatilities",
    "model_for",
    "theoretical_prices",
    "theoretical_prices_and_greeks",
]


class ExerciseStyle(StrEnum):
    """When an option can be exercised."""

    AMERICAN = "american"
    EUROPEAN = "european"


class PricingModel(StrEnum):
    """The model behind a theoretical price, greek or implied volatility (UI wording)."""

    BSM = "BSM (European)"
    BS2002 = "Bjerksund–Stensland 2002 (American)"


_MODELS = {ExerciseStyle.EUROPEAN: PricingModel.BSM, ExerciseStyle.AMERICAN: PricingModel.BS2002}


def exercise_style(underlying: str) -> ExerciseStyle:
    """Return the exercise style of options on ``underlying`` (a ticker or an OCC root).

    European for the cash-settled index roots (SPX, SPXW, XSP, NDX, NDXP,
    RUT, RUTW, VIX, VIXW); American for everything else (equities, ETFs).
    """
    root = underlying.strip().upper()
    return ExerciseStyle.EUROPEAN if root in EUROPEAN_INDEX_ROOTS else ExerciseStyle.AMERICAN


def model_for(style: ExerciseStyle) -> PricingModel:
    """Return the model used for options of ``style``."""
    return _MODELS[style]


def theoretical_prices(
    style: ExerciseStyle,
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    q: ArrayLike = 0.0,
) -> FloatArray:
    """Return model values in dollars per share: BSM for European, BS2002 for American."""
    if style is ExerciseStyle.EUROPEAN:
        return bsm.price(is_call, spot, strike, t, r, sigma, q)
    return american_price(is_call, spot, strike, t, r, sigma, q)


def theoretical_prices_and_greeks(
    style: ExerciseStyle,
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    q: ArrayLike = 0.0,
) -> tuple[FloatArray, bsm.Greeks]:
    """Return model values (dollars per share) and greeks (units as in ``Greeks``) for ``style``."""
    if style is ExerciseStyle.EUROPEAN:
        return bsm.price_and_greeks(is_call, spot, strike, t, r, sigma, q)
    return american_greeks(is_call, spot, strike, t, r, sigma, q)


def implied_volatilities(
    style: ExerciseStyle,
    option_price: ArrayLike,
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    r: ArrayLike,
    q: ArrayLike = 0.0,
) -> ImpliedVolatility:
    """Return implied volatilities (decimal per year, NaN with a reason) under ``style``'s model."""
    if style is ExerciseStyle.EUROPEAN:
        return implied_volatility_status(option_price, is_call, spot, strike, t, r, q)
    return american_implied_volatility_status(option_price, is_call, spot, strike, t, r, q)
