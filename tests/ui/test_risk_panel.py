"""The Risk panel: its models, tabs, keyboard and controller over hand-built reports."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.ui.risk_reports import AAPL_PUT, NO_BENCHMARK, report
from workstation.domain.account_rules import RuleRegime
from workstation.domain.exposure import ScenarioGrid
from workstation.domain.risk import RiskReport
from workstation.ui.docks.risk.controller import RiskController
from workstation.ui.docks.risk.formatting import dollars
from workstation.ui.docks.risk.panel import RiskDock
from workstation.ui.docks.risk.positions import (
    EXIT_COLUMN,
    HEADERS,
    PositionsModel,
)
from workstation.ui.docks.risk.scenarios import VALUE_ROLE, ScenarioModel
from workstation.ui.docks.risk.view import ALL_ACCOUNTS, TAB_TITLES
from workstation.ui.theme import colors

DISPLAY = Qt.ItemDataRole.DisplayRole


class FakeRiskService:
    """Answers ``report`` with the sample report (one account's part when asked) and
    records every call."""

    def __init__(self) -> None:
        self.reports: list[str | None] = []
        self.regimes: list[tuple[str, str, RuleRegime | None]] = []
        self.chosen: RuleRegime | None = None

    async def report(self, account: str | None = None) -> RiskReport:
        self.reports.append(account)
        full = report()
        accounts = tuple(
            replace(a, regime=self.chosen or a.regime, regime_chosen=self.chosen is not None)
            if a.account == "A" else a
            for a in full.accounts
        )  # fmt: skip
        if account is not None:
            positions = tuple(p for p in full.positions if p.position.account == account)
            accounts = tuple(a for a in accounts if a.account == account)
            return replace(full, positions=positions, accounts=accounts)
        return replace(full, accounts=accounts)

    async def set_regime(self, broker: str, account: str, regime: RuleRegime | None) -> None:
        self.regimes.append((broker, account, regime))
        self.chosen = regime


Controlled = tuple[RiskDock, RiskController, FakeRiskService]


def _cell(model: Any, row: int, header: str, parent: QModelIndex | None = None) -> str:
    index = model.index(row, HEADERS.index(header), parent or QModelIndex())
    return str(model.data(index, DISPLAY))


@pytest.fixture
def dock(qtbot: QtBot) -> RiskDock:
    dock = RiskDock.create()
    qtbot.addWidget(dock.view)
    dock.view.resize(1400, 860)
    dock.view.show()
    qtbot.waitExposed(dock.view)
    dock.show_report(report())
    return dock


@pytest.fixture
def controlled(qtbot: QtBot) -> Controlled:
    dock = RiskDock.create()
    qtbot.addWidget(dock.view)
    service = FakeRiskService()
    controller = RiskController(dock, service, lambda coro, name: asyncio.run(coro), 50)  # type: ignore[arg-type]
    return dock, controller, service


# ------------------------------------------------------------------ positions
def test_positions_model_passes_the_qt_model_tester(qtmodeltester: ModelTester) -> None:
    model = PositionsModel()
    sample = report()
    model.set_positions(sample.positions, sample.today)
    qtmodeltester.check(model, force_py=True)


def test_position_rows_show_greeks_pnl_and_legs_as_children() -> None:
    model = PositionsModel()
    sample = report()
    model.set_positions(sample.positions, sample.today)
    assert model.rowCount() == 2
    assert _cell(model, 0, "Position / leg") == "AAPL 250 short put 11/24"
    assert _cell(model, 0, "Delta (sh)") == "12.5"
    assert _cell(model, 0, "Delta ($)") == "$1,250"  # 12.5 shares x $100
    assert _cell(model, 0, "Theta ($/d)") == "8.25"
    assert _cell(model, 0, "P/L ($)") == "$219.00"
    assert _cell(model, 0, "Max loss ($)") == "$24,701.00"
    assert _cell(model, 0, "Exit") == "hit: Profit target hit"
    spread = model.index(1, 0)
    assert model.rowCount(spread) == 2
    assert _cell(model, 1, "Position / leg", spread) == "SPY   261211C00610000".strip()
    assert _cell(model, 1, "Qty", spread) == "-1"
    assert _cell(model, 1, "Mark ($/sh)", spread) == "2.20"
    assert _cell(model, 1, "IV (%)", spread) == "17.0"
    assert _cell(model, 1, "DTE (d)", spread) == "18"
    assert _cell(model, 1, "Vega ($/pt)", spread) == "-30.00"


def test_exit_status_is_red_when_hit_amber_when_near_and_explained() -> None:
    model = PositionsModel()
    sample = report()
    model.set_positions(sample.positions, sample.today)
    foreground = Qt.ItemDataRole.ForegroundRole
    assert model.data(model.index(0, EXIT_COLUMN), foreground) == colors().negative
    assert model.data(model.index(1, EXIT_COLUMN), foreground) == colors().stale
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "P/L +$220.00 against a target of $149.50" in tip
    assert "Expiry: close" in tip
    assert "short 250 put is 0.2 EM from spot: pin risk" in tip
    assert "closing costs $0.80 a share" in tip
    assert AAPL_PUT.strip() in tip


def test_a_new_report_of_the_same_shape_changes_values_without_a_reset(qtbot: QtBot) -> None:
    model = PositionsModel()
    sample = report()
    model.set_positions(sample.positions, sample.today)
    before = sample.positions[0].pnl
    assert before is not None
    changed = replace(sample.positions[0], pnl=before * 2)
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        model.set_positions((changed, sample.positions[1]), sample.today)
    assert _cell(model, 0, "P/L ($)") == "$438.00"
    with qtbot.waitSignal(model.modelReset):
        model.set_positions(sample.positions[:1], sample.today)
    assert model.rowCount() == 1


def test_totals_line_shows_spy_weighted_delta_only_with_a_benchmark(dock: RiskDock) -> None:
    line = dock.view.positions.totals.text()
    assert "Delta 37.5 sh · $3,750 · 41.2 SPY sh (β-weighted)" in line
    assert "Theta $4.25/day" in line
    assert "Vega $6.50/vol pt" in line
    assert "P/L $310.00" in line
    dock.show_report(report(NO_BENCHMARK))
    assert "SPY sh" not in dock.view.positions.totals.text()
    assert "Delta concentrated in SPY" in dock.view.positions.warnings.text()


def test_selecting_a_position_shows_its_exit_details(qtbot: QtBot, dock: RiskDock) -> None:
    tab = dock.view.positions
    first = tab.proxy.index(0, 0)
    tab.tree.setCurrentIndex(first)
    assert "Profit target hit" in tab.detail.toPlainText()
    assert "pin risk" in tab.detail.toPlainText()


# ------------------------------------------------------------------ scenarios
def test_scenario_model_passes_the_qt_model_tester(qtmodeltester: ModelTester) -> None:
    model = ScenarioModel()
    model.set_grid(report().scenario, 1)
    qtmodeltester.check(model, force_py=True)


def test_each_heatmap_cell_shows_its_grid_value_and_the_days_selector_slices(
    qtbot: QtBot, dock: RiskDock
) -> None:
    tab = dock.view.scenarios
    model = tab.model
    grid = report().scenario
    assert grid is not None
    assert model.headerData(2, Qt.Orientation.Vertical) == "+1 EM"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "+5 vol pts"
    # cell (move +1, vol +5, today) = 100 - 10 + 0
    assert model.data(model.index(2, 1), DISPLAY) == "$90"
    assert model.data(model.index(2, 1), VALUE_ROLE) == grid.cell(1.0, 5.0, 0.0) == 90.0
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole).rgb() == (
        colors().negative.rgb()
    )
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is None  # $0
    tab.days.setCurrentIndex(1)
    assert model.data(model.index(2, 1), VALUE_ROLE) == grid.cell(1.0, 5.0, 7.0) == 91.0
    assert tab.sizes.headers[1] == "1 EM at +7 days ($/sh)"
    assert [row[1].text for row in tab.sizes.rows] == ["6.00", "12.00"]
    assert "expected moves" in tab.mode.text()


def test_without_a_grid_the_scenarios_tab_says_why(dock: RiskDock) -> None:
    dock.show_report(replace(report(), scenario=None))
    assert dock.view.scenarios.model.rowCount() == 0
    assert "No scenario grid" in dock.view.scenarios.mode.text()


# ------------------------------------------------------------------ greeks
def test_greek_charts_draw_one_bar_per_underlying_and_expiry(qtbot: QtBot, dock: RiskDock) -> None:
    dock.view.show_tab(TAB_TITLES.index("Greeks"))
    charts = dock.view.greeks.charts
    assert charts is not None
    assert charts.delta.labels == ("AAPL", "SPY")
    assert charts.delta.values == (1250.0, 15000.0)
    assert charts.theta_expiry.labels == ("11/24 (1d)", "12/11 (18d)")
    assert charts.vega_expiry.values == (-3.5, 10.0)
    rows = dock.view.greeks.concentration.rows
    assert [c.text for c in rows[1]] == ["SPY", "$15,000", "92.3%", "$720", "90.0%"]
    assert [c.text for c in dock.view.greeks.betas.rows[0]] == ["AAPL", "1.20", "demo"]


def test_greek_charts_wait_until_the_tab_is_shown(qtbot: QtBot, dock: RiskDock) -> None:
    assert dock.view.greeks.charts is None  # the Positions tab is in front
    dock.view.show_tab(TAB_TITLES.index("Greeks"))
    assert dock.view.greeks.charts is not None
    assert not dock.view.greeks.grab().isNull()


# ------------------------------------------------------------------ accounts
def test_accounts_tab_shows_each_day_trade_and_when_it_drops_off(dock: RiskDock) -> None:
    card = dock.view.accounts.cards[("tastytrade", "A")]
    rows = [[c.text for c in row] for row in card.day_trades.rows]
    assert rows == [
        ["2026-11-17", AAPL_PUT.strip(), "2", "2026-11-24"],
        ["2026-11-20", "AAPL", "100", "2026-11-27"],
    ]
    text = card.status.text()
    assert "<b>2</b> of 20 trades (10.0%)" in text
    assert "<b>1</b> left before the 4th" in text
    assert "next drops off 2026-11-24" in text
    assert "tastytrade reports 3" in text
    assert "<b>tastytrade counts 3 day trades, we count 2</b>" in text
    assert "Equity below the $25,000 minimum" in card.warnings.text()
    assert card.regime.currentIndex() == 0  # the default for a margin account
    assert card.regime.currentText().startswith("Default — Legacy PDT")


def test_cash_account_shows_settlement_and_an_estimated_margin(dock: RiskDock) -> None:
    card = dock.view.accounts.cards[("schwab", "B")]
    text = card.status.text()
    assert "Settled cash $5,000.00" in text
    assert "2026-11-24: $1,200.00" in text
    assert "Good-faith violations in 12 months: 1" in text
    assert "Margin requirement $1,500.00 (estimate: short option rule)" in text
    assert "cushion <b>$4,700.00</b>" in text
    assert card.regime.currentData() == RuleRegime.CASH.value  # chosen by the trader
    assert card.day_trade_table.isHidden()


def test_changing_the_regime_calls_the_service_and_refreshes(controlled: Controlled) -> None:
    dock, controller, service = controlled
    controller.refresh()
    card = dock.view.accounts.cards[("tastytrade", "A")]
    index = card.regime.findData(RuleRegime.INTRADAY_MARGIN.value)
    card.regime.activated.emit(index)
    assert service.regimes == [("tastytrade", "A", RuleRegime.INTRADAY_MARGIN)]
    assert type(service.regimes[0][2]) is RuleRegime
    assert service.reports == [None, None]  # refreshed after storing
    card = dock.view.accounts.cards[("tastytrade", "A")]
    assert card.regime.currentData() == RuleRegime.INTRADAY_MARGIN.value
    card.regime.activated.emit(0)  # back to the default for the account type
    assert service.regimes[-1] == ("tastytrade", "A", None)


# ------------------------------------------------------------------ controller and keys
def test_account_selector_lists_every_account_and_reloads_for_one(controlled: Controlled) -> None:
    dock, controller, service = controlled
    controller.refresh()
    selector = dock.view.account
    assert [selector.itemText(i) for i in range(selector.count())] == [ALL_ACCOUNTS, "A", "B"]
    selector.setCurrentIndex(2)  # what a click does before it announces the choice
    selector.activated.emit(2)
    assert service.reports == [None, "B"]
    assert [p.position.account for p in dock.view.positions.model.positions] == ["B"]
    assert selector.count() == 3  # a one-account report keeps the full list
    assert selector.currentText() == "B"


def test_refreshes_on_f5_and_on_a_timer_only_while_visible(
    qtbot: QtBot, controlled: Controlled
) -> None:
    dock, controller, service = controlled
    dock.view.show()
    qtbot.waitExposed(dock.view)
    controller.set_visible(True)
    assert service.reports == [None]
    assert controller.timer.isActive()
    controller.timer.stop()  # F5 alone first: the 50 ms timer would race the key press
    dock.view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dock.view)
    dock.view.positions.tree.setFocus()
    qtbot.keyClick(dock.view.positions.tree, Qt.Key.Key_F5)
    assert len(service.reports) == 2
    controller.timer.start()
    qtbot.waitUntil(lambda: len(service.reports) >= 3, timeout=2000)  # the 50 ms timer
    controller.set_visible(False)
    assert not controller.timer.isActive()
    seen = len(service.reports)
    qtbot.wait(150)
    assert len(service.reports) == seen


def test_a_failed_refresh_says_so_and_keeps_the_last_report(controlled: Controlled) -> None:
    dock, controller, service = controlled
    controller.refresh()

    async def broken(account: str | None = None) -> RiskReport:
        raise OSError("market data offline")

    service.report = broken  # type: ignore[method-assign]
    with pytest.raises(OSError, match="market data offline"):
        asyncio.run(controller.load())
    assert "Refresh failed: market data offline" in dock.view.status.text()
    assert controller.report is not None
    assert not controller._loading  # the next F5 runs


def test_alt_keys_switch_tabs_and_every_tab_paints(qtbot: QtBot, dock: RiskDock) -> None:
    assert [dock.view.tabs.tabText(i) for i in range(4)] == list(TAB_TITLES)
    dock.view.activateWindow()
    dock.view.positions.tree.setFocus()
    for number in range(4):
        qtbot.keyClick(dock.view.positions.tree, getattr(Qt.Key, f"Key_{number + 1}"),
                       Qt.KeyboardModifier.AltModifier)  # fmt: skip
        assert dock.view.tabs.currentIndex() == number
        dock.view.tabs.setCurrentIndex(0)
    for number in range(4):
        dock.view.tabs.setCurrentIndex(number)
        assert not dock.view.grab().isNull()


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda moves: st.lists(
            st.floats(-1e6, 1e6, allow_nan=False), min_size=moves * 6, max_size=moves * 6
        )
    ),
    st.integers(0, 1),
)
def test_every_heatmap_cell_is_its_grid_value(qapp: Any, values: list[float], day: int) -> None:
    grid = report().scenario
    assert grid is not None
    pnl = np.array(values, dtype=np.float64).reshape(-1, 3, 2)
    moves = np.linspace(-1.0, 1.0, pnl.shape[0])
    grid = ScenarioGrid(
        grid.mode, grid.underlyings, moves, np.array([0.0, 5.0, 10.0]), grid.days_forward,
        grid.move_sizes, pnl, np.stack([pnl, 0 * pnl]), (),
    )  # fmt: skip
    model = ScenarioModel()
    model.set_grid(grid, day)
    assert (model.rowCount(), model.columnCount()) == pnl.shape[:2]
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            value = float(pnl[row, column, day])
            assert model.data(index, VALUE_ROLE) == value
            assert model.data(index, DISPLAY) == dollars(value)
            tint = model.data(index, Qt.ItemDataRole.BackgroundRole)
            if tint is not None:  # green for a gain, red for a loss, never the other way
                expected = colors().positive if value > 0 else colors().negative
                assert tint.rgb() == expected.rgb()
