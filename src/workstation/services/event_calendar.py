"""The events a trade must respect: the workspace calendar plus the provider's earnings dates."""

from __future__ import annotations

import logging
from datetime import date

from workstation.domain.event_calendar import CalendarEvent
from workstation.ports.marketdata import MarketDataError
from workstation.services.blocking import BlockingRunner
from workstation.services.market_data import MarketDataService
from workstation.storage.event_calendar import EventCalendarStore

log = logging.getLogger(__name__)


class EventCalendarService:
    """Macro releases (bundled, with the trader's edits) and earnings for one symbol."""

    def __init__(
        self, store: EventCalendarStore, market: MarketDataService, run: BlockingRunner
    ) -> None:
        self._store = store
        self._market = market
        self._run = run

    async def events_for(
        self, symbol: str, start: date, end: date
    ) -> tuple[list[CalendarEvent], str | None]:
        """Return the events in [start, end] (exchange dates) that concern ``symbol``.

        The second value says what could not be read (the provider's
        earnings dates), or None; the calendar's own entries win on equal ids.
        """
        calendar = await self._run(self._store.merged, start, end, symbol)
        problem = None
        try:
            earnings = await self._market.earnings(symbol, start, end)
        except MarketDataError as exc:
            log.warning("earnings dates for %s unavailable: %s", symbol, exc)
            earnings, problem = [], f"earnings dates unavailable: {exc}"
        known = {event.id for event in calendar}
        merged = calendar + [event for event in earnings if event.id not in known]
        return sorted(merged, key=lambda event: (event.at, event.id)), problem
