"""What the chain panel and the /em command read: one analysed option chain.

Arrays are aligned per strike within an expiry (NaN where a side is not
listed). Prices are dollars per share; IVs decimals (0.20 = 20 %); greeks in
the units of ``engines.pricing.Greeks`` (theta per calendar day, vega per
volatility point); days are calendar days to the expiry instant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:  # the chain panel imports this module before the window's first paint
    from workstation.engines.volatility import IvStats, RegimeReading, TermReading, TermStructure

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class SideColumns:
    """One side (calls or puts) of one expiration, aligned with the strikes."""

    bid: FloatArray
    ask: FloatArray
    mark: FloatArray
    last: FloatArray
    iv: FloatArray
    delta: FloatArray
    gamma: FloatArray
    theta: FloatArray
    vega: FloatArray
    theo: FloatArray
    open_interest: FloatArray
    volume: FloatArray


@dataclass(frozen=True, slots=True, eq=False)
class ExpiryDetail:
    """The strike ladder of one expiration with both sides' columns aligned to it."""

    strikes: FloatArray
    calls: SideColumns
    puts: SideColumns


@dataclass(frozen=True, slots=True)
class ExpiryMoves:
    """Expected moves to one expiration (dollars per share) and their conventions.

    ``iv_move`` = S·IV·√(days/365); ``trading_move`` = S·IV·√(sessions/252);
    ``straddle`` the raw ATM straddle mid; ``straddle_085`` 0.85 × it (the
    platform convention); ``one_sigma_low/high`` spot ∓ iv_move and
    ``two_sigma_low/high`` spot ∓ 2·iv_move.
    """

    iv_move: float
    trading_move: float
    straddle: float
    straddle_strike: float
    straddle_085: float
    one_sigma_low: float
    one_sigma_high: float
    two_sigma_low: float
    two_sigma_high: float

    def inside(self, strike: float) -> bool:
        """True when ``strike`` lies within the one-sigma IV-based range."""
        return self.one_sigma_low <= strike <= self.one_sigma_high


@dataclass(frozen=True, slots=True, eq=False)
class ExpiryView:
    """One expiration of the chain, ready to display."""

    expiry: date
    days: float
    sessions: int
    settlement: str  # "AM" or "PM"
    t: float
    forward: float
    dividend_yield: float
    detail: ExpiryDetail | None  # strikes, quotes and greeks: the focused expiration only
    atm_iv: float
    risk_reversal: float
    put_call_skew: float  # IV(25-delta put) / IV(25-delta call); above 1 = puts richer
    moves: ExpiryMoves

    @property
    def dte(self) -> int:
        """Whole calendar days to expiry, as traders label expirations (0 on the day)."""
        return max(0, math.floor(self.days + 1e-9))

    @property
    def detailed(self) -> bool:
        """True when strikes, quotes and greeks were computed (the focused expiration)."""
        return self.detail is not None

    def _require(self) -> ExpiryDetail:
        if self.detail is None:
            raise LookupError(f"expiration {self.expiry} was not analysed in detail")
        return self.detail

    @property
    def strikes(self) -> FloatArray:
        """Strike ladder, ascending (dollars per share)."""
        return self._require().strikes

    @property
    def calls(self) -> SideColumns:
        """Call columns aligned with the strikes."""
        return self._require().calls

    @property
    def puts(self) -> SideColumns:
        """Put columns aligned with the strikes."""
        return self._require().puts

    @property
    def atm_row(self) -> int:
        """Index of the strike nearest the forward (-1 without strikes)."""
        if self.detail is None or self.detail.strikes.size == 0:
            return -1
        return int(np.argmin(np.abs(self.detail.strikes - self.forward)))

    @property
    def label(self) -> str:
        """Tab label, e.g. "Dec 18 (27d)" or "Dec 18 AM (27d)"."""
        am = " AM" if self.settlement == "AM" else ""
        return f"{self.expiry:%b %d}{am} ({self.dte}d)"


@dataclass(frozen=True, slots=True, eq=False)
class ChainView:
    """An analysed chain: quotes, IVs, greeks, surface metrics and expected moves."""

    underlying: str
    as_of: datetime
    spot: float
    prev_close: float
    model: str
    style: str
    rate: float
    source: str
    contracts: int
    expiries: tuple[ExpiryView, ...]
    term: TermStructure
    term_reading: TermReading
    iv30: float
    iv_stats: IvStats | None
    regime: RegimeReading | None
    surface_as_of: datetime  # when the whole surface (every expiration) was last analysed

    @property
    def change(self) -> float:
        """Change of the underlying from the prior close (dollars per share)."""
        return self.spot - self.prev_close

    @property
    def change_pct(self) -> float:
        """Change from the prior close in percent."""
        return 100.0 * (self.spot / self.prev_close - 1.0) if self.prev_close else math.nan

    def expiry(self, day: date) -> ExpiryView | None:
        """Return the view of one expiration, if listed."""
        return next((e for e in self.expiries if e.expiry == day), None)

    def first_expiry_after(self, days: float) -> ExpiryView | None:
        """Return the nearest expiration at least ``days`` calendar days away."""
        return next((e for e in self.expiries if e.days >= days - 1e-9), None)
