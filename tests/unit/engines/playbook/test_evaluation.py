"""Alert candidates for each rule kind, with exact keys, titles and numbers."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from tests.unit.engines.playbook.builders import BAR_TIMES, events, shipped_playbook, spy
from workstation.domain.playbook import (
    AlertRule,
    CrossDirection,
    ExpectedMoveParams,
    IvRankParams,
    PriceCrossParams,
    StructureEventParams,
)
from workstation.domain.structure import EventKind
from workstation.engines.playbook import (
    band_exit,
    crossing,
    expected_move_band,
    minute_bar,
    quote_candidates,
    structure_candidates,
)

ABOVE, BELOW, EITHER = CrossDirection.ABOVE, CrossDirection.BELOW, CrossDirection.EITHER
AT = datetime(2026, 11, 20, 15, 7, 42, tzinfo=UTC)
AT_BAR = int(datetime(2026, 11, 20, 15, 7, tzinfo=UTC).timestamp())


def _structure_rule(rule_id: int, symbol: str, *kinds: EventKind) -> AlertRule:
    return AlertRule(symbol, StructureEventParams(frozenset(kinds)), id=rule_id)


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (599.0, 600.0, ABOVE),  # touching from below counts
        (599.0, 601.0, ABOVE),
        (600.0, 601.0, None),  # moving off the level is not a cross
        (601.0, 600.0, BELOW),
        (601.0, 599.0, BELOW),
        (600.0, 599.0, None),
        (599.0, 599.99, None),
        (600.0, 600.0, None),
        (math.nan, 601.0, None),
    ],
)
def test_crossing_compares_previous_and_current_with_touch_counting(previous, current, expected):
    assert crossing(previous, current, 600.0) is expected


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (590.0, 600.0, ABOVE),  # reaching the edge counts as leaving
        (590.0, 603.0, ABOVE),
        (590.0, 580.0, BELOW),
        (590.0, 599.99, None),
        (600.0, 605.0, None),  # was not inside
        (575.0, 605.0, None),
    ],
)
def test_band_exit_needs_price_strictly_inside_before(previous, current, expected):
    assert band_exit(previous, current, 580.0, 600.0) is expected


def test_expected_move_scales_with_the_square_root_of_time():
    lower, upper, move = expected_move_band(spy(expected_move=5.0, reference_price=590.0), 7)
    assert move == pytest.approx(5.0 * math.sqrt(7))
    assert (lower, upper) == pytest.approx((576.7712434, 603.2287566))
    assert expected_move_band(spy(reference_price=None), 7) is None
    assert expected_move_band(spy(expected_move=None), 7) is None


def test_minute_bar_is_the_open_of_the_minute():
    assert minute_bar(AT) == AT_BAR


def test_structure_events_alert_rules_watching_the_ticker_and_kind_with_the_setup():
    rules = [
        _structure_rule(5, "SPY", EventKind.FVG_TAG),
        _structure_rule(3, "*", EventKind.SWEEP),
        _structure_rule(7, "QQQ", EventKind.SWEEP),
        AlertRule("SPY", PriceCrossParams(600.0, ABOVE), id=8),
    ]
    found = events(
        (135, EventKind.SWEEP, -1, 588.20, 3),
        (150, EventKind.DISPLACEMENT, 1, 589.0, -1),
        (200, EventKind.FVG_TAG, -1, 592.75, 7),
    )
    out = structure_candidates(rules, found, BAR_TIMES, spy(), shipped_playbook(), "5m")
    assert [c.condition_key for c in out] == [
        f"alert-rule:3:SPY:sweep:{BAR_TIMES[135]}:-1:588.2000",
        f"alert-rule:5:SPY:fvg:{BAR_TIMES[200]}:-1:592.7500",
    ]
    sweep = out[0]
    assert (sweep.rule_id, sweep.symbol, sweep.source) == (3, "SPY", "structure")
    assert sweep.title == "SPY: sell-side liquidity sweep at 588.20"
    assert sweep.body.startswith(
        "sell-side liquidity sweep at 588.20 (2026-11-20 11:45 ET); price 590.10. "
        "Setup: bull call debit spread — Sell-side liquidity under 588.20 was swept"
    )
    assert sweep.bar_ts == int(BAR_TIMES[135])
    context = sweep.context
    assert {k: context[k] for k in ("rule_id", "rule_kind", "event", "side", "level", "bar")} == {
        "rule_id": 3, "rule_kind": "structure_event", "event": "sweep", "side": -1,
        "level": 588.20, "bar": 135,
    }  # fmt: skip
    assert (context["bar_ts"], context["timeframe"]) == (int(BAR_TIMES[135]), "5m")
    assert context["setup"]["strategy"] == "bull call debit spread"
    assert context["setup"]["bias"] == "bullish"
    assert context["setup"]["reasons"][1].startswith("sell-side liquidity sweep at 588.20")
    assert [s.rule for s in sweep.suggestions] == ["SSL sweep with a bullish bias"]
    assert out[1].suggestions == ()  # bullish bias, uptrend: no bearish FVG setup
    assert out[1].context["setup"] is None


def test_an_event_past_the_bars_is_refused():
    late = events((500, EventKind.SWEEP, -1, 588.20, 3))
    with pytest.raises(ValueError, match="at bar 500: no bar time \\(have 390 bars\\)"):
        structure_candidates([_structure_rule(1, "SPY", EventKind.SWEEP)], late, BAR_TIMES, spy())


def test_no_structure_rule_means_no_candidates():
    found = events((135, EventKind.SWEEP, -1, 588.20, 3))
    assert (
        structure_candidates([_structure_rule(1, "QQQ", EventKind.SWEEP)], found, [], spy()) == []
    )


def test_price_crossing_above_a_level():
    rule = AlertRule("SPY", PriceCrossParams(600.0, ABOVE), id=4)
    (found,) = quote_candidates([rule], spy(599.80), spy(600.25), AT)
    assert found.condition_key == f"alert-rule:4:SPY:price_cross:above:{AT_BAR}"
    assert found.source == "price"
    assert found.title == "SPY crossed above 600.00"
    assert found.body == "SPY traded 600.25 (from 599.80), crossing above 600.00."
    assert found.context["from"] == 599.80
    assert found.context["bar_ts"] == AT_BAR


@pytest.mark.parametrize(
    ("direction", "prices", "fires"),
    [
        (ABOVE, (599.0, 600.0), "above"),
        (ABOVE, (601.0, 599.0), None),
        (BELOW, (601.0, 600.0), "below"),
        (BELOW, (599.0, 601.0), None),
        (EITHER, (599.0, 601.0), "above"),
        (EITHER, (601.0, 599.0), "below"),
        (EITHER, (600.0, 600.5), None),
    ],
)
def test_price_rules_fire_only_in_their_direction(direction, prices, fires):
    rule = AlertRule("*", PriceCrossParams(600.0, direction), id=1)
    found = quote_candidates([rule], spy(prices[0]), spy(prices[1]), AT)
    assert [c.context["direction"] for c in found] == ([fires] if fires else [])


def test_the_first_quote_cannot_cross_anything():
    rule = AlertRule("SPY", PriceCrossParams(600.0, ABOVE), id=1)
    assert quote_candidates([rule], None, spy(601.0), AT) == []


def test_iv_rank_crossing_a_threshold():
    rule = AlertRule("SPY", IvRankParams(50.0, ABOVE), id=2)
    (found,) = quote_candidates([rule], spy(iv_rank=48.9), spy(iv_rank=52.3), AT)
    assert found.source == "iv"
    assert found.condition_key == f"alert-rule:2:SPY:iv_rank:above:{AT_BAR}"
    assert found.title == "SPY IV rank crossed above 50"
    assert found.body == "IV rank 52.3 (from 48.9) crossed above 50; price 590.10."
    assert quote_candidates([rule], spy(iv_rank=None), spy(iv_rank=52.3), AT) == []
    assert quote_candidates([rule], spy(iv_rank=52.3), spy(iv_rank=48.9), AT) == []


def test_price_leaving_the_expected_move_band():
    rule = AlertRule("SPY", ExpectedMoveParams(4), id=6)
    context = {"expected_move": 5.0, "reference_price": 590.0}  # 4-day move: 10.00
    (found,) = quote_candidates([rule], spy(599.0, **context), spy(600.0, **context), AT)
    assert found.source == "expected_move"
    assert found.condition_key == f"alert-rule:6:SPY:expected_move_exit:above:{AT_BAR}"
    assert found.title == "SPY left its 4-day expected move (above)"
    assert found.body == (
        "SPY at 600.00 is above its 4-day expected move 580.00–600.00 (590.00 ± 10.00)."
    )
    assert (found.context["lower"], found.context["upper"]) == (580.0, 600.0)
    (down,) = quote_candidates([rule], spy(581.0, **context), spy(579.5, **context), AT)
    assert down.context["direction"] == "below"
    assert quote_candidates([rule], spy(599.0, **context), spy(599.9, **context), AT) == []
    unknown = {"expected_move": None}
    assert quote_candidates([rule], spy(599.0, **unknown), spy(601.0, **unknown), AT) == []
