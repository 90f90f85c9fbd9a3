"""Session clock: session day, minute and week of New York bars."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.engines.structure.bars import MONDAY, et
from workstation.engines.structure.sessions import bar_clock, session_clock

EPOCH = date(1970, 1, 1)


def _day(d: date) -> int:
    return (d - EPOCH).days


@pytest.mark.parametrize(
    ("ts", "day", "minute"),
    [
        (et(MONDAY, "09:30"), MONDAY, 570),
        (et(MONDAY, "04:00"), MONDAY, 240),
        (et(MONDAY, "15:59"), MONDAY, 959),
        (
            et(MONDAY, "16:00"),
            date(2024, 6, 4),
            960 - 1440,
        ),  # after the close: next day's overnight
        (et(date(2024, 6, 7), "16:30"), date(2024, 6, 10), 990 - 1440 - 2880),  # Friday evening
        (et(date(2024, 6, 8), "12:00"), date(2024, 6, 10), 720 - 2880),  # Saturday
        (et(date(2024, 6, 9), "18:00"), date(2024, 6, 10), 1080 - 1440),  # Sunday futures open
        (et(date(2024, 1, 8), "09:30"), date(2024, 1, 8), 570),  # EST
        (et(date(2024, 3, 11), "09:30"), date(2024, 3, 11), 570),  # first EDT Monday
        (et(date(2024, 3, 10), "03:30"), date(2024, 3, 11), 210 - 1440),  # just after the change
        (int(datetime(2024, 6, 4, tzinfo=UTC).timestamp()), date(2024, 6, 4), 1200 - 1440),  # daily
    ],
)
def test_session_day_and_minute(ts, day, minute):
    clock = session_clock(np.array([ts]))
    assert (int(clock.day[0]), int(clock.minute[0])) == (_day(day), minute)
    assert bar_clock(ts) == (_day(day), minute, int(clock.week[0]))


def test_weeks_start_on_monday():
    days = [date(2024, 6, d) for d in (3, 7, 10)]  # Mon, Fri, next Mon
    week = session_clock(np.array([et(d, "10:00") for d in days])).week
    assert week[0] == week[1] != week[2]
    assert week[2] - week[0] == 1


def test_regular_session_is_0930_to_1600():
    ts = np.array([et(MONDAY, t) for t in ("09:29", "09:30", "15:59", "16:00")])
    assert session_clock(ts).regular.tolist() == [False, True, True, False]


def test_the_autumn_change_day_uses_each_bars_own_offset():
    # 2024-11-03 01:30 happens twice; 05:30 UTC is EDT (01:30), 06:30 UTC is EST (01:30)
    ts = np.array([int(datetime(2024, 11, 3, h, 30, tzinfo=UTC).timestamp()) for h in (5, 6, 14)])
    clock = session_clock(ts)
    assert clock.minute.tolist() == [90 - 1440, 90 - 1440, 570 - 1440]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1_420_000_000, 1_900_000_000), min_size=1, max_size=30, unique=True))
def test_vectorised_and_scalar_clocks_agree(stamps):
    ts = np.array(sorted(stamps))
    clock = session_clock(ts)
    for k, t in enumerate(ts.tolist()):
        assert bar_clock(t) == (int(clock.day[k]), int(clock.minute[k]), int(clock.week[k]))
        assert clock.minute[k] < 960
        assert (clock.day[k] + 3) % 7 < 5  # always a weekday
