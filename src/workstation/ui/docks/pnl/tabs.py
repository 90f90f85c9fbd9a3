"""The Calendar, By-group and Net-liquidity tabs of the P&L panel."""

from __future__ import annotations

from datetime import date
from functools import partial
from itertools import pairwise

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.pnl import GroupPnl, LedgerView, NetLiqBridge, PnlPeriod
from workstation.ui.docks.pnl.charts import BarChart, WaterfallChart
from workstation.ui.docks.pnl.formatting import ZERO, money, ny_date
from workstation.ui.docks.pnl.heatmap import CalendarHeatmap
from workstation.ui.docks.pnl.models import (
    SORT_ROLE,
    DayTradesModel,
    GroupsModel,
    NetLiqModel,
    TransactionsModel,
    bridge_lines,
    day_trades,
    leading_number,
    transaction_lines,
)

ROW_HEIGHT = 22
SAMPLE_ROWS = 100


def make_table(
    model: QAbstractItemModel, *, sortable: bool = False, stretch: int | None = None
) -> QTableView:
    """Return a read-only, row-selecting, keyboard-focusable table over ``model``.

    Column ``stretch`` (the last one when None) takes the width left over.
    """
    table = QTableView()
    if sortable:
        proxy = QSortFilterProxyModel(table)
        proxy.setSortRole(SORT_ROLE)
        proxy.setSourceModel(model)
        table.setModel(proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the snapshot's order until clicked
    else:
        table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    table.setShowGrid(False)
    header = table.horizontalHeader()
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    # Fit the columns to new rows (ResizeToContents would re-measure on every layout),
    # measuring a sample of rows: group tables can hold hundreds. New values refit
    # only a table in sight, where Qt measures just the rows on screen.
    header.setResizeContentsPrecision(SAMPLE_ROWS)
    model.modelReset.connect(table.resizeColumnsToContents)
    model.dataChanged.connect(partial(_refit_in_sight, table))
    return table


def _refit_in_sight(table: QTableView, *_changed: object) -> None:
    if table.isVisible():
        table.resizeColumnsToContents()


def muted(text: str = "") -> QLabel:
    """Return a small grey label."""
    label = QLabel(text)
    label.setObjectName("Muted")
    return label


# ---------------------------------------------------------------------- calendar
class CalendarTab(QWidget):
    """A month heatmap of daily realized P&L; opening a day lists its trades below."""

    day_selected = Signal(object)  # datetime.date

    def __init__(self, model: DayTradesModel) -> None:
        super().__init__()
        self.model = model
        self.view: LedgerView | None = None
        self.day: date | None = None
        self._stale = False
        self.heatmap = CalendarHeatmap()
        self.previous = QPushButton("‹ PgUp")
        self.next = QPushButton("PgDn ›")
        for button in (self.previous, self.next):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # PgUp/PgDn do this from the grid
        self.title = QLabel("")
        self.title.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.month_note = muted()
        self.day_title = muted("Click a day (or Enter on it) to list the trades closed that day")
        self.table = make_table(model, stretch=0)
        self.previous.clicked.connect(lambda: self.heatmap.step_month(-1))
        self.next.clicked.connect(lambda: self.heatmap.step_month(1))
        self.heatmap.month_changed.connect(lambda _first: self._show_month_title())
        self.heatmap.day_activated.connect(self.open_day)
        self._build()

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.previous)
        bar.addWidget(self.title)
        bar.addWidget(self.next)
        bar.addSpacing(12)
        bar.addWidget(self.month_note, 1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.day_title)
        lower_layout.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.heatmap)
        split.addWidget(lower)
        split.setSizes([560, 220])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    def show_view(self, view: LedgerView) -> None:
        """Show the view's daily P&L, opening on the month of its latest close."""
        self.view = view
        days = view.periods.get(PnlPeriod.DAY, ())
        latest = max((p.start for p in days), default=view.last or ny_date(view.as_of))
        self.heatmap.set_days(days, latest)
        self._show_month_title()
        # Listing a day scans every trade (LedgerView.trades_on): only for a tab in sight.
        self._stale = self.day is not None
        if self._stale and self.isVisible():
            self._refresh_day()

    def showEvent(self, event: QShowEvent) -> None:
        """List the open day's trades from the latest snapshot when the tab comes into view."""
        super().showEvent(event)
        if self._stale:
            self._refresh_day()

    def _refresh_day(self) -> None:
        self._stale = False
        if self.day is not None:
            self.open_day(self.day, announce=False)

    def _show_month_title(self) -> None:
        month = self.heatmap.month
        self.title.setText("" if month is None else f"{month:%B %Y}")
        total, count = self.heatmap.month_total()
        noun = "day" if count == 1 else "days"
        self.month_note.setText(
            f"Realized {money(total)} over {count} {noun} with closes · "
            "colour: size of the day against the largest day"
        )

    def open_day(self, day: date, *, announce: bool = True) -> None:
        """List the trades closed on ``day`` and announce it with ``day_selected``."""
        self.day, self._stale = day, False
        if self.view is not None:
            rows = day_trades(self.view, day)
            self.model.set_rows(rows)
            self.day_title.setText(self._day_title(day))
        if announce:
            self.day_selected.emit(day)

    def _day_title(self, day: date) -> str:
        rows = self.model.rows
        if not rows:
            return f"{day:%a %b %d %Y}: no trades closed that day"
        noun = "trade" if len(rows) == 1 else "trades"
        total = money(sum((r.net for r in rows), ZERO))
        return f"{day:%a %b %d %Y}: {len(rows)} {noun} closed, realized {total}"


