"""Feeds the Alerts panel from the alert service and carries out what the trader asks.

Alerts already raised are loaded when the panel is built; new ones arrive
through the service's listener (on the GUI thread: the service runs on the
qasync loop). "Seen" is stored; chart and plan requests go to callbacks the
session provides, so this panel knows nothing about the other panels.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QApplication

from workstation.domain.alerts import Alert
from workstation.ui.docks.alerts.describe import ChartTarget
from workstation.ui.docks.alerts.view import AlertsPanel

if TYPE_CHECKING:
    from workstation.services.alerts import AlertService

Spawn = Callable[[Coroutine[Any, Any, Any], str], object]
RECENT = 500


class PausableNotifier(Protocol):
    """The tray or toast notifier, as far as pausing goes."""

    @property
    def paused(self) -> bool: ...

    def set_paused(self, paused: bool) -> None: ...


class AlertsController:
    """Loads alerts into the panel, stores "seen", rings the bell when asked to."""

    def __init__(
        self,
        panel: AlertsPanel,
        alerts: AlertService,
        spawn: Spawn,
        now: Callable[[], datetime],
        *,
        open_chart: Callable[[ChartTarget], None] | None = None,
        run_command: Callable[[str], None] | None = None,
        sound: Callable[[], bool] = lambda: False,
    ) -> None:
        self.panel, self._alerts, self._spawn, self._now = panel, alerts, spawn, now
        self._open_chart, self._run_command, self._sound = open_chart, run_command, sound
        self.notifier: PausableNotifier | None = None
        alerts.on_alert(self.add)
        panel.seen_requested.connect(self.mark_seen)
        panel.chart_requested.connect(self._chart)
        panel.plan_requested.connect(self._plan)
        panel.pause_toggled.connect(self._pause)

    def attach_notifier(self, notifier: PausableNotifier) -> None:
        """Let the panel's "Pause alerts" box pause the tray/toast notifier."""
        self.notifier = notifier
        self.panel.pause.setChecked(notifier.paused)

    def refresh(self) -> None:
        """Load the recent alerts in the background."""
        self._spawn(self.load(), "alerts")

    async def load(self) -> None:
        """Load the recent alerts into the panel (awaitable)."""
        try:
            self.panel.model.set_alerts(await self._alerts.recent(RECENT))
        except Exception as exc:
            self.panel.show_failure(str(exc))
            raise

    def add(self, alert: Alert) -> None:
        """Show a newly raised alert at the top; ring the bell when the trader wants it."""
        self.panel.model.add(alert)
        if self._sound() and (self.notifier is None or not self.notifier.paused):
            QApplication.beep()

    def mark_seen(self, ids: list[int]) -> None:
        """Store the alerts as seen, then show them so."""
        if ids:
            self._spawn(self._seen(ids), "alerts seen")

    async def _seen(self, ids: list[int]) -> None:
        at = self._now()
        for alert_id in ids:
            if await self._alerts.acknowledge(alert_id, at):
                self.panel.model.mark_seen(alert_id, at)

    def _chart(self, target: ChartTarget) -> None:
        if self._open_chart is not None:
            self._open_chart(target)

    def _plan(self, line: str) -> None:
        if self._run_command is not None:
            self._run_command(line)

    def _pause(self, paused: bool) -> None:
        if self.notifier is not None and self.notifier.paused != paused:
            self.notifier.set_paused(paused)
