"""The Greeks tab: delta and theta by underlying, theta and vega by expiry, concentration, betas."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from workstation.domain.exposure import ExposureReport
from workstation.domain.risk import RiskReport
from workstation.ui.docks.risk.charts import BarPlot
from workstation.ui.docks.risk.formatting import dollars, number, percent, signed_color
from workstation.ui.docks.risk.tables import Cell, TextTableModel, table_view

CONCENTRATION_HEADERS = (
    "Underlying", "Delta ($)", "Delta share (%)", "Capital ($)", "Capital share (%)",
)  # fmt: skip
BETA_HEADERS = ("Underlying", "Beta to SPY", "Source")


class GreekCharts(QWidget):
    """Delta and theta by underlying over theta and vega by expiry."""

    def __init__(self) -> None:
        super().__init__()
        self.delta = BarPlot("Delta by underlying ($)")
        self.theta = BarPlot("Theta by underlying ($/day)", places=2)
        self.theta_expiry = BarPlot("Theta by expiry ($/day)", places=2)
        self.vega_expiry = BarPlot("Vega by expiry ($/vol pt)", places=2)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.delta, 0, 0)
        grid.addWidget(self.theta, 0, 1)
        grid.addWidget(self.theta_expiry, 1, 0)
        grid.addWidget(self.vega_expiry, 1, 1)

    def show_exposure(self, exposure: ExposureReport) -> None:
        """Draw the four charts from ``exposure``."""
        groups = exposure.underlyings
        labels = [g.label for g in groups]
        self.delta.set_bars(labels, [g.totals.dollar_delta for g in groups])
        self.theta.set_bars(labels, [g.totals.theta_day for g in groups])
        expiries = [f"{e.expiry:%m/%d} ({e.dte}d)" for e in exposure.by_expiry]
        self.theta_expiry.set_bars(expiries, [e.totals.theta_day for e in exposure.by_expiry])
        self.vega_expiry.set_bars(expiries, [e.totals.vega for e in exposure.by_expiry])


class GreeksTab(QWidget):
    """Four bar charts on the left; concentration and betas on the right.

    The charts (pyqtgraph, the costliest widgets of the panel) are built and
    drawn the first time the tab is shown, and redrawn only while it is shown.
    """

    def __init__(self) -> None:
        super().__init__()
        self.charts: GreekCharts | None = None
        self.exposure: ExposureReport | None = None
        self._drawn: ExposureReport | None = None  # what the charts show now
        self.concentration = TextTableModel(CONCENTRATION_HEADERS, numeric=(1, 2, 3, 4))
        self.betas = TextTableModel(BETA_HEADERS, numeric=(1,))
        self.concentration_view = table_view(self.concentration, "Concentration by underlying")
        self.betas_view = table_view(self.betas, "Betas used")
        self.basis = QLabel("Concentration")
        self.splitter = QSplitter()
        self.splitter.addWidget(QWidget())  # the charts' place until they are built
        self.splitter.addWidget(self._lists())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([900, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.splitter)
        self.setFocusProxy(self.concentration_view)

    def _lists(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.basis)
        layout.addWidget(self.concentration_view, 1)
        layout.addWidget(QLabel("Betas used for SPY-weighted delta"))
        layout.addWidget(self.betas_view, 1)
        return box

    def ensure_charts(self) -> GreekCharts:
        """Build the charts (once) and draw the latest exposure in them."""
        if self.charts is None:
            self.charts = GreekCharts()
            sizes = self.splitter.sizes()
            placeholder = self.splitter.replaceWidget(0, self.charts)
            if placeholder is not None:
                placeholder.deleteLater()
            self.splitter.setSizes(sizes)
        if self.exposure is not None and self._drawn is not self.exposure:
            self.charts.show_exposure(self.exposure)
            self._drawn = self.exposure
        return self.charts

    def showEvent(self, event: QShowEvent) -> None:
        """Build (the first time) and bring the charts up to date when the tab is shown."""
        super().showEvent(event)
        self.ensure_charts()

    def show_report(self, report: RiskReport) -> None:
        """Fill the lists now, and the charts now if in view, else when next shown."""
        self.exposure = report.exposure
        if self.isVisible():
            self.ensure_charts()
        self._concentration(report.exposure)
        self.betas.set_rows([(u, number(beta, 2), source) for u, beta, source in report.betas])

    def _concentration(self, exposure: ExposureReport) -> None:
        self.basis.setText(f"Concentration (capital measured as {exposure.capital_basis.value})")
        self.concentration.set_rows(
            [
                (
                    c.underlying,
                    Cell(dollars(c.dollar_delta), signed_color(c.dollar_delta)),
                    percent(c.delta_share),
                    dollars(c.capital),
                    percent(c.capital_share),
                )
                for c in exposure.concentration
            ]
        )
