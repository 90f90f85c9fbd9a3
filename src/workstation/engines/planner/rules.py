"""The planner's rule table: spread widths, credit minimum, liquidity, DTE window, score weights.

Every number here is a default the trader can change in the workspace
settings; every rule the planner applies is quoted back in its reasons.
Widths and prices are dollars per share; fractions are 0-1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class WidthBand:
    """Spread widths (dollars) to try for underlyings priced below ``below`` dollars."""

    below: float
    widths: tuple[float, ...]


DEFAULT_WIDTHS = (
    WidthBand(25.0, (0.5, 1.0)),
    WidthBand(100.0, (1.0, 2.5)),
    WidthBand(1000.0, (2.0, 5.0)),  # SPY/QQQ-priced tickers
    WidthBand(3000.0, (5.0, 10.0)),  # high-priced tickers and RUT
    WidthBand(math.inf, (10.0, 25.0)),  # SPX, NDX
)


@dataclass(frozen=True, slots=True)
class LiquidityRule:
    """A leg is tradable when its bid/ask spread is at most ``max_spread_fraction`` of
    the mid (or ``spread_floor`` dollars, whichever is larger) and it has at least
    ``min_open_interest`` open contracts and ``min_volume`` traded today.
    """

    max_spread_fraction: float = 0.15
    spread_floor: float = 0.05
    min_open_interest: int = 100
    min_volume: int = 0


@dataclass(frozen=True, slots=True)
class ScoreWeights:
    """Weights of the ranking score's terms (they sum to 1; the score is 0-100)."""

    pop: float = 0.25
    edge: float = 0.20
    return_on_risk: float = 0.15
    liquidity: float = 0.10
    regime_fit: float = 0.20
    trend_fit: float = 0.10

    def __post_init__(self) -> None:
        total = self.pop + self.edge + self.return_on_risk + self.liquidity
        total += self.regime_fit + self.trend_fit
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"score weights must sum to 1, got {total:g}")


@dataclass(frozen=True, slots=True)
class PlannerRules:
    """The rules the planner applies (see the module docstring for units).

    ``em_multiple`` places credit short strikes that many expected moves
    away; ``min_credit_fraction`` is the smallest credit as a share of the
    width; the DTE window runs from ``dte - max(7, 30 %)`` to
    ``dte + max(7, 50 %)`` unless the trader asks otherwise.
    """

    widths: tuple[WidthBand, ...] = DEFAULT_WIDTHS
    min_credit_fraction: float = 0.25
    em_multiple: float = 1.0
    liquidity: LiquidityRule = field(default_factory=LiquidityRule)
    weights: ScoreWeights = field(default_factory=ScoreWeights)
    expirations: int = 2  # expirations in the window to build trades on
    calendar_gap_days: int = 21  # a calendar's far leg is at least this much later

    def __post_init__(self) -> None:
        if not 0 < self.min_credit_fraction < 1:
            raise ValueError(f"min credit {self.min_credit_fraction} must be a fraction in (0, 1)")
        if self.em_multiple <= 0:
            raise ValueError(f"expected-move multiple {self.em_multiple} must be positive")
        if not self.widths or any(not band.widths for band in self.widths):
            raise ValueError("the width table needs at least one width per band")

    def widths_for(self, price: float) -> tuple[float, ...]:
        """Return the spread widths to try for an underlying at ``price``."""
        band = next((b for b in self.widths if price < b.below), self.widths[-1])
        return band.widths

    def dte_window(self, dte: int) -> tuple[float, float]:
        """Return the (min, max) calendar days to expiry accepted for a target of ``dte``."""
        return max(0.0, dte - max(7.0, 0.3 * dte)), dte + max(7.0, 0.5 * dte)
