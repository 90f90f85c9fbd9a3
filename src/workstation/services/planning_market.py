"""Turn an analysed chain (and stored bars) into what the planner reads.

The chain view already holds per-expiration quotes, IVs, greeks and the
volatility regime; this module reshapes it into ``engines.planner``'s
``PlanningMarket`` and reads the trend evidence (200-day EMA of daily
closes, VWAP of the latest session's one-minute bars) from the bar store.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np

from workstation.domain.bars import Timeframe
from workstation.engines.indicators import ema, typical_price, vwap
from workstation.engines.planner import (
    ExpiryQuotes,
    PlanningMarket,
    Regime,
    SideQuotes,
    TrendEvidence,
)
from workstation.engines.pricing.models import ExerciseStyle
from workstation.engines.sessions import TradingCalendar
from workstation.engines.volatility import VolRegime
from workstation.services.chain_view import ChainView, ExpiryView, SideColumns
from workstation.storage.bars import BarStore

EMA_SPAN = 200
DAILY_LOOKBACK = timedelta(days=420)  # ~290 sessions: enough for a settled 200-day EMA

_REGIMES = {
    VolRegime.HIGH: Regime.HIGH,
    VolRegime.NEUTRAL: Regime.NEUTRAL,
    VolRegime.LOW: Regime.LOW,
    VolRegime.UNKNOWN: Regime.UNKNOWN,
}


def planning_market(
    view: ChainView, calendar: TradingCalendar, trend: TrendEvidence | None
) -> PlanningMarket:
    """Return the planner's view of ``view`` (only expirations analysed in detail)."""
    regime = Regime.UNKNOWN if view.regime is None else _REGIMES[view.regime.regime]
    stats = view.iv_stats
    return PlanningMarket(
        underlying=view.underlying,
        as_of=view.as_of,
        spot=view.spot,
        rate=view.rate,
        style=ExerciseStyle(view.style),
        calendar=calendar,
        iv_rank=None if stats is None else stats.rank,
        iv_percentile=None if stats is None else stats.percentile,
        regime=regime,
        regime_reason="" if view.regime is None else view.regime.reason,
        expiries=tuple(_expiry(e) for e in view.expiries if e.detailed),
        trend=trend,
    )


def _expiry(e: ExpiryView) -> ExpiryQuotes:
    return ExpiryQuotes(
        expiry=e.expiry,
        days=e.days,
        t=e.t,
        atm_iv=e.atm_iv,
        forward=e.forward,
        dividend_yield=e.dividend_yield,
        strikes=e.strikes,
        calls=_side(e.calls),
        puts=_side(e.puts),
    )


def _side(s: SideColumns) -> SideQuotes:
    return SideQuotes(s.bid, s.ask, s.mark, s.iv, s.delta, s.open_interest, s.volume)


def trend_evidence(
    bars: BarStore, calendar: TradingCalendar, symbol: str, price: float, now: datetime
) -> TrendEvidence | None:
    """Return price vs the 200-day EMA and the latest session's VWAP (None without bars).

    Blocking (SQLite reads): call it off the event loop.
    """
    daily = bars.read(symbol, Timeframe.D1, int((now - DAILY_LOOKBACK).timestamp()))
    level = float(ema(daily["close"], EMA_SPAN)[-1]) if daily.size else math.nan
    session_vwap = _session_vwap(bars, calendar, symbol, now)
    if math.isnan(level) and math.isnan(session_vwap):
        return None
    return TrendEvidence(price, level, session_vwap)


def _session_vwap(bars: BarStore, calendar: TradingCalendar, symbol: str, now: datetime) -> float:
    """VWAP of the session running at ``now``, else of the last one that ran."""
    day = calendar.last_open_at_or_before(now)
    if day is None:
        return math.nan
    opens, closes = calendar.session_bounds(day)
    minutes = bars.read(symbol, Timeframe.M1, int(opens.timestamp()), int(closes.timestamp()))
    if minutes.size == 0:
        return math.nan
    prices = typical_price(minutes["high"], minutes["low"], minutes["close"])
    return vwap(prices, np.asarray(minutes["volume"], dtype=float))
