"""A synthetic, fully controlled market for planner tests.

Spot 100 on Monday 2026-11-23 10:00 ET; expirations every Friday for ten
weeks; strikes every dollar from 60 to 140; quotes from BSM at an IV smile
(put skew) with a 4-cent market around theo, 2,000 open interest, 300 volume.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np

from workstation.engines.planner import (
    ExpiryQuotes,
    PlanningMarket,
    Regime,
    SideQuotes,
    TrendEvidence,
)
from workstation.engines.pricing import bsm
from workstation.engines.pricing.expiry import expiry_instant
from workstation.engines.pricing.models import ExerciseStyle
from workstation.engines.sessions import xnys

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
SPOT = 100.0
RATE = 0.04
STRIKES = np.arange(60.0, 141.0, 1.0)
FRIDAYS = [
    d if xnys().is_session(d) else xnys().previous_session(d)  # Christmas: Thursday the 24th
    for d in (date(2026, 11, 27) + timedelta(weeks=k) for k in range(10))
]
REGIME_REASONS = {
    Regime.HIGH: "IV rank 72 ≥ 50: high",
    Regime.LOW: "IV rank 12 ≤ 25: low",
    Regime.NEUTRAL: "IV rank 40 between 25 and 50: neutral",
    Regime.UNKNOWN: "",
}


def smile(strikes: np.ndarray, atm: float) -> np.ndarray:
    """IV by strike: ATM level plus a put skew."""
    return (
        atm
        + 0.35 * np.maximum(1.0 - strikes / SPOT, 0.0)
        - 0.05 * np.maximum(strikes / SPOT - 1.0, 0.0)
    )


def expiry_quotes(day: date, atm: float = 0.30, spread: float = 0.04) -> ExpiryQuotes:
    t = (expiry_instant("XYZ", day, xnys()) - NOW).total_seconds() / (365 * 86400.0)
    iv = smile(STRIKES, atm)
    sides = []
    for is_call in (True, False):
        g = bsm.greeks(is_call, SPOT, STRIKES, t, RATE, iv)
        theo = bsm.price(is_call, SPOT, STRIKES, t, RATE, iv)
        bid = np.maximum(np.round(theo - spread / 2, 2), 0.0)
        ask = np.round(theo + spread / 2, 2)
        ask = np.maximum(ask, bid + 0.01)
        sides.append(
            SideQuotes(
                bid=bid,
                ask=ask,
                mid=(bid + ask) / 2,
                iv=iv,
                delta=g.delta,
                open_interest=np.full(STRIKES.size, 2000.0),
                volume=np.full(STRIKES.size, 300.0),
            )
        )
    return ExpiryQuotes(day, t * 365.0, t, atm, SPOT * math.exp(RATE * t), 0.0, STRIKES, *sides)


def planning_market(
    regime: Regime = Regime.HIGH,
    days: list[date] | None = None,
    trend: TrendEvidence | None = None,
    atm: float = 0.30,
) -> PlanningMarket:
    return PlanningMarket(
        underlying="XYZ",
        as_of=NOW,
        spot=SPOT,
        rate=RATE,
        style=ExerciseStyle.EUROPEAN,
        calendar=xnys(),
        iv_rank={Regime.HIGH: 72.0, Regime.LOW: 12.0, Regime.NEUTRAL: 40.0}.get(regime),
        iv_percentile=None,
        regime=regime,
        regime_reason=REGIME_REASONS[regime],
        expiries=tuple(expiry_quotes(d, atm) for d in (days or FRIDAYS)),
        trend=trend,
    )


def widen(market: PlanningMarket, day: date, strike: float, by: float) -> PlanningMarket:
    """Return ``market`` with the put at ``strike`` on ``day`` quoted ``by`` dollars wider."""

    def widened(e: ExpiryQuotes) -> ExpiryQuotes:
        if e.expiry != day:
            return e
        i = int(np.flatnonzero(e.strikes == strike)[0])
        ask = e.puts.ask.copy()
        ask[i] += by
        return replace(e, puts=replace(e.puts, ask=ask, mid=(e.puts.bid + ask) / 2))

    return replace(market, expiries=tuple(widened(e) for e in market.expiries))
