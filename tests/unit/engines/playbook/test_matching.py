"""match_setups: the issue's examples and the rules' requirements, with exact reasons."""

from __future__ import annotations

import pytest

from tests.unit.engines.playbook.builders import BAR_TIMES, events, shipped_playbook, spy
from workstation.domain.playbook import (
    Direction,
    IvRegime,
    PlaybookRule,
    Setup,
    Suggestion,
    Trend,
    VwapSide,
)
from workstation.domain.strategies import StrategyKind
from workstation.domain.structure import EventKind
from workstation.engines.playbook import SeenEvent, match_setups

SSL_SWEEP = events((135, EventKind.SWEEP, -1, 588.20, 3))[0]
BSL_SWEEP = events((140, EventKind.SWEEP, +1, 592.05, 4))[0]
BEARISH_FVG_TAG = events((200, EventKind.FVG_TAG, -1, 592.75, 7))[0]


def test_ssl_swept_with_a_bullish_bias_suggests_a_bull_call_spread():
    found = match_setups(SSL_SWEEP, spy(), shipped_playbook(), int(BAR_TIMES[135]))
    assert found == [
        Suggestion(
            "SSL sweep with a bullish bias",
            StrategyKind.BULL_CALL_DEBIT,
            Direction.BULLISH,
            (
                "Sell-side liquidity under 588.20 was swept and price closed back above it; "
                "with a bullish bias the stops below are spent, so a bull call debit spread "
                "targets the move back up from 590.10.",
                "sell-side liquidity sweep at 588.20 (2026-11-20 11:45 ET)",
                "bias is bullish",
                "expected move ±4.46 over 1 day",
            ),
        )
    ]


def test_fvg_tag_in_a_bearish_trend_below_vwap_suggests_a_bear_call_spread():
    context = spy(592.10, bias=None, trend=Trend.DOWN, vwap=593.00, iv_rank=55.0,
                  expected_move=None)  # fmt: skip
    found = match_setups(BEARISH_FVG_TAG, context, shipped_playbook())
    assert found == [
        Suggestion(
            "FVG tag in a bearish trend below VWAP",
            StrategyKind.BEAR_CALL_CREDIT,
            Direction.BEARISH,
            (
                "Price rallied into a bearish fair value gap at 592.75 in a downtrend while "
                "below VWAP 593.00; sellers defend the gap, so a bear call credit spread with "
                "the short call above the gap sells the rejection.",
                "bearish FVG tag at 592.75 on bar 200",
                "price 592.10 is below VWAP 593.00 by 0.90",
                "trend is down",
            ),
        )
    ]


def test_the_same_fvg_tag_above_vwap_or_in_an_uptrend_suggests_nothing():
    above = spy(593.50, bias=None, trend=Trend.DOWN, vwap=593.00)
    uptrend = spy(592.10, bias=None, trend=Trend.UP, vwap=593.00)
    on_vwap = spy(593.00, bias=None, trend=Trend.DOWN, vwap=593.00)
    for context in (above, uptrend, on_vwap):
        assert match_setups(BEARISH_FVG_TAG, context, shipped_playbook()) == []


def test_a_bsl_sweep_wants_a_bearish_bias_and_an_ssl_sweep_a_bullish_one():
    bearish = spy(bias=Direction.BEARISH)
    assert [s.rule for s in match_setups(BSL_SWEEP, bearish, shipped_playbook())] == [
        "BSL sweep with a bearish bias"
    ]
    assert match_setups(SSL_SWEEP, bearish, shipped_playbook()) == []
    assert match_setups(BSL_SWEEP, spy(), shipped_playbook()) == []


ORB_UP = "Opening range break up with low IV"


@pytest.mark.parametrize(
    ("iv_rank", "expected", "why"),
    [(20.0, [ORB_UP], "IV rank 20 is low (≤ 25)"), (25.0, [ORB_UP], "IV rank 25 is low (≤ 25)"),
     (25.5, [], None), (None, [], None)],
)  # fmt: skip
def test_an_iv_requirement_needs_a_known_iv_rank_in_its_regime(iv_rank, expected, why):
    orb_up = events((31, EventKind.RANGE_BREAK_OPENING, +1, 591.30, 1))[0]
    found = match_setups(orb_up, spy(iv_rank=iv_rank, expected_move=None), shipped_playbook())
    assert [s.rule for s in found] == expected
    assert [s.reasons[2] for s in found] == ([why] if why else [])


def _rule(name: str, **changes) -> PlaybookRule:
    fields = {
        "name": name,
        "events": frozenset({EventKind.VWAP_RECLAIM}),
        "setup": Setup(StrategyKind.BULL_PUT_CREDIT, Direction.BULLISH),
        "reason": "{symbol} reclaimed VWAP {level} at {bar_time}; IV rank {iv_rank}",
    }
    fields.update(changes)
    return PlaybookRule(**fields)


RECLAIM = SeenEvent(bar=60, kind=EventKind.VWAP_RECLAIM, side=1, price=589.40)


def test_more_specific_rules_come_first_then_playbook_order():
    rules = [
        _rule("plain"),
        _rule("uptrend", trend=Trend.UP),
        _rule("plain too"),
        _rule("uptrend above VWAP", trend=Trend.UP, vwap=VwapSide.ABOVE),
    ]
    found = match_setups(RECLAIM, spy(), rules)
    assert [s.rule for s in found] == ["uptrend above VWAP", "uptrend", "plain", "plain too"]


def test_disabled_rules_never_match():
    assert match_setups(RECLAIM, spy(), [_rule("off", enabled=False)]) == []


def test_unknown_values_read_n_a_in_the_reason():
    found = match_setups(RECLAIM, spy(iv_rank=None), [_rule("plain")])
    assert found[0].reasons[:2] == (
        "SPY reclaimed VWAP 589.40 at n/a; IV rank n/a",
        "VWAP reclaim at 589.40 on bar 60",
    )


def test_iv_and_vwap_reasons_carry_the_numbers():
    rule = _rule("rich", iv_regime=IvRegime.HIGH, vwap=VwapSide.ABOVE, iv_high_at=60.0)
    found = match_setups(RECLAIM, spy(iv_rank=61.4), [rule])
    assert found[0].reasons[2:] == (
        "IV rank 61 is high (≥ 60)",
        "price 590.10 is above VWAP 589.40 by 0.70",
        "expected move ±4.46 over 1 day",
    )


def test_a_record_and_its_plain_view_match_alike():
    record = events((60, EventKind.VWAP_RECLAIM, 1, 589.40, -1))[0]
    rules = [_rule("plain")]
    assert match_setups(record, spy(), rules) == match_setups(RECLAIM, spy(), rules)


def test_an_unknown_event_kind_is_refused_with_its_bar():
    record = events((60, EventKind.VWAP_RECLAIM, 1, 589.40, -1))[0].copy()
    record["kind"] = 42
    with pytest.raises(ValueError, match="structure event at bar 60: unknown kind 42"):
        match_setups(record, spy(), [_rule("plain")])


def test_vwap_events_are_named_by_the_way_price_went() -> None:
    from workstation.engines.playbook.events import event_phrase, side_name

    assert event_phrase(EventKind.VWAP_RECLAIM, 1) == "VWAP reclaim"
    assert event_phrase(EventKind.VWAP_RECLAIM, -1) == "VWAP lost"
    assert event_phrase(EventKind.VWAP_REJECT, -1) == "bearish VWAP reject"
    assert side_name(EventKind.VWAP_REJECT, 1) == "bullish"
    assert side_name(EventKind.SWEEP, -1) == "sell-side"
