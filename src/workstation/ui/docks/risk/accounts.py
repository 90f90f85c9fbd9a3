"""The Accounts tab: one card per account with its rule regime and what that regime checks.

A card shows the regime (a combo box changes it; "default" returns it to the
account type's), equity and where it came from, and then, as the regime
asks: day trades in the window with a row per day trade and when it drops
off, beside the broker's own count; settlement of a cash account; margin
requirement and cushion. Warnings are bold. Changing the regime is announced
with ``regime_requested``; the controller stores it and refreshes.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.account_rules import RuleRegime, default_regime
from workstation.domain.daytrades import DayTrade, DayTradeStatus
from workstation.domain.risk import AccountRisk, MarginStatus
from workstation.domain.settlement import SettlementStatus
from workstation.ui.docks.risk.formatting import day_text, moment_text, money, percent
from workstation.ui.docks.risk.tables import TextTableModel, table_view
from workstation.ui.theme import colors

DAY_TRADE_HEADERS = ("Session", "Symbol", "Quantity (sh/contracts)", "Drops off")
NO_ACCOUNTS = "No accounts in the ledger yet: import a broker export or sync an account."


def day_trade_rows(status: DayTradeStatus) -> list[tuple[str, str, str, str]]:
    """One row per day trade in the window: session, security, quantity, drop-off session."""
    return [_day_trade_row(t) for t in status.day_trades]


def _day_trade_row(trade: DayTrade) -> tuple[str, str, str, str]:
    symbol = trade.symbol.strip()
    if len(trade.symbols) > 1:  # the legs of one order counted once
        symbol += f" (+{len(trade.symbols) - 1} legs, one order)"
    quantity = format(trade.quantity.normalize(), "f")
    return (day_text(trade.session), symbol, quantity, day_text(trade.drops_off))


def day_trade_summary(status: DayTradeStatus) -> str:
    """The window's count, share and room left, in one line of rich text."""
    window = f"{day_text(status.window[0])} – {day_text(status.window[-1])}"
    line = (
        f"Day trades in {window} ({len(status.window)} sessions): <b>{status.count}</b> of "
        f"{status.trades_in_window} trades ({percent(status.share)}) · "
        f"<b>{status.remaining}</b> left before the 4th"
    )
    if status.next_drop_off is not None:
        line += f" · next drops off {day_text(status.next_drop_off)}"
    if status.is_pattern:
        line += " · <b>pattern day trader by our count</b>"
    return line


def settlement_lines(status: SettlementStatus) -> list[str]:
    """Settled and unsettled cash, violations and any restriction (rich text lines)."""
    unsettled = "; ".join(f"{day_text(d)}: {money(a)}" for d, a in status.unsettled) or "none"
    lines = [
        f"Settled cash {money(status.settled_cash)} (free to spend "
        f"{money(status.settled_available)}) · total cash {money(status.total_cash)}",
        f"Unsettled by settlement date: {unsettled}",
        f"Good-faith violations in 12 months: {status.gfv_count_12m} · "
        f"free rides: {len(status.free_rides)}",
    ]
    if status.restricted_until is not None:
        lines.append(
            f"<b>Settled cash only until {day_text(status.restricted_until)}: "
            f"{escape(status.restriction_reason)}</b>"
        )
    return lines


def margin_line(margin: MarginStatus) -> str:
    """Requirement (labelled estimate when ours), cushion and buying power, rich text."""
    source = f"estimate: {escape(margin.method)}" if margin.estimated else "broker"
    cushion = percent(margin.cushion_share)
    power = "" if margin.buying_power is None else f" · buying power {money(margin.buying_power)}"
    return (
        f"Margin requirement {money(margin.requirement)} ({source}) · equity "
        f"{money(margin.equity)} · cushion <b>{money(margin.cushion)}</b> ({cushion}){power}"
    )


def broker_line(account: AccountRisk) -> str:
    """What the broker reports beside our count, and the sentence when they differ."""
    status = account.broker_status
    if status is None:
        return f"{escape(account.broker)} has not reported a day-trade count"
    count = "no count" if status.day_trade_count is None else f"{status.day_trade_count}"
    line = f"{escape(account.broker)} reports {count} (as of {moment_text(status.as_of)})"
    if status.is_pattern_day_trader:
        line += " · flagged as a pattern day trader"
    if account.broker_difference:
        line += f"<br><b>{escape(account.broker_difference)}</b>"
    return line


