"""GuardrailPolicy: every structure has a rule; bad policies are refused."""

from __future__ import annotations

import pytest

from workstation.domain.event_calendar import EventKind
from workstation.domain.strategies import StrategyKind as K
from workstation.engines.guardrails import DEFAULT_POLICY, Bias, GuardrailPolicy, bias_of


def test_every_structure_but_custom_has_exactly_one_default_rule():
    sets = (DEFAULT_POLICY.blocked, DEFAULT_POLICY.warned, DEFAULT_POLICY.long_premium)
    for kind in K:
        hits = sum(kind in rule for rule in sets)
        assert hits == (0 if kind is K.CUSTOM else 1), kind


def test_the_defaults_block_directional_credit_and_naked_short_premium():
    assert {
        K.BULL_PUT_CREDIT,
        K.BEAR_CALL_CREDIT,
        K.SHORT_CALL,
        K.SHORT_PUT,
        K.SHORT_STRADDLE,
        K.SHORT_STRANGLE,
        K.CASH_SECURED_PUT,
        K.CALL_RATIO_SPREAD,
        K.PUT_RATIO_SPREAD,
        K.JADE_LIZARD,  # a naked short put with a call spread on top
    } == DEFAULT_POLICY.blocked
    assert {K.IRON_CONDOR, K.IRON_BUTTERFLY, K.COVERED_CALL} == DEFAULT_POLICY.warned
    assert DEFAULT_POLICY.macro_kinds == {EventKind.FOMC, EventKind.CPI, EventKind.JOBS}
    assert (DEFAULT_POLICY.quiet_sessions_before, DEFAULT_POLICY.quiet_sessions_after) == (1, 0)


@pytest.mark.parametrize(
    ("kind", "bias"),
    [
        (K.BULL_PUT_CREDIT, Bias.BULLISH),
        (K.CASH_SECURED_PUT, Bias.BULLISH),
        (K.BEAR_CALL_CREDIT, Bias.BEARISH),
        (K.PUT_RATIO_SPREAD, Bias.BEARISH),
        (K.SHORT_STRADDLE, Bias.NEUTRAL),
        (K.IRON_CONDOR, Bias.NEUTRAL),
    ],
)
def test_bias(kind, bias):
    assert bias_of(kind) is bias


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"macro_kinds": frozenset({EventKind.EARNINGS})}, "macro_kinds: earnings"),
        ({"warned": frozenset({K.SHORT_PUT})}, "blocked and warned both list short put"),
        ({"long_premium": frozenset({K.IRON_CONDOR})}, "warned and long_premium both list"),
        ({"quiet_sessions_before": -1}, "quiet_sessions_before: -1"),
        ({"quiet_sessions_after": 1.5}, "quiet_sessions_after: 1.5"),
    ],
)
def test_contradictory_policies_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        GuardrailPolicy(**options)
