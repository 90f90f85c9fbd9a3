"""Dashboard controller: coalesces quote events and refreshes the models a few times a second."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from workstation.domain.events import FeedState, FeedStatusChanged
from workstation.ui.bridge import Bridge
from workstation.ui.docks.dashboard.model import QuoteTableModel
from workstation.ui.docks.dashboard.view import DashboardView

if TYPE_CHECKING:
    from workstation.services.market_data import MarketDataService

REFRESH_MS = 250  # 4 Hz: fast enough to feel live, cheap for the GUI thread
STALE_CHECK_MS = 1000

_FEED_TEXT = {
    FeedState.CONNECTING: "○ Connecting to {provider}…",
    FeedState.LIVE: "● Live · {provider}",
    FeedState.RECONNECTING: "◌ Reconnecting to {provider} — {detail}",
    FeedState.STOPPED: "■ Feed stopped · {provider} {detail}",
}


class DashboardController(QObject):
    """Feeds the dashboard's models from the market-data service."""

    def __init__(
        self,
        view: DashboardView,
        indices: QuoteTableModel,
        watchlist: QuoteTableModel,
        market: MarketDataService,
        bridge: Bridge,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._view, self._indices, self._watchlist = view, indices, watchlist
        self._market = market
        self._dirty = True
        bridge.quotes_updated.connect(self._mark_dirty)
        bridge.feed_status.connect(self.show_feed_status)
        self._refresh = QTimer(self, interval=REFRESH_MS)
        self._refresh.timeout.connect(self.refresh_if_dirty)
        self._stale = QTimer(self, interval=STALE_CHECK_MS)
        self._stale.timeout.connect(self.refresh)
        self._refresh.start()
        self._stale.start()

    @property
    def symbols(self) -> list[str]:
        """Every symbol the dashboard shows."""
        return self._indices.symbols + self._watchlist.symbols

    def _mark_dirty(self, _event: object) -> None:
        self._dirty = True

    def refresh_if_dirty(self) -> None:
        """Refresh the models when quotes arrived since the last refresh."""
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        """Pull the latest quote status of every row (also re-evaluates staleness)."""
        self._dirty = False
        self._indices.apply(self._market.status(self._indices.symbols))
        self._watchlist.apply(self._market.status(self._watchlist.symbols))

    def show_feed_status(self, event: FeedStatusChanged) -> None:
        """Describe the feed's state above the tables."""
        provider = f"{event.provider} feed"
        text = _FEED_TEXT[event.state].format(provider=provider, detail=event.detail)
        if event.simulated and event.state == FeedState.LIVE:
            text += " (simulated market data)"
        self._view.show_feed(text, event.detail)

    def stop(self) -> None:
        """Stop the timers (on shutdown)."""
        self._refresh.stop()
        self._stale.stop()
