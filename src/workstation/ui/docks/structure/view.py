"""One structure chart with its toolbar: ticker, timeframe, overlay toggles, close.

The widget keeps no data of its own: the ticker field (Enter) and the
timeframe combo (or keys 1-5 on the chart) emit ``chart_requested``; the
controller answers with ``show_chart``. Overlay toggles act on the chart
directly. Keyboard: Ctrl+L focuses the ticker, Alt+1…Alt+7 flip the
overlays, Escape returns to the chart.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.bars import Timeframe
from workstation.ui.charts.chart import PriceChart
from workstation.ui.docks.structure.feed import StructureChart

# (overlay name, button text, tooltip)
TOGGLES = (
    ("levels", "Levels", "Liquidity levels: prior day/week, overnight, opening range, equal highs"),
    ("fvg", "FVG", "Fair value gaps (faded once filled)"),
    ("blocks", "OB", "Order blocks"),
    ("vwap", "VWAP", "Session VWAP with its standard-deviation bands"),
    ("ema", "EMA", "Exponential moving averages"),
    ("events", "Events", "Sweeps, breaks of structure, FVG tags, VWAP reclaims…"),
    ("volume", "Volume", "Volume pane"),
)


class StructureChartWidget(QWidget):
    """A toolbar over a ``PriceChart``; asks for charts by ticker and timeframe."""

    chart_requested = Signal(str, object)  # symbol, Timeframe
    close_requested = Signal()

    def __init__(
        self, symbol: str = "", timeframe: Timeframe = Timeframe.M5, closable: bool = False
    ) -> None:
        super().__init__()
        self.setObjectName("StructureChart")
        self.chart = PriceChart()
        self.ticker = QLineEdit(symbol.upper())
        self.ticker.setPlaceholderText("Ticker")
        self.ticker.setAccessibleName("Ticker")
        self.ticker.setMaximumWidth(110)
        self.ticker.returnPressed.connect(self._ask)
        self.timeframes = QComboBox()
        self.timeframes.setAccessibleName("Timeframe")
        for tf in Timeframe:
            self.timeframes.addItem(tf.value, tf)
        self.timeframes.setCurrentIndex(list(Timeframe).index(timeframe))
        self.timeframes.activated.connect(self._ask)
        self.toggles = {name: self._toggle(name, text, tip) for name, text, tip in TOGGLES}
        self.status = QLabel("")
        self.status.setObjectName("Muted")
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.close_button = tool_button("×", "Close this chart")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.close_requested)
        self.close_button.setVisible(closable)
        self.chart.timeframe_requested.connect(self._timeframe_key)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addLayout(self._toolbar())
        layout.addWidget(self.chart, 1)
        self._shortcuts()

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.ticker)
        row.addWidget(self.timeframes)
        for button in self.toggles.values():
            row.addWidget(button)
        row.addWidget(self.status, 1)
        row.addWidget(self.close_button)
        return row

    def _toggle(self, name: str, text: str, tip: str) -> QToolButton:
        button = tool_button(text, tip)
        button.setCheckable(True)
        button.setChecked(True)
        button.setAccessibleName(f"Show {text}")
        button.toggled.connect(lambda on: self.chart.set_overlay_visible(name, on))
        return button

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        focus = QShortcut(QKeySequence("Ctrl+L"), self, context=context)
        focus.activated.connect(self.ticker.setFocus)
        back = QShortcut(
            QKeySequence("Escape"), self.ticker, context=Qt.ShortcutContext.WidgetShortcut
        )
        back.activated.connect(self.chart.setFocus)
        for i, button in enumerate(self.toggles.values(), start=1):
            flip = QShortcut(QKeySequence(f"Alt+{i}"), self, context=context)
            flip.activated.connect(button.toggle)

    # ------------------------------------------------------------------ state
    def symbol(self) -> str:
        """The ticker in the field, upper case."""
        return self.ticker.text().strip().upper()

    def timeframe(self) -> Timeframe:
        """The chosen timeframe."""
        return Timeframe(self.timeframes.currentData())  # Qt hands the enum back as its str

    def request(self, symbol: str, timeframe: Timeframe | None = None) -> None:
        """Set the ticker (and timeframe) and ask for that chart."""
        self.ticker.setText(symbol.upper())
        if timeframe is not None:
            self.timeframes.setCurrentIndex(list(Timeframe).index(timeframe))
        self._ask()

    def _ask(self, *_: object) -> None:
        if self.symbol():
            self.chart_requested.emit(self.symbol(), self.timeframe())

    def _timeframe_key(self, timeframe: Timeframe) -> None:
        self.timeframes.setCurrentIndex(list(Timeframe).index(timeframe))
        self._ask()

    # ------------------------------------------------------------------ showing
    def show_chart(self, chart: StructureChart) -> None:
        """Draw one chart snapshot, the latest bar in view."""
        self.chart.set_bars(chart.symbol, chart.timeframe, chart.bars, chart.structure)
        self.status.setText(
            "" if len(chart.bars) else f"No {chart.timeframe.value} bars for {chart.symbol}"
        )

    def show_loading(self, symbol: str, timeframe: Timeframe) -> None:
        """Say a chart is on its way."""
        self.status.setText(f"Loading {symbol} {timeframe.value}…")

    def show_failure(self, message: str) -> None:
        """Say why the chart could not be loaded."""
        self.status.setText(f"Could not load the chart: {message}")


def tool_button(text: str, tip: str) -> QToolButton:
    """A toolbar button with ``text`` and a tooltip."""
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    return button
