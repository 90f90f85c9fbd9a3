"""The P&L panel: exact figures for the sample ledger, keyboard, signals, pictures and speed."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.fixtures.ledger_view import changed, sample_view
from tests.ui.test_pnl_models import REASON, detailed_view
from workstation.domain.pnl import (
    EquityPoint,
    GroupPnl,
    LedgerView,
    PeriodPnl,
    PnlPeriod,
    TradeRow,
)
from workstation.domain.transactions import Transaction, TransactionKind
from workstation.ui.docks.pnl.panel import PnlDock
from workstation.ui.docks.pnl.trade_tree import BATCH, Col
from workstation.ui.docks.pnl.view import EMPTY, TAB_TITLES
from workstation.ui.theme import colors, load_qss

D = Decimal
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _open(qtbot, style_sheet: str = "") -> PnlDock:
    dock = PnlDock.create()
    qtbot.addWidget(dock.view)
    dock.view.setStyleSheet(style_sheet)  # before the rows arrive: columns fit the theme's font
    dock.view.resize(1400, 900)
    dock.view.show()
    qtbot.waitExposed(dock.view)
    dock.view.activateWindow()
    dock.show_view(detailed_view())
    return dock


@pytest.fixture
def dock(qtbot) -> PnlDock:
    return _open(qtbot)


def test_before_the_first_snapshot_the_panel_says_what_to_do(qtbot):
    dock = PnlDock.create()
    qtbot.addWidget(dock.view)
    assert dock.view.status.text() == EMPTY
    assert [dock.view.tabs.tabText(i) for i in range(dock.view.tabs.count())] == list(TAB_TITLES)
    assert not dock.view.grab().isNull()  # every tab paints its hint without a view


def test_summary_cards_show_the_sample_figures(dock):
    summary = dock.view.summary
    shown = {title: summary.card_text(title) for title in summary.cards}
    assert shown == {
        "Realized (net)": "$85.34",
        "Unrealized": "$52.00",
        "Total": "$137.34",
        "Fees": "$25.62",
        "YTD realized": "$85.34",
        "Win rate": "66.7%",
        "Closed trades": "6",
        "Profit factor": "1.06",
        "Largest win": "$860.00",
        "Largest loss": "-$1,210.50",
    }
    assert summary.cards["Realized (net)"].detail.text() == "gross $106.12 before fees"
    assert summary.cards["Win rate"].detail.text() == "4 won · 2 lost"
    assert colors().negative.name() in summary.cards["Largest loss"].value.styleSheet()
    assert colors().positive.name() in summary.cards["Total"].value.styleSheet()
    assert "color" not in summary.cards["Fees"].value.styleSheet()
    assert "option separate" in summary.convention.text()
    assert "net of fees" in summary.convention.text()
    assert summary.chart.points[-1].cumulative == D("85.34")
    status = dock.view.status.text()
    assert status == (
        "As of 2026-11-20 16:00 ET · accounts 5WT00001 · 2026-01-02 – 2026-11-20 · "
        "8 trades · 0 problems"
    )


def test_problems_are_counted_in_the_status_line(dock):
    view = changed(detailed_view(), problems=("a.csv:3: bad date", "b.csv:9: no fee"))
    dock.show_view(view)
    assert dock.view.status.text().endswith("2 problems")
    assert dock.view.status.toolTip() == "a.csv:3: bad date\nb.csv:9: no fee"


def test_calendar_day_totals_for_march_and_april(dock, qtbot):
    calendar = dock.view.calendar
    heatmap = calendar.heatmap
    dock.view.show_tab(1)
    assert heatmap.month == date(2026, 10, 1)  # opens on the latest close
    heatmap.show_month(date(2026, 3, 1))
    assert calendar.title.text() == "March 2026"
    march = {d: heatmap.total_text(d) for d in _days_of(2026, 3) if heatmap.total_text(d)}
    assert march == {date(2026, 3, 6): "$212.40"}
    assert heatmap.month_total() == (D("212.40"), 1)
    assert calendar.month_note.text().startswith("Realized $212.40 over 1 day with closes")
    qtbot.keyClick(heatmap, Qt.Key.Key_PageDown)
    assert calendar.title.text() == "April 2026"
    april = {d: heatmap.total_text(d) for d in _days_of(2026, 4) if heatmap.total_text(d)}
    assert april == {date(2026, 4, 9): "-$331.20"}
    assert heatmap.selected == date(2026, 4, 9)  # a new month selects its first day with P&L
    qtbot.keyClick(heatmap, Qt.Key.Key_PageUp)
    assert heatmap.month == date(2026, 3, 1)
    calendar.next.click()
    assert heatmap.month == date(2026, 4, 1)


def _days_of(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    return [
        first + timedelta(days=n) for n in range(31) if (first + timedelta(days=n)).month == month
    ]


def test_clicking_a_day_lists_its_trades(dock, qtbot):
    calendar = dock.view.calendar
    heatmap = calendar.heatmap
    dock.view.show_tab(1)
    heatmap.show_month(date(2026, 4, 1))
    cell = heatmap.cell_rect(date(2026, 4, 9))
    assert cell is not None
    with qtbot.waitSignal(dock.view.day_selected) as opened:
        qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=cell.center().toPoint())
    assert opened.args == [date(2026, 4, 9)]
    table = calendar.table.model()
    assert table.rowCount() == 1
    assert table.index(0, 0).data() == "QQQ 430/435/500/505 iron condor 4/17"
    assert table.index(0, 4).data() == "-$331.20"
    assert calendar.day_title.text() == "Thu Apr 09 2026: 1 trade closed, realized -$331.20"
    qtbot.keyClick(heatmap, Qt.Key.Key_Right)
    with qtbot.waitSignal(dock.view.day_selected) as opened:
        qtbot.keyClick(heatmap, Qt.Key.Key_Return)
    assert opened.args == [date(2026, 4, 10)]
    assert table.rowCount() == 0
    assert calendar.day_title.text() == "Fri Apr 10 2026: no trades closed that day"
    qtbot.keyClick(heatmap, Qt.Key.Key_Down, delay=-1)
    qtbot.keyClick(heatmap, Qt.Key.Key_Down)
    qtbot.keyClick(heatmap, Qt.Key.Key_Down)
    assert heatmap.selected == date(2026, 5, 1)
    assert heatmap.month == date(2026, 5, 1)
    assert heatmap.day_at(QPoint(1, 1).toPointF()) is None  # the weekday header


def test_alt_numbers_and_ctrl_page_keys_switch_tabs(dock, qtbot):
    view = dock.view
    view.show_tab(5)
    assert view.trades.tree.hasFocus()
    qtbot.keyClick(view.trades.tree, Qt.Key.Key_3, ALT)
    assert view.tabs.currentIndex() == 2
    assert view.by_underlying.table.hasFocus()
    qtbot.keyClick(view.by_underlying.table, Qt.Key.Key_PageDown, CTRL)
    assert view.tabs.currentIndex() == 3
    qtbot.keyClick(view.by_strategy.table, Qt.Key.Key_PageUp, CTRL)
    assert view.tabs.currentIndex() == 2
    qtbot.keyClick(view.by_underlying.table, Qt.Key.Key_7, ALT)
    assert view.tabs.currentIndex() == 6
    assert view.netliq.table.hasFocus()
    qtbot.keyClick(view.netliq.table, Qt.Key.Key_PageDown, CTRL)
    assert view.tabs.currentIndex() == 0  # wraps around
    chart = view.summary.chart
    assert chart.hasFocus()
    qtbot.keyClick(chart, Qt.Key.Key_Left)  # the read-out steps back from the last close
    assert chart.readout() == "Wed Sep 02 2026: -$774.66"
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    assert chart.readout() == "Fri Mar 06 2026: $212.40"
    qtbot.keyClick(chart, Qt.Key.Key_2, ALT)
    assert view.calendar.heatmap.hasFocus()
    assert chart.readout() == ""


def test_group_tables_sort_when_a_column_title_is_clicked(dock, qtbot):
    tab = dock.view.by_underlying
    dock.view.show_tab(2)
    assert tab.shown_labels() == ["AAPL", "IWM", "NVDA", "QQQ", "SPX", "SPY", "TSLA"]
    header = tab.table.horizontalHeader()
    total = QPoint(header.sectionViewportPosition(5) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=total)
    first_click = tab.shown_labels()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=total)
    assert {first_click[0], tab.shown_labels()[0]} == {"SPX", "TSLA"}
    assert tab.chart.bars[0] == ("AAPL", D("148.88"))
    delta = dock.view.by_delta
    assert delta.shown_labels() == ["-50 to -5", "-5 to +5", "+5 to +50"]
    assert [label for label, _ in delta.chart.bars] == ["-50 to -5", "-5 to +5", "+5 to +50"]
    assert delta.chart.bars[1] == ("-5 to +5", D("-1135.94"))


def test_delta_bucket_edges_are_asked_for_and_checked(dock, qtbot):
    tab = dock.view.by_delta
    tab.edges.setText("-50 -16 -5 5 16 50")
    with qtbot.waitSignal(dock.view.delta_buckets_requested) as asked:
        qtbot.keyClick(tab.edges, Qt.Key.Key_Return)
    assert asked.args == [(-50.0, -16.0, -5.0, 5.0, 16.0, 50.0)]
    tab.edges.setText("5 -5")
    with qtbot.assertNotEmitted(dock.view.delta_buckets_requested):
        qtbot.keyClick(tab.edges, Qt.Key.Key_Return)
    assert "increasing order" in tab.message.text()


def test_selecting_a_trade_or_a_close_lists_its_transactions(dock, qtbot):
    tab = dock.view.trades
    dock.view.show_tab(5)
    model = dock.models.trades
    spy = model.index_of(detailed_view().trades[0].id)
    tab.tree.setCurrentIndex(spy)
    rows = dock.models.trade_transactions
    assert rows.rowCount() == 1
    assert (
        rows.index(0, 9).data() == "SPY 560/555 bull put credit spread 3/20 (fp:" + "0" * 32 + "#1)"
    )
    assert tab.detail_title.text() == "SPY 560/555 bull put credit spread 3/20: 1 transactions"
    qtbot.keyClick(tab.tree, Qt.Key.Key_Right)  # expand
    assert tab.tree.isExpanded(spy)
    tab.tree.setCurrentIndex(model.index(1, 0, spy))
    assert [rows.index(r, 0).data() for r in range(2)] == [
        "2026-02-18 10:00 ET",
        "2026-03-06 10:00 ET",
    ]
    assert tab.detail_title.text().startswith("Closed  -1 SPY leg")


def test_filter_box_and_underlying_choice_narrow_the_tree(dock, qtbot):
    tab = dock.view.trades
    dock.view.show_tab(5)
    qtbot.keyClick(tab.tree, Qt.Key.Key_F, CTRL)
    assert tab.filter.hasFocus()
    qtbot.keyClicks(tab.filter, "condor")
    assert tab.count.text() == "2 of 8 trades"
    tab.underlying.setCurrentText("SPX")
    assert tab.count.text() == "1 of 8 trades"
    tab.filter.clear()
    tab.underlying.setCurrentIndex(0)
    assert tab.count.text() == "8 trades"
    assert [tab.underlying.itemText(i) for i in range(tab.underlying.count())] == [
        "All underlyings", "AAPL", "IWM", "NVDA", "QQQ", "SPX", "SPY", "TSLA",
    ]  # fmt: skip


def test_f2_renames_ctrl_t_tags_and_ctrl_g_regroups(dock, qtbot):
    tab = dock.view.trades
    dock.view.show_tab(5)
    model = dock.models.trades
    qqq = detailed_view().trades[1]
    tab.tree.setCurrentIndex(model.index_of(qqq.id))
    qtbot.keyClick(tab.tree, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert editor.text() == qqq.name
    editor.setText("QQQ April condor")
    with qtbot.waitSignal(dock.view.rename_requested) as renamed:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert renamed.args == [qqq.id, "QQQ April condor"]
    qtbot.keyClick(tab.tree, Qt.Key.Key_T, CTRL)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.setText("loser, fomc")
    with qtbot.waitSignal(dock.view.tags_requested) as tagged:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert tagged.args == [qqq.id, ("loser", "fomc")]
    tsla = model.index_of(detailed_view().trades[5].id)
    tab.tree.selectionModel().select(
        tsla,
        tab.tree.selectionModel().SelectionFlag.Select
        | tab.tree.selectionModel().SelectionFlag.Rows,
    )
    with qtbot.waitSignal(dock.view.regroup_requested) as regroup:
        qtbot.keyClick(tab.tree, Qt.Key.Key_G, CTRL)
    assert set(regroup.args[0]) == {qqq.id, detailed_view().trades[5].id}


def test_a_new_snapshot_keeps_the_selected_trade(dock):
    tab = dock.view.trades
    model = dock.models.trades
    view = detailed_view()
    tab.tree.setCurrentIndex(model.index_of(view.trades[3].id))
    fresh = changed(view, trades=tuple(changed(t, fees=t.fees + 1) for t in view.trades))
    dock.show_view(fresh)
    assert model.trade(tab.tree.currentIndex()).id == view.trades[3].id
    assert model.index(tab.tree.currentIndex().row(), Col.FEES).data() == "$3.24"


def test_netliq_shows_the_difference_to_the_broker_and_drills_into_components(dock, qtbot):
    tab = dock.view.netliq
    dock.view.show_tab(6)
    assert tab.period.text() == (
        "Net liquidity Jan 02 2026 – Nov 20 2026: explained change +$7,762.76"
    )
    table = tab.table.model()
    last = table.rowCount() - 1
    assert [table.index(last, c).data() for c in range(3)] == [
        "Difference to broker", "-$27.60", REASON,
    ]  # fmt: skip
    deposits = table.index(2, 0)
    tab.table.setCurrentIndex(deposits)
    with qtbot.waitSignal(dock.view.netliq_drill) as drilled:
        qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert drilled.args == ["Deposits"]
    rows = dock.models.bridge_rows
    assert [rows.index(r, 6).data() for r in range(rows.rowCount())] == ["$6,000.00", "$4,000.00"]
    assert tab.drill_title.text() == "Deposits: +$10,000.00 from 2 rows"
    with qtbot.assertNotEmitted(dock.view.netliq_drill):
        dock.show_view(detailed_view())  # a new snapshot lists the open component's rows again
    assert rows.rowCount() == 2
    realized = tab.table.visualRect(table.index(0, 0)).center()
    with qtbot.waitSignal(dock.view.netliq_drill) as drilled:
        _double_click(qtbot, tab.table.viewport(), realized)
    assert drilled.args == ["Realized P&L"]
    assert rows.rowCount() == 0
    assert "lists no rows" in tab.drill_title.text()
    total = tab.table.visualRect(table.index(7, 0)).center()
    with qtbot.assertNotEmitted(dock.view.netliq_drill):
        _double_click(qtbot, tab.table.viewport(), total)
    assert tab.chart.broker == D("7735.16")
    assert tab.reconciliation.text() == f"Difference to broker: -$27.60 — {REASON}"


def _double_click(qtbot, widget, point: QPoint) -> None:
    # QTest's double click alone is not seen as one by item views under Qt 6: press first.
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=point)


def test_a_view_without_a_bridge_says_so(dock):
    dock.view.netliq.open_component("Deposits")
    dock.show_view(changed(detailed_view(), netliq=None))
    assert dock.models.bridge.rowCount() == 0
    assert dock.models.bridge_rows.rowCount() == 0
    assert dock.view.netliq.period.text().startswith("No net-liquidity bridge")


# ---------------------------------------------------------------------- pictures
@pytest.mark.parametrize("theme", ["dark"])
def test_every_tab_renders_at_1400_by_900(qtbot, theme):
    dock = _open(qtbot, load_qss(theme))
    view = dock.view
    view.calendar.heatmap.show_month(date(2026, 4, 1))
    view.calendar.open_day(date(2026, 4, 9))
    tree = view.trades.tree
    tree.expandAll()
    tree.setCurrentIndex(dock.models.trades.index(1, 0, dock.models.trades.index(3, 0)))
    view.netliq.open_component("Deposits")
    for i, title in enumerate(TAB_TITLES):
        view.show_tab(i)
        qtbot.wait(1)
        image = Path(f"/tmp/pnl_{title.split()[-1].lower()}.png")
        picture = view.grab()
        assert (picture.width(), picture.height()) == (1400, 900)
        assert picture.save(str(image))
        assert image.stat().st_size > 25_000, title  # a real picture, not an empty frame


# ---------------------------------------------------------------------- speed
def synthetic_view(trades: int = 20_000, rows_per_trade: int = 5) -> LedgerView:
    """Return a view of ``trades`` trades over 8 years with ``rows_per_trade`` transactions each."""
    base = sample_view()
    start = datetime(2018, 1, 2, 15, tzinfo=UTC)
    underlyings = [f"U{n:03d}" for n in range(400)]
    made: list[TradeRow] = []
    rows: dict[str, Transaction] = {}
    for n in range(trades):
        model = base.trades[n % len(base.trades)]
        opened = start + timedelta(hours=3 * n)
        keys = tuple(f"k{n}:{r}" for r in range(rows_per_trade))
        made.append(
            changed(
                model, id=f"t{n}", underlying=underlyings[n % 400], opened_at=opened,
                name=f"{underlyings[n % 400]} {model.kind} #{n}", transaction_keys=keys,
            )
        )  # fmt: skip
        for key in keys:
            rows[key] = _cheap_row(key, opened)
    days = tuple(
        PeriodPnl(date(2018, 1, 2) + timedelta(days=d), D("12.50") * (d % 7 - 3), D(0), D(1), 3)
        for d in range(2900)
    )
    groups = tuple(GroupPnl(u, D("100"), D("5"), D("3"), 50, 30, 20) for u in underlyings)
    curve = tuple(EquityPoint(p.start, D(n)) for n, p in enumerate(days))
    return changed(
        base, trades=tuple(made), transactions=rows, by_underlying=groups,
        periods={**base.periods, PnlPeriod.DAY: days}, equity_curve=curve,
    )  # fmt: skip


def _cheap_row(key: str, at: datetime) -> Transaction:
    return Transaction(
        "tastytrade", "5WT00001", key, TransactionKind.TRADE, at, symbol="X", quantity=D(1),
        content_key=key,  # skip hashing: only the panel's speed is measured here
    )  # fmt: skip


def test_show_view_of_twenty_thousand_trades_is_fast(dock, qtbot):
    view = synthetic_view()
    assert len(view.trades) == 20_000
    assert len(view.transactions) == 100_000
    dock.view.show_tab(5)
    started = time.perf_counter()
    dock.show_view(view)
    qtbot.wait(1)
    first = time.perf_counter() - started
    marked = changed(
        view, trades=tuple(changed(t, unrealized=t.unrealized + 1) for t in view.trades)
    )
    started = time.perf_counter()
    dock.show_view(marked)
    qtbot.wait(1)
    again = time.perf_counter() - started
    tree = dock.view.trades.tree
    started = time.perf_counter()
    tree.setCurrentIndex(dock.models.trades.index(0, 0))
    select = time.perf_counter() - started
    print(f"\nshow_view 20,000 trades: first {first * 1000:.0f} ms, update {again * 1000:.0f} ms, "
          f"select {select * 1000:.1f} ms")  # fmt: skip
    assert dock.models.trades.visible_count == 20_000
    handed = dock.models.trades.rowCount()
    assert handed in (BATCH, 2 * BATCH)  # the rest arrive as the tree scrolls
    tree.scrollToBottom()
    qtbot.waitUntil(lambda: dock.models.trades.rowCount() > handed)
    assert dock.models.trade_transactions.rowCount() == 5
    assert first < 0.5
    assert again < 0.5
