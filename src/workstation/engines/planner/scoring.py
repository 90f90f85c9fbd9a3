"""The ranking score: stated terms, each 0-1, weighted into 0-100.

- pop: lognormal probability of profit at the front expiration;
- edge: 0.5 + 5 × expected value / risk, clipped to 0-1 (0.5 is a fair trade);
- return_on_risk: max profit / risk, capped at 1 (unlimited counts as 1);
- liquidity: the liquidity score of the legs;
- regime_fit: 1 when the structure's family (credit/debit) is the one the IV
  regime prefers, 0.5 when the regime prefers neither, 0 otherwise;
- trend_fit: 1 when trend evidence agrees with the bias, 0.5 when mixed or
  unknown, 0 against it.

Risk is the max loss, or the buying power when the loss is unlimited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from workstation.engines.planner.rules import ScoreWeights
from workstation.engines.strategies import StrategyMetrics

EDGE_SCALE = 5.0


@dataclass(frozen=True, slots=True)
class Score:
    """A candidate's score (0-100) and its terms (0-1 each)."""

    total: float
    terms: dict[str, float]

    def explain(self, weights: ScoreWeights) -> str:
        """Return the formula with this candidate's numbers."""
        parts = " + ".join(
            f"{getattr(weights, name):.2f}×{name.replace('_', ' ')} {value:.2f}"
            for name, value in self.terms.items()
        )
        return f"score {self.total:.0f} = 100 × ({parts})"


def risk_of(metrics: StrategyMetrics) -> float:
    """Return the dollars at risk: the max loss, or the buying power when unlimited."""
    loss = metrics.profile.max_loss
    return metrics.buying_power.amount if math.isinf(loss) else loss


def score(
    metrics: StrategyMetrics,
    liquidity: float,
    regime_fit: float,
    trend_fit: float,
    weights: ScoreWeights,
) -> Score:
    """Return the weighted score of one candidate (see the module docstring)."""
    risk = risk_of(metrics)
    edge = 0.5 + EDGE_SCALE * metrics.expected_value / risk if risk > 0 else 1.0
    profit = metrics.profile.max_profit
    ror = 1.0 if math.isinf(profit) or risk <= 0 else profit / risk
    terms = {
        "pop": metrics.pop,
        "edge": _unit(edge),
        "return_on_risk": _unit(ror),
        "liquidity": _unit(liquidity),
        "regime_fit": regime_fit,
        "trend_fit": trend_fit,
    }
    total = 100.0 * sum(getattr(weights, name) * value for name, value in terms.items())
    return Score(total, terms)


def _unit(x: float) -> float:
    return min(max(x, 0.0), 1.0)