# ---------------------------------------------------------------------- groups
class GroupTab(QWidget):
    """P&L of each group (sortable table) and a bar chart of the groups' totals."""

    def __init__(self, model: GroupsModel, chart_title: str) -> None:
        super().__init__()
        self.model = model
        self.table = make_table(model, sortable=True, stretch=0)
        self.chart = BarChart(chart_title)
        self.note = muted("Click a column title to sort; totals are realized + unrealized")
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.table)
        self.split.addWidget(self.chart)
        self.split.setSizes([720, 560])
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(6, 6, 6, 6)
        self.body.addWidget(self.split, 1)
        self.body.addWidget(self.note)

    def show_groups(self, groups: tuple[GroupPnl, ...]) -> None:
        """Show ``groups`` in the table and their totals in the chart."""
        self.model.set_rows(groups)
        self.chart.set_bars([(g.label, g.total) for g in groups])

    def shown_labels(self) -> list[str]:
        """Return the labels in the order the table shows them (after sorting)."""
        table = self.table.model()
        return [table.index(r, 0).data() for r in range(table.rowCount())]


def parse_buckets(text: str) -> tuple[float, ...]:
    """Return delta bucket edges from ``-50 -16 -5 5 16 50`` (commas or spaces).

    Raises ValueError unless there are at least two strictly increasing numbers.
    """
    parts = text.replace(",", " ").split()
    try:
        edges = tuple(float(p) for p in parts)
    except ValueError:
        raise ValueError(f"delta buckets must be numbers, got {text!r}") from None
    if len(edges) < 2 or any(b <= a for a, b in pairwise(edges)):
        raise ValueError("give at least two delta edges in increasing order, e.g. -50 -5 5 50")
    return edges


class DeltaTab(GroupTab):
    """Groups by the position's delta at entry, with editable bucket edges."""

    buckets_requested = Signal(tuple)  # increasing edges, shares per unit

    def __init__(self, model: GroupsModel) -> None:
        super().__init__(model, "Total P&L by delta at entry")
        self.edges = QLineEdit(placeholderText="Bucket edges, e.g. -50 -16 -5 5 16 50, then Enter")
        self.edges.setToolTip(
            "Delta at entry in shares per unit (a short 16-delta put is +16); "
            "each bucket runs from one edge to the next"
        )
        self.edges.returnPressed.connect(self._request)
        self.message = muted()
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # buckets from short to long
        row = QHBoxLayout()
        row.addWidget(QLabel("Delta buckets"))
        row.addWidget(self.edges, 1)
        row.addWidget(self.message, 1)
        self.body.insertLayout(0, row)

    def show_groups(self, groups: tuple[GroupPnl, ...]) -> None:
        """Show the buckets, the chart in delta order (most negative first)."""
        super().show_groups(groups)
        ordered = sorted(groups, key=lambda g: leading_number(g.label))
        self.chart.set_bars([(g.label, g.total) for g in ordered])
        self.message.setText("")

    def _request(self) -> None:
        try:
            edges = parse_buckets(self.edges.text())
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText("Regrouping…")
        self.buckets_requested.emit(edges)


