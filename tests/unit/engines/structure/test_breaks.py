"""Displacement candles, breaks of structure and changes of character."""

from __future__ import annotations

import numpy as np

from tests.unit.engines.structure.bars import candles
from workstation.domain.structure import EventKind, StructureConfig
from workstation.engines.structure import analyze, displacement_side

BOS, CHOCH = EventKind.BREAK_OF_STRUCTURE, EventKind.CHANGE_OF_CHARACTER
QUIET = (10.0, 10.5, 9.5, 10.0)  # true range 1


def _sides(rows, k=2.0, window=3):
    o, h, lo, c = (np.array(col) for col in zip(*rows, strict=True))
    return displacement_side(o, h, lo, c, k, window).tolist()


def test_displacement_against_the_mean_true_range_before_it():
    rows = [
        QUIET,
        QUIET,
        QUIET,
        (10.0, 12.1, 9.9, 12.0),  # range 2.2 >= 2 x mean 1.0: bullish
        (12.0, 12.5, 11.5, 12.2),  # range 1 < 2 x 1.4 (the 2.2 bar's true range is in the mean)
        (12.2, 12.3, 9.0, 9.1),  # range 3.3 >= 2 x 1.4: bearish
        (9.1, 12.0, 6.0, 9.1),  # range 6 is big enough, but a doji has no side
    ]
    assert _sides(rows) == [0, 0, 0, 1, 0, -1, 0]


def test_no_displacement_without_a_full_window_before_it():
    assert _sides([QUIET, QUIET, (10.0, 20.0, 9.0, 19.0)]) == [0, 0, 0]
    assert _sides([QUIET, QUIET, QUIET, (10.0, 20.0, 9.0, 19.0)]) == [0, 0, 0, 1]


def test_displacement_events_carry_the_close():
    rows = [QUIET] * 3 + [(10.0, 12.1, 9.9, 12.0)]
    structure = analyze(candles(rows), StructureConfig(range_window=3, swing_length=5))
    assert [tuple(e.item()) for e in structure.events_of(EventKind.DISPLACEMENT)] == [
        (3, EventKind.DISPLACEMENT, 1, 12.0, -1)
    ]


TREND = [
    (10.0, 10.5, 9.5, 10.2),
    (10.2, 11.0, 10.0, 10.8),  # swing high 11, confirmed at bar 2
    (10.8, 10.9, 10.1, 10.3),
    (10.3, 10.4, 9.0, 9.2),  # swing low 9, confirmed at bar 4
    (9.2, 10.0, 9.1, 9.9),
    (9.9, 11.3, 9.8, 11.2),  # closes above 11: first break, BOS up
    (11.2, 11.5, 11.0, 11.4),  # swing high 11.5, confirmed at bar 7
    (11.4, 11.45, 8.8, 8.9),  # closes below 9 against the up move: CHOCH down
    (8.9, 11.6, 8.85, 11.55),  # closes above 11.5: CHOCH up (swing low 8.8 confirmed here)
    (11.55, 11.7, 11.5, 11.65),  # 11.5 is already broken: nothing
]


def test_breaks_of_structure_and_changes_of_character():
    structure = analyze(candles(TREND), StructureConfig(swing_length=1, range_window=50))
    assert structure.swings[["bar", "confirmed", "side"]].tolist() == [
        (1, 2, 1),
        (3, 4, -1),
        (6, 7, 1),
        (7, 8, -1),
    ]
    breaks = structure.events[np.isin(structure.events["kind"], [BOS, CHOCH])]
    assert [tuple(e.item()) for e in breaks] == [
        (5, BOS, 1, 11.0, 0),
        (7, CHOCH, -1, 9.0, 1),
        (8, CHOCH, 1, 11.5, 2),
    ]


def test_a_swing_replaced_by_a_newer_one_no_longer_breaks():
    rows = [
        (10.0, 10.5, 9.5, 10.2),
        (10.2, 12.0, 10.0, 11.8),  # swing high 12
        (11.8, 11.9, 10.1, 10.3),
        (10.3, 10.4, 10.0, 10.2),
        (10.2, 11.0, 10.1, 10.9),  # swing high 11 replaces 12
        (10.9, 10.95, 10.5, 10.6),
        (10.6, 11.6, 10.5, 11.5),  # above 11, below 12: breaks 11
        (11.5, 12.3, 11.4, 12.2),  # above 12, but 12 is no longer the latest swing high
    ]
    structure = analyze(candles(rows), StructureConfig(swing_length=1, range_window=50))
    ups = structure.events[np.isin(structure.events["kind"], [BOS, CHOCH])]
    assert [(int(e["bar"]), float(e["price"])) for e in ups] == [(6, 11.0)]
