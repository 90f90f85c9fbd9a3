"""Expected move from an analysed demo chain, checked against the formulas by hand."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest

from tests.fakes.clock import FixedClock
from workstation.adapters.marketdata.demo.provider import DemoMarketData
from workstation.engines.sessions import xnys
from workstation.services.chain_analytics import ChainAnalytics
from workstation.services.chain_service import ChainService
from workstation.services.events import EventBus
from workstation.services.expected_move import ExpectedMoveService
from workstation.services.market_data import MarketDataService

TUESDAY_MIDDAY = datetime(2026, 11, 24, 16, 37, tzinfo=UTC)


@pytest.fixture
def service():
    clock = FixedClock(TUESDAY_MIDDAY)
    market = MarketDataService(DemoMarketData(clock), clock, EventBus())
    return ExpectedMoveService(ChainService(market, ChainAnalytics(xnys())), xnys())


async def test_calendar_and_trading_day_moves_follow_their_formulas(service):
    report = await service.expected_move("SPY", 7)
    assert report.calendar.move == pytest.approx(report.spot * report.iv * math.sqrt(7 / 365))
    # Tue 24 (not over yet), Wed 25, Fri 27 (half day), Mon 30, Tue 1 Dec; Thu 26 is a holiday
    assert report.sessions == 5
    assert report.trading.move == pytest.approx(report.spot * report.iv * math.sqrt(5 / 252))
    assert report.calendar.low_1sd == pytest.approx(report.spot - report.calendar.move)
    assert report.calendar.high_2sd == pytest.approx(report.spot + 2 * report.calendar.move)
    assert 0.05 < report.iv < 0.6


async def test_straddle_comes_from_the_first_expiration_at_or_after_the_horizon(service):
    report = await service.expected_move("SPY", 7)
    assert report.expiry is not None
    assert report.expiry_days >= 7
    assert report.expiry == date(2026, 12, 1)  # SPY lists dailies: Tue 1 Dec is 7.x days out
    assert report.straddle_085 == pytest.approx(0.85 * report.straddle)
    assert abs(report.straddle_strike - report.spot) <= 1.0


async def test_longer_horizons_move_further_and_days_must_be_positive(service):
    short = await service.expected_move("SPY", 3)
    long = await service.expected_move("SPY", 60)
    assert long.calendar.move > short.calendar.move
    with pytest.raises(ValueError, match="at least 1"):
        await service.expected_move("SPY", 0)
