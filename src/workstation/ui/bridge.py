"""The one marshalling point: service events become Qt signals on the GUI thread.

Services publish frozen events on the EventBus from whatever thread they run
on; the bridge re-emits each as a signal. Qt queues cross-thread emissions,
so connected slots always run on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from workstation.domain.events import (
    FeedStatusChanged,
    QuotesUpdated,
    TaskFailed,
    WorkspaceOpened,
)
from workstation.domain.notifications import Notification
from workstation.services.events import EventBus


class Bridge(QObject):
    """Re-emits EventBus events as Qt signals."""

    quotes_updated = Signal(object)  # QuotesUpdated
    feed_status = Signal(object)  # FeedStatusChanged
    task_failed = Signal(object)  # TaskFailed
    workspace_opened = Signal(object)  # WorkspaceOpened
    notification = Signal(object)  # Notification

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: list[Callable[[], None]] = [
            bus.subscribe(QuotesUpdated, self.quotes_updated.emit),
            bus.subscribe(FeedStatusChanged, self.feed_status.emit),
            bus.subscribe(TaskFailed, self.task_failed.emit),
            bus.subscribe(WorkspaceOpened, self.workspace_opened.emit),
            bus.subscribe(Notification, self.notification.emit),
        ]

    def detach(self) -> None:
        """Stop listening to the bus (on shutdown)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
