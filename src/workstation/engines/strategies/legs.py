"""A strategy as arrays, and the market it is valued in.

``LegArrays`` holds the option legs aligned (one entry per leg) in float64
for vectorised payoff and pricing; ``units`` are signed shares controlled
(quantity × multiplier). ``MarketContext`` says where and when: spot,
valuation instant, rate, dividend yield, exercise style, and the volatility
used for probabilities (the ATM IV of the front expiration).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from workstation.domain.strategies import Strategy
from workstation.engines.pricing.expiry import expiry_instants, years_to_expiry
from workstation.engines.pricing.models import ExerciseStyle, exercise_style
from workstation.engines.sessions import TradingCalendar

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
DayArray = npt.NDArray[np.datetime64]


@dataclass(frozen=True, slots=True, eq=False)
class LegArrays:
    """Option legs as aligned float arrays plus the net stock position.

    ``strike``/``price`` dollars per share; ``units`` signed shares
    controlled; ``iv`` decimal (NaN where a leg has none); ``premium`` the
    dollars paid (+) or received (-) to open the whole strategy.
    """

    is_call: BoolArray
    strike: FloatArray
    units: FloatArray
    price: FloatArray
    iv: FloatArray
    expiry: DayArray
    stock_shares: float
    stock_price: float
    premium: float

    @classmethod
    def of(cls, strategy: Strategy) -> LegArrays:
        """Return the arrays of ``strategy``'s legs (order kept)."""
        options = strategy.option_legs
        stock = strategy.stock_legs
        shares = float(sum(leg.quantity for leg in stock))
        paid = float(sum(leg.cost for leg in stock))
        return cls(
            is_call=np.array([leg.is_call for leg in options], dtype=bool),
            strike=np.array([float(leg.strike) for leg in options], dtype=float),
            units=np.array([leg.quantity * leg.multiplier for leg in options], dtype=float),
            price=np.array([float(leg.price) for leg in options], dtype=float),
            iv=np.array([math.nan if leg.iv is None else leg.iv for leg in options], dtype=float),
            expiry=np.array([leg.expiry for leg in options], dtype="M8[D]"),
            stock_shares=shares,
            stock_price=paid / shares if shares else 0.0,
            premium=float(strategy.net_premium),
        )

    @property
    def count(self) -> int:
        """Number of option legs."""
        return int(self.strike.size)

    @property
    def sign(self) -> FloatArray:
        """+1 for calls, -1 for puts."""
        sign: FloatArray = np.where(self.is_call, 1.0, -1.0)
        return sign

    def intrinsic(self, prices: npt.ArrayLike) -> FloatArray:
        """Return intrinsic values per share, shape (prices, legs)."""
        s = np.asarray(prices, dtype=float)[..., None]
        value: FloatArray = np.maximum(self.sign * (s - self.strike), 0.0)
        return value

    def stock_pnl(self, prices: npt.ArrayLike) -> FloatArray:
        """Return the stock position's P/L in dollars at each price."""
        pnl: FloatArray = self.stock_shares * (np.asarray(prices, dtype=float) - self.stock_price)
        return pnl


@dataclass(frozen=True, slots=True)
class MarketContext:
    """Where a strategy is valued.

    ``spot`` dollars per share; ``as_of`` aware instant of the valuation;
    ``rate`` and ``dividend_yield`` decimals per year; ``sigma`` the
    volatility (decimal per year) used for probabilities and for legs
    without their own IV; ``style`` the exercise style of the options.
    """

    underlying: str
    spot: float
    as_of: datetime
    rate: float
    dividend_yield: float
    sigma: float
    calendar: TradingCalendar
    style: ExerciseStyle | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.spot) and self.spot > 0):
            raise ValueError(f"{self.underlying}: spot {self.spot} must be a positive price")
        if not (math.isfinite(self.sigma) and self.sigma > 0):
            raise ValueError(f"{self.underlying}: volatility {self.sigma} must be positive")
        if self.as_of.tzinfo is None:
            raise ValueError(f"{self.underlying}: as_of {self.as_of} needs a time zone")

    @property
    def exercise(self) -> ExerciseStyle:
        """The exercise style: as given, else the underlying's (European for index options)."""
        return self.style or exercise_style(self.underlying)

    def instants(self, expiries: DayArray) -> npt.NDArray[Any]:
        """Return each expiration's settlement instant (``datetime64[s]`` UTC)."""
        return expiry_instants(self.underlying, expiries, self.calendar)

    def years_left(self, expiries: DayArray, at: datetime | None = None) -> FloatArray:
        """Return years (365-day) from ``at`` (default ``as_of``) to each settlement instant."""
        return years_to_expiry(at or self.as_of, self.instants(expiries))
