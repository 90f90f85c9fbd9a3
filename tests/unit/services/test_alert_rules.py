"""AlertRuleService against a real store: structure and quote alerts, once, with cooldowns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes.clock import FixedClock
from tests.unit.engines.playbook.builders import BAR_TIMES, events, spy
from workstation.config.paths import resources_dir
from workstation.domain.notifications import Notification
from workstation.domain.playbook import (
    AlertRule,
    CrossDirection,
    ExpectedMoveParams,
    IvRankParams,
    PlaybookError,
    PriceCrossParams,
    StructureEventParams,
)
from workstation.domain.structure import EventKind
from workstation.services.alert_rules import RULES_REFRESH, AlertRuleService
from workstation.services.alerts import AlertService
from workstation.services.blocking import run_in_thread
from workstation.storage.alert_rules import BUNDLED_PLAYBOOK, AlertRuleStore, load_playbook_file
from workstation.storage.alerts import AlertStore
from workstation.storage.database import open_database
from workstation.storage.migrate import upgrade_to_head

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
SWEEP_135 = events((135, EventKind.SWEEP, -1, 588.20, 3))


class RecordingNotifier:
    """A notifier that keeps what it was asked to show."""

    def __init__(self) -> None:
        self.shown: list[Notification] = []
        self.paused = False

    def notify(self, notification: Notification) -> None:
        self.shown.append(notification)


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "workstation.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


@pytest.fixture
def clock():
    return FixedClock(NOW)


@pytest.fixture
def notifier():
    return RecordingNotifier()


@pytest.fixture
def defaults():
    return load_playbook_file(resources_dir() / BUNDLED_PLAYBOOK)


@pytest.fixture
def service(db, clock, notifier, defaults):
    alerts = AlertService(AlertStore(db), run_in_thread, notifier)
    return AlertRuleService(AlertRuleStore(db), alerts, clock, run_in_thread, defaults)


async def test_a_structure_event_raises_one_alert_with_its_bar_level_and_setup(service, notifier):
    rule = await service.add(AlertRule("*", StructureEventParams(frozenset({EventKind.SWEEP}))))
    raised = await service.evaluate_structure("SPY", SWEEP_135, spy(), BAR_TIMES)
    assert [a.title for a in raised] == ["SPY: sell-side liquidity sweep at 588.20"]
    alert = raised[0]
    assert alert.id > 0
    assert (alert.source, alert.symbol, alert.fired_at) == ("structure", "SPY", NOW)
    assert alert.context["rule_id"] == rule.id
    assert (alert.context["bar"], alert.context["bar_ts"]) == (135, int(BAR_TIMES[135]))
    assert alert.context["level"] == 588.20
    assert alert.context["setup"]["strategy"] == "bull call debit spread"
    assert alert.context["setup"]["reasons"][2] == "bias is bullish"
    assert [n.title for n in notifier.shown] == ["SPY: sell-side liquidity sweep at 588.20"]
    assert await service.evaluate_structure("SPY", SWEEP_135, spy(), BAR_TIMES) == []
    assert len(notifier.shown) == 1


async def test_structure_alerts_keep_their_cooldown_in_bar_time(service, clock):
    sweeps = StructureEventParams(frozenset({EventKind.SWEEP}))
    await service.add(AlertRule("SPY", sweeps, cooldown_minutes=15))
    later = events((145, EventKind.SWEEP, -1, 587.90, 5))  # 10 minutes after bar 135
    much_later = events((150, EventKind.SWEEP, 1, 592.40, 6))  # 15 minutes after
    assert len(await service.evaluate_structure("SPY", SWEEP_135, spy(), BAR_TIMES)) == 1
    clock.advance(hours=1)
    assert await service.evaluate_structure("SPY", later, spy(), BAR_TIMES) == []
    assert len(await service.evaluate_structure("SPY", much_later, spy(), BAR_TIMES)) == 1
    clock.advance(hours=1)  # a replay decides the same: the held-back sweep stays held back
    assert await service.evaluate_structure("SPY", later, spy(), BAR_TIMES) == []


async def test_a_price_cross_fires_after_the_first_quote_then_waits_out_its_cooldown(
    service, clock
):
    await service.add(AlertRule("SPY", PriceCrossParams(600.0, CrossDirection.EITHER)))
    assert await service.evaluate_quote("SPY", 599.5) == []  # the first quote only sets the start
    up = await service.evaluate_quote("SPY", 600.2)
    assert [a.title for a in up] == ["SPY crossed above 600.00"]
    assert up[0].source == "price"
    clock.advance(minutes=5)
    assert await service.evaluate_quote("SPY", 599.0) == []  # cooling down
    clock.advance(minutes=10)
    assert [a.title for a in await service.evaluate_quote("SPY", 600.0)] == [
        "SPY crossed above 600.00"
    ]


async def test_iv_rank_and_expected_move_rules_read_the_context(service, clock):
    await service.add(AlertRule("SPY", IvRankParams(50.0, CrossDirection.ABOVE)))
    await service.add(AlertRule("SPY", ExpectedMoveParams(1)))
    band = {"expected_move": 5.0, "reference_price": 590.0}
    await service.evaluate_quote("SPY", 594.0, spy(iv_rank=48.0, **band))
    raised = await service.evaluate_quote("SPY", 595.0, spy(iv_rank=51.0, **band))
    assert [a.source for a in raised] == ["iv", "expected_move"]
    assert raised[1].title == "SPY left its 1-day expected move (above)"


async def test_muted_tickers_and_rules_stay_quiet_until_unmuted(service, clock):
    rule = await service.add(AlertRule("SPY", PriceCrossParams(600.0, CrossDirection.EITHER), 0))
    await service.mute_symbol("SPY", NOW + timedelta(hours=1))
    await service.evaluate_quote("SPY", 599.0)
    assert await service.evaluate_quote("SPY", 601.0) == []
    assert await service.unmute_symbol("SPY") == 1
    clock.advance(minutes=1)
    assert len(await service.evaluate_quote("SPY", 599.0)) == 1
    assert await service.mute(rule.id, NOW + timedelta(days=1))
    clock.advance(minutes=1)
    assert await service.evaluate_quote("SPY", 601.0) == []
    assert await service.unmute(rule.id)
    clock.advance(minutes=1)
    assert len(await service.evaluate_quote("SPY", 599.0)) == 1


async def test_a_watch_all_rule_cools_down_per_ticker(service):
    await service.add(AlertRule("*", PriceCrossParams(100.0, CrossDirection.ABOVE)))
    for symbol in ("AAA", "BBB"):
        await service.evaluate_quote(symbol, 99.0)
    assert len(await service.evaluate_quote("AAA", 101.0)) == 1
    assert len(await service.evaluate_quote("BBB", 101.0)) == 1


async def test_rules_added_by_another_process_are_seen_after_the_refresh(db, service, clock):
    await service.evaluate_quote("SPY", 599.0)
    AlertRuleStore(db).add(AlertRule("SPY", PriceCrossParams(600.0, CrossDirection.ABOVE)), NOW)
    assert await service.evaluate_quote("SPY", 601.0) == []  # rules read a moment ago
    clock.advance(seconds=RULES_REFRESH.total_seconds())
    await service.evaluate_quote("SPY", 599.0)
    assert len(await service.evaluate_quote("SPY", 601.0)) == 1


async def test_the_playbook_is_seeded_once_then_edited_and_kept(db, clock, service, defaults):
    assert await service.playbook() == defaults
    edited = (defaults[1], defaults[0])
    assert await service.replace_playbook(edited) == edited
    alerts = AlertService(AlertStore(db), run_in_thread)
    reopened = AlertRuleService(AlertRuleStore(db), alerts, clock, run_in_thread, defaults)
    assert await reopened.playbook() == edited
    with pytest.raises(PlaybookError, match="at least one rule"):
        await reopened.replace_playbook([])
    assert await reopened.reset_playbook() == defaults


async def test_a_context_for_another_ticker_is_refused(service):
    with pytest.raises(PlaybookError, match="market context is for SPY, not QQQ"):
        await service.evaluate_quote("QQQ", 400.0, spy())


async def test_deleting_a_rule_stops_it(service):
    rule = await service.add(AlertRule("SPY", PriceCrossParams(600.0, CrossDirection.ABOVE)))
    assert await service.delete(rule.id)
    assert not await service.delete(rule.id)
    await service.evaluate_quote("SPY", 599.0)
    assert await service.evaluate_quote("SPY", 601.0) == []
    assert await service.rules() == []
