"""The playbook as data: the shipped file, round trips, and errors that name rule and field."""

from __future__ import annotations

import copy

import pytest

from tests.unit.engines.playbook.builders import shipped_playbook
from workstation.domain.playbook import (
    AlertRuleKind,
    CrossDirection,
    Direction,
    ExpectedMoveParams,
    IvRankParams,
    PlaybookError,
    PriceCrossParams,
    StructureEventParams,
)
from workstation.domain.strategies import StrategyKind
from workstation.domain.structure import EventKind
from workstation.engines.playbook import (
    parameters_from_mapping,
    parameters_to_mapping,
    parse_playbook,
    playbook_document,
    rule_to_mapping,
)

GOOD = {
    "name": "SSL sweep, bullish",
    "events": ["sweep"],
    "side": "sell-side",
    "bias": "bullish",
    "setup": {"strategy": "bull call debit spread", "direction": "bullish"},
    "reason": "swept {level}",
}


def _doc(**changes) -> dict:
    rule = {**copy.deepcopy(GOOD), **changes}
    return {"version": 1, "rules": [rule]}


def test_the_shipped_playbook_has_the_issue_examples_and_a_sensible_set():
    rules = {rule.name: rule for rule in shipped_playbook()}
    assert len(rules) >= 12
    ssl = rules["SSL sweep with a bullish bias"]
    assert (ssl.events, ssl.side, ssl.bias) == (frozenset({EventKind.SWEEP}), -1, Direction.BULLISH)
    assert ssl.setup.strategy is StrategyKind.BULL_CALL_DEBIT
    fvg = rules["FVG tag in a bearish trend below VWAP"]
    assert fvg.setup.strategy is StrategyKind.BEAR_CALL_CREDIT
    assert (fvg.trend.value, fvg.vwap.value, fvg.side) == ("down", "below", -1)
    assert {kind for rule in rules.values() for kind in rule.events} == set(EventKind)


def test_a_playbook_round_trips_through_its_document():
    rules = shipped_playbook()
    assert parse_playbook(playbook_document(rules)) == rules


def test_a_rule_written_out_names_sweep_sides_by_liquidity():
    written = rule_to_mapping(parse_playbook(_doc())[0])
    assert written["side"] == "sell-side"
    assert written["trend"] == "any"
    assert written["events"] == ["sweep"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "book.json: expected an object with a 'rules' list"),
        ({"rules": {}}, "expected an object with a 'rules' list"),
        ({"version": 2, "rules": []}, "format version 2 \\(this program reads 1\\)"),
        ({"rules": []}, "a playbook needs at least one rule"),
        ({"rules": ["x"]}, "book.json rule 1: expected an object, got str"),
        (_doc(trnd="up"), "book.json rule 1 \\('SSL sweep, bullish'\\): unknown field 'trnd'"),
        (
            {"rules": [{k: v for k, v in GOOD.items() if k != "reason"}]},
            "rule 1 \\('SSL sweep, bullish'\\): missing field 'reason'",
        ),
        (_doc(events=["sweep", "swoop"]), "field 'events': unknown event 'swoop'"),
        (_doc(events=[]), "field 'events': must list event names"),
        (_doc(side="north"), "field 'side': must be one of buy-side, .* or any, got 'north'"),
        (_doc(trend="upward"), "field 'trend': must be up, down, sideways or any, got 'upward'"),
        (_doc(iv_high_at="50"), "field 'iv_high_at': must be a number 0-100, got '50'"),
        (_doc(enabled="yes"), "field 'enabled': must be true or false, got 'yes'"),
        (_doc(name=""), "field 'name': must be non-empty text"),
        (
            _doc(setup={"strategy": "moon spread", "direction": "bullish"}),
            "field 'setup': unknown strategy 'moon spread'",
        ),
        (
            _doc(setup={"strategy": "long put", "direction": "bullish"}),
            "'SSL sweep, bullish'.*field 'setup': a long put is bearish, not bullish",
        ),
        (_doc(setup={"strategy": "long put"}), "field 'setup': must be an object with"),
        (
            {"rules": [GOOD, {**GOOD, "name": "ssl SWEEP, Bullish"}]},
            "two rules are named 'ssl SWEEP, Bullish'",
        ),
    ],
)
def test_a_bad_playbook_is_refused_naming_source_rule_and_field(document, message):
    with pytest.raises(PlaybookError, match=message):
        parse_playbook(document, "book.json")


@pytest.mark.parametrize(
    "parameters",
    [
        StructureEventParams(frozenset({EventKind.SWEEP, EventKind.CHANGE_OF_CHARACTER})),
        PriceCrossParams(590.5, CrossDirection.BELOW),
        IvRankParams(50.0, CrossDirection.EITHER),
        ExpectedMoveParams(7),
    ],
)
def test_alert_parameters_round_trip(parameters):
    kind = {
        StructureEventParams: AlertRuleKind.STRUCTURE_EVENT,
        PriceCrossParams: AlertRuleKind.PRICE_CROSS,
        IvRankParams: AlertRuleKind.IV_RANK,
        ExpectedMoveParams: AlertRuleKind.EXPECTED_MOVE_EXIT,
    }[type(parameters)]
    assert parameters_from_mapping(kind, parameters_to_mapping(parameters), "rule 1") == parameters


def test_structure_parameters_are_written_as_short_names_in_kind_order():
    params = StructureEventParams(frozenset({EventKind.CHANGE_OF_CHARACTER, EventKind.SWEEP}))
    assert parameters_to_mapping(params) == {"events": ["sweep", "choch"]}


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        (AlertRuleKind.PRICE_CROSS, {"level": 600}, "rule 9: price_cross parameters: missing"),
        (AlertRuleKind.PRICE_CROSS, {"level": 600, "direction": "up"}, "'up' is not a valid"),
        (AlertRuleKind.IV_RANK, {"threshold": 150, "direction": "above"}, "must be 0-100"),
        (AlertRuleKind.EXPECTED_MOVE_EXIT, {"days": "x"}, "invalid literal"),
        (AlertRuleKind.STRUCTURE_EVENT, {"events": ["nope"]}, "unknown event 'nope'"),
        (AlertRuleKind.STRUCTURE_EVENT, [], "rule 9: parameters must be an object"),
    ],
)
def test_bad_alert_parameters_name_the_rule(kind, data, message):
    with pytest.raises(PlaybookError, match=message):
        parameters_from_mapping(kind, data, "rule 9")
