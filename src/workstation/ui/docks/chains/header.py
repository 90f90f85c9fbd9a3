"""The chain panel's header: underlying, model, ATM IV, IV rank, expected move, mini-charts."""

from __future__ import annotations

import math
from zoneinfo import ZoneInfo

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workstation.services.chain_view import ChainView, ExpiryView
from workstation.ui.widgets.sparkline import Sparkline

NEW_YORK = ZoneInfo("America/New_York")


def _pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None or math.isnan(value) else f"{100 * value:.{digits}f}%"


def _num(value: float | None, fmt: str = ",.2f") -> str:
    return "—" if value is None or math.isnan(value) else format(value, fmt)


class ChainHeader(QWidget):
    """Numbers a trader reads before the chain itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("—")
        self.title.setObjectName("ChainTitle")
        self.model = QLabel("")
        self.model.setObjectName("Muted")
        self.model.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.model.setMinimumWidth(240)
        self.model.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.metrics = {
            name: QLabel("—")
            for name in ("atm", "iv30", "rank", "regime", "term", "em_iv", "em_straddle", "skew")
        }
        self.term_chart = Sparkline("Term structure (ATM IV by days)")
        self.smile_chart = Sparkline("Smile (IV by strike)")
        self._build()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.model, 1)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        for i, (name, label) in enumerate(self.metrics.items()):
            label.setObjectName("Metric")
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(60)
            label.setToolTip(_TOOLTIPS[name])
            grid.addWidget(label, i // 4, i % 4)
        charts = QHBoxLayout()
        charts.addWidget(self.term_chart)
        charts.addWidget(self.smile_chart)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addLayout(charts)

    def show_chain(self, view: ChainView, expiry: ExpiryView | None) -> None:
        """Fill every label and chart from ``view`` and the focused expiration."""
        arrow = "▲" if view.change > 0 else "▼" if view.change < 0 else ""
        self.title.setText(
            f"<b>{view.underlying}</b>  {_num(view.spot)}  {arrow} {_num(view.change, '+,.2f')} "
            f"({_num(view.change_pct, '+.2f')}%)"
        )
        stamp = view.as_of.astimezone(NEW_YORK)
        self.model.setText(f"{view.model} · r {view.rate:.2%} · {view.source} {stamp:%H:%M:%S} ET")
        self._surface(view)
        self._expiry(view, expiry)

    def _surface(self, view: ChainView) -> None:
        m = self.metrics
        m["iv30"].setText(f"IV30 {_pct(view.iv30)}")
        stats = view.iv_stats
        if stats is not None:
            m["rank"].setText(
                f"IVR {_num(stats.rank, '.0f')} · IVP {_num(stats.percentile, '.0f')}"
            )
            m["rank"].setToolTip(
                f"IV rank {_num(stats.rank, '.1f')} and IV percentile "
                f"{_num(stats.percentile, '.1f')} of IV30 over {stats.observations} sessions "
                f"({stats.window_start} to {stats.window_end}); 0-100"
            )
        else:
            m["rank"].setText("IVR — (no IV history yet)")
        m["regime"].setText(f"Regime {view.regime.regime.value}" if view.regime else "Regime —")
        m["regime"].setToolTip(view.regime.reason if view.regime else _TOOLTIPS["regime"])
        m["term"].setText(f"Term {view.term_reading.shape.value}")
        m["term"].setToolTip(view.term_reading.reason)
        self.term_chart.set_series(view.term.days, view.term.atm_iv)

    def _expiry(self, view: ChainView, expiry: ExpiryView | None) -> None:
        m = self.metrics
        if expiry is None:
            for name in ("atm", "em_iv", "em_straddle", "skew"):
                m[name].setText("—")
            self.smile_chart.set_series([], [])
            return
        moves = expiry.moves
        m["atm"].setText(f"ATM IV {_pct(expiry.atm_iv)} · {expiry.dte}d")
        m["em_iv"].setText(f"EM ±{_num(moves.iv_move)} cal · ±{_num(moves.trading_move)} trd")
        m["em_straddle"].setText(
            f"Straddle {_num(moves.straddle)} · 0.85× {_num(moves.straddle_085)}"
        )
        m["skew"].setText(
            f"25Δ RR {_num(100 * expiry.risk_reversal, '+.1f')} · "
            f"P/C {_num(expiry.put_call_skew, '.2f')}"
        )
        calls, puts = expiry.calls.iv, expiry.puts.iv
        smile = np.where(expiry.strikes >= expiry.forward, calls, puts)
        self.smile_chart.set_series(expiry.strikes, smile, marker=expiry.forward)


_TOOLTIPS = {
    "atm": "At-the-money implied volatility of the shown expiration, interpolated at the forward",
    "iv30": "30-day constant-maturity ATM implied volatility (total-variance interpolation)",
    "rank": "IV rank and IV percentile of IV30 over the last 252 sessions (0-100)",
    "regime": "Volatility regime from IV rank (high ≥ 50, low ≤ 25 by default)",
    "term": "Term structure: front vs ~75-day ATM IV",
    "em_iv": (
        "1σ expected move to this expiration: cal = S·IV·√(days/365), trd = S·IV·√(sessions/252)"
    ),
    "em_straddle": "ATM straddle mid; 0.85× straddle is the move many platforms quote",
    "skew": (
        "25-delta risk reversal IV(25Δ call) − IV(25Δ put) in vol points (negative = put "
        "skew), and the put/call skew IV(25Δ put) / IV(25Δ call)"
    ),
}