class AccountCard(QGroupBox):
    """One account's regime and status."""

    regime_requested = Signal(str, str, object)  # broker, account, RuleRegime or None (default)

    def __init__(self, broker: str, account: str) -> None:
        super().__init__(f"{broker} {account}")
        self.broker, self.account = broker, account
        self.regime = QComboBox()
        self.regime.setAccessibleName(f"Rule regime of {account}")
        self.regime.activated.connect(self._chosen)
        self.equity = QLabel()
        self.status = _rich_label()
        self.day_trades = TextTableModel(DAY_TRADE_HEADERS, numeric=(2,))
        self.day_trade_table = table_view(self.day_trades, f"Day trades of {account}")
        self.warnings = _rich_label()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Rule regime:", self.regime)
        form.addRow("Equity:", self.equity)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.day_trade_table)
        layout.addWidget(self.warnings)

    def show_account(self, account: AccountRisk) -> None:
        """Fill the card from ``account``."""
        kind = f" · {account.kind.value}" if account.kind is not None else ""
        self.setTitle(f"{account.broker} {account.account}{kind}")
        self._regimes(account)
        self.equity.setText(f"{money(account.equity)} ({account.equity_source})")
        self.status.setText("<br>".join(self._status_lines(account)))
        self._day_trade_table(account.day_trades)
        tint = colors().negative.name()
        self.warnings.setText(
            "<br>".join(f"<b style='color:{tint}'>⚠ {escape(w)}</b>" for w in account.warnings)
        )
        self.warnings.setVisible(bool(account.warnings))

    def _regimes(self, account: AccountRisk) -> None:
        default = default_regime(account.kind, account.broker)
        self.regime.clear()
        self.regime.addItem(f"Default — {default.label}", "")
        for regime in RuleRegime:
            self.regime.addItem(regime.label, regime.value)  # Qt keeps the plain string
        self.regime.setCurrentIndex(
            self.regime.findData(account.regime.value) if account.regime_chosen else 0
        )

    def _status_lines(self, account: AccountRisk) -> list[str]:
        lines: list[str] = []
        if account.day_trades is not None:
            lines += [day_trade_summary(account.day_trades), broker_line(account)]
        elif account.broker_difference:
            lines.append(broker_line(account))
        if account.settlement is not None:
            lines += settlement_lines(account.settlement)
        if account.margin is not None:
            lines.append(margin_line(account.margin))
        return lines

    def _day_trade_table(self, status: DayTradeStatus | None) -> None:
        rows = [] if status is None else day_trade_rows(status)
        self.day_trades.set_rows(rows)
        self.day_trade_table.setVisible(bool(rows))
        if rows:  # tall enough for every row, no inner scrolling
            view: QTableView = self.day_trade_table
            height = view.horizontalHeader().sizeHint().height() + 4
            height += sum(view.rowHeight(r) or 24 for r in range(len(rows)))
            view.setFixedHeight(height)

    def _chosen(self, index: int) -> None:
        value = self.regime.itemData(index)
        regime = RuleRegime(value) if value else None  # "" is the default for the type
        self.regime_requested.emit(self.broker, self.account, regime)


class AccountsTab(QScrollArea):
    """A card per account, top to bottom; cards are kept across refreshes."""

    regime_requested = Signal(str, str, object)  # broker, account, RuleRegime or None

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.cards: dict[tuple[str, str], AccountCard] = {}
        self.hint = QLabel(NO_ACCOUNTS)
        self.hint.setObjectName("Muted")
        body = QWidget()
        self.stack = QVBoxLayout(body)
        self.stack.addWidget(self.hint)
        self.stack.addStretch(1)
        self.setWidget(body)

    def show_accounts(self, accounts: Sequence[AccountRisk]) -> None:
        """Show one card per account in ``accounts`` (in order), dropping the others."""
        wanted = [(a.broker, a.account) for a in accounts]
        for key in [k for k in self.cards if k not in wanted]:
            self.cards.pop(key).deleteLater()
        for position, account in enumerate(accounts):
            card = self._card(account.broker, account.account)
            self.stack.insertWidget(position + 1, card)  # after the hint, in report order
            card.show_account(account)
        self.hint.setVisible(not accounts)

    def _card(self, broker: str, account: str) -> AccountCard:
        card = self.cards.get((broker, account))
        if card is None:
            card = AccountCard(broker, account)
            card.regime_requested.connect(self.regime_requested)
            self.cards[(broker, account)] = card
        return card


def _rich_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
