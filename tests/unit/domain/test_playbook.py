"""Playbook rules, market context and alert rules: validation names the rule and the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workstation.domain.playbook import (
    EVENT_NAMES,
    SHORT_NAMES,
    AlertRule,
    AlertRuleKind,
    CrossDirection,
    Direction,
    ExpectedMoveParams,
    IvRankParams,
    IvRegime,
    MarketContext,
    PlaybookError,
    PlaybookRule,
    PriceCrossParams,
    Setup,
    StructureEventParams,
    VwapSide,
    inherent_direction,
)
from workstation.domain.strategies import StrategyKind
from workstation.domain.structure import EventKind
from workstation.storage.tables import ALERT_RULE_KINDS

BULL_CALL = Setup(StrategyKind.BULL_CALL_DEBIT, Direction.BULLISH)
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
NAIVE = NOW.replace(tzinfo=None)


def _rule(**changes) -> PlaybookRule:
    fields = {
        "name": "SSL sweep",
        "events": frozenset({EventKind.SWEEP}),
        "setup": BULL_CALL,
        "reason": "swept {level}",
    }
    fields.update(changes)
    return PlaybookRule(**fields)


def test_every_event_kind_has_one_short_name():
    assert set(EVENT_NAMES.values()) == set(EventKind)
    assert len(SHORT_NAMES) == len(EventKind)


def test_stored_alert_rule_kinds_are_the_domain_kinds():
    assert tuple(kind.value for kind in AlertRuleKind) == ALERT_RULE_KINDS


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "playbook rule: field 'name' must not be empty"),
        ({"events": frozenset()}, "'SSL sweep': field 'events': name at least one"),
        ({"side": 0}, "'SSL sweep': field 'side': must be \\+1, -1 or any, got 0"),
        ({"iv_low_at": 60.0}, "'SSL sweep': field 'iv_low_at': need 0 <= low 60 < high 50"),
        ({"iv_high_at": 101.0}, "field 'iv_low_at': need 0 <= low 25 < high 101 <= 100"),
        (
            {"setup": Setup(StrategyKind.BULL_CALL_DEBIT, Direction.BEARISH)},
            "field 'setup': a bull call debit spread is bullish, not bearish",
        ),
        (
            {"setup": Setup(StrategyKind.IRON_CONDOR, Direction.BULLISH)},
            "an iron condor is neutral, not bullish",
        ),
        ({"reason": " "}, "field 'reason': must say why"),
        ({"reason": "at {levle}"}, r"field 'reason': unknown placeholder \{levle\}"),
        ({"reason": "at {}"}, r"unknown placeholder \{\}"),
        ({"reason": "at {level:.1f}"}, "placeholders take no format"),
        ({"reason": "at {level!r}"}, "placeholders take no format"),
        ({"reason": "at {level"}, "field 'reason': bad template"),
    ],
)
def test_a_bad_playbook_rule_names_itself_and_the_field(changes, message):
    with pytest.raises(PlaybookError, match=message):
        _rule(**changes)


def test_strategies_without_a_built_in_direction_take_any():
    assert inherent_direction(StrategyKind.CALL_CALENDAR) is None
    rule = _rule(setup=Setup(StrategyKind.CALL_CALENDAR, Direction.BEARISH))
    assert rule.setup.problem() is None


@pytest.mark.parametrize(
    ("rank", "regime"),
    [(0.0, IvRegime.LOW), (25.0, IvRegime.LOW), (25.01, IvRegime.NORMAL),
     (49.99, IvRegime.NORMAL), (50.0, IvRegime.HIGH), (100.0, IvRegime.HIGH)],
)  # fmt: skip
def test_iv_regime_boundaries_belong_to_high_and_low(rank, regime):
    assert _rule().iv_regime_of(rank) is regime


def test_specificity_counts_the_requirements_set():
    assert _rule().specificity == 0
    assert _rule(side=-1, bias=Direction.BULLISH, vwap=VwapSide.BELOW).specificity == 3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price": 0.0}, "market context SPY: price 0.0 must be a positive number"),
        ({"price": float("nan")}, "price nan must be a positive number"),
        ({"iv_rank": 100.5}, "IV rank 100.5 must be between 0 and 100"),
        ({"expected_move": -1.0}, "expected move -1.0 must be > 0 dollars"),
        ({"expected_move_days": 0}, "horizon must be at least 1 day"),
        ({"vwap": 0.0}, "VWAP 0.0 must be a positive number"),
        ({"reference_price": -5.0}, "reference price -5.0 must be a positive number"),
    ],
)
def test_a_bad_market_context_says_which_value(changes, message):
    fields = {"symbol": "SPY", "price": 590.0, **changes}
    with pytest.raises(PlaybookError, match=message):
        MarketContext(**fields)


def test_vwap_side_is_unknown_on_vwap_or_without_it():
    assert MarketContext("SPY", 590.0, vwap=589.0).vwap_side is VwapSide.ABOVE
    assert MarketContext("SPY", 590.0, vwap=591.0).vwap_side is VwapSide.BELOW
    assert MarketContext("SPY", 590.0, vwap=590.0).vwap_side is None
    assert MarketContext("SPY", 590.0).vwap_side is None


def test_alert_rule_kind_follows_its_parameters():
    cases = {
        StructureEventParams(frozenset({EventKind.SWEEP})): AlertRuleKind.STRUCTURE_EVENT,
        PriceCrossParams(600.0, CrossDirection.ABOVE): AlertRuleKind.PRICE_CROSS,
        IvRankParams(50.0, CrossDirection.BELOW): AlertRuleKind.IV_RANK,
        ExpectedMoveParams(7): AlertRuleKind.EXPECTED_MOVE_EXIT,
    }
    for parameters, kind in cases.items():
        assert AlertRule("SPY", parameters).kind is kind


def test_alert_rule_watches_its_ticker_or_every_ticker():
    price = PriceCrossParams(600.0, CrossDirection.ABOVE)
    assert AlertRule("SPY", price).applies_to("SPY")
    assert not AlertRule("SPY", price).applies_to("QQQ")
    assert AlertRule("*", price).applies_to("QQQ")


def test_alert_rule_is_muted_until_the_instant_then_not():
    rule = AlertRule("SPY", ExpectedMoveParams(7), muted_until=NOW)
    assert rule.is_muted(NOW - timedelta(seconds=1))
    assert not rule.is_muted(NOW)
    assert rule.cooldown == timedelta(minutes=15)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: AlertRule("spy", ExpectedMoveParams(7)), "upper-case ticker"),
        (lambda: AlertRule("SPY", ExpectedMoveParams(7), cooldown_minutes=-1), "cooldown -1"),
        (
            lambda: AlertRule("SPY", ExpectedMoveParams(7), muted_until=NAIVE),
            "muted_until has no time zone",
        ),
        (lambda: ExpectedMoveParams(0), "horizon 0 must be 1-365 days"),
        (lambda: PriceCrossParams(0.0, CrossDirection.ABOVE), "level 0.0 must be a positive"),
        (lambda: IvRankParams(120.0, CrossDirection.ABOVE), "threshold 120.0 must be 0-100"),
        (lambda: StructureEventParams(frozenset()), "name at least one event"),
    ],
)
def test_a_bad_alert_rule_says_what_is_wrong(make, message):
    with pytest.raises(PlaybookError, match=message):
        make()


def test_either_direction_accepts_both_crossings():
    assert CrossDirection.EITHER.accepts(CrossDirection.ABOVE)
    assert CrossDirection.EITHER.accepts(CrossDirection.BELOW)
    assert not CrossDirection.ABOVE.accepts(CrossDirection.BELOW)
