"""Expected move of an underlying over a horizon, with the IV context a trader reads it in.

Spot, ATM IV at the horizon (constant maturity, total-variance interpolation
of the chain's ATM term structure), IV rank and percentile with the regime,
the IV-based move in both day conventions, the straddle-based move (raw and
the 0.85x platform convention) from the first expiration at or after the
horizon, and the +/-1 and +/-2 sigma bands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from workstation.engines.sessions import TradingCalendar
from workstation.engines.volatility import IvStats, MoveBands, RegimeReading, horizon_moves
from workstation.services.chain_service import ChainService
from workstation.services.chain_view import ChainView

NEW_YORK = ZoneInfo("America/New_York")
DEFAULT_DAYS = 30


@dataclass(frozen=True, slots=True)
class Bands:
    """A move (dollars per share) and its +/-1 sigma and +/-2 sigma price levels."""

    move: float
    low_1sd: float
    high_1sd: float
    low_2sd: float
    high_2sd: float


@dataclass(frozen=True, slots=True)
class ExpectedMoveReport:
    """Expected move of ``symbol`` over ``days`` calendar days (``sessions`` trading days).

    ``iv`` decimal; ``calendar`` uses S·IV·√(days/365), ``trading``
    S·IV·√(sessions/252); ``straddle`` is the ATM straddle mid of ``expiry``
    and ``straddle_085`` 0.85 × it (dollars per share).
    """

    symbol: str
    as_of: datetime
    spot: float
    days: int
    sessions: int
    iv: float
    calendar: Bands
    trading: Bands
    expiry: date | None
    expiry_days: float
    straddle: float
    straddle_strike: float
    straddle_085: float
    iv_stats: IvStats | None
    regime: RegimeReading | None
    model: str
    source: str


class ExpectedMoveService:
    """Computes expected moves from analysed chains."""

    def __init__(self, chains: ChainService, calendar: TradingCalendar) -> None:
        self._chains = chains
        self._calendar = calendar

    async def expected_move(self, symbol: str, days: int = DEFAULT_DAYS) -> ExpectedMoveReport:
        """Return the expected move of ``symbol`` over ``days`` calendar days."""
        if days < 1:
            raise ValueError(f"days must be at least 1, got {days}")
        return self.from_view(await self._chains.chain_view(symbol), days)

    def from_view(self, view: ChainView, days: int) -> ExpectedMoveReport:
        """Compute the report from an analysed chain."""
        iv = float(view.term.iv_at(days))
        if math.isnan(iv):
            raise ValueError(
                f"{view.underlying}: no expiration has a usable ATM implied volatility"
            )
        sessions = self._sessions_within(view.as_of, days)
        moves = horizon_moves(view.spot, iv, days, sessions)
        expiry = view.first_expiry_after(days) or (view.expiries[-1] if view.expiries else None)
        straddle = expiry.moves if expiry else None
        return ExpectedMoveReport(
            view.underlying,
            view.as_of,
            view.spot,
            days,
            sessions,
            iv,
            _bands(moves.calendar),
            _bands(moves.trading),
            expiry.expiry if expiry else None,
            expiry.days if expiry else math.nan,
            straddle.straddle if straddle else math.nan,
            straddle.straddle_strike if straddle else math.nan,
            straddle.straddle_085 if straddle else math.nan,
            view.iv_stats,
            view.regime,
            view.model,
            view.source,
        )

    def _sessions_within(self, now: datetime, days: int) -> int:
        """Trading sessions from now to now + days (today counts while it is not over)."""
        today = now.astimezone(NEW_YORK).date()
        end = (now + timedelta(days=days)).astimezone(NEW_YORK).date()
        sessions = self._calendar.sessions(today, end)
        if sessions and sessions[0] == today and now >= self._calendar.session_bounds(today)[1]:
            sessions = sessions[1:]
        return len(sessions)


def _bands(found: MoveBands) -> Bands:
    return Bands(
        float(found.move),
        float(found.low_1sd),
        float(found.high_1sd),
        float(found.low_2sd),
        float(found.high_2sd),
    )
