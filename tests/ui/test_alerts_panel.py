"""The Alerts panel: model, filter, detail, keys, and the controller over a real alert store."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from workstation.domain.alerts import Alert
from workstation.services.alerts import AlertService
from workstation.storage.alerts import AlertStore
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.ui.docks.alerts.controller import AlertsController
from workstation.ui.docks.alerts.describe import ChartTarget, chart_target, detail_html, plan_line
from workstation.ui.docks.alerts.model import AlertsModel
from workstation.ui.docks.alerts.view import ALL_SOURCES, AlertsPanel

NOW = datetime(2026, 11, 23, 15, 41, 5, tzinfo=UTC)  # 10:41:05 ET
BAR_TS = int(datetime(2026, 11, 23, 15, 40, tzinfo=UTC).timestamp())


def sweep(minutes: int = 0, symbol: str = "SPY") -> Alert:
    setup = {
        "strategy": "bull call spread",
        "bias": "bullish",
        "reasons": ["sell-side liquidity at 597.10 swept and reclaimed", "bias bullish"],
    }
    return Alert(
        f"structure:{symbol}:sweep:{BAR_TS + 60 * minutes}",
        "structure",
        f"{symbol}: sell-side liquidity swept",
        "Traded 597.05 through 597.10 and closed back above at 597.40",
        NOW + timedelta(minutes=minutes),
        symbol=symbol,
        context={"bar_ts": BAR_TS + 60 * minutes, "timeframe": "1m", "setup": setup},
    )


def exit_alert() -> Alert:
    return Alert("exit:abc:profit_target:hit", "exit", "AAPL put spread: take profit",
                 "50% of max profit reached", NOW, symbol="AAPL")  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "w.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


class Pausable:
    def __init__(self) -> None:
        self.paused = False

    def set_paused(self, paused: bool) -> None:
        self.paused = paused


def test_describe_reads_the_context_into_chart_plan_and_story() -> None:
    alert = sweep()
    assert chart_target(alert) == ChartTarget("SPY", BAR_TS, "1m")
    assert plan_line(alert) == "/plan SPY bull 30"
    html = detail_html(alert)
    assert "bull call spread" in html
    assert "597.10 swept" in html
    assert "Mon Nov 23 10:40 ET (1m)" in html
    assert chart_target(exit_alert()) is None
    assert plan_line(exit_alert()) is None


def test_model_lists_newest_first_and_marks_seen(qtmodeltester: ModelTester) -> None:
    model = AlertsModel()
    model.set_alerts([replace_id(sweep(), 1), replace_id(exit_alert(), 2)])
    model.add(replace_id(sweep(5), 3))
    model.add(replace_id(sweep(5), 3))  # the same alert twice is listed once
    qtmodeltester.check(model)
    assert [a.id for a in model.alerts] == [3, 1, 2]
    assert model.index(0, 0).data() == "Nov 23 10:46:05"
    assert model.index(0, 4).data() == "bull call spread"
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    model.mark_seen(3, NOW)
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole) is None
    assert model.unseen() == 2


def replace_id(alert: Alert, alert_id: int) -> Alert:
    from dataclasses import replace

    return replace(alert, id=alert_id)


def test_panel_filters_by_source_and_asks_for_chart_plan_and_seen(qtbot: QtBot) -> None:
    panel = AlertsPanel()
    qtbot.addWidget(panel)
    panel.model.set_alerts([replace_id(sweep(), 1), replace_id(exit_alert(), 2)])
    assert [panel.sources.itemText(i) for i in range(panel.sources.count())] == [
        ALL_SOURCES, "exit", "structure"]  # fmt: skip
    assert panel.unseen.text() == "2 not seen of 2"
    panel.sources.setCurrentText("exit")
    assert panel.proxy.rowCount() == 1
    panel.sources.setCurrentText(ALL_SOURCES)
    panel.table.setFocus()
    panel.table.selectRow(0)
    assert "bull call spread" in panel.detail.toPlainText()
    got: dict[str, Any] = {}
    panel.chart_requested.connect(lambda target: got.setdefault("chart", target))
    panel.plan_requested.connect(lambda line: got.setdefault("plan", line))
    panel.seen_requested.connect(lambda ids: got.setdefault("seen", ids))
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.keyClick(panel.table, Qt.Key.Key_P)
    qtbot.keyClick(panel.table, Qt.Key.Key_Space)
    assert got == {"chart": ChartTarget("SPY", BAR_TS, "1m"), "plan": "/plan SPY bull 30",
                   "seen": [1]}  # fmt: skip
    panel.table.selectRow(1)
    assert not panel.buttons["chart"].isEnabled()
    assert not panel.buttons["plan"].isEnabled()


def test_controller_loads_stored_alerts_adds_new_ones_and_stores_seen(
    qtbot: QtBot, qt_loop: asyncio.AbstractEventLoop, db: Database
) -> None:
    service = AlertService(AlertStore(db))
    qt_loop.run_until_complete(service.raise_all([exit_alert()]))
    panel = AlertsPanel()
    qtbot.addWidget(panel)
    tasks: list[asyncio.Task[Any]] = []
    charts: list[ChartTarget] = []
    commands: list[str] = []
    controller = AlertsController(
        panel, service, lambda coro, _name: tasks.append(qt_loop.create_task(coro)),
        lambda: NOW, open_chart=charts.append, run_command=commands.append,
    )  # fmt: skip
    notifier = Pausable()
    controller.attach_notifier(notifier)
    qt_loop.run_until_complete(controller.load())
    assert [a.source for a in panel.model.alerts] == ["exit"]
    qt_loop.run_until_complete(service.raise_all([sweep()]))  # arrives through the listener
    assert [a.source for a in panel.model.alerts] == ["structure", "exit"]
    new_id = panel.model.alerts[0].id
    controller.mark_seen([new_id])
    qt_loop.run_until_complete(asyncio.gather(*tasks))
    assert panel.model.alerts[0].acknowledged_at == NOW
    stored = qt_loop.run_until_complete(service.recent())
    assert {a.id: a.acknowledged_at for a in stored}[new_id] == NOW
    panel.table.selectRow(0)
    panel.buttons["chart"].click()
    panel.buttons["plan"].click()
    assert charts == [ChartTarget("SPY", BAR_TS, "1m")]
    assert commands == ["/plan SPY bull 30"]
    panel.pause.setChecked(True)
    assert notifier.paused


def test_alerts_panel_renders(qtbot: QtBot, tmp_path: Path) -> None:
    panel = AlertsPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 420)
    panel.model.set_alerts([replace_id(sweep(i, s), i + 1) for i, s in enumerate(["SPY", "QQQ"])]
                           + [replace_id(exit_alert(), 9)])  # fmt: skip
    panel.table.selectRow(0)
    image = panel.grab()
    assert image.save(str(tmp_path / "alerts.png"))
    assert image.width() == 900
