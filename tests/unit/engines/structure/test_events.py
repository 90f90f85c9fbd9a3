"""VWAP reclaims and rejects, gap tags, and the order of the event list."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from tests.unit.engines.structure.bars import CONFIGS, MONDAY, bars, candles, et, random_walks
from workstation.domain.structure import EventKind, StructureConfig
from workstation.engines.structure import analyze

RECLAIM, REJECT = EventKind.VWAP_RECLAIM, EventKind.VWAP_REJECT
QUIET = StructureConfig(swing_length=50, range_window=50)


def _at(clock: str, o: float, h: float, lo: float, c: float, day=MONDAY):
    return (et(day, clock), o, h, lo, c, 100.0)


VWAP_TAPE = bars(
    [
        _at("09:30", 10.0, 10.5, 9.5, 10.0),  # closes on VWAP (10): no side yet
        _at("09:31", 10.0, 10.2, 9.6, 9.7),  # below
        _at("09:32", 9.7, 10.6, 9.7, 10.5),  # back above: reclaim
        _at("09:33", 10.5, 10.6, 9.9, 10.3),  # dips under, closes above again: rejected from above
        _at("09:34", 10.3, 10.35, 9.5, 9.6),  # closes below after above: VWAP lost
        _at("09:35", 9.6, 10.2, 9.5, 9.7),  # pokes above, closes below: rejected from below
        _at("09:00", 9.7, 9.8, 9.6, 9.7, day=MONDAY.replace(day=4)),  # Tuesday pre-market
        _at("09:30", 9.7, 12.0, 9.6, 11.0, day=MONDAY.replace(day=4)),  # new session: no pair
    ]
)


def test_vwap_reclaims_and_rejects():
    structure = analyze(VWAP_TAPE, QUIET)
    got = [tuple(e.item())[:3] for e in structure.events if e["kind"] in (RECLAIM, REJECT)]
    assert got == [(2, RECLAIM, 1), (3, REJECT, 1), (4, RECLAIM, -1), (5, REJECT, -1)]
    prices = structure.events["price"][np.isin(structure.events["kind"], [RECLAIM, REJECT])]
    assert prices.tolist() == structure.vwap[[2, 3, 4, 5]].tolist()
    typical = (VWAP_TAPE["high"] + VWAP_TAPE["low"] + VWAP_TAPE["close"]) / 3
    assert structure.vwap[5] == pytest.approx(typical[:6].mean())


def test_a_gap_tag_is_an_event_at_the_tagging_bar_with_the_edge_reached():
    rows = [
        (10.0, 11.0, 9.5, 10.8),
        (10.8, 13.0, 10.7, 12.9),
        (12.9, 14.0, 12.0, 13.8),
        (13.8, 14.5, 12.5, 14.0),
        (14.0, 14.2, 11.8, 12.0),
    ]
    tags = analyze(candles(rows), QUIET).events_of(EventKind.FVG_TAG)
    assert [tuple(e.item()) for e in tags] == [(4, EventKind.FVG_TAG, 1, 12.0, 0)]


@settings(max_examples=40, deadline=None)
@given(random_walks(), CONFIGS)
def test_events_are_ordered_by_bar_kind_and_ref_and_point_at_real_things(b, config):
    structure = analyze(b, config)
    events = structure.events
    keys = list(
        zip(events["bar"].tolist(), events["kind"].tolist(), events["ref"].tolist(), strict=True)
    )
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert ((events["bar"] >= 0) & (events["bar"] < len(b))).all()
    arrays = {
        EventKind.SWEEP: structure.levels,
        EventKind.FVG_TAG: structure.gaps,
        EventKind.RANGE_BREAK_OPENING: structure.levels,
        EventKind.RANGE_BREAK_PRIOR_DAY: structure.levels,
        EventKind.BREAK_OF_STRUCTURE: structure.swings,
        EventKind.CHANGE_OF_CHARACTER: structure.swings,
    }
    for event in events:
        target = arrays.get(EventKind(int(event["kind"])))
        if target is None:
            assert event["ref"] == -1
        else:
            assert target[event["ref"]]["confirmed"] <= event["bar"]
