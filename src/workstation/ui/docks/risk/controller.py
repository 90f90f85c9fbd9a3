"""Feeds the Risk panel: asks the risk service for a report and shows it.

A report is loaded when the panel is shown, on Refresh (F5), every
``REFRESH_MS`` while the panel is visible, when the trader picks another
account, and after a regime change has been stored. One load runs at a
time; a request made meanwhile runs once after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from workstation.domain.account_rules import RuleRegime
from workstation.domain.risk import RiskReport
from workstation.ui.docks.risk.panel import RiskDock

if TYPE_CHECKING:
    from workstation.services.risk import RiskService

log = logging.getLogger(__name__)
Spawn = Callable[[Coroutine[Any, Any, Any], str], object]
REFRESH_MS = 30_000


class RiskController:
    """Loads RiskReports into the Risk dock and stores the trader's regime choices."""

    def __init__(
        self, dock: RiskDock, risk: RiskService, spawn: Spawn, interval_ms: int = REFRESH_MS
    ) -> None:
        self._dock, self._risk, self._spawn = dock, risk, spawn
        self.report: RiskReport | None = None
        self.account: str | None = None
        self.accounts: tuple[str, ...] = ()
        self._loading = False
        self._again = False
        self.timer = QTimer(dock.view, interval=interval_ms)
        self.timer.timeout.connect(self.refresh)
        panel = dock.view
        panel.refresh_requested.connect(self.refresh)
        panel.account_changed.connect(self._account)
        panel.regime_requested.connect(self._regime)

    def set_visible(self, visible: bool) -> None:
        """Refresh now and every interval while the panel is visible; stop when hidden."""
        if visible and not self.timer.isActive():
            self.timer.start()
            self.refresh()
        elif not visible:
            self.timer.stop()

    def stop(self) -> None:
        """Stop refreshing (the app is shutting down)."""
        self.timer.stop()

    def refresh(self) -> None:
        """Load a fresh report in the background and show it."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._spawn(self.load(), "risk refresh")

    async def load(self) -> None:
        """Load a fresh report and show it (awaitable); once more if asked meanwhile."""
        self._loading = True
        try:
            while True:
                self._again = False
                report = await self._risk.report(self.account)
                self._show(report)
                if not self._again:
                    return
        except Exception as exc:
            self._dock.view.show_failure(str(exc))
            raise  # the supervisor logs it and tells the trader
        finally:
            self._loading = False

    def _show(self, report: RiskReport) -> None:
        self.report = report
        self._remember_accounts(report)
        self._dock.show_report(report)

    def _remember_accounts(self, report: RiskReport) -> None:
        # A one-account report lists only that account; keep the full list for the selector.
        if self.account is None:
            accounts = tuple(dict.fromkeys(a.account for a in report.accounts))
            if accounts != self.accounts:
                self.accounts = accounts
                self._dock.view.set_accounts(accounts)

    def _account(self, account: str | None) -> None:
        if account != self.account:
            self.account = account
            self.refresh()

    def _regime(self, broker: str, account: str, regime: RuleRegime | None) -> None:
        async def change() -> None:
            await self._risk.set_regime(broker, account, regime)
            if self._loading:  # the load under way picks the change up on its next pass
                self._again = True
            else:
                await self.load()

        self._spawn(change(), "risk regime")
