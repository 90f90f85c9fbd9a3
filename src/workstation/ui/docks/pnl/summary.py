"""The Summary tab: headline figure cards, the P&L convention in words, the equity curve."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from workstation.domain.pnl import LedgerView, PnlSummary
from workstation.ui.docks.pnl.charts import EquityCurveChart
from workstation.ui.docks.pnl.formatting import (
    moment_text,
    money,
    ny_date,
    percent,
    pnl_color,
    ratio,
)

CARDS_PER_ROW = 5
FIGURE_STYLE = "font-size: 20px; font-weight: 600;"


@dataclass(frozen=True, slots=True)
class Figure:
    """What one card shows: the value, a line under it, and the sign that colours it."""

    value: str
    detail: str
    pnl: Decimal | None = None


def _figures(s: PnlSummary, year: int, marks: str = "latest marks") -> dict[str, Figure]:
    """Return every card's figure; ``marks`` says which marks value the open legs."""
    unmarked = s.unmarked_positions
    pf = s.profit_factor
    return {
        "Realized (net)": Figure(
            money(s.realized), f"gross {money(s.realized_gross)} before fees", s.realized
        ),
        "Unrealized": Figure(
            money(s.unrealized),
            f"{unmarked} positions without a mark" if unmarked else f"open legs at {marks}",
            s.unrealized,
        ),
        "Total": Figure(money(s.total), "realized + unrealized", s.total),
        "Fees": Figure(money(s.fees), "commissions and exchange fees paid"),
        "YTD realized": Figure(money(s.ytd_realized), f"since Jan 1 {year}", s.ytd_realized),
        "Win rate": Figure(percent(s.win_rate), f"{s.winners:,} won · {s.losers:,} lost"),
        "Closed trades": Figure(
            f"{s.closed_trades:,}",
            f"avg win {money(s.average_win)} · avg loss {money(s.average_loss)}",
        ),
        "Profit factor": Figure(
            ratio(pf), "gross wins ÷ gross losses" if pf is not None else "no losing trade yet"
        ),
        "Largest win": Figure(money(s.largest_win), "best closed trade", s.largest_win),
        "Largest loss": Figure(money(s.largest_loss), "worst closed trade", s.largest_loss),
    }


CARD_TITLES = (
    "Realized (net)",
    "Unrealized",
    "Total",
    "Fees",
    "YTD realized",
    "Win rate",
    "Closed trades",
    "Profit factor",
    "Largest win",
    "Largest loss",
)


def convention_text(view: LedgerView, marks: str = "the latest marks") -> str:
    """Return the P&L convention in one sentence for the small print under the cards."""
    s = view.summary
    unmarked = (
        f" {s.unmarked_positions} open positions have no mark and count as zero."
        if s.unmarked_positions
        else ""
    )
    return (
        "Realized P&L is net of fees (gross is before fees); lots are matched first in, "
        "first out; days are New York dates. Assignment and exercise: "
        f"{s.convention}. Unrealized uses {marks}.{unmarked}"
    )


class FigureCard(QFrame):
    """One headline number with its title and a detail line."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.setObjectName("PnlCard")
        self.title = QLabel(title)
        self.title.setObjectName("Muted")
        self.value = QLabel("—")
        self.value.setObjectName("PnlFigure")
        self.value.setStyleSheet(FIGURE_STYLE)
        self.detail = QLabel("")
        self.detail.setObjectName("Muted")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def show_figure(self, figure: Figure) -> None:
        """Show ``figure``, green or red when it is a gain or a loss."""
        self.value.setText(figure.value)
        self.detail.setText(figure.detail)
        color: QColor | None = pnl_color(figure.pnl)
        tint = f"color: {color.name()};" if color is not None else ""
        style = f"{FIGURE_STYLE} {tint}"
        if style != self.value.styleSheet():  # a new style sheet re-polishes the label: skip
            self.value.setStyleSheet(style)


class SummaryTab(QWidget):
    """Cards of the headline numbers over the equity curve."""

    def __init__(self) -> None:
        super().__init__()
        self.cards = {title: FigureCard(title) for title in CARD_TITLES}
        self.convention = QLabel("")
        self.convention.setObjectName("Muted")
        self.convention.setWordWrap(True)
        self.convention.setStyleSheet("font-size: 11px;")
        self.chart = EquityCurveChart()
        grid = QGridLayout()
        grid.setSpacing(6)
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, *divmod(i, CARDS_PER_ROW))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(grid)
        layout.addWidget(self.convention)
        layout.addWidget(self.chart, 1)
        self.setStyleSheet(
            "QFrame#PnlCard { border: 1px solid rgba(125, 136, 152, 90); border-radius: 6px; }"
            "QFrame#PnlCard QLabel { background: transparent; border: none; }"
        )

    def show_view(self, view: LedgerView, *, saved: bool = False) -> None:
        """Fill the cards, the convention line and the curve from ``view``.

        ``saved``: a saved view shown while the current one is computed; its
        open legs are valued at the marks of when it was saved, and say so.
        """
        year = ny_date(view.as_of).year
        figures = _figures(view.summary, year, "saved marks" if saved else "latest marks")
        for title, card in self.cards.items():
            card.show_figure(figures[title])
        marks = f"the marks of {moment_text(view.as_of)}" if saved else "the latest marks"
        self.convention.setText(convention_text(view, marks))
        self.chart.set_points(view.equity_curve, view.last or ny_date(view.as_of))

    def card_text(self, title: str) -> str:
        """Return the value shown on card ``title``."""
        return self.cards[title].value.text()
