"""Earnings dates from the demo market: the reports behind the tape's earnings reactions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import numpy as np
import pytest

from tests.fakes.clock import FixedClock
from tests.unit.adapters.marketdata.demo.conftest import SATURDAY, SEED
from workstation.adapters.marketdata.demo import DemoMarketData
from workstation.adapters.marketdata.demo.market import EVENT_LOOKAHEAD_DAYS, DemoMarket
from workstation.domain.event_calendar import EASTERN, EventKind, EventStatus
from workstation.engines.sessions import xnys
from workstation.ports.marketdata import UnknownSymbol

WINTER = (date(2026, 10, 1), date(2027, 3, 1))


def test_nvda_reports_after_the_close_of_the_session_before_the_reaction(weekend_market):
    reports = weekend_market.earnings("NVDA", *WINTER, now=SATURDAY)
    assert [event.id for event in reports] == [
        "earnings-NVDA-2026-11-19",
        "earnings-NVDA-2027-02-25",
    ]
    first = reports[0]
    assert first.kind is EventKind.EARNINGS
    assert first.status is EventStatus.SCHEDULED
    assert first.symbol == "NVDA"
    assert first.source == "demo"
    assert first.at == datetime(2026, 11, 19, 21, 5, tzinfo=UTC)  # 16:05 ET (EST)
    assert first.day == date(2026, 11, 19)


def test_every_report_is_the_session_before_a_reaction_on_the_tape(weekend_market):
    calendar = xnys()
    tape = weekend_market.tape("AAPL", SATURDAY)
    reports = weekend_market.earnings("AAPL", date(2025, 1, 1), date(2027, 12, 31), SATURDAY)
    reactions = [calendar.next_session(event.day) for event in reports]
    on_tape = tape.events[(tape.events >= np.datetime64("2025-01-01", "D"))]
    assert reactions == on_tape.astype(object).tolist()
    assert all(event.eastern.time() == time(16, 5) for event in reports)
    assert all(calendar.is_session(event.day) for event in reports)


def test_a_report_listed_on_a_weekend_or_holiday_is_dated_on_the_session_before(weekend_market):
    # NVDA lists Feb 25 and May 27: a Sunday in 2024, then Memorial Day.
    reports = weekend_market.earnings("NVDA", date(2024, 1, 1), date(2024, 6, 30), SATURDAY)
    assert [event.day for event in reports] == [date(2024, 2, 23), date(2024, 5, 24)]
    assert [event.id for event in reports] == [
        "earnings-NVDA-2024-02-23",
        "earnings-NVDA-2024-05-24",
    ]


def test_the_range_is_inclusive_of_the_report_dates(weekend_market):
    day = date(2026, 11, 19)
    assert len(weekend_market.earnings("NVDA", day, day, SATURDAY)) == 1
    assert weekend_market.earnings("NVDA", date(2026, 11, 20), date(2027, 2, 24), SATURDAY) == []


def test_reports_are_known_only_a_lookahead_ahead(weekend_market):
    horizon = SATURDAY.astimezone(EASTERN).date().toordinal() + EVENT_LOOKAHEAD_DAYS
    reports = weekend_market.earnings("TSLA", date(2026, 1, 1), date(2029, 1, 1), SATURDAY)
    assert reports
    assert all(event.day.toordinal() < horizon for event in reports)
    assert max(event.day for event in reports) >= date(2027, 10, 1)


@pytest.mark.parametrize("symbol", ["SPY", "QQQ", "SPX", "VIX"])
def test_etfs_and_indices_have_no_earnings(weekend_market, symbol):
    assert weekend_market.earnings(symbol, *WINTER, now=SATURDAY) == []


def test_the_same_seed_gives_the_same_dates():
    first = DemoMarket(SEED).earnings("MSFT", *WINTER, now=SATURDAY)
    again = DemoMarket(SEED).earnings("MSFT", *WINTER, now=SATURDAY)
    assert first == again
    assert first


async def test_the_provider_serves_earnings_through_the_port():
    provider = DemoMarketData(FixedClock(SATURDAY), SEED)
    reports = await provider.earnings("aapl", *WINTER)
    assert [event.id for event in reports] == [
        "earnings-AAPL-2026-10-29",
        "earnings-AAPL-2027-01-29",
    ]
    assert await provider.earnings("IWM", *WINTER) == []
    with pytest.raises(UnknownSymbol, match="ZZZZ"):
        await provider.earnings("ZZZZ", *WINTER)
