"""What the planner reads: the underlying, its volatility context, and quoted expirations.

Built by the planning service from an analysed chain. Prices are dollars per
share; IVs decimals; ``days`` calendar days to the settlement instant; ``t``
years; ``expected_move`` the 1σ IV-based move S·IV·√(days/365) in dollars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from workstation.domain.occ import OptionRight
from workstation.engines.pricing.models import ExerciseStyle
from workstation.engines.sessions import TradingCalendar
from workstation.engines.strategies import LegQuote, MarketContext

FloatArray = npt.NDArray[np.float64]


class Bias(StrEnum):
    """The trader's directional view."""

    BULL = "bull"
    BEAR = "bear"
    NEUTRAL = "neutral"


class Regime(StrEnum):
    """Implied-volatility regime as the planner uses it."""

    HIGH = "high"
    NEUTRAL = "neutral"
    LOW = "low"
    UNKNOWN = "unknown"  # no IV history yet


@dataclass(frozen=True, slots=True, eq=False)
class SideQuotes:
    """One side (calls or puts) of an expiration, aligned with its strikes."""

    bid: FloatArray
    ask: FloatArray
    mid: FloatArray
    iv: FloatArray
    delta: FloatArray
    open_interest: FloatArray
    volume: FloatArray


@dataclass(frozen=True, slots=True, eq=False)
class ExpiryQuotes:
    """One expiration's strikes and both sides' quotes."""

    expiry: date
    days: float
    t: float
    atm_iv: float
    forward: float
    dividend_yield: float
    strikes: FloatArray
    calls: SideQuotes
    puts: SideQuotes

    @property
    def dte(self) -> int:
        """Whole calendar days to expiry (0 on the day)."""
        return max(0, math.floor(self.days + 1e-9))

    def side(self, right: OptionRight) -> SideQuotes:
        """Return the calls or the puts."""
        return self.calls if right is OptionRight.CALL else self.puts

    def quoted_strikes(self, right: OptionRight) -> FloatArray:
        """Strikes (ascending) where ``right`` has a two-sided quote with an offer."""
        side = self.side(right)
        quoted: FloatArray = self.strikes[np.isfinite(side.mid) & (side.ask > 0)]
        return quoted

    def index(self, strike: float) -> int | None:
        """Return the row of ``strike`` (None when it is not listed)."""
        i = int(np.searchsorted(self.strikes, strike - 1e-6))
        return i if i < self.strikes.size and abs(self.strikes[i] - strike) < 1e-6 else None

    def expected_move(self, spot: float) -> float:
        """Return the 1σ IV-based move to this expiration in dollars: S·IV·√(days/365)."""
        return spot * self.atm_iv * math.sqrt(max(self.days, 0.0) / 365.0)


@dataclass(frozen=True, slots=True)
class TrendEvidence:
    """Where price sits against its 200-day EMA and today's VWAP (NaN when unknown)."""

    price: float
    ema200: float
    vwap: float


@dataclass(frozen=True, slots=True, eq=False)
class PlanningMarket:
    """Everything the planner needs about one underlying now."""

    underlying: str
    as_of: datetime
    spot: float
    rate: float
    style: ExerciseStyle
    calendar: TradingCalendar
    iv_rank: float | None
    iv_percentile: float | None
    regime: Regime
    regime_reason: str
    expiries: tuple[ExpiryQuotes, ...]
    trend: TrendEvidence | None = None

    def expiry(self, day: date) -> ExpiryQuotes | None:
        """Return the quoted expiration ``day`` (None when not analysed)."""
        return next((e for e in self.expiries if e.expiry == day), None)

    def context(self, expiry: ExpiryQuotes) -> MarketContext:
        """Return the valuation context of a trade whose front expiration is ``expiry``."""
        sigma = expiry.atm_iv if math.isfinite(expiry.atm_iv) and expiry.atm_iv > 0 else 0.2
        return MarketContext(
            self.underlying,
            self.spot,
            self.as_of,
            self.rate,
            expiry.dividend_yield,
            sigma,
            self.calendar,
            self.style,
        )

    def quote(self, right: OptionRight, strike: float, day: date) -> LegQuote:
        """Return the mid (dollars per share) and IV of a listed contract; NaN mid if unquoted."""
        found = self.expiry(day)
        row = None if found is None else found.index(strike)
        if found is None or row is None:
            return LegQuote(math.nan, None)
        side = found.side(right)
        iv = float(side.iv[row])
        return LegQuote(float(side.mid[row]), iv if math.isfinite(iv) and iv > 0 else None)
