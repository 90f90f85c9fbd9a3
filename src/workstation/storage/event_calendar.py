"""The economic calendar: the bundled file plus the trader's own additions and overrides.

The bundled calendar (``resources/calendar/economic_events.json``) is read-only:
FOMC decisions, CPI and jobs releases with a source and a status per entry.
The trader's changes live in the workspace (``calendar_events``): ``add`` an
event of their own, ``override`` a bundled entry (a moved date, a confirmed
status), ``remove`` one (hide it: a cancelled release). ``merged`` applies
them. Release times in the file are exchange wall times (America/New_York);
stored instants are UTC.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.sqlite import insert

from workstation.domain.event_calendar import (
    CalendarEvent,
    CalendarEventError,
    eastern_instant,
)
from workstation.ports.clock import Clock, SystemClock
from workstation.storage.database import Database
from workstation.storage.tables import calendar_events

BUNDLED_CALENDAR = PurePath("calendar", "economic_events.json")  # under the resources folder
FILE_TIME_ZONE = "America/New_York"
MAX_NOTE_CHARS = 2000
_REQUIRED = ("id", "kind", "title", "date", "time_et", "status", "source")
_OPTIONAL = ("first_day", "symbol", "note")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")

Complaint = Callable[[str, str], "CalendarFileError"]  # (field, problem) -> the error to raise


class CalendarFileError(ValueError):
    """The bundled calendar file is missing or wrong; the message names file, entry and field."""


class CalendarAction(StrEnum):
    """What a stored row does to the calendar."""

    ADD = "add"
    OVERRIDE = "override"
    REMOVE = "remove"


@dataclass(frozen=True, slots=True)
class CalendarEdit:
    """One of the trader's changes; for ``remove`` the event is the hidden entry."""

    action: CalendarAction
    event: CalendarEvent
    updated_at: datetime


