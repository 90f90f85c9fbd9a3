"""Models and helpers of the P&L panel: exact cells, sorting, resets, the lazy trade tree."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QSortFilterProxyModel, Qt

from tests.fixtures.ledger_view import changed, sample_view
from workstation.domain.pnl import LedgerView, NetLiqComponent, TradeRow
from workstation.domain.transactions import Transaction, TransactionKind
from workstation.ui.docks.pnl.charts import month_ticks, nice_ticks
from workstation.ui.docks.pnl.formatting import compact_money, money, price, quantity
from workstation.ui.docks.pnl.heatmap import add_months, month_weeks
from workstation.ui.docks.pnl.models import (
    SORT_ROLE,
    VALUE_ROLE,
    DayTradesModel,
    GroupsModel,
    NetLiqModel,
    TransactionsModel,
    bridge_lines,
    day_trades,
    leading_number,
    transaction_lines,
)
from workstation.ui.docks.pnl.tabs import parse_buckets
from workstation.ui.docks.pnl.trade_tree import Col, TradeTreeModel, parse_tags
from workstation.ui.theme import colors

D = Decimal
DISPLAY = Qt.ItemDataRole.DisplayRole
REASON = "Broker accrued interest of $27.60 not yet posted as a transaction"


# ---------------------------------------------------------------------- a view with rows behind it
def _row(key: str, trade: TradeRow, at: datetime, quantity: str, value: str) -> Transaction:
    return Transaction(
        broker="tastytrade",
        account=trade.account,
        key=key,
        kind=TransactionKind.TRADE,
        executed_at=at,
        symbol=trade.underlying,
        underlying=trade.underlying,
        quantity=D(quantity),
        price=D("2.10"),
        value=D(value),
        commission=D("1.00"),
        description=f"{trade.name} ({key})",
    )


def detailed_view() -> LedgerView:
    """Return the sample view with its transactions, rows behind Deposits and a known reason."""
    view = sample_view()
    rows: dict[str, Transaction] = {}
    for trade in view.trades:
        opening = trade.transaction_keys[0]
        rows[opening] = _row(opening, trade, trade.opened_at, "-1", "210")
        for match in trade.matches:
            rows[match.close_key] = _row(match.close_key, trade, match.closed_at, "1", "0")
    deposits = ("dep:1", "dep:2")
    for n, (key, amount) in enumerate(zip(deposits, ("6000", "4000"), strict=True)):
        at = datetime(2026, 1, 5 + n, 15, tzinfo=UTC)
        rows[key] = Transaction(
            broker="tastytrade", account="5WT00001", key=key, kind=TransactionKind.DEPOSIT,
            executed_at=at, value=D(amount), description="ACH deposit",
        )  # fmt: skip
    assert view.netliq is not None
    components = tuple(
        NetLiqComponent(c.label, c.amount, deposits) if c.label == "Deposits" else c
        for c in view.netliq.components
    )
    bridge = changed(view.netliq, components=components, reason=REASON)
    return changed(view, netliq=bridge, transactions=rows)


def _cells(model, row: int, parent=None) -> list[str]:
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    return [model.index(row, c, parent).data() for c in range(model.columnCount(parent))]


# ---------------------------------------------------------------------- formatting
def test_money_is_cents_with_separators_and_a_leading_minus():
    assert money(D("-1210.5")) == "-$1,210.50"
    assert money(D("212.4")) == "$212.40"
    assert money(D("212.4"), signed=True) == "+$212.40"
    assert money(D("-0.004")) == "$0.00"
    assert money(D("0.005")) == "$0.01"  # half-up, not banker's rounding
    assert compact_money(D("-1210.50")) == "-$1,211"
    assert compact_money(D("123456")) == "$123.5k"
    assert compact_money(D("-12345678")) == "-$12.3M"
    assert price(D("2.1")) == "2.10"
    assert price(D("0.0525")) == "0.0525"
    assert quantity(D("-1")) == "-1"
    assert quantity(D("100")) == "+100"


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_money_reads_back_as_the_same_cents(value):
    text = money(value)
    back = D(text.replace("$", "").replace(",", ""))
    assert back == value
    assert text.startswith("-") == (value < 0)


def test_calendar_and_axis_helpers():
    assert [w[0] for w in month_weeks(date(2026, 3, 1))] == [
        date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16),
        date(2026, 3, 23), date(2026, 3, 30),
    ]  # fmt: skip
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert month_ticks(date(2026, 3, 6), date(2026, 11, 20), 12)[0] == date(2026, 4, 1)
    quarterly = month_ticks(date(2024, 1, 1), date(2026, 12, 31), 12)
    assert {d.month for d in quarterly} == {1, 4, 7, 10}
    assert nice_ticks(-1210.5, 860.0) == [-1000.0, -500.0, 0.0, 500.0]
    assert leading_number("-50 to -5") == -50.0
    assert leading_number("+5 to +50") == 5.0


@given(st.lists(st.text(alphabet="ab ,", max_size=6), max_size=6))
def test_tags_are_trimmed_unique_and_non_blank(parts):
    tags = parse_tags(",".join(parts))
    assert all(tag and tag == tag.strip() and "," not in tag for tag in tags)
    assert len(set(tags)) == len(tags)


def test_delta_bucket_edges_must_increase():
    assert parse_buckets("-50, -5 5 50") == (-50.0, -5.0, 5.0, 50.0)
    for bad in ("", "5", "5 -5", "a b"):
        with pytest.raises(ValueError, match="delta"):
            parse_buckets(bad)


# ---------------------------------------------------------------------- table models
def test_group_rows_show_exact_values_and_sort_by_number(qtmodeltester):
    view = sample_view()
    model = GroupsModel("Underlying")
    model.set_rows(view.by_underlying)
    qtmodeltester.check(model, force_py=True)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)] == [
        "Underlying", "Trades", "Win rate", "Realized", "Unrealized", "Total", "Fees",
    ]  # fmt: skip
    spx = [g.label for g in view.by_underlying].index("SPX")
    assert _cells(model, spx) == [
        "SPX", "1", "0.0%", "-$1,210.50", "$0.00", "-$1,210.50", "$8.50",
    ]  # fmt: skip
    spy = [g.label for g in view.by_underlying].index("SPY")
    assert _cells(model, spy) == [
        "SPY", "2", "100.0%", "$212.40", "$96.00", "$308.40", "$5.20",
    ]  # fmt: skip
    assert model.index(spx, 5).data(Qt.ItemDataRole.ForegroundRole) == colors().negative
    assert model.index(spy, 5).data(Qt.ItemDataRole.ForegroundRole) == colors().positive
    assert model.index(spy, 6).data(Qt.ItemDataRole.ForegroundRole) is None  # fees: no P&L colour
    assert model.index(spx, 3).data(VALUE_ROLE) == D("-1210.50")
    proxy = QSortFilterProxyModel()
    proxy.setSortRole(SORT_ROLE)
    proxy.setSourceModel(model)
    proxy.sort(5, Qt.SortOrder.DescendingOrder)
    by_total = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert by_total == ["TSLA", "IWM", "SPY", "AAPL", "NVDA", "QQQ", "SPX"]
    proxy.sort(2, Qt.SortOrder.AscendingOrder)  # win rate; no closed trade sorts first
    assert proxy.index(0, 0).data() == "NVDA"
    deltas = GroupsModel("Delta at entry", by_number=True)
    deltas.set_rows(view.by_delta)
    proxy.setSourceModel(deltas)
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["-50 to -5", "-5 to +5", "+5 to +50"]


def test_a_new_snapshot_resets_only_when_the_rows_change(qtbot):
    view = sample_view()
    model = GroupsModel("Strategy")
    assert model.set_rows(view.by_strategy) is True
    bumped = [changed(g, realized=g.realized + 1) for g in view.by_strategy]
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        assert model.set_rows(bumped) is False
    assert model.index(0, 3).data() == money(bumped[0].realized)
    with qtbot.waitSignal(model.modelReset):
        assert model.set_rows(bumped[1:]) is True
    assert model.rowCount() == len(bumped) - 1


def test_day_trades_sum_that_days_matches(qtmodeltester):
    view = sample_view()
    model = DayTradesModel()
    rows = day_trades(view, date(2026, 4, 9))
    model.set_rows(rows)
    qtmodeltester.check(model, force_py=True)
    assert _cells(model, 0) == [
        "QQQ 430/435/500/505 iron condor 4/17", "QQQ", "closed", "2026-03-16",
        "-$331.20", "$5.20", "-$331.20",
    ]  # fmt: skip
    assert day_trades(view, date(2026, 4, 10)) == ()


def test_transactions_come_in_ledger_order_and_unknown_keys_are_listed(qtmodeltester):
    view = detailed_view()
    spy = view.trades[0]
    keys = (spy.matches[0].close_key, spy.transaction_keys[0], "fp:missing#1")
    model = TransactionsModel()
    model.set_rows(transaction_lines(view, keys))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3
    first = _cells(model, 0)
    assert first[:9] == [
        "2026-02-18 10:00 ET", "5WT00001", "trade", "SPY", "-1", "2.10", "$210.00", "$1.00",
        "$209.00",
    ]  # fmt: skip
    assert _cells(model, 1)[0] == "2026-03-06 10:00 ET"
    assert _cells(model, 2)[-2:] == ["not in this view", "fp:missing#1"]


def test_bridge_lines_reconcile_with_the_broker(qtmodeltester):
    view = detailed_view()
    model = NetLiqModel()
    model.set_rows(bridge_lines(view.netliq))
    qtmodeltester.check(model, force_py=True)
    rows = [_cells(model, r) for r in range(model.rowCount())]
    assert rows[0] == ["Realized P&L", "+$110.96", ""]
    assert rows[2] == ["Deposits", "+$10,000.00", "2 rows"]
    assert rows[7] == ["Change in net liq (explained)", "+$7,762.76", "Jan 02 2026 – Nov 20 2026"]
    assert rows[8:10] == [
        ["Broker net liq Jan 02 2026", "$50,000.00", "broker snapshot"],
        ["Broker net liq Nov 20 2026", "$57,735.16", "broker snapshot"],
    ]
    assert rows[-1] == ["Difference to broker", "-$27.60", REASON]
    assert model.index(model.rowCount() - 1, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(8, 1).data(Qt.ItemDataRole.ForegroundRole) is None  # a level, not P&L
    no_broker = changed(view.netliq, broker_start=None, broker_end=None)
    assert [line.label for line in bridge_lines(no_broker)][-1] == "Change in net liq (explained)"
    unknown = changed(view.netliq, reason="")
    assert bridge_lines(unknown)[-1].note == "reason not known"
    assert bridge_lines(None) == ()


# ---------------------------------------------------------------------- the trade tree
@pytest.mark.parametrize("words", ["", "iron condor"])
def test_tree_passes_the_model_tester_while_it_changes(qtmodeltester, words):
    view = detailed_view()
    model = TradeTreeModel()
    model.set_filter(words)
    model.set_trades(view.trades)
    qtmodeltester.check(model, force_py=True)  # stays connected: checks every change below
    model.sort(Col.REALIZED, Qt.SortOrder.DescendingOrder)
    model.set_trades(tuple(changed(t, fees=t.fees + 1) for t in view.trades))
    model.set_filter(words + " QQQ")
    model.set_trades(view.trades[:5])
    model.setData(model.index(0, Col.NAME), "renamed")
    assert model.visible_count == 1


def test_tree_rows_children_and_drill_down_keys():
    view = detailed_view()
    model = TradeTreeModel()
    model.set_trades(view.trades)
    assert model.rowCount() == 8
    spy = model.index_of(view.trades[0].id)
    assert _cells(model, spy.row()) == [
        "SPY 560/555 bull put credit spread 3/20", "closed", "2026-02-18", "2026-03-06",
        "$212.40", "", "$212.40", "$2.60", "1 roll · +$212.40", "",
    ]  # fmt: skip
    assert model.rowCount(spy) == 2  # its leg, its closing match
    assert _cells(model, 0, spy)[:2] == ["Leg  -1 SPY leg", "leg"]
    close = model.index(1, 0, spy)
    assert _cells(model, 1, spy) == [
        "Closed  -1 SPY leg  2.10 → 0.00", "trade", "2026-02-18", "2026-03-06",
        "$212.40", "", "$212.40", "$2.60", "", "",
    ]  # fmt: skip
    assert model.parent(close) == spy
    assert model.transaction_keys(close) == ("fp:" + "0" * 32 + "#1", "fp:c0#1")
    assert model.transaction_keys(spy) == view.trades[0].transaction_keys
    nvda = model.index_of(view.trades[7].id)
    assert _cells(model, 1, nvda)[0] == "Open lot  -1 NVDA leg @ 1.20 (mark 0.24)"
    assert model.index(1, Col.UNREALIZED, nvda).data() == "-$44.00"
    assert model.transaction_keys(model.index(1, 0, nvda)) == (view.trades[7].lots[0].open_key,)
    tsla = model.index_of(view.trades[5].id)
    assert model.index(tsla.row(), Col.TAGS).data() == "earnings"


def test_tree_sorts_filters_and_keeps_children_with_their_trade():
    view = sample_view()
    model = TradeTreeModel()
    model.set_trades(view.trades)
    model.sort(Col.REALIZED, Qt.SortOrder.AscendingOrder)
    assert model.index(0, 0).data().startswith("SPX")
    spx = model.index(0, 0)
    assert model.index(1, 0, spx).data().startswith("Closed  -1 SPX leg")
    model.sort(Col.OPENED, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data().startswith("NVDA")
    model.set_filter("", "SPY")
    assert [model.index(r, 0).data()[:11] for r in range(model.rowCount())] == [
        "SPY 700/705",
        "SPY 560/555",
    ]
    model.set_filter("earnings")  # tags are searched, and the underlying choice is replaced
    assert model.visible_count == 1
    assert model.index(0, 0).data().startswith("TSLA")
    model.set_filter("condor QQQ")
    assert model.visible_count == 1
    assert model.underlyings() == ("AAPL", "IWM", "NVDA", "QQQ", "SPX", "SPY", "TSLA")


def test_tree_value_updates_keep_rows_and_shape_changes_reset(qtbot):
    view = sample_view()
    model = TradeTreeModel()
    model.sort(Col.OPENED, Qt.SortOrder.DescendingOrder)
    model.set_trades(view.trades)
    first = model.index(0, 0)
    model.rowCount(first)
    model.index(1, 0, first).data()  # expand: children are built now
    marked = tuple(changed(t, unrealized=t.unrealized + 10) for t in view.trades)
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        assert model.set_trades(marked) is False
    assert model.index(0, Col.UNREALIZED).data() == "-$34.00"
    with qtbot.waitSignal(model.modelReset):
        assert model.set_trades(marked[:-1]) is True
    reordered = list(marked[:-1])
    reordered[0] = changed(reordered[0], opened_at=datetime(2026, 12, 1, tzinfo=UTC))
    persistent = model.index(0, 0)
    from PySide6.QtCore import QPersistentModelIndex

    kept = QPersistentModelIndex(persistent)
    trade_before = model.trade(kept)
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.layoutChanged):
        assert model.set_trades(tuple(reordered)) is False
    assert model.trade(kept).id == trade_before.id  # the persistent index followed its trade
    assert model.index(0, 0).data().startswith("SPY 560/555")


def test_renaming_and_tagging_are_announced_not_stored(qtbot):
    view = sample_view()
    model = TradeTreeModel()
    model.set_trades(view.trades)
    row = model.index_of(view.trades[1].id).row()
    name = model.index(row, Col.NAME)
    assert model.flags(name) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(row, Col.REALIZED)) & Qt.ItemFlag.ItemIsEditable
    with qtbot.waitSignal(model.rename_requested) as renamed:
        assert model.setData(name, "  QQQ April condor ")
    assert renamed.args == [view.trades[1].id, "QQQ April condor"]
    assert name.data() == "QQQ April condor"
    with qtbot.waitSignal(model.tags_requested) as tagged:
        assert model.setData(model.index(row, Col.TAGS), "earnings, , loser,earnings")
    assert tagged.args == [view.trades[1].id, ("earnings", "loser")]
    assert model.index(row, Col.TAGS).data(Qt.ItemDataRole.EditRole) == "earnings, loser"
    assert not model.setData(name, "   ")
    model.set_trades(view.trades)  # the next snapshot decides what is shown
    assert model.index(row, Col.NAME).data() == view.trades[1].name


def test_children_are_built_only_for_trades_that_are_looked_at():
    view = sample_view()
    start = datetime(2026, 1, 2, 15, tzinfo=UTC)
    many = tuple(
        changed(view.trades[n % 8], id=f"t{n}", opened_at=start + timedelta(hours=n))
        for n in range(2000)
    )
    model = TradeTreeModel()
    model.set_trades(many)
    for row in range(20):
        model.index(row, 0).data()
    assert model._children == {}
    model.index(0, 0, model.index(3, 0)).data()
    assert len(model._children) == 1
