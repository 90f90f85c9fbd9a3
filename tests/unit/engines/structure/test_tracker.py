"""The live tracker agrees with the batch engine, and the batch engine is causal."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from tests.unit.engines.structure.bars import (
    CONFIGS,
    MONDAY,
    candles,
    differences,
    et,
    random_walks,
)
from workstation.domain.structure import EVENT_DTYPE, StructureConfig
from workstation.engines.structure import StructureTracker, analyze

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(random_walks(), CONFIGS)
def test_the_tracker_equals_analyze_after_every_bar(bars, config):
    tracker = StructureTracker(config)
    for n in range(1, len(bars) + 1):
        tracker.update(bars[n - 1])
        assert differences(tracker.structure(), analyze(bars[:n], config)) == [], f"after {n} bars"


@PROPERTY
@given(random_walks(), CONFIGS)
def test_each_update_returns_exactly_the_events_stamped_with_its_bar(bars, config):
    tracker = StructureTracker(config)
    returned = [tracker.update(tuple(row.item())) for row in bars]  # plain tuples work too
    events = analyze(bars, config).events
    for n, new in enumerate(returned):
        assert new.dtype == EVENT_DTYPE
        assert np.array_equal(new, events[events["bar"] == n])


@PROPERTY
@given(random_walks(), CONFIGS)
def test_analyze_of_a_prefix_knows_exactly_the_earlier_events(bars, config):
    whole = analyze(bars, config)
    for n in range(len(bars)):
        early = analyze(bars[:n], config)
        assert np.array_equal(early.events, whole.events[whole.events["bar"] < n])
        for name in ("swings", "levels", "gaps", "blocks"):
            confirmed = getattr(whole, name)["confirmed"]
            assert len(getattr(early, name)) == int((confirmed < n).sum())
        known = whole.levels[whole.levels["confirmed"] < n]
        assert np.array_equal(early.levels["price"], known["price"])
        assert np.array_equal(
            early.levels["swept"], np.where(known["swept"] < n, known["swept"], -1)
        )
        gaps = whole.gaps[whole.gaps["confirmed"] < n]
        assert np.array_equal(
            early.gaps["mitigated"], np.where(gaps["mitigated"] < n, gaps["mitigated"], -1)
        )
        assert np.array_equal(early.vwap, whole.vwap[:n], equal_nan=True)


def test_a_bar_that_does_not_open_later_is_refused():
    tracker = StructureTracker()
    bars = candles([(10.0, 11.0, 9.0, 10.5)] * 2)
    tracker.update(bars[1])
    with pytest.raises(ValueError, match="does not open after"):
        tracker.update(bars[0])
    assert len(tracker) == 1


def test_analyze_refuses_unsorted_bars_and_foreign_dtypes():
    bars = candles([(10.0, 11.0, 9.0, 10.5)] * 3)
    with pytest.raises(ValueError, match="row 2"):
        analyze(bars[[0, 2, 1]])
    with pytest.raises(ValueError, match="dtype"):
        analyze(np.zeros(3, dtype=[("ts", "i8")]))


def test_empty_and_single_bar_series_have_no_structure():
    config = StructureConfig()
    for n in (0, 1):
        result = analyze(candles([(10.0, 11.0, 9.0, 10.5)])[:n], config)
        assert len(result.events) == len(result.levels) == len(result.swings) == 0
    tracker = StructureTracker(config)
    assert len(tracker.structure().events) == 0
    assert len(tracker.update((et(MONDAY, "10:00"), 10.0, 11.0, 9.0, 10.5, 5.0))) == 0
