"""Backfill, backups and the quote cache against a real demo workspace on disk."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from tests.fakes.clock import FixedClock
from workstation.app.runtime import open_runtime
from workstation.app.workspace import WorkspaceTarget
from workstation.domain.bars import Timeframe
from workstation.services.blocking import run_in_thread
from workstation.services.events import EventBus
from workstation.storage.bars import BarStore
from workstation.storage.quotes import QuoteCache
from workstation.storage.sync_log import SyncLog

TUESDAY_CLOSE = datetime(2026, 11, 24, 21, 30, tzinfo=UTC)  # 16:30 ET


@pytest.fixture
def runtime(tmp_path):
    clock = FixedClock(TUESDAY_CLOSE)
    runtime = open_runtime(
        WorkspaceTarget(tmp_path / "demo", "demo"), EventBus(), run_in_thread, None, clock=clock
    )
    yield runtime
    runtime.close()


async def test_backfill_stores_history_and_is_idempotent(runtime):
    symbols, iv = ["SPY", "VIX"], ["SPY"]
    first = await runtime.backfill.run(symbols, iv, TUESDAY_CLOSE, write=run_in_thread)
    bars = BarStore(runtime.store.db)
    counts = {tf: bars.count("SPY", tf) for tf in (Timeframe.M1, Timeframe.M5, Timeframe.D1)}
    assert counts[Timeframe.M1] == 30 * 390  # 30 full sessions, 13 Oct - 24 Nov 2026
    assert counts[Timeframe.M5] == counts[Timeframe.M1] // 5
    assert 495 <= counts[Timeframe.D1] <= 505  # two years of sessions
    assert first.rows["SPY iv"] > 490
    assert not first.failures
    second = await runtime.backfill.run(symbols, iv, TUESDAY_CLOSE, write=run_in_thread)
    assert second.total < first.total / 5  # only the overlap window is fetched again
    assert {tf: bars.count("SPY", tf) for tf in counts} == counts
    log = SyncLog(runtime.store.db).recent()
    assert [(r.kind, r.status) for r in log[:2]] == [("backfill", "ok"), ("backfill", "ok")]


async def test_backfill_records_symbols_the_provider_lacks(runtime):
    report = await runtime.backfill.run(["SPY", "NOPE"], [], TUESDAY_CLOSE, write=run_in_thread)
    assert "NOPE" in report.failures
    assert report.rows["SPY 1d"] > 0


async def test_backup_and_quote_cache(runtime):
    path = await runtime.maintenance.backup("manual")
    assert path.parent == runtime.store.folder / "backups"
    assert path.name.endswith("-manual.db")
    assert (path.stat().st_mode & 0o777) == 0o600
    await runtime.market.refresh(["SPY", "SPX"])
    saved = await runtime.maintenance.flush_quotes(
        runtime.market, ["SPY", "SPX", "QQQ"], TUESDAY_CLOSE
    )
    assert saved == 2  # QQQ was never quoted
    cached = QuoteCache(runtime.store.db).get_many(["SPY", "SPX"])
    assert cached["SPY"].last == runtime.market.latest("SPY").last


def test_cached_quotes_seed_the_next_session(tmp_path):
    target = WorkspaceTarget(tmp_path / "demo", "demo")
    clock = FixedClock(TUESDAY_CLOSE)
    first = open_runtime(target, EventBus(), run_in_thread, None, clock=clock)
    asyncio.run(first.market.refresh(["SPY"]))
    asyncio.run(first.maintenance.flush_quotes(first.market, ["SPY"], TUESDAY_CLOSE))
    last = first.market.latest("SPY").last
    first.close()
    second = open_runtime(target, EventBus(), run_in_thread, None, clock=clock)
    try:
        assert second.market.latest("SPY").last == last  # shown before the feed connects
    finally:
        second.close()


def test_a_new_workspace_knows_its_instruments_and_settings(runtime):
    from workstation.config.settings import WorkspaceSettings
    from workstation.domain.instruments import InstrumentKind
    from workstation.storage.instruments import InstrumentStore
    from workstation.storage.settings_store import SettingsStore

    instruments = InstrumentStore(runtime.store.db)
    assert instruments.get("SPY").kind is InstrumentKind.ETF
    assert instruments.get("SPX").description == "S&P 500 Index"
    assert len(instruments.list(InstrumentKind.INDEX)) == 5
    settings = SettingsStore(runtime.store.db)
    assert settings.get_json("watchlist") == WorkspaceSettings().watchlist


async def test_history_is_current_only_after_a_backfill_since_the_last_close(runtime):
    assert not await run_in_thread(runtime.backfill.is_current, TUESDAY_CLOSE)
    await runtime.backfill.run(["SPY"], [], TUESDAY_CLOSE, write=run_in_thread)
    assert await run_in_thread(runtime.backfill.is_current, TUESDAY_CLOSE)
    # the next session's close (Wednesday 16:00 ET) makes it stale again
    wednesday_evening = datetime(2026, 11, 25, 21, 30, tzinfo=UTC)
    assert not await run_in_thread(runtime.backfill.is_current, wednesday_evening)
