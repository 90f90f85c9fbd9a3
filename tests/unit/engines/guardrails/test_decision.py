"""override: a block goes ahead only with a reason; an unblocked trade is just allowed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.unit.engines.guardrails.events import DEC_EXPIRY_CLOSE, FOMC_DEC, NOW, et
from workstation.domain.strategies import StrategyKind as K
from workstation.engines.guardrails import DecisionOutcome, check_trade, override

DECIDED = et(2026, 11, 21, 10, 15)


def blocked_verdict():
    return check_trade(K.BULL_PUT_CREDIT, NOW, DEC_EXPIRY_CLOSE, [FOMC_DEC], underlying="SPY")


def test_an_override_records_the_blocks_the_reason_and_the_time():
    verdict = blocked_verdict()
    decision = override(verdict, "  hedged with long puts through the FOMC  ", DECIDED)
    assert decision.outcome is DecisionOutcome.OVERRIDDEN
    assert decision.overridden == verdict.blocking
    assert decision.reason == "hedged with long puts through the FOMC"
    assert decision.decided_at == datetime(2026, 11, 21, 15, 15, tzinfo=UTC)
    assert decision.verdict is verdict


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_block_cannot_be_overridden_without_a_reason(reason):
    with pytest.raises(ValueError, match="reason: a reason is required to override the block"):
        override(blocked_verdict(), reason, DECIDED)


def test_an_unblocked_verdict_is_recorded_as_allowed():
    verdict = check_trade(K.IRON_CONDOR, NOW, DEC_EXPIRY_CLOSE, [FOMC_DEC], underlying="SPY")
    decision = override(verdict, "", DECIDED)
    assert decision.outcome is DecisionOutcome.ALLOWED
    assert decision.overridden == ()
    assert decision.reason == ""


def test_the_decision_time_must_be_aware():
    with pytest.raises(ValueError, match="at: 2026-11-21T10:15:00 has no time zone"):
        override(blocked_verdict(), "sized small", datetime(2026, 11, 21, 10, 15))  # noqa: DTZ001
