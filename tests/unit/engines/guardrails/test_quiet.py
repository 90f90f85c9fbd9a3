"""macro_quiet: the session before a macro release through the close of its session."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.unit.engines.guardrails.events import (
    CPI_DEC,
    FOMC_DEC,
    JOBS_GOOD_FRIDAY,
    earnings,
    et,
)
from workstation.domain.event_calendar import EventKind, EventStatus
from workstation.engines.guardrails import GuardrailPolicy, event_session, macro_quiet
from workstation.engines.sessions import TradingCalendar, xnys


@pytest.fixture(scope="module")
def cal() -> TradingCalendar:
    return xnys()


@pytest.mark.parametrize(
    ("now", "quiet"),
    [
        (et(2026, 12, 7, 23, 59), False),
        (et(2026, 12, 8, 0, 0), True),
        (et(2026, 12, 8, 11, 0), True),
        (et(2026, 12, 9, 9, 30), True),
        (et(2026, 12, 9, 15, 59), True),
        (et(2026, 12, 9, 16, 0), False),
        (et(2026, 12, 10, 11, 0), False),
    ],
)
def test_quiet_around_the_december_fomc(cal, now, quiet):
    window = macro_quiet(now, [FOMC_DEC], cal)
    assert (window is not None) is quiet
    if window is not None:
        assert window.event is FOMC_DEC
        assert (window.starts, window.ends) == (et(2026, 12, 8), et(2026, 12, 9, 16))


def test_overlapping_windows_give_the_nearest_release(cal):
    events = [CPI_DEC, FOMC_DEC]
    assert macro_quiet(et(2026, 12, 9, 12), events, cal).event is FOMC_DEC
    assert macro_quiet(et(2026, 12, 9, 17), events, cal).event is CPI_DEC
    assert macro_quiet(et(2026, 12, 10, 12), events, cal).event is CPI_DEC
    assert macro_quiet(et(2026, 12, 11, 12), events, cal) is None


def test_a_release_on_a_market_holiday_belongs_to_the_next_session(cal):
    # The March 2026 jobs report comes out on Good Friday; stocks react on Monday.
    assert event_session(JOBS_GOOD_FRIDAY, cal).isoformat() == "2026-04-06"
    window = macro_quiet(et(2026, 4, 3, 12), [JOBS_GOOD_FRIDAY], cal)
    assert (window.starts, window.ends) == (et(2026, 4, 2), et(2026, 4, 6, 16))


def test_a_release_after_the_close_belongs_to_the_next_session(cal):
    late = replace(FOMC_DEC, at=et(2026, 12, 9, 16, 30))
    assert event_session(late, cal).isoformat() == "2026-12-10"
    assert macro_quiet(et(2026, 12, 10, 15), [late], cal).event is late


def test_the_quiet_sessions_are_configurable(cal):
    wide = GuardrailPolicy(quiet_sessions_before=2, quiet_sessions_after=1)
    window = macro_quiet(et(2026, 12, 7, 9), [FOMC_DEC], cal, wide)
    assert (window.starts, window.ends) == (et(2026, 12, 7), et(2026, 12, 10, 16))
    assert macro_quiet(et(2026, 12, 4, 23), [FOMC_DEC], cal, wide) is None
    day_of = GuardrailPolicy(quiet_sessions_before=0)
    assert macro_quiet(et(2026, 12, 8, 12), [FOMC_DEC], cal, day_of) is None


def test_cancelled_releases_earnings_and_uncounted_kinds_are_not_quiet(cal):
    now = et(2026, 12, 9, 12)
    cancelled = replace(FOMC_DEC, status=EventStatus.CANCELLED)
    report = earnings("AAPL", 2026, 12, 9)
    assert macro_quiet(now, [cancelled, report], cal) is None
    cpi_only = GuardrailPolicy(macro_kinds=frozenset({EventKind.CPI}))
    assert macro_quiet(now, [FOMC_DEC], cal, cpi_only) is None


def test_far_away_events_are_ignored_and_now_must_be_aware(cal):
    far = replace(FOMC_DEC, at=FOMC_DEC.at + timedelta(days=3650), first_day=None)
    assert macro_quiet(et(2026, 12, 9, 12), [far], cal) is None
    with pytest.raises(ValueError, match=r"now: .* has no time zone"):
        macro_quiet(et(2026, 12, 9, 12).replace(tzinfo=None), [FOMC_DEC], cal)
