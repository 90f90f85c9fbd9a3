"""Expected move of an underlying over a horizon, from its live option chain."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np

from workstation.domain.chains import ChainSnapshot
from workstation.engines.sessions import TradingCalendar
from workstation.engines.volatility import (
    atm_term_structure,
    expected_move,
    iv_at_horizon,
    straddle_expected_move,
)
from workstation.services.market_data import MarketDataService

NEW_YORK = ZoneInfo("America/New_York")
DayCount = Literal["calendar", "trading"]


@dataclass(frozen=True, slots=True)
class StraddleMove:
    """ATM straddle of the first expiry at or after the horizon (dollars per share)."""

    expiry: date
    days: float
    strike: float
    price: float
    platform_move: float
    one_sigma_move: float


@dataclass(frozen=True, slots=True)
class ExpectedMoveReport:
    """One-standard-deviation expected move and how it was computed.

    ``days`` is in the unit named by ``day_count``; ``horizon_end`` is the
    instant the horizon ends; ``iv`` a decimal interpolated in total variance
    between listed expiries; ``move``, ``low``, ``high`` in dollars per share.
    """

    symbol: str
    spot: float
    days: int
    day_count: DayCount
    horizon_end: datetime
    iv: float
    move: float
    low: float
    high: float
    straddle: StraddleMove | None
    as_of: datetime
    source: str

    @property
    def formula(self) -> str:
        """The formula used, in the trader's notation."""
        year = 365 if self.day_count == "calendar" else 252
        return f"S × IV × √({self.days}/{year})"


class ExpectedMoveService:
    """Computes expected moves from the market-data service's chains."""

    def __init__(self, market: MarketDataService, calendar: TradingCalendar) -> None:
        self._market = market
        self._calendar = calendar

    async def expected_move(
        self, symbol: str, days: int, day_count: DayCount = "calendar"
    ) -> ExpectedMoveReport:
        """Return the expected move of ``symbol`` over ``days`` (calendar or trading days)."""
        if days < 1:
            raise ValueError(f"days must be at least 1, got {days}")
        chain = await self._market.option_chain(symbol)
        return self.from_chain(chain, days, day_count)

    def from_chain(
        self, chain: ChainSnapshot, days: int, day_count: DayCount = "calendar"
    ) -> ExpectedMoveReport:
        """Compute the report from one chain snapshot."""
        now = chain.as_of
        expiry_days = np.array(
            [self._days_until(self._expiry_instant(e), now) for e in chain.expirations]
        )
        term = atm_term_structure(chain.rows, chain.spot, expiry_days)
        end = self._horizon_end(now, days, day_count)
        iv = iv_at_horizon(term.days, term.atm_iv, self._days_until(end, now))
        if math.isnan(iv):
            raise ValueError(f"{chain.underlying}: no expiry has a usable ATM implied volatility")
        year = 365.0 if day_count == "calendar" else 252.0
        move = float(expected_move(chain.spot, iv, days, year))
        return ExpectedMoveReport(
            chain.underlying,
            chain.spot,
            days,
            day_count,
            end,
            iv,
            move,
            chain.spot - move,
            chain.spot + move,
            _straddle(
                term.expiries,
                term.days,
                term.straddle,
                term.straddle_strike,
                self._days_until(end, now),
            ),
            now,
            chain.source,
        )

    def _expiry_instant(self, expiry: date) -> datetime:
        """Return the expiry's settlement instant: that session's close."""
        return self._calendar.session_bounds(expiry)[1]

    def _horizon_end(self, now: datetime, days: int, day_count: DayCount) -> datetime:
        if day_count == "calendar":
            return now + timedelta(days=days)
        today = now.astimezone(NEW_YORK).date()
        session = today
        for _ in range(days):
            session = self._calendar.next_session(session)
        return self._calendar.session_bounds(session)[1]

    @staticmethod
    def _days_until(instant: datetime, now: datetime) -> float:
        return (instant - now).total_seconds() / 86400.0


def _straddle(
    expiries: np.ndarray,
    days: np.ndarray,
    prices: np.ndarray,
    strikes: np.ndarray,
    horizon_days: float,
) -> StraddleMove | None:
    """Pick the first expiry at or after the horizon with a priced straddle."""
    for i in np.flatnonzero((days >= horizon_days - 1e-9) & np.isfinite(prices)):
        platform, sigma = straddle_expected_move(float(prices[i]))
        return StraddleMove(
            expiries[i].astype(object),
            float(days[i]),
            float(strikes[i]),
            float(prices[i]),
            platform,
            sigma,
        )
    return None
