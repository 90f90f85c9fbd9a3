"""Alerts: store each condition once and deliver it through the Notifier.

Rules elsewhere (exit management, account rules, later structure events)
describe what they see as ``Alert`` values with a condition key; this
service stores a condition the first time it is seen and hands it to the
Notifier (tray balloon or in-app toast). A condition that stays true is not
raised again, across restarts, because the key is unique in the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from workstation.domain.alerts import Alert
from workstation.ports.notifier import Notifier
from workstation.services.blocking import BlockingRunner, run_in_thread
from workstation.storage.alerts import AlertStore

log = logging.getLogger(__name__)

Listener = Callable[[Alert], None]


class AlertService:
    """Raises alerts once per condition and lists those raised."""

    def __init__(
        self,
        store: AlertStore,
        run: BlockingRunner = run_in_thread,
        notifier: Notifier | None = None,
    ) -> None:
        self._store = store
        self._run = run
        self.notifier = notifier  # the GUI attaches its tray/toast notifier once it exists
        self._listeners: list[Listener] = []

    def on_alert(self, listener: Listener) -> None:
        """Call ``listener`` with every newly raised alert (on the caller's thread)."""
        self._listeners.append(listener)

    async def raise_all(self, alerts: Sequence[Alert]) -> list[Alert]:
        """Store and deliver the alerts whose condition is new; return those, oldest first."""
        raised = []
        for alert in alerts:
            stored = await self._run(self._store.raise_once, alert)
            if stored is None:
                continue
            raised.append(stored)
            self._deliver(stored)
        return raised

    async def recent(self, limit: int = 200, source: str | None = None) -> list[Alert]:
        """Return up to ``limit`` raised alerts, newest first."""
        return await self._run(self._store.recent, limit, source)

    async def acknowledge(self, alert_id: int, at: datetime) -> bool:
        """Mark alert ``alert_id`` seen at ``at`` (aware); False when there is no such alert."""
        if at.tzinfo is None:
            raise ValueError(f"acknowledging alert {alert_id}: {at} has no time zone")
        return await self._run(self._store.acknowledge, alert_id, at)

    def _deliver(self, alert: Alert) -> None:
        log.info("alert %s: %s — %s", alert.condition_key, alert.title, alert.body)
        if self.notifier is not None:
            self.notifier.notify(alert.notification())
        for listener in self._listeners:
            listener(alert)
