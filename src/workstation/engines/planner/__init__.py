"""The trade planner: strike selection, recommendation with reasons, guardrails applied.

Reads a ``PlanningMarket`` (built by the planning service from an analysed
chain) and returns a ``TradePlan``: ranked candidates with their numbers,
the reasons for every choice, the structures set aside and why, and the
event-risk verdict of each trade.
"""

from workstation.engines.planner.candidates import Draft, Family, Rejection, draft_of
from workstation.engines.planner.decision import Decision, decide, trend_reading
from workstation.engines.planner.edits import (
    EditError,
    add_leg,
    change_expiry,
    change_width,
    flip,
    move_strike,
    remove_leg,
)
from workstation.engines.planner.market import (
    Bias,
    ExpiryQuotes,
    PlanningMarket,
    Regime,
    SideQuotes,
    TrendEvidence,
)
from workstation.engines.planner.plan import (
    Candidate,
    TradePlan,
    assess,
    contract_plan,
    expirations_needed,
    guard,
    plan_trade,
    primary_expirations,
)
from workstation.engines.planner.rules import LiquidityRule, PlannerRules, ScoreWeights, WidthBand
from workstation.engines.planner.scoring import Score

__all__ = [
    "Bias",
    "Candidate",
    "Decision",
    "Draft",
    "EditError",
    "ExpiryQuotes",
    "Family",
    "LiquidityRule",
    "PlannerRules",
    "PlanningMarket",
    "Regime",
    "Rejection",
    "Score",
    "ScoreWeights",
    "SideQuotes",
    "TradePlan",
    "TrendEvidence",
    "WidthBand",
    "add_leg",
    "assess",
    "change_expiry",
    "change_width",
    "contract_plan",
    "decide",
    "draft_of",
    "expirations_needed",
    "flip",
    "guard",
    "move_strike",
    "plan_trade",
    "primary_expirations",
    "remove_leg",
    "trend_reading",
]
