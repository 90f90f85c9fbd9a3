"""The option-chain panel: model checks, cell-level updates, keyboard, rendering."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import Qt

from workstation.adapters.marketdata.demo.provider import DemoMarketData
from workstation.engines.sessions import xnys
from workstation.services.chain_analytics import ChainAnalytics
from workstation.services.chain_service import ChainService
from workstation.services.events import EventBus
from workstation.services.market_data import MarketDataService
from workstation.ui.docks.chains.controller import ChainController
from workstation.ui.docks.chains.model import ChainTableModel
from workstation.ui.docks.chains.view import ChainPanel
from workstation.ui.theme import colors

FOCUS = date(2026, 12, 18)


@pytest.fixture
def chains(clock):
    market = MarketDataService(DemoMarketData(clock), clock, EventBus())
    return ChainService(market, ChainAnalytics(xnys()))


@pytest.fixture
def view(chains):
    return asyncio.run(chains.chain_view("SPY", FOCUS))


def test_model_passes_qt_model_tester(qtmodeltester, view):
    model = ChainTableModel()
    model.show(view.expiry(FOCUS), view.spot)
    qtmodeltester.check(model, force_py=True)


def test_layout_is_calls_mirrored_strike_then_puts(view):
    model = ChainTableModel(["bid", "ask", "iv"])
    model.show(view.expiry(FOCUS), view.spot)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    assert headers == ["IV", "Ask", "Bid", "Strike", "Bid", "Ask", "IV"]
    expiry = view.expiry(FOCUS)
    row = expiry.atm_row
    assert model.data(model.index(row, 3)) == f"{expiry.strikes[row]:,.0f}"
    assert model.data(model.index(row, 2)) == f"{expiry.calls.bid[row]:,.2f}"
    assert model.data(model.index(row, 5)) == f"{expiry.puts.ask[row]:,.2f}"


def test_value_updates_emit_data_changed_for_changed_cells_only(qtbot, view):
    model = ChainTableModel(["bid", "ask", "iv"])
    expiry = view.expiry(FOCUS)
    model.show(expiry, view.spot)
    changes, resets = [], []
    model.dataChanged.connect(
        lambda a, b, roles=(): changes.append((a.row(), a.column(), b.column(), list(roles)))
    )
    model.modelReset.connect(lambda: resets.append(True))
    bid = expiry.calls.bid.copy()
    bid[expiry.atm_row] += 0.05
    detail = expiry.detail
    moved = dataclasses.replace(
        expiry, detail=dataclasses.replace(detail, calls=dataclasses.replace(detail.calls, bid=bid))
    )
    assert model.show(moved, view.spot) == 1
    assert resets == []
    assert changes == [(expiry.atm_row, 2, 2, [])]
    assert model.show(moved, view.spot) == 0  # nothing new, nothing emitted
    assert len(changes) == 1


def test_shading_marks_in_the_money_the_money_and_the_expected_move(view):
    model = ChainTableModel(["bid"])
    expiry = view.expiry(FOCUS)
    model.show(expiry, view.spot)
    palette = colors()
    strike_col = model.strike_column
    below = int(np.flatnonzero(expiry.strikes < view.spot - 5)[-1])
    above = int(np.flatnonzero(expiry.strikes > view.spot + 5)[0])
    role = Qt.ItemDataRole.BackgroundRole
    assert model.data(model.index(below, 0), role) == palette.in_the_money  # ITM call
    assert model.data(model.index(below, 2), role) is None  # OTM put
    assert model.data(model.index(above, 2), role) == palette.in_the_money  # ITM put
    assert model.data(model.index(expiry.atm_row, strike_col), role) == palette.at_the_money
    inside = model.data(model.index(above, strike_col), role)
    assert inside == (palette.in_move if expiry.moves.inside(expiry.strikes[above]) else None)


def test_changing_columns_is_a_reset_and_keeps_the_expiry(view):
    model = ChainTableModel(["bid"])
    model.show(view.expiry(FOCUS), view.spot)
    model.set_columns(["theta", "nonsense", "delta"])
    assert model.keys == ["theta", "delta"]
    assert model.columnCount() == 5
    assert model.rowCount() == len(view.expiry(FOCUS).strikes)


def test_controller_keyboard_and_rendering(qtbot, qt_loop, chains, tmp_path):
    model = ChainTableModel()
    panel = ChainPanel(model)
    qtbot.addWidget(panel)
    panel.resize(1100, 760)
    panel.show()
    spawn = lambda coro, name: qt_loop.create_task(coro, name=name)  # noqa: E731
    controller = ChainController(panel, model, chains, spawn, symbol="SPY", refresh_ms=60_000)
    qt_loop.run_until_complete(controller._running)
    assert controller.view is not None
    first = controller.focus
    assert panel.tabs.count() == len(controller.view.expiries)
    qtbot.keyClick(panel.table, Qt.Key.Key_BracketRight)
    qt_loop.run_until_complete(controller._running)
    assert controller.focus == controller.view.expiries[1].expiry != first
    qtbot.keyClick(panel.table, Qt.Key.Key_A)
    current = panel.table.currentIndex()
    assert current.row() == model.expiry.atm_row
    assert "expirations" in panel.status.text()
    assert panel.header.metrics["em_iv"].text().startswith("EM ±")
    image = tmp_path / "chain.png"
    assert panel.grab().save(str(image))
    assert image.stat().st_size > 20_000  # a real picture, not an empty widget
    controller.set_symbol("NOPE")
    qt_loop.run_until_complete(controller._running)
    assert "NOPE" in panel.status.text()
    controller.stop()


def test_enter_opens_the_contract_under_the_cursor_in_the_planner(qtbot, view):
    model = ChainTableModel()
    model.show(view.expiry(FOCUS), view.spot)
    panel = ChainPanel(model)
    qtbot.addWidget(panel)
    opened = []
    panel.open_in_planner.connect(lambda *args: opened.append(args))
    atm = view.expiry(FOCUS).atm_row
    panel.table.setCurrentIndex(model.index(atm, 0))  # a call column
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    panel.table.setCurrentIndex(model.index(atm, model.columnCount() - 1))  # a put column
    qtbot.keyClick(panel.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    strike = float(view.expiry(FOCUS).strikes[atm])
    assert opened == [(FOCUS, strike, True, False), (FOCUS, strike, False, True)]
