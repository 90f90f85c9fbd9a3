"""Expiration instants from the NYSE calendar: AM vs PM settlement, half days, holidays, DST."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from workstation.engines.pricing.expiry import (
    expiry_instant,
    expiry_instants,
    is_am_settled,
    standard_monthly_expiry,
    years_to_expiry,
)
from workstation.engines.sessions import TradingCalendar, xnys

DECEMBER_MONTHLY = date(2026, 12, 18)  # third Friday of December 2026


@pytest.fixture(scope="module")
def cal() -> TradingCalendar:
    return xnys()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_spx_monthly_settles_at_the_open_and_the_weekly_at_the_close(cal):
    assert is_am_settled("SPX", DECEMBER_MONTHLY, cal)
    assert not is_am_settled("SPXW", DECEMBER_MONTHLY, cal)
    assert expiry_instant("SPX", DECEMBER_MONTHLY, cal) == utc(2026, 12, 18, 14, 30)
    assert expiry_instant("SPXW", DECEMBER_MONTHLY, cal) == utc(2026, 12, 18, 21, 0)


@pytest.mark.parametrize("root", ["SPX", "NDX", "RUT"])
def test_only_the_standard_monthly_of_an_am_root_is_am(root, cal):
    assert is_am_settled(root, DECEMBER_MONTHLY, cal)
    assert not is_am_settled(root, date(2026, 12, 11), cal)  # second Friday


@pytest.mark.parametrize("root", ["SPXW", "NDXP", "RUTW", "XSP", "SPY", "AAPL"])
def test_weeklies_xsp_and_equities_are_pm_settled(root, cal):
    assert not is_am_settled(root, DECEMBER_MONTHLY, cal)
    assert expiry_instant(root, DECEMBER_MONTHLY, cal) == utc(2026, 12, 18, 21, 0)


def test_vix_settles_at_the_open_of_its_wednesday(cal):
    wednesday = date(2026, 12, 16)  # 30 days before the January 2027 SPX monthly
    assert is_am_settled("VIX", wednesday, cal)
    assert expiry_instant("VIX", wednesday, cal) == utc(2026, 12, 16, 14, 30)


def test_a_holiday_third_friday_moves_the_monthly_to_the_session_before(cal):
    # Juneteenth 2026 and Good Friday 2025 both fall on the third Friday.
    assert not cal.is_session(date(2026, 6, 19))
    assert standard_monthly_expiry(2026, 6, cal) == date(2026, 6, 18)
    assert standard_monthly_expiry(2025, 4, cal) == date(2025, 4, 17)
    assert is_am_settled("SPX", date(2026, 6, 18), cal)
    assert expiry_instant("SPX", date(2026, 6, 18), cal) == utc(2026, 6, 18, 13, 30)
    assert standard_monthly_expiry(2026, 12, cal) == DECEMBER_MONTHLY


def test_half_day_close_is_13_00_eastern(cal):
    assert expiry_instant("SPY", date(2026, 11, 27), cal) == utc(2026, 11, 27, 18, 0)


def test_close_follows_daylight_saving_time(cal):
    # DST starts 2026-03-08 and ends 2026-11-01.
    assert expiry_instant("SPY", date(2026, 3, 6), cal) == utc(2026, 3, 6, 21, 0)
    assert expiry_instant("SPY", date(2026, 3, 13), cal) == utc(2026, 3, 13, 20, 0)
    assert expiry_instant("SPY", date(2026, 10, 30), cal) == utc(2026, 10, 30, 20, 0)
    assert expiry_instant("SPY", date(2026, 11, 6), cal) == utc(2026, 11, 6, 21, 0)


def test_the_provider_can_override_the_settlement(cal):
    assert expiry_instant("SPY", DECEMBER_MONTHLY, cal, am_settled=True) == utc(
        2026, 12, 18, 14, 30
    )
    assert expiry_instant("SPX", DECEMBER_MONTHLY, cal, am_settled=False) == utc(2026, 12, 18, 21)


def test_an_expiry_that_is_not_a_session_is_refused_by_date(cal):
    with pytest.raises(ValueError, match="2026-06-19"):
        expiry_instant("SPY", date(2026, 6, 19), cal)
    with pytest.raises(ValueError, match="2026-12-19"):
        expiry_instants("SPY", np.array(["2026-12-18", "2026-12-19"], "M8[D]"), cal)


def test_many_expirations_at_once(cal):
    days = np.array(["2026-12-18", "2026-11-27", "NaT", "2026-12-18", "2026-12-11"], "M8[D]")
    found = expiry_instants("SPX", days, cal)
    assert found.dtype == np.dtype("M8[s]")
    expected = [
        "2026-12-18T14:30",
        "2026-11-27T18:00",
        "NaT",
        "2026-12-18T14:30",
        "2026-12-11T21:00",
    ]
    assert np.array_equal(found, np.array(expected, "M8[s]"), equal_nan=True)
    flags = expiry_instants("SPX", days, cal, am_settled=[False, True, False, False, True])
    expected = [
        "2026-12-18T21:00",
        "2026-11-27T14:30",
        "NaT",
        "2026-12-18T21:00",
        "2026-12-11T14:30",
    ]
    assert np.array_equal(flags, np.array(expected, "M8[s]"), equal_nan=True)


def test_years_count_365_day_years_to_the_instant(cal):
    now = utc(2026, 11, 21, 15, 0)
    instant = expiry_instant("SPX", DECEMBER_MONTHLY, cal)
    expected = (instant - now).total_seconds() / (365 * 86400)
    assert years_to_expiry(now, instant) == pytest.approx(expected, rel=1e-15)
    assert years_to_expiry(now, now + timedelta(days=365)) == pytest.approx(1.0)
    many = expiry_instants("SPX", np.array([DECEMBER_MONTHLY, "NaT"], "M8[D]"), cal)
    years = years_to_expiry(now, many)
    assert years[0] == pytest.approx(expected, rel=1e-15)
    assert np.isnan(years[1])
    assert years_to_expiry(now, [instant, now]).tolist() == pytest.approx([expected, 0.0])


def test_an_expired_option_has_negative_time(cal):
    close = expiry_instant("SPY", date(2026, 11, 20), cal)
    assert years_to_expiry(close + timedelta(hours=1), close) < 0.0


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="time zone"):
        years_to_expiry(datetime(2026, 11, 21, 15), utc(2026, 12, 18, 21))  # noqa: DTZ001
    with pytest.raises(ValueError, match="time zone"):
        years_to_expiry(utc(2026, 11, 21, 15), [datetime(2026, 12, 18, 21)])  # noqa: DTZ001
