import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from workstation.engines.sessions import MarketState, TradingCalendar, xnys


@pytest.fixture(scope="module")
def cal() -> TradingCalendar:
    return xnys()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_importing_the_module_does_not_load_pandas_or_exchange_calendars():
    code = (
        "import sys, workstation.engines.sessions\n"
        "assert 'pandas' not in sys.modules, 'pandas'\n"
        "assert 'exchange_calendars' not in sys.modules, 'exchange_calendars'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_calendar_is_built_once(cal):
    assert xnys() is cal


def test_thanksgiving_is_closed_and_the_friday_after_is_a_half_day(cal):
    assert not cal.is_session(date(2026, 11, 26))
    assert cal.holiday_name(date(2026, 11, 26)) == "Thanksgiving"
    assert cal.is_half_day(date(2026, 11, 27))
    assert cal.session_bounds(date(2026, 11, 27)) == (
        utc(2026, 11, 27, 14, 30),
        utc(2026, 11, 27, 18),
    )


def test_observed_independence_day_closes_friday_july_3(cal):
    assert not cal.is_session(date(2026, 7, 3))
    assert cal.holiday_name(date(2026, 7, 3)) == "Independence Day"
    assert cal.is_session(date(2026, 7, 2))
    assert not cal.is_half_day(date(2026, 7, 2))


def test_christmas_eve_is_a_half_day_and_christmas_is_closed(cal):
    assert cal.is_half_day(date(2026, 12, 24))
    assert cal.session_bounds(date(2026, 12, 24))[1] == utc(2026, 12, 24, 18)
    assert not cal.is_session(date(2026, 12, 25))
    assert not cal.is_half_day(date(2026, 12, 25))


@pytest.mark.parametrize(
    ("day", "open_hour_utc"),
    [
        (date(2026, 3, 6), 14),  # EST: 09:30 ET = 14:30 UTC
        (date(2026, 3, 9), 13),  # first Monday of EDT
        (date(2026, 10, 30), 13),
        (date(2026, 11, 2), 14),  # first Monday back on EST
    ],
)
def test_the_open_follows_daylight_saving_time(cal, day, open_hour_utc):
    opens, closes = cal.session_bounds(day)
    assert opens == utc(day.year, day.month, day.day, open_hour_utc, 30)
    assert (closes - opens).total_seconds() == 6.5 * 3600


def test_sessions_are_inclusive_and_skip_weekends_and_holidays(cal):
    sessions = cal.sessions(date(2026, 11, 20), date(2026, 11, 30))
    assert sessions == [
        date(2026, 11, 20),
        date(2026, 11, 23),
        date(2026, 11, 24),
        date(2026, 11, 25),
        date(2026, 11, 27),
        date(2026, 11, 30),
    ]


def test_previous_and_next_session_are_strict(cal):
    assert cal.next_session(date(2026, 11, 25)) == date(2026, 11, 27)
    assert cal.previous_session(date(2026, 11, 27)) == date(2026, 11, 25)
    assert cal.next_session(date(2026, 11, 21)) == date(2026, 11, 23)
    assert cal.previous_session(date(2026, 11, 23)) == date(2026, 11, 20)


def test_sessions_back_ends_at_or_before_the_day(cal):
    assert cal.sessions_back(date(2026, 11, 22), 3) == [
        date(2026, 11, 18),
        date(2026, 11, 19),
        date(2026, 11, 20),
    ]
    assert cal.sessions_back(date(2026, 11, 27), 2) == [date(2026, 11, 25), date(2026, 11, 27)]


def test_schedule_gives_minutes_per_session(cal):
    schedule = cal.schedule(date(2026, 11, 25), date(2026, 11, 30))
    assert list(schedule.minutes) == [390, 210, 390]


def test_session_bounds_of_a_holiday_is_an_error(cal):
    with pytest.raises(ValueError, match="not an NYSE session"):
        cal.session_bounds(date(2026, 11, 26))


def test_dates_outside_the_calendar_raise_a_clear_error(cal):
    with pytest.raises(ValueError, match="outside the trading calendar"):
        cal.is_session(date(1999, 1, 4))
    with pytest.raises(ValueError, match="outside the trading calendar"):
        cal.sessions(date(2026, 1, 1), date(2100, 1, 1))


def test_a_narrow_calendar_has_its_own_bounds():
    small = TradingCalendar(date(2026, 1, 1), date(2026, 12, 31))
    assert small.sessions_back(date(2026, 1, 6), 10)[0] == date(2026, 1, 2)
    with pytest.raises(ValueError, match="outside"):
        small.next_session(date(2027, 1, 5))


@pytest.mark.parametrize(
    ("now", "state", "label"),
    [
        (utc(2026, 11, 21, 15), MarketState.CLOSED, "Closed · opens Mon 09:30 ET"),
        (utc(2026, 11, 26, 15), MarketState.CLOSED, "Closed · Thanksgiving · opens Fri 09:30 ET"),
        (utc(2026, 11, 27, 15), MarketState.OPEN, "Half day · closes 13:00 ET"),
        (utc(2026, 11, 27, 19), MarketState.AFTER_HOURS, "After hours · opens Mon 09:30 ET"),
        (utc(2026, 11, 24, 12), MarketState.PRE_MARKET, "Pre-market · opens 09:30 ET"),
        (utc(2026, 11, 24, 16), MarketState.OPEN, "Open · closes 16:00 ET"),
        (utc(2026, 11, 24, 22), MarketState.AFTER_HOURS, "After hours · opens Wed 09:30 ET"),
        (utc(2026, 11, 25, 2), MarketState.CLOSED, "Closed · opens Wed 09:30 ET"),
        (utc(2026, 11, 25, 7), MarketState.CLOSED, "Closed · opens 09:30 ET"),
        (utc(2026, 7, 3, 15), MarketState.CLOSED, "Closed · Independence Day · opens Mon 09:30 ET"),
    ],
)
def test_status_states_and_labels(cal, now, state, label):
    status = cal.status(now)
    assert status.state is state
    assert status.label == label
    assert status.next_open > now
    assert status.next_open.tzinfo is not None


def test_status_on_a_session_day_carries_its_bounds(cal):
    status = cal.status(utc(2026, 11, 27, 15))
    assert status.session == date(2026, 11, 27)
    assert status.is_half_day
    assert status.is_open
    assert status.closes_at == utc(2026, 11, 27, 18)
    assert status.next_open == utc(2026, 11, 30, 14, 30)


def test_status_on_a_weekend_has_no_session(cal):
    status = cal.status(utc(2026, 11, 21, 15))
    assert status.session is None
    assert status.opens_at is None
    assert status.closes_at is None
    assert status.next_open == utc(2026, 11, 23, 14, 30)


def test_last_open_at_or_before(cal):
    assert cal.last_open_at_or_before(utc(2026, 11, 24, 14, 29)) == date(2026, 11, 23)
    assert cal.last_open_at_or_before(utc(2026, 11, 24, 14, 30)) == date(2026, 11, 24)
    assert cal.last_open_at_or_before(utc(2026, 11, 26, 15)) == date(2026, 11, 25)
