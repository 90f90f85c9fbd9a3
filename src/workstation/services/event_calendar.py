"""The events a trade must respect: the workspace calendar plus the provider's earnings dates."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import date, time, timedelta

from workstation.domain.event_calendar import (
    CalendarEvent,
    EventKind,
    EventStatus,
    eastern_instant,
)
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

    async def add(
        self, kind: EventKind, day: date, clock: time, title: str, symbol: str | None = None
    ) -> CalendarEvent:
        """Add an event of the trader's own (status confirmed, source "you")."""
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "event"
        event = CalendarEvent(
            f"user-{kind.value}-{day.isoformat()}-{slug}",
            kind,
            title.strip(),
            eastern_instant(day, clock),
            EventStatus.CONFIRMED,
            source="you",
            symbol=symbol,
        )
        await self._run(self._store.add, event)
        return event

    async def move(self, event_id: str, day: date, clock: time | None) -> CalendarEvent:
        """Move a bundled event to ``day`` (and ``clock``, ET); an FOMC meeting moves whole."""
        found = await self._find(event_id)
        new_at = eastern_instant(day, clock or found.eastern.time())
        shift = new_at.date() - found.at.date()
        first = None if found.first_day is None else found.first_day + timedelta(days=shift.days)
        moved = replace(
            found, at=new_at, first_day=first, status=EventStatus.CONFIRMED, note="moved by you"
        )
        await self._run(self._store.override, moved)
        return moved

    async def hide(self, event_id: str, why: str = "") -> None:
        """Hide an event (a cancelled release); bundled ones can be restored."""
        await self._run(self._store.remove, event_id, why)

    async def restore(self, event_id: str) -> bool:
        """Undo a move or hide of a bundled event; False when there was nothing to undo."""
        restored: bool = await self._run(self._store.restore, event_id)
        return restored

    async def _find(self, event_id: str) -> CalendarEvent:
        everything = await self._run(self._store.merged, date(2000, 1, 1), date(2100, 1, 1))
        found = next((e for e in everything if e.id == event_id), None)
        if found is None:
            raise ValueError(f"no calendar event with id {event_id!r}; /events lists them")
        return found
