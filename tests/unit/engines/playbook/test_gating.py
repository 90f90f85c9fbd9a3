"""Cooldowns, mutes and de-duplication: which candidates fire now, and why others wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workstation.domain.playbook import AlertRule, CrossDirection, PriceCrossParams
from workstation.engines.playbook import AlertCandidate, FiringState, admit

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
RULE = AlertRule("*", PriceCrossParams(600.0, CrossDirection.EITHER), cooldown_minutes=15, id=1)


def _candidate(
    key: str = "k1", symbol: str = "SPY", rule_id: int = 1, at: datetime = NOW
) -> AlertCandidate:
    return AlertCandidate(rule_id, symbol, "price", key, "title", "body", 0, at)


def _keys(admission) -> list[str]:
    return [c.condition_key for c in admission.admitted]


@pytest.mark.parametrize(
    ("since_last", "fires"),
    [(timedelta(minutes=14, seconds=59), False), (timedelta(minutes=15), True),
     (timedelta(hours=2), True)],
)  # fmt: skip
def test_a_rule_fires_again_for_a_ticker_only_after_its_cooldown(since_last, fires):
    state = FiringState(last_fired={(1, "SPY"): NOW - since_last})
    admission = admit([_candidate()], {1: RULE}, state, NOW)
    assert _keys(admission) == (["k1"] if fires else [])
    if not fires:
        assert admission.suppressed[0][1] == "cooling down: fired at 14:45 UTC, cooldown 15 min"


def test_the_cooldown_is_per_ticker():
    state = FiringState(last_fired={(1, "SPY"): NOW})
    admission = admit([_candidate("a"), _candidate("b", "QQQ")], {1: RULE}, state, NOW)
    assert _keys(admission) == ["b"]


def test_in_one_batch_the_first_candidate_wins_the_cooldown():
    batch = [_candidate("a"), _candidate("b"), _candidate("c", "QQQ")]
    assert _keys(admit(batch, {1: RULE}, FiringState(), NOW)) == ["a", "c"]
    no_cooldown = {1: AlertRule("*", RULE.parameters, cooldown_minutes=0, id=1)}
    assert _keys(admit(batch, no_cooldown, FiringState(), NOW)) == ["a", "b", "c"]


def test_a_condition_alerts_once_across_batches_and_within_one():
    no_cooldown = {1: AlertRule("*", RULE.parameters, cooldown_minutes=0, id=1)}
    seen = FiringState(already_alerted=frozenset({"a"}))
    admission = admit([_candidate("a"), _candidate("b"), _candidate("b")], no_cooldown, seen, NOW)
    assert _keys(admission) == ["b"]
    assert [why for _, why in admission.suppressed] == ["already alerted", "already alerted"]


@pytest.mark.parametrize(
    ("rules", "state", "why"),
    [
        ({}, FiringState(), "rule 1 no longer exists"),
        ({1: AlertRule("*", RULE.parameters, enabled=False, id=1)}, FiringState(),
         "rule 1 is disabled"),
        ({1: AlertRule("*", RULE.parameters, muted_until=NOW + timedelta(minutes=1), id=1)},
         FiringState(), "rule 1 is muted until 2026-11-20 15:01 UTC"),
        ({1: RULE}, FiringState(symbol_mutes={"SPY": NOW + timedelta(hours=1)}),
         "SPY is muted until 2026-11-20 16:00 UTC"),
        ({1: RULE}, FiringState(symbol_mutes={"*": NOW + timedelta(hours=1)}),
         "\\* is muted until 2026-11-20 16:00 UTC"),
    ],
)  # fmt: skip
def test_silenced_rules_and_tickers_do_not_fire(rules, state, why):
    admission = admit([_candidate()], rules, state, NOW)
    assert admission.admitted == ()
    assert admission.suppressed[0][1] == why.replace("\\", "")


def test_mutes_that_ended_do_not_hold_back():
    rules = {1: AlertRule("*", RULE.parameters, muted_until=NOW, id=1)}
    state = FiringState(symbol_mutes={"SPY": NOW, "QQQ": NOW + timedelta(days=1)})
    assert _keys(admit([_candidate()], rules, state, NOW)) == ["k1"]


def test_cooldowns_run_on_the_candidates_own_times_not_the_clock():
    later = NOW + timedelta(hours=3)  # evaluated long after the events happened
    batch = [_candidate("a", at=NOW), _candidate("b", at=NOW + timedelta(minutes=10)),
             _candidate("c", at=NOW + timedelta(minutes=15))]  # fmt: skip
    assert _keys(admit(batch, {1: RULE}, FiringState(), later)) == ["a", "c"]


def test_an_event_older_than_the_last_fire_is_held_back():
    state = FiringState(last_fired={(1, "SPY"): NOW})
    admission = admit([_candidate(at=NOW - timedelta(hours=1))], {1: RULE}, state, NOW)
    assert admission.admitted == ()
