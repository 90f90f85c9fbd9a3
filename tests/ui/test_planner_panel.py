"""The planner panel: models, keyboard edits, guardrail override, save, order export, chain open."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tests.unit.engines.planner.market import planning_market
from tests.unit.engines.planner.test_plan import EASY_CREDIT, FOMC
from workstation.app.runtime import open_runtime
from workstation.app.workspace import WorkspaceTarget
from workstation.domain.strategies import StrategyKind
from workstation.engines.planner import Bias, Regime, plan_trade
from workstation.services.blocking import run_in_thread
from workstation.services.events import EventBus
from workstation.ui.docks.planner.models import CandidatesModel, LegsModel
from workstation.ui.docks.planner.panel import PlannerDock

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(scope="module")
def synthetic_plan():
    return plan_trade(planning_market(Regime.HIGH), Bias.BULL, 30, EASY_CREDIT, [FOMC])


def test_models_pass_the_qt_model_tester(qtmodeltester, synthetic_plan):
    candidates = CandidatesModel()
    candidates.set_candidates(list(synthetic_plan.candidates))
    qtmodeltester.check(candidates, force_py=True)
    legs = LegsModel()
    legs.set_strategy(synthetic_plan.candidates[0].strategy)
    qtmodeltester.check(legs, force_py=True)
    assert candidates.rowCount() == len(synthetic_plan.candidates)
    blocked = next(i for i, c in enumerate(synthetic_plan.candidates) if c.blocked)
    assert candidates.data(candidates.index(blocked, 9)) == "BLOCKED"


@pytest.fixture
def runtime(qt_loop, demo_folder, clock):
    runtime = qt_loop.run_until_complete(
        asyncio.to_thread(
            open_runtime, WorkspaceTarget(demo_folder, "demo"), EventBus(), run_in_thread, None,
            clock=clock,
        )
    )  # fmt: skip
    yield runtime
    runtime.close()


@pytest.fixture
def planner(qtbot, qt_loop, runtime):
    dock = PlannerDock.create()
    qtbot.addWidget(dock.view)
    dock.view.resize(1100, 820)
    dock.view.show()
    controller = dock.connect(
        runtime.context, lambda coro, name: qt_loop.create_task(coro, name=name)
    )
    return dock, controller


def _plan(qtbot, qt_loop, dock, controller, text):
    dock.view.input.setText(text)
    qtbot.keyClick(dock.view.input, Qt.Key.Key_Return)
    qt_loop.run_until_complete(controller.running)


def test_plan_edit_save_and_export_from_the_keyboard(qtbot, qt_loop, planner, tmp_path):
    dock, controller = planner
    _plan(qtbot, qt_loop, dock, controller, "SPY bull 30")
    assert dock.candidates.rowCount() > 0
    assert dock.view.chart.curves is not None
    assert "candidates" in dock.view.status.text()
    debit = next(
        i for i, c in enumerate(dock.candidates.candidates)
        if c.strategy.kind is StrategyKind.BULL_CALL_DEBIT
    )  # fmt: skip
    dock.view.candidates.selectRow(debit)
    before = controller.current.strategy
    dock.view.legs.setFocus()
    dock.view.select_leg(1)
    qtbot.keyClick(dock.view.legs, Qt.Key.Key_Right)
    moved = controller.current.strategy
    assert moved.legs[1].strike > before.legs[1].strike
    assert moved.legs[0] == before.legs[0]
    assert "edited by you" in controller.current.notes[0]
    qtbot.keyClick(dock.view.legs, Qt.Key.Key_W, SHIFT)  # narrower: the long leg moves in
    assert controller.current.strategy.legs[0].strike > moved.legs[0].strike
    qtbot.keyClick(dock.view.legs, Qt.Key.Key_Insert)
    assert dock.view.add_leg.hasFocus()
    qtbot.keyClicks(dock.view.add_leg, "+1 P 700")
    qtbot.keyClick(dock.view.add_leg, Qt.Key.Key_Return)
    assert len(controller.current.strategy.legs) == 3
    assert controller.current.strategy.kind is StrategyKind.CUSTOM
    dock.view.order.format.setCurrentIndex(0)
    order = json.loads(dock.view.order.preview.toPlainText())
    assert order["order-type"] == "Limit"
    assert len(order["legs"]) == 3
    qtbot.keyClick(dock.view, Qt.Key.Key_C, CTRL | SHIFT)
    assert QGuiApplication.clipboard().text() == dock.view.order.preview.toPlainText()
    controller.write_order("ticket", tmp_path / "ticket.txt")
    assert "NOT SENT" in (tmp_path / "ticket.txt").read_text()
    qtbot.keyClick(dock.view, Qt.Key.Key_S, CTRL)
    qt_loop.run_until_complete(controller.running)
    assert dock.view.status.text().startswith("Saved plan #1:")
    image = tmp_path / "planner.png"
    assert dock.view.grab().save(str(image))
    assert image.stat().st_size > 30_000


def test_a_blocked_trade_needs_an_override_reason_before_it_saves(qtbot, qt_loop, planner, runtime):
    dock, controller = planner
    service = runtime.context.planner
    service.rules = dataclasses.replace(service.rules, min_credit_fraction=0.05)  # let credits in
    _plan(qtbot, qt_loop, dock, controller, "SPY bull 30")
    blocked = next(i for i, c in enumerate(dock.candidates.candidates) if c.blocked)
    dock.view.candidates.selectRow(blocked)
    assert not dock.view.guard.reason.isHidden()
    assert "FOMC decision Wed 09 Dec 2026 14:00 ET" in dock.view.guard.message.text()
    dock.view.guard.save.click()
    qt_loop.run_until_complete(controller.running)
    assert "is blocked" in dock.view.status.text()
    dock.view.guard.reason.setText("FOMC priced in; half size")
    dock.view.guard.save.click()
    qt_loop.run_until_complete(controller.running)
    assert "(guardrail overridden)" in dock.view.status.text()
    saved = qt_loop.run_until_complete(runtime.context.plans.recent("SPY"))
    assert saved[0].guardrail.override_reason == "FOMC priced in; half size"


def test_a_chain_contract_opens_as_a_long_option(qtbot, qt_loop, planner):
    dock, controller = planner
    controller.open_contract("SPY", date(2026, 12, 18), 735.0, True, False)
    qt_loop.run_until_complete(controller.running)
    assert dock.candidates.rowCount() == 1
    assert controller.current.strategy.kind is StrategyKind.LONG_CALL
    assert controller.current.notes == ("opened from the chain",)
    controller.open_contract("SPY", date(2026, 12, 18), 735.0, False, True)
    qt_loop.run_until_complete(controller.running)
    assert controller.current.strategy.kind is StrategyKind.BEAR_PUT_DEBIT
