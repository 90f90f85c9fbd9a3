"""A live market's analysed chains record the day's IV30 into the workspace's IV history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.fakes.clock import FixedClock
from workstation.adapters.marketdata.demo.provider import DemoMarketData
from workstation.app.runtime import iv_recorder
from workstation.engines.sessions import xnys
from workstation.services.blocking import run_in_thread
from workstation.services.chain_analytics import ChainAnalytics
from workstation.services.chain_service import ChainService
from workstation.services.events import EventBus
from workstation.services.market_data import MarketDataService
from workstation.storage.database import open_database
from workstation.storage.iv_history import IvHistoryStore
from workstation.storage.migrate import upgrade_to_head

MONDAY_EVENING_UTC = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # Mon 23 Nov 21:30 New York


class Recorded:
    def __init__(self) -> None:
        self.calls: list[tuple[str, date, float, str]] = []

    async def __call__(self, underlying: str, day: date, iv: float, source: str) -> None:
        self.calls.append((underlying, day, iv, source))


def service(clock: FixedClock, recorder: Recorded, *, simulated: bool) -> ChainService:
    market = MarketDataService(DemoMarketData(clock), clock, EventBus(), simulated=simulated)
    return ChainService(market, ChainAnalytics(xnys()), recorder)


async def test_a_live_chain_records_iv30_on_its_new_york_date_at_most_every_15_minutes() -> None:
    clock, recorder = FixedClock(MONDAY_EVENING_UTC), Recorded()
    chains = service(clock, recorder, simulated=False)
    view = await chains.chain_view("SPY")
    await chains.chain_view("QQQ")
    clock.advance(minutes=14)
    await chains.chain_view("SPY")  # too soon: not recorded again
    assert [(c[0], c[1], c[3]) for c in recorder.calls] == [
        ("SPY", date(2026, 11, 23), "demo"),
        ("QQQ", date(2026, 11, 23), "demo"),
    ]
    assert recorder.calls[0][2] == pytest.approx(view.iv30)
    clock.advance(minutes=1)
    await chains.chain_view("SPY")
    assert len(recorder.calls) == 3


async def test_the_simulated_market_records_nothing() -> None:
    recorder = Recorded()
    await service(FixedClock(MONDAY_EVENING_UTC), recorder, simulated=True).chain_view("SPY")
    assert recorder.calls == []


async def test_a_failed_write_loses_one_sample_not_the_chain(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(underlying: str, day: date, iv: float, source: str) -> None:
        raise OSError("disk full")

    clock = FixedClock(MONDAY_EVENING_UTC)
    market = MarketDataService(DemoMarketData(clock), clock, EventBus(), simulated=False)
    view = await ChainService(market, ChainAnalytics(xnys()), broken).chain_view("SPY")
    assert view.underlying == "SPY"
    assert "IV history of SPY not recorded: disk full" in caplog.text


async def test_the_workspace_recorder_writes_the_store(tmp_path: Path) -> None:
    db = open_database(tmp_path / "ws.sqlite", None)
    try:
        upgrade_to_head(db, tmp_path / "backups")
        record = iv_recorder(db, run_in_thread)
        await record("SPY", date(2026, 11, 23), 0.15, "tastytrade")
        await record("SPY", date(2026, 11, 23), 0.16, "tastytrade")  # the day's last wins
        stored = IvHistoryStore(db).read("SPY", date(2026, 11, 1), date(2026, 11, 30))
        assert stored.rows["iv"].tolist() == [0.16]
    finally:
        db.close()
