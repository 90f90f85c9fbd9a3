"""Where a beta comes from: the trader, the provider, stored daily closes, or an assumption."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.marketdata import ScriptedMarketData
from workstation.domain.bars import Timeframe, empty_bars
from workstation.domain.quotes import Quote
from workstation.services.events import EventBus
from workstation.services.market_data import MarketDataService
from workstation.services.risk_market import RiskMarket
from workstation.storage.bars import BarStore
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
TODAY = date(2026, 11, 23)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "w.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


def _closes(returns: np.ndarray) -> np.ndarray:
    bars = empty_bars(returns.size + 1)
    bars["ts"] = 1_700_000_000 + 86_400 * np.arange(returns.size + 1)
    close = 100.0 * np.exp(np.concatenate([[0.0], np.cumsum(returns)]))
    for column in ("open", "high", "low", "close"):
        bars[column] = close
    return bars


def _market(db: Database) -> RiskMarket:
    quotes = {s: Quote(s, 100.0, 99.0, NOW) for s in ("SPY", "XYZ", "ABC")}
    service = MarketDataService(ScriptedMarketData(quotes), FixedClock(NOW), EventBus())
    return RiskMarket(service, BarStore(db))


async def test_beta_falls_back_from_setting_to_closes_to_assumed(db: Database) -> None:
    spy = np.random.default_rng(3).normal(0.0, 0.01, 120)
    bars = BarStore(db)
    bars.write("SPY", Timeframe.D1, _closes(spy))
    bars.write("XYZ", Timeframe.D1, _closes(1.5 * spy))  # moves 1.5x the market
    found = await _market(db).snapshot([], ["XYZ", "ABC", "SPY"], TODAY, {"SPY": 1.0})
    by_symbol = found.underlyings
    assert by_symbol["SPY"].beta_source == "your setting"
    assert by_symbol["XYZ"].beta_source == "daily closes"
    assert by_symbol["XYZ"].beta == pytest.approx(1.5)
    assert (by_symbol["ABC"].beta, by_symbol["ABC"].beta_source) == (1.0, "assumed")
    assert found.benchmark_price == 100.0
    assert math.isfinite(by_symbol["ABC"].spot)


async def test_an_unknown_symbol_is_reported_not_dropped(db: Database) -> None:
    found = await _market(db).snapshot(["QQQ"], ["NOPE"], TODAY, {})
    assert found.underlyings["NOPE"].problem == "NOPE: no price"
    assert any(p.startswith("QQQ: no option chain") for p in found.problems)
    assert any(p.startswith("NOPE: no quote") for p in found.problems)
