"""Exit alerts: one per HIT rule and per expiry recommendation to act, keyed by condition."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from workstation.domain.exits import (
    ExitAssessment,
    ExitRuleKind,
    ExitSignal,
    ExpiryAction,
    ExpiryRecommendation,
    RuleState,
)
from workstation.domain.exposure import GreekTotals
from workstation.domain.risk import OpenPosition, PositionRisk
from workstation.domain.strategies import StrategyKind
from workstation.services.risk_exits import exit_alerts

NOW = datetime(2026, 12, 18, 2, 0, tzinfo=UTC)  # 21:00 New York on 12-17: still the 17th there
TOTALS = GreekTotals(0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)


def _risk(action: ExpiryAction, signals: tuple[ExitSignal, ...]) -> PositionRisk:
    position = OpenPosition("g1", "SPY 600/595 bull put credit spread 12/18",
                            StrategyKind.CUSTOM, "5WT1", "SPY", NOW, ())  # fmt: skip
    advice = ExpiryRecommendation(action, ("short 600 put is 0.1 EM from spot: pin risk",),
                                  ("SPY 600 P",), (), 2.0, "IV", 1.0)  # fmt: skip
    return PositionRisk(position, (), TOTALS, 600.2, Decimal(50), Decimal(100), Decimal(400),
                        ExitAssessment("g1", signals, advice))  # fmt: skip


def test_hit_rules_and_a_close_recommendation_alert() -> None:
    signals = (
        ExitSignal("g1", ExitRuleKind.PROFIT_TARGET, RuleState.HIT, "Profit target hit", "P/L 50"),
        ExitSignal("g1", ExitRuleKind.MAX_LOSS, RuleState.OK, "Within max loss", "fine"),
        ExitSignal("g1", ExitRuleKind.TIME, RuleState.NEAR, "Time exit soon", "soon"),
    )
    alerts = exit_alerts([_risk(ExpiryAction.CLOSE, signals)], NOW)
    assert [a.condition_key for a in alerts] == [
        "exit:g1:profit_target:hit",
        "exit:g1:expiry:close:2026-12-17",  # the New York session, not the UTC date
    ]
    assert alerts[1].body == "short 600 put is 0.1 EM from spot: pin risk"
    assert alerts[1].context["legs_to_close"] == ["SPY 600 P"]


def test_let_expire_raises_nothing() -> None:
    assert exit_alerts([_risk(ExpiryAction.LET_EXPIRE, ())], NOW) == []
