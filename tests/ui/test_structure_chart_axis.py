"""The time axis: exchange wall-clock times and ticks at round times on the first bar of each."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from workstation.ui.charts.time_axis import exchange_seconds, sample_bars, time_ticks

NEW_YORK = ZoneInfo("America/New_York")


def _utc(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())  # type: ignore[misc]


def _session(day: tuple[int, int, int], minutes: int = 390, utc_open: int = 14) -> np.ndarray:
    start = _utc(*day, utc_open, 30)
    return start + 60 * np.arange(minutes, dtype=np.int64)


def test_exchange_seconds_is_new_york_wall_clock_across_daylight_saving() -> None:
    # Around the spring-forward night (2026-03-08 07:00 UTC) and a summer afternoon.
    ts = np.array(
        [
            _utc(2026, 3, 8, 6, 59),
            _utc(2026, 3, 8, 7, 0),
            _utc(2026, 7, 1, 13, 30),
            _utc(2026, 11, 24, 14, 30),
        ]
    )
    local = exchange_seconds(ts)
    expected = [
        int(datetime.fromtimestamp(int(t), NEW_YORK).replace(tzinfo=UTC).timestamp()) for t in ts
    ]
    np.testing.assert_array_equal(local, expected)
    assert datetime.fromtimestamp(int(local[2]), UTC).strftime("%H:%M") == "09:30"


def test_exchange_seconds_of_a_long_minute_series_matches_zoneinfo() -> None:
    ts = _utc(2025, 10, 20, 0, 0) + 60 * np.arange(0, 60 * 24 * 40, 7, dtype=np.int64)
    local = exchange_seconds(ts)
    sample = np.arange(0, ts.size, 97)
    expected = [
        int(datetime.fromtimestamp(int(ts[i]), NEW_YORK).replace(tzinfo=UTC).timestamp())
        for i in sample
    ]
    np.testing.assert_array_equal(local[sample], expected)


def test_sample_bars_takes_every_bar_or_about_one_per_column() -> None:
    np.testing.assert_array_equal(sample_bars(5, 12, 100), np.arange(5, 12))
    picked = sample_bars(0, 1_000_000, 1600)
    assert picked[0] == 0
    assert picked[-1] == 999_999
    assert 1500 <= picked.size <= 1600


def test_intraday_ticks_sit_on_round_times_with_the_date_on_a_new_day() -> None:
    ts = np.concatenate([_session((2026, 11, 23)), _session((2026, 11, 24))])
    local = exchange_seconds(ts)
    ticks, labels = time_ticks(local, 0, ts.size, 1600, 20)
    # 780 one-minute bars in 20 labels: hourly ticks, the second day's open gets its date.
    assert labels[:3] == ["10:00", "11:00", "12:00"]
    assert ticks[0] == 30  # 10:00 is the 31st bar of the session
    assert "Nov 24" in labels
    assert ticks[labels.index("Nov 24")] == 390
    assert len(labels) <= 20


def test_ticks_are_exact_even_when_only_some_bars_are_sampled() -> None:
    days = [(2026, 11, d) for d in (16, 17, 18, 19, 20, 23, 24)]
    ts = np.concatenate([_session(day) for day in days])
    local = exchange_seconds(ts)
    ticks, labels = time_ticks(local, 0, ts.size, 300, 8)  # ~9 bars per column
    assert labels == ["Nov 17", "Nov 18", "Nov 19", "Nov 20", "Nov 23", "Nov 24"]
    np.testing.assert_array_equal(ticks, 390 * np.arange(1, 7))


@pytest.mark.parametrize(
    ("max_ticks", "expected"),
    [
        (10, ["Dec", "2027", "Feb", "Mar"]),  # months, the year written where it turns
        (2, ["2027"]),  # quarters: only one turns in view
    ],
)
def test_daily_bars_get_months_then_years(max_ticks: int, expected: list[str]) -> None:
    days = np.arange(np.datetime64("2026-11-02"), np.datetime64("2027-03-31"))
    ts = days.astype("datetime64[s]").astype(np.int64)
    ticks, labels = time_ticks(ts, 0, ts.size, 1600, max_ticks, intraday=False)
    assert labels == expected
    assert str(days[ticks[-1]]) == ("2027-03-01" if max_ticks == 10 else "2027-01-01")


def test_weekly_ticks_fall_on_mondays() -> None:
    days = np.arange(np.datetime64("2026-11-02"), np.datetime64("2027-03-31"))
    ts = days.astype("datetime64[s]").astype(np.int64)
    ticks, labels = time_ticks(ts, 0, ts.size, 1600, 30, intraday=False)
    assert labels[:4] == ["Nov 9", "Nov 16", "Nov 23", "Nov 30"]
    weekdays = (days[ticks].astype(np.int64) + 3) % 7  # 0 = Monday
    assert np.all(weekdays == 0)
