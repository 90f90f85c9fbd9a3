"""The P&L panel: seven tabs over one ``LedgerView`` snapshot, and a status line.

Tabs: Summary, Calendar, By underlying, By strategy, By delta, Trades, Net
liquidity. Keyboard: Alt+1…Alt+7 or Ctrl+PgUp/PgDn switch tabs; every table
and the calendar take focus with Tab. The panel does not store anything:
renames, tags, regrouping, delta buckets and drill-downs are announced as
signals for the controller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QSizePolicy, QTableView, QTabWidget, QVBoxLayout, QWidget

from workstation.domain.pnl import LedgerView
from workstation.ui.docks.pnl.formatting import day_text, moment_text
from workstation.ui.docks.pnl.models import (
    DayTradesModel,
    GroupsModel,
    NetLiqModel,
    TransactionsModel,
)
from workstation.ui.docks.pnl.summary import SummaryTab
from workstation.ui.docks.pnl.tabs import CalendarTab, DeltaTab, GroupTab, NetLiqTab
from workstation.ui.docks.pnl.trade_tree import TradeTreeModel
from workstation.ui.docks.pnl.trades import TradesTab
from workstation.ui.theme import colors

TAB_TITLES = (
    "Summary",
    "Calendar",
    "By underlying",
    "By strategy",
    "By delta",
    "Trades",
    "Net liquidity",
)
EMPTY = "No ledger yet: import a broker CSV export or sync an account to see P&L"


@dataclass(frozen=True, slots=True)
class PnlModels:
    """Every item model the panel shows."""

    underlyings: GroupsModel
    strategies: GroupsModel
    deltas: GroupsModel
    day_trades: DayTradesModel
    trades: TradeTreeModel
    trade_transactions: TransactionsModel
    bridge: NetLiqModel
    bridge_rows: TransactionsModel

    @classmethod
    def create(cls) -> PnlModels:
        """Return empty models."""
        return cls(
            GroupsModel("Underlying"),
            GroupsModel("Strategy"),
            GroupsModel("Delta at entry", by_number=True),
            DayTradesModel(),
            TradeTreeModel(),
            TransactionsModel(),
            NetLiqModel(),
            TransactionsModel(),
        )


class PnlPanel(QWidget):
    """Everything the P&L dock shows; ``show_view`` fills it from one snapshot."""

    day_selected = Signal(object)  # datetime.date opened in the calendar
    regroup_requested = Signal(tuple)  # ids of the selected trades
    rename_requested = Signal(str, str)  # trade id, new name
    tags_requested = Signal(str, tuple)  # trade id, tags
    netliq_drill = Signal(str)  # bridge component label
    delta_buckets_requested = Signal(tuple)  # increasing delta edges, shares per unit

    def __init__(self, models: PnlModels) -> None:
        super().__init__()
        self.setObjectName("PnlPanel")
        self.models = models
        self.view: LedgerView | None = None
        self.current = True
        self.summary = SummaryTab()
        self.calendar = CalendarTab(models.day_trades)
        self.by_underlying = GroupTab(models.underlyings, "Total P&L by underlying")
        self.by_strategy = GroupTab(models.strategies, "Total P&L by strategy")
        self.by_delta = DeltaTab(models.deltas)
        self.trades = TradesTab(models.trades, models.trade_transactions)
        self.netliq = NetLiqTab(models.bridge, models.bridge_rows)
        self.tabs = self._make_tabs()
        self.status = QLabel(EMPTY)
        self.status.setObjectName("Muted")
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        self._relay()
        self._shortcuts()

    def _make_tabs(self) -> QTabWidget:
        tabs = QTabWidget()
        tabs.setDocumentMode(True)
        pages: tuple[QWidget, ...] = (
            self.summary,
            self.calendar,
            self.by_underlying,
            self.by_strategy,
            self.by_delta,
            self.trades,
            self.netliq,
        )
        for number, (page, title) in enumerate(zip(pages, TAB_TITLES, strict=True), start=1):
            tabs.addTab(page, title)
            tabs.setTabToolTip(number - 1, f"{title}  Alt+{number}")
        # Where Alt+n puts the keyboard on each page.
        self.summary.setFocusProxy(self.summary.chart)
        self.calendar.setFocusProxy(self.calendar.heatmap)
        for group in (self.by_underlying, self.by_strategy, self.by_delta):
            group.setFocusProxy(group.table)
        self.trades.setFocusProxy(self.trades.tree)
        self.netliq.setFocusProxy(self.netliq.table)
        return tabs

    def _relay(self) -> None:
        self.calendar.day_selected.connect(self.day_selected)
        self.trades.regroup_requested.connect(self.regroup_requested)
        self.models.trades.rename_requested.connect(self.rename_requested)
        self.models.trades.tags_requested.connect(self.tags_requested)
        self.netliq.drill.connect(self.netliq_drill)
        self.by_delta.buckets_requested.connect(self.delta_buckets_requested)

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        bindings: list[tuple[str, Callable[[], None]]] = [
            ("Ctrl+PgDown", partial(self.step_tab, 1)),
            ("Ctrl+PgUp", partial(self.step_tab, -1)),
        ]
        bindings += [(f"Alt+{n + 1}", partial(self.show_tab, n)) for n in range(len(TAB_TITLES))]
        for keys, slot in bindings:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # ------------------------------------------------------------------ tabs
    def show_tab(self, index: int) -> None:
        """Show tab ``index`` (0-based) and put the keyboard in it."""
        self.tabs.setCurrentIndex(index)
        page = self.tabs.currentWidget()
        page.setFocus(Qt.FocusReason.ShortcutFocusReason)  # every page has a focus proxy

    def step_tab(self, step: int) -> None:
        """Show the next (1) or previous (-1) tab, wrapping around."""
        self.show_tab((self.tabs.currentIndex() + step) % self.tabs.count())

    # ------------------------------------------------------------------ snapshot
    def show_view(self, view: LedgerView, pending: str = "") -> None:
        """Fill every tab from ``view``.

        ``pending`` is empty for the current view; for a saved view shown
        while the current one is computed it says what is being brought up to
        date ("updating marks", "recomputing for today", ...).
        """
        self.view = view
        self.current = not pending
        self.summary.show_view(view, saved=bool(pending))
        self.calendar.show_view(view)
        self.by_underlying.show_groups(view.by_underlying)
        self.by_strategy.show_groups(view.by_strategy)
        self.by_delta.show_groups(view.by_delta)
        self.trades.show_view(view)
        self.netliq.show_view(view)
        self._status(view, pending)
        for table in self.findChildren(QTableView):
            if table.model().rowCount() == 0:  # no rows to fit: fit the titles in the theme's font
                table.resizeColumnsToContents()

    def _status(self, view: LedgerView, pending: str) -> None:
        accounts = ", ".join(view.accounts) or "no accounts"
        span = f"{day_text(view.first)} – {day_text(view.last)}" if view.first else "no rows"
        count = len(view.problems)
        noun = "problem" if count == 1 else "problems"
        when = (
            f"Saved {moment_text(view.as_of)}; {pending}…"
            if pending
            else f"As of {moment_text(view.as_of)}"
        )
        self.status.setText(
            f"{when} · accounts {accounts} · {span} · {len(view.trades):,} trades · {count} {noun}"
        )
        tip = "\n".join(view.problems) or "No import or matching problems"
        if pending:
            saved = moment_text(view.as_of)
            tip = f"The view saved {saved}, at that time's marks; the current one follows\n{tip}"
        self.status.setToolTip(tip)
        tint = f"color: {colors().stale.name()};" if count or pending else ""
        self.status.setStyleSheet(tint)
