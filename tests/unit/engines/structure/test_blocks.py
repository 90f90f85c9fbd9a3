"""Order blocks: the last opposite candle before the displacement that broke structure."""

from __future__ import annotations

import numpy as np

from tests.unit.engines.structure.bars import candles
from workstation.domain.structure import BLOCK_DTYPE, EventKind, StructureConfig
from workstation.engines.structure import analyze

CONFIG = StructureConfig(swing_length=1, range_window=3, displacement_k=2.0)
RALLY = [
    (10.0, 10.5, 9.5, 10.2),
    (10.2, 11.0, 10.0, 10.8),  # swing high 11
    (10.8, 10.9, 10.1, 10.3),  # bearish
    (10.3, 10.4, 9.9, 10.0),  # bearish: the last one before the impulse
    (10.0, 12.0, 9.95, 11.9),  # bullish displacement closing above 11: BOS
    (11.9, 12.2, 11.5, 12.1),
    (12.1, 12.15, 10.3, 10.5),  # back into the block (low 10.3 <= its high 10.4)
]


def mirror(rows):
    return [(30 - o, 30 - lo, 30 - hi, 30 - c) for o, hi, lo, c in rows]


def test_bullish_order_block_and_its_mitigation():
    blocks = analyze(candles(RALLY), CONFIG).blocks
    assert np.array_equal(blocks, np.array([(3, 4, 1, 10.4, 9.9, 6)], dtype=BLOCK_DTYPE))


def test_bearish_order_block_mirrors_it():
    blocks = analyze(candles(mirror(RALLY)), CONFIG).blocks
    expected = np.array([(3, 4, -1, 30 - 9.9, 30 - 10.4, 6)], dtype=BLOCK_DTYPE)
    assert np.array_equal(blocks, expected)


def test_an_unmitigated_block_stays_open():
    assert analyze(candles(RALLY[:6]), CONFIG).blocks["mitigated"].tolist() == [-1]


def test_a_break_without_displacement_makes_no_block():
    config = StructureConfig(swing_length=1, range_window=3, displacement_k=10.0)
    structure = analyze(candles(RALLY), config)
    assert len(structure.blocks) == 0
    assert structure.events_of(EventKind.BREAK_OF_STRUCTURE)["bar"].tolist() == [4]
