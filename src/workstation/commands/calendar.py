"""/events and its edits: the economic calendar and earnings the guardrails check against.

``/events [SYMBOL] [--days N]`` lists what is coming (macro releases, and the
symbol's earnings); ``/event-add``, ``/event-move``, ``/event-hide`` and
``/event-restore`` keep the trader's own corrections in the workspace. Times
are exchange time (ET).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from workstation.commands.context import CommandContext
from workstation.commands.grammar import Arg, ArgKind, CommandError, CommandSpec
from workstation.commands.result import CommandResult, Table
from workstation.domain.event_calendar import EASTERN, CalendarEvent, EventKind

if TYPE_CHECKING:
    from workstation.services.event_calendar import EventCalendarService


def _service(ctx: CommandContext, command: str) -> EventCalendarService:
    if ctx.events is None:
        raise CommandError(f"/{command}: the event calendar is not available in this workspace")
    return ctx.events


def _row(event: CalendarEvent) -> tuple[str, ...]:
    when = event.eastern
    return (
        event.id,
        f"{when:%a %d %b %Y %H:%M}",
        event.kind.value,
        event.title,
        event.status.value,
        event.source,
    )


def _data(event: CalendarEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind.value,
        "title": event.title,
        "at": event.at,
        "first_day": event.first_day,
        "status": event.status.value,
        "source": event.source,
        "symbol": event.symbol,
        "note": event.note,
    }


async def run_events(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """List upcoming events."""
    today = ctx.clock.now().astimezone(EASTERN).date()
    symbol = values["symbol"] or "SPY"
    events, problem = await _service(ctx, "events").events_for(
        symbol, today, today + timedelta(days=values["days"])
    )
    headers = ("Id", "When (ET)", "Kind", "What", "Status", "Source")
    lines = (f"note: {problem}",) if problem else ()
    title = f"Events in the next {values['days']} days ({len(events)})"
    data = {"events": [_data(e) for e in events], "problem": problem}
    return CommandResult(title, lines, Table(headers, tuple(_row(e) for e in events)), data)


async def run_add(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Add an event of your own."""
    title = " ".join(values["title"])
    try:
        event = await _service(ctx, "event-add").add(
            EventKind(values["kind"]), values["date"], values["time"], title, values["symbol"]
        )
    except ValueError as exc:
        raise CommandError(f"/event-add: {exc}") from None
    return CommandResult(
        f"Added {event.id}", (f"{_row(event)[1]} ET: {event.title}",), data=_data(event)
    )


async def run_move(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Move a bundled event to another date/time."""
    try:
        event = await _service(ctx, "event-move").move(values["id"], values["date"], values["time"])
    except ValueError as exc:
        raise CommandError(f"/event-move: {exc}") from None
    return CommandResult(
        f"Moved {event.id} to {_row(event)[1]} ET", ("/event-restore undoes it",), data=_data(event)
    )


async def run_hide(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Hide an event (a cancelled release)."""
    try:
        await _service(ctx, "event-hide").hide(values["id"], " ".join(values["why"]))
    except ValueError as exc:
        raise CommandError(f"/event-hide: {exc}") from None
    return CommandResult(f"Hid {values['id']}", ("/event-restore brings a bundled entry back",))


async def run_restore(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Undo a move or hide of a bundled event."""
    try:
        done = await _service(ctx, "event-restore").restore(values["id"])
    except ValueError as exc:
        raise CommandError(f"/event-restore: {exc}") from None
    said = f"Restored {values['id']}" if done else f"{values['id']} had no change to undo"
    return CommandResult(said, data={"restored": done})


KINDS = tuple(k.value for k in EventKind)

SPECS = (
    CommandSpec(
        "events",
        "Upcoming FOMC, CPI, jobs releases and earnings (what the guardrails check)",
        run_events,
        args=(Arg("symbol", ArgKind.SYMBOL, "include this symbol's earnings", required=False),),
        options=(
            Arg("days", ArgKind.INT, "how far ahead (calendar days)", required=False, default=60,
                minimum=1, maximum=1000),
        ),
        examples=("/events", "/events AAPL --days 90"),
    ),
    CommandSpec(
        "event-add",
        "Add an event of your own to the calendar",
        run_add,
        args=(
            Arg("kind", ArgKind.CHOICE, "what it is", choices=KINDS),
            Arg("date", ArgKind.DATE, "release date (YYYY-MM-DD)"),
            Arg("time", ArgKind.CLOCK, "release time, ET (HH:MM)"),
            Arg("title", ArgKind.TEXT, "what to call it", variadic=True),
        ),
        options=(Arg("symbol", ArgKind.SYMBOL, "the underlying (earnings)", required=False),),
        examples=("/event-add other 2026-12-16 10:00 Retail sales",
                  "/event-add earnings 2027-01-28 16:05 AAPL Q1 --symbol AAPL"),
    ),
    CommandSpec(
        "event-move",
        "Move a bundled event to another date (and time, ET)",
        run_move,
        args=(
            Arg("id", ArgKind.TEXT, "the event id from /events"),
            Arg("date", ArgKind.DATE, "new date (YYYY-MM-DD)"),
            Arg("time", ArgKind.CLOCK, "new time, ET (HH:MM)", required=False),
        ),
        examples=("/event-move cpi-2026-11 2026-12-11",),
    ),
    CommandSpec(
        "event-hide",
        "Hide an event (e.g. a cancelled release)",
        run_hide,
        args=(
            Arg("id", ArgKind.TEXT, "the event id from /events"),
            Arg("why", ArgKind.TEXT, "why (kept with it)", required=False, variadic=True),
        ),
        examples=("/event-hide jobs-2026-11 release cancelled",),
    ),
    CommandSpec(
        "event-restore",
        "Undo a move or hide of a bundled event",
        run_restore,
        args=(Arg("id", ArgKind.TEXT, "the event id"),),
        examples=("/event-restore cpi-2026-11",),
    ),
)  # fmt: skip
