"""The economic calendar: the bundled file, the trader's changes, the merged view."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.clock import FixedClock
from workstation.config.paths import resources_dir
from workstation.domain.event_calendar import (
    EASTERN,
    CalendarEvent,
    EventKind,
    EventStatus,
)
from workstation.storage.database import Database
from workstation.storage.event_calendar import (
    BUNDLED_CALENDAR,
    CalendarAction,
    CalendarFileError,
    EventCalendarStore,
    load_bundled_calendar,
)

FOMC_URL = "https://www.federalreserve.gov/monetarypolicy/fomccalendars.htm"
DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))


def entry(**changes: Any) -> dict[str, Any]:
    """A valid bundled entry (the December 2026 FOMC decision), with ``changes``."""
    base = {
        "id": "fomc-2026-12",
        "kind": "fomc",
        "title": "FOMC rate decision (December 2026 meeting)",
        "first_day": "2026-12-08",
        "date": "2026-12-09",
        "time_et": "14:00",
        "status": "scheduled",
        "source": FOMC_URL,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def cpi_entry(**changes: Any) -> dict[str, Any]:
    base = {
        "id": "cpi-2026-11",
        "kind": "cpi",
        "title": "Consumer Price Index for November 2026",
        "date": "2026-12-10",
        "time_et": "08:30",
        "status": "tentative",
        "source": "https://www.bls.gov/schedule/news_release/cpi.htm",
    }
    base.update(changes)
    return base


def write(tmp_path: Path, entries: list[Any], **top: Any) -> Path:
    path = tmp_path / "economic_events.json"
    path.write_text(json.dumps({"note": "test", "events": entries, **top}), encoding="utf-8")
    return path


@pytest.fixture
def bundled(tmp_path: Path) -> list[CalendarEvent]:
    return load_bundled_calendar(write(tmp_path, [cpi_entry(), entry()]))


@pytest.fixture
def store(db: Database, clock: FixedClock, bundled: list[CalendarEvent]) -> EventCalendarStore:
    return EventCalendarStore(db, bundled, clock)


def earnings(symbol: str = "AAPL", day: int = 14) -> CalendarEvent:
    return CalendarEvent(
        id=f"earnings-{symbol}-2026-12-{day:02d}",
        kind=EventKind.EARNINGS,
        title=f"{symbol} earnings",
        at=datetime(2026, 12, day, 21, 5, tzinfo=UTC),
        source="me",
        symbol=symbol,
    )


# ---------------------------------------------------------------- the shipped file
def test_the_shipped_calendar_has_the_eight_fomc_decisions_of_2026() -> None:
    events = load_bundled_calendar(resources_dir() / BUNDLED_CALENDAR)
    fomc = [e for e in events if e.kind is EventKind.FOMC and e.day.year == 2026]
    assert [(e.first_day, e.day) for e in fomc] == [
        (date(2026, 1, 27), date(2026, 1, 28)),
        (date(2026, 3, 17), date(2026, 3, 18)),
        (date(2026, 4, 28), date(2026, 4, 29)),
        (date(2026, 6, 16), date(2026, 6, 17)),
        (date(2026, 7, 28), date(2026, 7, 29)),
        (date(2026, 9, 15), date(2026, 9, 16)),
        (date(2026, 10, 27), date(2026, 10, 28)),
        (date(2026, 12, 8), date(2026, 12, 9)),
    ]
    last = fomc[-1]
    assert last.id == "fomc-2026-12"
    assert last.eastern == datetime(2026, 12, 9, 14, 0, tzinfo=EASTERN)
    assert last.at == datetime(2026, 12, 9, 19, 0, tzinfo=UTC)
    assert last.source.startswith("https://www.federalreserve.gov/")


def test_the_shipped_calendar_is_sourced_and_never_guesses_a_confirmed_date() -> None:
    events = load_bundled_calendar(resources_dir() / BUNDLED_CALENDAR)
    assert {e.kind for e in events} == {EventKind.FOMC, EventKind.CPI, EventKind.JOBS}
    assert all(e.source.startswith(("https://www.bls.gov/", FOMC_URL)) for e in events)
    assert {e.day.year for e in events} == {2025, 2026, 2027}
    assert all(e.day.weekday() < 5 for e in events)
    confirmed_2026 = {
        (e.kind, e.day)
        for e in events
        if e.day.year == 2026 and e.kind is not EventKind.FOMC and e.status == "confirmed"
    }
    assert confirmed_2026 == {
        (EventKind.CPI, date(2026, 1, 13)),
        (EventKind.CPI, date(2026, 2, 13)),
        (EventKind.CPI, date(2026, 3, 11)),
        (EventKind.CPI, date(2026, 5, 12)),
        (EventKind.JOBS, date(2026, 1, 9)),
        (EventKind.JOBS, date(2026, 2, 11)),
    }
    eight_thirty = [e.eastern.strftime("%H:%M") for e in events if e.kind is not EventKind.FOMC]
    assert set(eight_thirty) == {"08:30"}
    note = json.loads((resources_dir() / BUNDLED_CALENDAR).read_text(encoding="utf-8"))["note"]
    assert "third-party" in note
    assert "override" in note or "overrides" in note


# ---------------------------------------------------------------- loading errors
def test_a_valid_file_loads_sorted_by_release_instant(bundled: list[CalendarEvent]) -> None:
    assert [e.id for e in bundled] == ["fomc-2026-12", "cpi-2026-11"]
    assert bundled[0].first_day == date(2026, 12, 8)
    assert bundled[1].status is EventStatus.TENTATIVE
    assert bundled[1].at == datetime(2026, 12, 10, 13, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("bad_entry", "field", "problem"),
    [
        (entry(date="2026-12-32"), "date", "not a calendar date"),
        (entry(date="09/12/2026"), "date", "YYYY-MM-DD"),
        (entry(time_et="2pm"), "time_et", "HH:MM"),
        (entry(time_et="24:00"), "time_et", "HH:MM"),
        (entry(kind="fed"), "kind", "'fed' is not one of"),
        (entry(status="rumoured"), "status", "'rumoured' is not one of"),
        (entry(title=""), "title", "non-empty"),
        (entry(source=None), "source", "is missing"),
        (entry(first_day="2026-12-09"), "first_day", "before the decision day"),
        (entry(when="soon"), "when", "is not a calendar field"),
        (cpi_entry(first_day="2026-12-09"), "first_day", "only FOMC"),
        (cpi_entry(symbol="SPY"), "symbol", "no symbol"),
        (cpi_entry(kind="earnings"), "symbol", "needs the symbol"),
        (cpi_entry(kind="earnings", symbol="aapl"), "symbol", "upper-case symbol"),
    ],
)
def test_a_bad_entry_names_the_file_the_entry_and_the_field(
    tmp_path: Path, bad_entry: dict[str, Any], field: str, problem: str
) -> None:
    path = write(tmp_path, [cpi_entry(id="cpi-2026-10", date="2026-11-10"), bad_entry])
    with pytest.raises(CalendarFileError) as caught:
        load_bundled_calendar(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"entry 1 (id {bad_entry['id']!r})" in message
    assert f"field {field!r}" in message
    assert problem in message


def test_a_repeated_id_names_both_entries(tmp_path: Path) -> None:
    path = write(tmp_path, [entry(), cpi_entry(), entry(date="2026-12-10", first_day=None)])
    with pytest.raises(CalendarFileError, match=r"entry 2 \(id 'fomc-2026-12'\).*entry 0"):
        load_bundled_calendar(path)


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "events": [\n    {"id": }\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(CalendarFileError, match=r"broken.json: line 3, column 12: not valid JSON"):
        load_bundled_calendar(path)


def test_a_missing_file_and_a_wrong_shape_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CalendarFileError, match=r"missing\.json: cannot read"):
        load_bundled_calendar(tmp_path / "missing.json")
    with pytest.raises(CalendarFileError, match="'events' must be a list"):
        load_bundled_calendar(write(tmp_path, [], events={"a": 1}))
    with pytest.raises(CalendarFileError, match="entry 0: must be a JSON object"):
        load_bundled_calendar(write(tmp_path, ["fomc"]))
    with pytest.raises(CalendarFileError, match="time_zone 'UTC'"):
        load_bundled_calendar(write(tmp_path, [entry()], time_zone="UTC"))


# ---------------------------------------------------------------- the trader's changes
def test_without_changes_the_merged_calendar_is_the_bundled_one(
    store: EventCalendarStore, bundled: list[CalendarEvent]
) -> None:
    assert store.merged(*DECEMBER) == bundled
    assert store.merged(date(2026, 12, 10), date(2026, 12, 10)) == [bundled[1]]
    assert store.merged(date(2026, 11, 1), date(2026, 11, 30)) == []
    assert store.edits() == []


def test_an_override_replaces_the_bundled_entry_and_restore_undoes_it(
    store: EventCalendarStore, bundled: list[CalendarEvent], clock: FixedClock
) -> None:
    cpi = bundled[1]
    moved = replace(
        cpi,
        at=datetime(2026, 12, 11, 13, 30, tzinfo=UTC),
        status=EventStatus.CONFIRMED,
        note="BLS moved it",
    )
    store.override(moved)
    assert store.merged(*DECEMBER) == [bundled[0], moved]
    [edit] = store.edits()
    assert (edit.action, edit.event, edit.updated_at) == (
        CalendarAction.OVERRIDE,
        moved,
        clock.now(),
    )
    assert store.restore(cpi.id) is True
    assert store.merged(*DECEMBER) == bundled
    assert store.restore(cpi.id) is False


def test_remove_hides_a_bundled_entry_until_restored(
    store: EventCalendarStore, bundled: list[CalendarEvent]
) -> None:
    store.remove("cpi-2026-11", note="release cancelled")
    assert store.merged(*DECEMBER) == [bundled[0]]
    [edit] = store.edits()
    assert edit.action is CalendarAction.REMOVE
    assert edit.event == replace(bundled[1], note="release cancelled")
    store.restore("cpi-2026-11")
    assert store.merged(*DECEMBER) == bundled


def test_an_override_after_a_removal_shows_the_entry_again(
    store: EventCalendarStore, bundled: list[CalendarEvent]
) -> None:
    store.remove("fomc-2026-12")
    confirmed = replace(bundled[0], status=EventStatus.CONFIRMED)
    store.override(confirmed)
    assert store.merged(*DECEMBER) == [confirmed, bundled[1]]


def test_the_traders_own_events_are_added_replaced_and_deleted(
    store: EventCalendarStore, bundled: list[CalendarEvent]
) -> None:
    mine = earnings("AAPL", day=9)
    store.add(mine)
    # 16:05 ET on the FOMC day: after the 14:00 ET statement, before the next day's CPI.
    assert store.merged(*DECEMBER) == [bundled[0], mine, bundled[1]]
    later = replace(mine, at=datetime(2026, 12, 15, 21, 5, tzinfo=UTC))
    store.add(later)
    assert store.merged(*DECEMBER) == [*bundled, later]
    store.remove(mine.id)
    assert store.merged(*DECEMBER) == bundled
    assert store.edits() == []


def test_a_symbol_keeps_macro_events_and_that_symbols_own(
    store: EventCalendarStore, bundled: list[CalendarEvent]
) -> None:
    aapl, msft = earnings("AAPL", 14), earnings("MSFT", 15)
    store.add(aapl)
    store.add(msft)
    assert store.merged(*DECEMBER, symbol="aapl") == [*bundled, aapl]
    assert store.merged(*DECEMBER, symbol="SPY") == bundled
    assert store.merged(*DECEMBER) == [*bundled, aapl, msft]


def test_changes_survive_a_new_store_on_the_same_database(
    db: Database, store: EventCalendarStore, bundled: list[CalendarEvent]
) -> None:
    store.remove("cpi-2026-11")
    store.add(earnings())
    again = EventCalendarStore(db, bundled)
    assert [e.id for e in again.merged(*DECEMBER)] == ["fomc-2026-12", "earnings-AAPL-2026-12-14"]


@pytest.mark.parametrize(
    ("write_change", "field"),
    [
        (lambda s, b: s.add(b[0]), "id: 'fomc-2026-12' is a bundled entry"),
        (lambda s, b: s.override(earnings()), "id: 'earnings-AAPL-2026-12-14' is not a bundled"),
        (lambda s, b: s.remove("cpi-1999-01"), "id: no calendar entry 'cpi-1999-01'"),
        (lambda s, b: s.restore("cpi-1999-01"), "id: 'cpi-1999-01' is not a bundled entry"),
        (lambda s, b: s.remove("cpi-2026-11", note="x" * 2001), "note: 2001 characters"),
        (lambda s, b: s.add("fomc"), "event: 'fomc' is not a CalendarEvent"),
    ],
)
def test_invalid_changes_name_the_field_and_write_nothing(
    store: EventCalendarStore, bundled: list[CalendarEvent], write_change: Any, field: str
) -> None:
    with pytest.raises(ValueError, match=field):
        write_change(store, bundled)
    assert store.edits() == []


def test_the_store_only_ever_sees_events_with_aware_instants() -> None:
    with pytest.raises(ValueError, match="'cpi-2026-11': at: 2026-12-10T08:30:00 has no time zone"):
        CalendarEvent("cpi-2026-11", EventKind.CPI, "CPI", datetime(2026, 12, 10, 8, 30))  # noqa: DTZ001
    eastern = CalendarEvent(
        "x", EventKind.OTHER, "x", datetime(2026, 12, 10, 8, 30, tzinfo=EASTERN)
    )
    assert eastern.at == datetime(2026, 12, 10, 13, 30, tzinfo=UTC)
    assert eastern.at.tzinfo is UTC


def test_a_backwards_range_is_refused(store: EventCalendarStore) -> None:
    with pytest.raises(ValueError, match="start: 2026-12-31 is after end 2026-12-01"):
        store.merged(date(2026, 12, 31), date(2026, 12, 1))


def test_the_database_refuses_rows_outside_the_enumerations(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    row = "INSERT INTO calendar_events (id, action, kind, title, at, status, updated_at) VALUES "
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.exec_driver_sql(row + "('x', 'hide', 'cpi', 't', 1.0, 'scheduled', 1.0)")
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.exec_driver_sql(row + "('x', 'add', 'cpi', 't', 1.0, 'maybe', 1.0)")
