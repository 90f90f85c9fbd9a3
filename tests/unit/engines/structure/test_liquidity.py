"""Liquidity levels: equal highs/lows, session levels, and the bars that sweep them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from tests.unit.engines.structure.bars import MONDAY, bars, candles, et
from workstation.domain.structure import EventKind, LevelKind, StructureConfig
from workstation.engines.structure import analyze, liquidity_levels

SWING_1 = StructureConfig(swing_length=1, equal_tolerance=0.0)
WIDE = StructureConfig(swing_length=1, equal_tolerance=0.01)
NO_SWINGS = StructureConfig(swing_length=50)

# Two swing highs at exactly 12 (bars 1 and 3), confirmed at bar 4.
EQUAL_HIGHS = [
    (9.5, 10.0, 9.0, 9.8),
    (9.8, 12.0, 9.7, 11.5),
    (11.5, 11.6, 10.0, 10.2),
    (10.2, 12.0, 10.1, 11.8),
    (11.8, 11.9, 10.5, 10.6),
]


def mirror(rows):
    """The same candles upside down around 30 (highs become lows)."""
    return [(30 - o, 30 - lo, 30 - hi, 30 - c) for o, hi, lo, c in rows]


def _levels(rows, config):
    b = candles(rows)
    return liquidity_levels(b["ts"], b["high"], b["low"], config)


def _row(level):
    return tuple(
        level[f].item()
        for f in ("kind", "side", "price", "first", "last", "confirmed", "touches", "swept")
    )


@pytest.mark.parametrize(("flip", "side", "price"), [(False, 1, 12.0), (True, -1, 18.0)])
def test_equal_highs_and_lows_become_a_level_when_the_second_swing_confirms(flip, side, price):
    rows = mirror(EQUAL_HIGHS) if flip else EQUAL_HIGHS
    levels = _levels(rows, SWING_1)
    assert [_row(x) for x in levels] == [(LevelKind.EQUAL, side, price, 1, 3, 4, 2, -1)]
    assert len(_levels(rows[:4], SWING_1)) == 0  # second swing not confirmed yet


@pytest.mark.parametrize("flip", [False, True])
def test_a_sweep_closing_back_inside_is_an_event(flip):
    rows = [*EQUAL_HIGHS, (10.6, 12.3, 10.4, 11.9)]  # through 12, closes back below
    structure = analyze(candles(mirror(rows) if flip else rows), SWING_1)
    assert structure.levels["swept"].tolist() == [5]
    sweeps = structure.events_of(EventKind.SWEEP)
    side, price = (-1, 18.0) if flip else (1, 12.0)
    assert [tuple(e.item()) for e in sweeps] == [(5, EventKind.SWEEP, side, price, 0)]


def test_a_sweep_without_close_back_takes_the_level_but_is_no_event():
    rows = [*EQUAL_HIGHS, (10.6, 12.3, 10.4, 12.2), (12.2, 12.25, 11.5, 11.6)]
    structure = analyze(candles(rows), SWING_1)
    assert structure.levels["swept"].tolist() == [5]
    assert len(structure.events_of(EventKind.SWEEP)) == 0  # the later close back does not count


def test_a_third_swing_inside_the_level_adds_a_touch():
    rows = [
        *EQUAL_HIGHS[:3],
        (10.2, 12.05, 10.1, 11.8),  # 12.05: within 1 % of 12, the level is 12.05
        (11.8, 11.9, 10.5, 10.6),
        (10.6, 12.0, 10.4, 11.0),  # 12.0 stays inside the level
        (11.0, 11.2, 10.8, 11.1),
    ]
    assert [_row(x) for x in _levels(rows, WIDE)] == [(LevelKind.EQUAL, 1, 12.05, 1, 5, 4, 3, -1)]


def test_a_third_swing_beyond_the_level_sweeps_it_and_starts_a_new_run():
    rows = [
        *EQUAL_HIGHS[:3],
        (10.2, 12.05, 10.1, 11.8),
        (11.8, 11.9, 10.5, 10.6),
        (10.6, 12.1, 10.4, 11.0),  # 12.1 is within 1 % of 12 but above the 12.05 level
        (11.0, 11.2, 10.8, 11.1),
        (11.1, 12.1, 11.0, 11.5),  # equal to the 12.1 swing: a new level
        (11.5, 11.6, 11.0, 11.2),
    ]
    assert [_row(x) for x in _levels(rows, WIDE)] == [
        (LevelKind.EQUAL, 1, 12.05, 1, 3, 4, 2, 5),
        (LevelKind.EQUAL, 1, 12.1, 5, 7, 8, 2, -1),
    ]


def test_equal_highs_must_be_consecutive_swings():
    rows = [
        *EQUAL_HIGHS[:2],
        (11.5, 11.5, 10.0, 10.2),
        (10.2, 11.8, 10.1, 11.0),  # a lower swing high in between
        (11.0, 11.1, 10.2, 10.3),
        (10.3, 12.0, 10.2, 11.5),
        (11.5, 11.6, 10.5, 10.6),
    ]
    assert len(_levels(rows, SWING_1)) == 0


def test_a_swing_outside_the_tolerance_is_not_equal():
    rows = [*EQUAL_HIGHS[:3], (10.2, 12.01, 10.1, 11.8), EQUAL_HIGHS[4]]
    assert len(_levels(rows, SWING_1)) == 0
    assert len(_levels(rows, StructureConfig(swing_length=1, equal_tolerance=0.001))) == 1


# Monday: overnight, opening range, the day; Tuesday after hours + morning; next Monday.
SESSIONS = bars(
    [
        (et(MONDAY, "08:00"), 100.0, 101.0, 99.5, 100.5, 10),
        (et(MONDAY, "09:00"), 100.5, 101.5, 100.0, 101.0, 10),
        (et(MONDAY, "09:30"), 101.0, 102.0, 100.8, 101.8, 10),
        (et(MONDAY, "09:45"), 101.8, 102.5, 101.2, 101.4, 10),
        (et(MONDAY, "10:00"), 101.4, 101.6, 100.2, 100.4, 10),
        (et(MONDAY, "15:59"), 100.4, 103.0, 100.3, 102.9, 10),
        (et(MONDAY, "16:30"), 102.9, 103.2, 102.5, 102.6, 10),
        (et(date(2024, 6, 4), "09:30"), 102.6, 102.8, 99.9, 100.0, 10),
        (et(date(2024, 6, 4), "10:05"), 100.0, 100.5, 99.8, 100.3, 10),
        (et(date(2024, 6, 10), "09:30"), 100.3, 100.6, 100.1, 100.5, 10),
    ]
)
ON, OR, PD, PW = (
    LevelKind.OVERNIGHT,
    LevelKind.OPENING_RANGE,
    LevelKind.PRIOR_DAY,
    LevelKind.PRIOR_WEEK,
)


def test_session_levels_with_their_confirmation_and_sweep_bars():
    structure = analyze(SESSIONS, NO_SWINGS)
    assert [_row(x) for x in structure.levels] == [
        (ON, -1, 99.5, 0, 0, 2, 1, -1),
        (ON, 1, 101.5, 1, 1, 2, 1, 2),  # the 09:30 bar trades above it at once
        (OR, -1, 100.8, 2, 2, 4, 1, 4),  # the range is confirmed by the first bar after it
        (OR, 1, 102.5, 3, 3, 4, 1, 5),
        (PD, -1, 100.2, 4, 4, 6, 1, 7),  # regular session only: not the overnight 99.5
        (PD, 1, 103.0, 5, 5, 6, 1, 6),  # confirmed by the after-hours bar (Tuesday's overnight)
        (ON, -1, 102.5, 6, 6, 7, 1, 7),
        (ON, 1, 103.2, 6, 6, 7, 1, -1),
        (OR, -1, 99.9, 7, 7, 8, 1, 8),
        (OR, 1, 102.8, 7, 7, 8, 1, -1),
        (PD, -1, 99.8, 8, 8, 9, 1, -1),
        (PD, 1, 102.8, 7, 7, 9, 1, -1),
        (PW, -1, 99.8, 8, 8, 9, 1, -1),
        (PW, 1, 103.0, 5, 5, 9, 1, -1),
    ]


def test_session_level_events():
    events = analyze(SESSIONS, NO_SWINGS).events
    wanted = {EventKind.SWEEP, EventKind.RANGE_BREAK_OPENING, EventKind.RANGE_BREAK_PRIOR_DAY}
    got = [tuple(e.item()) for e in events if e["kind"] in wanted]
    assert got == [
        (4, EventKind.RANGE_BREAK_OPENING, -1, 100.8, 2),
        (5, EventKind.RANGE_BREAK_OPENING, 1, 102.5, 3),
        (6, EventKind.SWEEP, 1, 103.0, 5),  # through the prior-day high, closed back below
        (7, EventKind.RANGE_BREAK_PRIOR_DAY, -1, 100.2, 4),
        (8, EventKind.SWEEP, -1, 99.9, 8),  # under the opening-range low, closed back above
    ]


def _midnight_utc(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def test_daily_bars_give_prior_day_and_week_levels_from_whole_bars():
    days = [date(2024, 6, d) for d in (3, 4, 5, 6, 7, 10)]
    daily = bars(
        [(_midnight_utc(d), 100.0, 100.0 + k, 99.0 - k, 100.0, 1e6) for k, d in enumerate(days)]
    )
    levels = analyze(daily, NO_SWINGS).levels
    prior_day = levels[levels["kind"] == PD]
    assert prior_day["confirmed"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert prior_day["price"][1::2].tolist() == [100.0, 101.0, 102.0, 103.0, 104.0]
    prior_week = levels[levels["kind"] == PW]
    # the next Monday's bar (high 105, low 94) takes both
    assert [_row(x) for x in prior_week] == [
        (PW, -1, 95.0, 4, 4, 5, 1, 5),
        (PW, 1, 104.0, 4, 4, 5, 1, 5),
    ]
    assert not np.isin(levels["kind"], [ON, OR]).any()


def test_an_opening_range_cut_short_by_the_data_is_confirmed_by_the_next_days_first_bar():
    b = bars(
        [
            (et(MONDAY, "09:30"), 10.0, 11.0, 9.0, 10.5, 1),
            (et(date(2024, 6, 4), "09:00"), 10.5, 12.0, 10.0, 11.5, 1),
        ]
    )
    structure = analyze(b, NO_SWINGS)
    opening = structure.levels[structure.levels["kind"] == OR]
    assert opening["confirmed"].tolist() == [1, 1]
    assert len(structure.events_of(EventKind.RANGE_BREAK_OPENING)) == 0  # its day is over
