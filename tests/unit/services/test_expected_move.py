"""Expected move from a real (demo) chain, checked against the formula by hand."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.marketdata import ScriptedMarketData
from workstation.adapters.marketdata.demo.provider import DemoMarketData
from workstation.engines.sessions import xnys
from workstation.services.events import EventBus
from workstation.services.expected_move import ExpectedMoveService
from workstation.services.market_data import MarketDataService

TUESDAY_MIDDAY = datetime(2026, 11, 24, 16, 37, tzinfo=UTC)


@pytest.fixture
async def chain():
    provider = DemoMarketData(FixedClock(TUESDAY_MIDDAY))
    return await provider.option_chain("SPY")


def _service(chain):
    market = MarketDataService(
        ScriptedMarketData({}, chain=chain), FixedClock(TUESDAY_MIDDAY), EventBus()
    )
    return ExpectedMoveService(market, xnys())


async def test_expected_move_matches_the_formula(chain):
    report = await _service(chain).expected_move("SPY", 30)
    assert report.spot == chain.spot
    assert report.move == pytest.approx(report.spot * report.iv * math.sqrt(30 / 365))
    assert report.low == pytest.approx(report.spot - report.move)
    assert 0.05 < report.iv < 0.6
    assert report.formula == "S × IV × √(30/365)"
    straddle = report.straddle
    assert straddle is not None
    assert straddle.days >= 30
    assert straddle.platform_move == pytest.approx(0.85 * straddle.price)


async def test_trading_day_convention_ends_at_a_session_close(chain):
    report = await _service(chain).expected_move("SPY", 5, "trading")
    # five sessions after Tue 24 Nov: Wed 25, Fri 27 (half day), Mon 30, Tue 1, Wed 2 Dec
    assert report.horizon_end == datetime(2026, 12, 2, 21, 0, tzinfo=UTC)
    assert report.move == pytest.approx(report.spot * report.iv * math.sqrt(5 / 252))


async def test_horizon_iv_lies_between_the_bracketing_expiries(chain):
    service = _service(chain)
    short = await service.expected_move("SPY", 3)
    long = await service.expected_move("SPY", 60)
    assert np.isfinite([short.iv, long.iv]).all()
    assert long.move > short.move


async def test_refuses_days_below_one(chain):
    with pytest.raises(ValueError, match="at least 1"):
        await _service(chain).expected_move("SPY", 0)
