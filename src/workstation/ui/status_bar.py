"""Status bar: workspace, feed status, market open/closed/half day, ET clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from workstation.domain.events import FeedState, FeedStatusChanged, WorkspaceOpened

if TYPE_CHECKING:
    from workstation.engines.sessions import MarketStatus

NEW_YORK = ZoneInfo("America/New_York")
Now = Callable[[], datetime]
MarketSource = Callable[[datetime], "MarketStatus"]

_FEED = {
    FeedState.CONNECTING: "Data: connecting",
    FeedState.LIVE: "Data: live",
    FeedState.RECONNECTING: "Data: reconnecting",
    FeedState.STOPPED: "Data: stopped",
}


def _label(name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


class WorkstationStatusBar(QStatusBar):
    """The main window's status bar; the clock ticks every second."""

    def __init__(self, now: Now | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self._now: Now = now or (lambda: datetime.now(UTC))
        self._market_source: MarketSource | None = None
        self.workspace = _label("Muted", "Opening workspace…")
        self.feed = _label("Muted", "Data: —")
        self.market = _label("Pill", "Market —")
        self.clock = _label("Clock")
        self.addWidget(self.workspace)
        self.addPermanentWidget(self.feed)
        self.addPermanentWidget(self.market)
        self.addPermanentWidget(self.clock)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self.tick()

    def set_clock(self, now: Now) -> None:
        """Use ``now`` as the time source (the app's Clock)."""
        self._now = now
        self.tick()

    def set_market_source(self, source: MarketSource) -> None:
        """Use ``source(now)`` to tell whether the market is open."""
        self._market_source = source
        self.tick()

    def show_workspace(self, event: WorkspaceOpened) -> None:
        """Show the workspace name, kind and whether it is encrypted."""
        lock = "encrypted" if event.encrypted else "not encrypted"
        kind = "Demo workspace" if event.kind == "demo" else "Workspace"
        self.workspace.setText(f"{kind}: {event.name} · {lock}")
        self.workspace.setToolTip(event.path)

    def show_feed(self, event: FeedStatusChanged) -> None:
        """Show the data feed's state."""
        text = _FEED[event.state]
        if event.simulated:
            text += " (demo)"
        self.feed.setText(text)
        self.feed.setToolTip(f"{event.provider}: {event.state.value} {event.detail}".strip())

    def tick(self) -> None:
        """Update the ET clock and, once a minute or on first call, the market state."""
        now = self._now()
        self.clock.setText(now.astimezone(NEW_YORK).strftime("%a %H:%M:%S ET"))
        if self._market_source is not None and (now.second == 0 or not self.market.toolTip()):
            self._show_market(self._market_source(now))

    def _show_market(self, status: MarketStatus) -> None:
        from workstation.engines.sessions import MarketState

        if status.state == MarketState.OPEN:
            name = "PillHalf" if status.is_half_day else "PillOpen"
        else:
            name = "PillClosed"
        self.market.setObjectName(name)
        self.market.setText(status.label)
        self.market.setToolTip(f"NYSE · {status.state.value}")
        self.market.style().unpolish(self.market)
        self.market.style().polish(self.market)
