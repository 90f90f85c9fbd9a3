"""StructureService and StructureAlerts over the demo market on a clock the test moves.

The demo market serves one-minute bars up to the clock's instant (the last
one still forming), like a live provider; stepping the service minute by
minute must give exactly the structure the batch engine computes on the
same closed bars, and the alert rules must fire from those events.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from tests.fakes.clock import FixedClock
from workstation.adapters.marketdata.demo.provider import DemoMarketData
from workstation.config.paths import resources_dir
from workstation.domain.bars import Timeframe
from workstation.domain.playbook import AlertRule, Direction, StructureEventParams, Trend
from workstation.domain.structure import EVENT_DTYPE, EventKind, Structure, StructureUpdate
from workstation.engines.sessions import xnys
from workstation.engines.structure import analyze
from workstation.services.alert_rules import AlertRuleService
from workstation.services.alerts import AlertService
from workstation.services.chain_analytics import ChainAnalytics
from workstation.services.chain_service import ChainService
from workstation.services.events import EventBus
from workstation.services.expected_move import ExpectedMoveService
from workstation.services.market_data import MarketDataService
from workstation.services.structure import StructureService
from workstation.services.structure_alerts import StructureAlerts, bias_of, prior_close, trend_of
from workstation.storage.alert_rules import BUNDLED_PLAYBOOK, AlertRuleStore, load_playbook_file
from workstation.storage.alerts import AlertStore
from workstation.storage.bars import BarStore
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head

# Monday 2026-11-23 10:30:20 ET: an hour into the session.
MORNING = datetime(2026, 11, 23, 15, 30, 20, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "w.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


def _service(db: Database, clock: FixedClock) -> StructureService:
    return StructureService(DemoMarketData(clock), BarStore(db), clock)


async def test_chart_holds_the_running_bar_and_the_structure_of_the_closed_ones(
    db: Database,
) -> None:
    clock = FixedClock(MORNING)
    service = _service(db, clock)
    chart = await service.chart("spy", Timeframe.M1)
    assert chart.symbol == "SPY"
    last_open = int(chart.bars["ts"][-1])
    assert last_open == int(MORNING.replace(second=0).timestamp())  # still forming
    closed = chart.bars[:-1]
    expected = analyze(closed)
    assert len(chart.structure.vwap) == len(closed)
    np.testing.assert_array_equal(chart.structure.events, expected.events)
    np.testing.assert_array_equal(chart.structure.gaps, expected.gaps)
    five = await service.chart("SPY", "5m")
    assert (np.diff(five.bars["ts"]) >= 300).all()
    assert int(five.bars["ts"][-1]) % 1800 in {0, 300, 600, 900, 1200, 1500}


async def test_live_steps_agree_with_the_batch_engine_on_the_same_closed_bars(db: Database) -> None:
    clock = FixedClock(MORNING)
    service = _service(db, clock)
    service.watch(["SPY", "QQQ"])
    updates: list[StructureUpdate] = []
    unsubscribe = service.on_update(updates.append)
    first = await service.step()
    assert [u.symbol for u in first] == ["QQQ", "SPY"]
    assert all(len(u.new_events) == 0 for u in first)  # history does not alert
    seen = {u.symbol: len(u.structure.vwap) for u in first}
    found = {"SPY": [], "QQQ": []}  # type: dict[str, list[np.ndarray]]
    for _ in range(45):
        clock.advance(minutes=1)
        for update in await service.step():
            found[update.symbol].append(update.new_events)
    spy = (await service.chart("SPY", "1m")).bars
    closed = spy[: int(np.searchsorted(spy["ts"] + 60, clock.now().timestamp(), side="right"))]
    batch = analyze(closed)
    live = np.concatenate(found["SPY"])
    np.testing.assert_array_equal(live, batch.events[batch.events["bar"] >= seen["SPY"]])
    last = [u for u in updates if u.symbol == "SPY"][-1]
    np.testing.assert_array_equal(last.structure.levels, batch.levels)
    assert len(last.bars) == len(closed) + 1  # and the running bar
    unsubscribe()
    await service.step()
    assert len(updates) == 2 + 45 * 2


def test_trend_bias_and_prior_close_read_the_chart() -> None:
    closes = np.linspace(100, 110, 50)
    rising = np.linspace(99, 105, 50)
    assert trend_of(closes, rising) is Trend.UP
    assert trend_of(closes[::-1] - 20, rising[::-1]) is Trend.DOWN
    assert trend_of(closes, np.full(50, np.nan)) is None
    flat = np.full(50, 104.0)
    assert trend_of(closes, flat) is Trend.SIDEWAYS
    bars = np.zeros(3, dtype=[("ts", "i8"), ("close", "f8")])
    bars["ts"] = [int(datetime(2026, 11, 20, 20, 59, tzinfo=UTC).timestamp()),
                  int(datetime(2026, 11, 23, 14, 30, tzinfo=UTC).timestamp()),
                  int(datetime(2026, 11, 23, 14, 31, tzinfo=UTC).timestamp())]  # fmt: skip
    bars["close"] = [101.5, 102.0, 102.5]
    assert prior_close(bars) == 101.5
    assert prior_close(bars[1:]) is None


def test_bias_follows_the_last_break_of_structure_or_change_of_character() -> None:
    events = np.zeros(3, dtype=EVENT_DTYPE)
    events["kind"] = [EventKind.BREAK_OF_STRUCTURE, EventKind.CHANGE_OF_CHARACTER, EventKind.SWEEP]
    events["side"] = [1, -1, 1]

    def structure(rows: np.ndarray) -> Structure:
        empty = np.zeros(0)
        return Structure(empty, empty, empty, empty, rows, np.zeros(0))

    assert bias_of(structure(events)) is Direction.BEARISH  # the sweep after it is no break
    assert bias_of(structure(events[:1])) is Direction.BULLISH
    assert bias_of(structure(events[2:])) is None


async def test_demo_ticks_fire_structure_alerts_once_with_their_context(db: Database) -> None:
    clock = FixedClock(MORNING)
    provider = DemoMarketData(clock)
    market = MarketDataService(provider, clock, EventBus())
    chains = ChainService(market, ChainAnalytics(xnys()))
    structure = StructureService(provider, BarStore(db), clock)
    alerts = AlertService(AlertStore(db))
    playbook = load_playbook_file(resources_dir() / BUNDLED_PLAYBOOK)
    rules = AlertRuleService(AlertRuleStore(db), alerts, clock, default_playbook=playbook)
    every = frozenset(EventKind)
    await rules.add(AlertRule("*", StructureEventParams(every), cooldown_minutes=0))
    live = StructureAlerts(structure, rules, market, ExpectedMoveService(chains, xnys()), clock)
    structure.watch(["SPY", "QQQ", "AAPL"])
    raised = []
    alerts.on_alert(raised.append)
    await live.step()
    for _ in range(60):
        clock.advance(minutes=1)
        await market.refresh(structure.watched)
        await live.step()
    assert raised, "an hour of three demo tickers gave no structure event"
    assert {a.source for a in raised} == {"structure"}
    assert len({a.condition_key for a in raised}) == len(raised)
    first = raised[0]
    assert first.symbol in {"SPY", "QQQ", "AAPL"}
    assert MORNING.timestamp() <= first.context["bar_ts"] <= clock.now().timestamp()
    assert first.context["timeframe"] == "1m"
    with_setup = [a for a in raised if a.context.get("setup")]
    for alert in with_setup:
        assert alert.context["setup"]["bias"] in {d.value for d in Direction}
    stored = await alerts.recent(1000)
    assert len(stored) == len(raised)