# ---------------------------------------------------------------------- net liquidity
def reconciliation_text(bridge: NetLiqBridge) -> str:
    """Return the broker reconciliation in a sentence: the gap and its reason, or why none."""
    gap = bridge.difference
    if gap is None:
        return "No broker balance snapshots for this period: nothing to reconcile against."
    if gap == ZERO:
        return "Reconciled: the components explain the broker's change exactly."
    why = bridge.reason or "the reason is not known (look for rows missing from the import)"
    return f"Difference to broker: {money(gap, signed=True)} — {why}"


class NetLiqTab(QWidget):
    """The net-liq bridge: components, total, broker reconciliation, a waterfall, drill-down."""

    drill = Signal(str)  # component label

    def __init__(self, model: NetLiqModel, rows: TransactionsModel) -> None:
        super().__init__()
        self.model, self.rows = model, rows
        self.view: LedgerView | None = None
        self.component: str | None = None  # the component whose rows are listed
        self.period = QLabel("")
        self.period.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.table = make_table(model)
        self.table.activated.connect(self._activated)
        self.reconciliation = QLabel("")
        self.reconciliation.setWordWrap(True)
        self.chart = WaterfallChart()
        self.drill_title = muted("Double-click a component (or Enter on it) to list its rows")
        self.drill_table = make_table(rows)
        self._build()

    def _build(self) -> None:
        bridge = QWidget()
        bridge_layout = QVBoxLayout(bridge)
        bridge_layout.setContentsMargins(0, 0, 0, 0)
        bridge_layout.addWidget(self.table, 1)
        bridge_layout.addWidget(self.reconciliation)
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(bridge)
        upper.addWidget(self.chart)
        upper.setSizes([640, 640])
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.drill_title)
        lower_layout.addWidget(self.drill_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setSizes([520, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.period)
        layout.addWidget(split, 1)

    def show_view(self, view: LedgerView) -> None:
        """Show the bridge of ``view`` (or say there is none)."""
        self.view = view
        bridge = view.netliq
        self.model.set_rows(bridge_lines(bridge))
        if bridge is None:
            self.period.setText("No net-liquidity bridge: no balances for this period")
            self.chart.set_steps((), None)
            self.reconciliation.setText("")
            self.rows.set_rows(())
            return
        self.period.setText(
            f"Net liquidity {bridge.first:%b %d %Y} – {bridge.last:%b %d %Y}: "
            f"explained change {money(bridge.explained, signed=True)}"
        )
        broker = None
        if bridge.broker_start is not None and bridge.broker_end is not None:
            broker = bridge.broker_end - bridge.broker_start
        self.chart.set_steps([(c.label, c.amount) for c in bridge.components], broker)
        self.reconciliation.setText(reconciliation_text(bridge))
        if self.component is not None:
            self.open_component(self.component, announce=False)

    def _activated(self, index: QModelIndex) -> None:
        line = self.model.row(index)
        if line is not None and line.drillable:
            self.open_component(line.label)

    def open_component(self, label: str, *, announce: bool = True) -> None:
        """List the rows behind component ``label`` and announce it with ``drill``."""
        bridge = None if self.view is None else self.view.netliq
        component = (
            next((c for c in bridge.components if c.label == label), None) if bridge else None
        )
        if self.view is None or component is None:
            self.rows.set_rows(())
            return
        self.component = label
        self.rows.set_rows(transaction_lines(self.view, component.keys))
        count = len(component.keys)
        self.drill_title.setText(
            f"{label}: {money(component.amount, signed=True)} from {count:,} rows"
            if count
            else f"{label}: {money(component.amount, signed=True)}; the ledger lists no rows for it"
        )
        if announce:
            self.drill.emit(label)