# ---------------------------------------------------------------- the bundled file
def load_bundled_calendar(path: Path) -> list[CalendarEvent]:
    """Read the bundled calendar at ``path``; return its events sorted by release instant.

    Raise CalendarFileError naming the file and, for a bad entry, its index,
    its id and the field (unreadable file, invalid JSON, a missing or unknown
    field, a malformed date or time, a repeated id).
    """
    document = _read_json(path)
    entries = document.get("events")
    if not isinstance(entries, list):
        raise CalendarFileError(f"{path}: 'events' must be a list of calendar entries")
    zone = document.get("time_zone", FILE_TIME_ZONE)
    if zone != FILE_TIME_ZONE:
        raise CalendarFileError(f"{path}: time_zone {zone!r}: times must be {FILE_TIME_ZONE}")
    events = [_parse_entry(path, index, entry) for index, entry in enumerate(entries)]
    _refuse_repeated_ids(path, events)
    return sorted(events, key=lambda event: (event.at, event.id))


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CalendarFileError(f"{path}: cannot read the calendar file ({exc.strerror})") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalendarFileError(
            f"{path}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from exc
    if not isinstance(document, dict):
        raise CalendarFileError(f"{path}: the file must hold a JSON object with 'events'")
    return document


def _parse_entry(path: Path, index: int, entry: object) -> CalendarEvent:
    where = f"{path}: entry {index}"
    if not isinstance(entry, dict):
        raise CalendarFileError(f"{where}: must be a JSON object")
    where = f"{where} (id {entry.get('id')!r})"

    def bad(field: str, problem: str) -> CalendarFileError:
        return CalendarFileError(f"{where}: field {field!r}: {problem}; fix or remove the entry")

    for field in _REQUIRED:
        if field not in entry:
            raise bad(field, "is missing")
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise bad(
            unknown[0], f"is not a calendar field (known: {', '.join(_REQUIRED + _OPTIONAL)})"
        )
    try:
        return _event_of(entry, bad)
    except CalendarEventError as exc:
        raise bad("date" if exc.field == "at" else exc.field, exc.problem) from None


def _event_of(entry: dict[str, Any], bad: Complaint) -> CalendarEvent:
    first_day = entry.get("first_day")
    return CalendarEvent(
        id=entry["id"],
        kind=entry["kind"],
        title=entry["title"],
        at=eastern_instant(_iso_date(entry["date"], "date", bad), _clock(entry["time_et"], bad)),
        status=entry["status"],
        source=entry["source"],
        symbol=entry.get("symbol"),
        first_day=None if first_day is None else _iso_date(first_day, "first_day", bad),
        note=entry.get("note", ""),
    )


def _iso_date(value: object, field: str, bad: Complaint) -> date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise bad(field, f"{value!r} is not a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise bad(field, f"{value!r} is not a calendar date ({exc})") from None


def _clock(value: object, bad: Complaint) -> time:
    match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise bad("time_et", f"{value!r} is not a 24-hour clock time HH:MM (exchange time)")
    return time(int(match[1]), int(match[2]))


def _refuse_repeated_ids(path: Path, events: Sequence[CalendarEvent]) -> None:
    seen: dict[str, int] = {}
    for index, event in enumerate(events):
        if event.id in seen:
            raise CalendarFileError(
                f"{path}: entry {index} (id {event.id!r}): field 'id': already used by entry "
                f"{seen[event.id]}; ids must be unique"
            )
        seen[event.id] = index


# ---------------------------------------------------------------- the trader's changes
class EventCalendarStore:
    """The bundled calendar plus the trader's additions, overrides and removals.

    ``bundled`` is the loaded bundled calendar. Each write is one transaction;
    invalid input raises ValueError naming the field.
    """

    def __init__(
        self, db: Database, bundled: Iterable[CalendarEvent], clock: Clock | None = None
    ) -> None:
        self._db = db
        self._bundled = {event.id: event for event in bundled}
        self._clock = clock or SystemClock()

    def add(self, event: CalendarEvent) -> None:
        """Add an event of the trader's own, or replace one they added before."""
        _check_event(event)
        if event.id in self._bundled:
            raise ValueError(f"id: {event.id!r} is a bundled entry; override it instead of adding")
        with self._db.engine.begin() as connection:
            self._upsert(connection, CalendarAction.ADD, event)

    def override(self, event: CalendarEvent) -> None:
        """Replace the bundled entry with the same id by ``event`` (undo with ``restore``)."""
        _check_event(event)
        if event.id not in self._bundled:
            raise ValueError(f"id: {event.id!r} is not a bundled entry; add it instead")
        with self._db.engine.begin() as connection:
            self._upsert(connection, CalendarAction.OVERRIDE, event)

    def remove(self, event_id: str, note: str = "") -> None:
        """Hide bundled entry ``event_id`` (undo with ``restore``) or delete one the trader added.

        ``note`` says why (e.g. "release cancelled"); it is kept with a hidden entry.
        """
        _check_note(note)
        with self._db.engine.begin() as connection:
            if event_id in self._bundled:
                hidden = replace(self._bundled[event_id], note=note)
                self._upsert(connection, CalendarAction.REMOVE, hidden)
            elif _action_of(connection, event_id) is CalendarAction.ADD:
                connection.execute(delete(calendar_events).where(calendar_events.c.id == event_id))
            else:
                raise ValueError(f"id: no calendar entry {event_id!r} to remove")

    def restore(self, event_id: str) -> bool:
        """Drop the override or removal of bundled entry ``event_id``; False if there was none."""
        if event_id not in self._bundled:
            raise ValueError(f"id: {event_id!r} is not a bundled entry; nothing to restore")
        query = delete(calendar_events).where(
            calendar_events.c.id == event_id,
            calendar_events.c.action != CalendarAction.ADD.value,
        )
        with self._db.engine.begin() as connection:
            return connection.execute(query).rowcount > 0

    def edits(self) -> builtins.list[CalendarEdit]:
        """Return the trader's stored changes, sorted by the event's release instant."""
        query = select(calendar_events).order_by(calendar_events.c.at, calendar_events.c.id)
        with self._db.engine.connect() as connection:
            return [
                CalendarEdit(CalendarAction(row.action), _event_from(row), row.updated_at)
                for row in connection.execute(query)
            ]

    def merged(
        self, start: date, end: date, symbol: str | None = None
    ) -> builtins.list[CalendarEvent]:
        """Return the calendar for exchange dates [start, end]: bundled entries with the trader's
        changes applied, sorted by release instant.

        With ``symbol``, events tied to another symbol (earnings) are left out;
        events without a symbol (macro releases) are always in. Cancelled
        events stay in (their status says so); removed ones do not.
        """
        if start > end:
            raise ValueError(f"start: {start} is after end {end}")
        wanted = None if symbol is None else symbol.strip().upper()
        events = self._apply(self.edits())
        kept = (e for e in events if start <= e.day <= end and _concerns(e, wanted))
        return sorted(kept, key=lambda event: (event.at, event.id))

    def _apply(self, edits: Iterable[CalendarEdit]) -> builtins.list[CalendarEvent]:
        calendar = dict(self._bundled)
        for edit in edits:
            if edit.action is CalendarAction.REMOVE:
                calendar.pop(edit.event.id, None)
            else:
                calendar[edit.event.id] = edit.event
        return list(calendar.values())

    def _upsert(self, connection: Connection, action: CalendarAction, event: CalendarEvent) -> None:
        values = {
            "action": action.value,
            "kind": event.kind.value,
            "title": event.title,
            "at": event.at,
            "status": event.status.value,
            "source": event.source,
            "symbol": event.symbol,
            "first_day": event.first_day,
            "note": event.note,
            "updated_at": self._clock.now(),
        }
        statement = insert(calendar_events).values(id=event.id, **values)
        statement = statement.on_conflict_do_update(index_elements=["id"], set_=values)
        connection.execute(statement)


def _check_event(event: object) -> None:
    if not isinstance(event, CalendarEvent):
        raise ValueError(f"event: {event!r} is not a CalendarEvent")
    _check_note(event.note)


def _check_note(note: object) -> None:
    if not isinstance(note, str):
        raise ValueError(f"note: {note!r} is not text")
    if len(note) > MAX_NOTE_CHARS:
        raise ValueError(f"note: {len(note)} characters; keep it under {MAX_NOTE_CHARS}")


def _concerns(event: CalendarEvent, symbol: str | None) -> bool:
    """True when ``event`` matters for ``symbol`` (None: every event matters)."""
    return symbol is None or event.symbol is None or event.symbol == symbol


def _action_of(connection: Connection, event_id: str) -> CalendarAction | None:
    query = select(calendar_events.c.action).where(calendar_events.c.id == event_id)
    action = connection.execute(query).scalar_one_or_none()
    return None if action is None else CalendarAction(action)


def _event_from(row: Any) -> CalendarEvent:
    return CalendarEvent(
        id=row.id,
        kind=row.kind,
        title=row.title,
        at=row.at,
        status=row.status,
        source=row.source,
        symbol=row.symbol,
        first_day=row.first_day,
        note=row.note,
    )
