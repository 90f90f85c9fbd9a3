"""How the IV regime, the bias and the trend decide what the planner builds.

- IV regime: high prefers credit structures (premium is rich), low prefers
  debit structures (premium is cheap), neutral or unknown considers both.
- Bias: bull builds bull put credit spreads, bull call debit spreads and
  long calls; bear the mirror images; neutral iron condors, iron
  butterflies, call butterflies and call calendars.
- Trend (where stored bars exist): price against its 200-day EMA and the
  session VWAP; agreeing with the bias scores 1, against it 0, mixed 0.5.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from workstation.engines.planner.candidates import Family
from workstation.engines.planner.market import (
    Bias,
    ExpiryQuotes,
    PlanningMarket,
    Regime,
    TrendEvidence,
)
from workstation.engines.planner.rules import PlannerRules

STRUCTURES = {
    Bias.BULL: "bull put credit spreads, bull call debit spreads and long calls",
    Bias.BEAR: "bear call credit spreads, bear put debit spreads and long puts",
    Bias.NEUTRAL: "iron condors, iron butterflies, call butterflies and call calendars",
}


@dataclass(frozen=True, slots=True)
class Decision:
    """The rules applied before any strike is picked, in words, and what they imply."""

    reasons: tuple[str, ...]
    preferred: Family | None
    trend_fit: float
    window: tuple[float, float]

    def regime_fit(self, family: Family) -> float:
        """1 for the preferred family, 0 for the other, 0.5 when neither is preferred."""
        if self.preferred is None:
            return 0.5
        return 1.0 if family is self.preferred else 0.0


def decide(
    market: PlanningMarket,
    bias: Bias,
    dte: int,
    rules: PlannerRules,
    primary: Sequence[ExpiryQuotes],
) -> Decision:
    """Return the decision for ``bias`` over ``dte`` days on ``primary`` expirations."""
    preferred, regime_line = _regime(market)
    fit, trend_lines = trend_reading(market.trend, bias)
    window = rules.dte_window(dte)
    reasons = (
        regime_line,
        f"{bias} bias → {STRUCTURES[bias]}",
        _window_line(window, primary),
        *trend_lines,
    )
    return Decision(reasons, preferred, fit, window)


def _regime(market: PlanningMarket) -> tuple[Family | None, str]:
    reason = market.regime_reason
    if market.regime is Regime.HIGH:
        return Family.CREDIT, f"{reason} → credit structures preferred (premium is rich)"
    if market.regime is Regime.LOW:
        return Family.DEBIT, f"{reason} → debit structures preferred (premium is cheap)"
    if market.regime is Regime.NEUTRAL:
        return None, f"{reason} → credit and debit both considered; the score decides"
    return None, "no IV rank yet (no IV history stored) → credit and debit both considered"


def _window_line(window: tuple[float, float], primary: Sequence[ExpiryQuotes]) -> str:
    lo, hi = window
    shown = ", ".join(f"{e.expiry:%b %d} ({e.dte} DTE)" for e in primary) or "none listed"
    if primary and all(lo <= e.days <= hi for e in primary):
        return f"DTE window {lo:.0f}–{hi:.0f} days → {shown}"
    return f"no expiration within {lo:.0f}–{hi:.0f} DTE → nearest: {shown}"


def trend_reading(trend: TrendEvidence | None, bias: Bias) -> tuple[float, tuple[str, ...]]:
    """Return the trend fit (0, 0.5 or 1) and the evidence in words."""
    if trend is None:
        return 0.5, ("no stored bars for trend evidence (200-EMA, VWAP) → trend not scored",)
    lines, votes = [], []
    for name, level in (("200-day EMA", trend.ema200), ("session VWAP", trend.vwap)):
        if not math.isfinite(level) or level <= 0:
            continue
        above = trend.price > level
        votes.append(1 if above else -1)
        lines.append(
            f"price {trend.price:,.2f} is {'above' if above else 'below'} the {name} "
            f"{level:,.2f} ({100 * (trend.price / level - 1):+.1f}%)"
        )
    if not votes:
        return 0.5, ("not enough stored bars for a 200-EMA or VWAP → trend not scored",)
    if bias is Bias.NEUTRAL:
        return 0.5, (*lines, "neutral bias: trend evidence shown, not scored")
    want = 1 if bias is Bias.BULL else -1
    agree = sum(1 for v in votes if v == want)
    if agree == len(votes):
        return 1.0, (*lines, f"trend agrees with the {bias} bias")
    if agree == 0:
        return 0.0, (*lines, f"{bias} bias is against the trend: prefer smaller, defined risk")
    return 0.5, (*lines, "trend evidence is mixed")
