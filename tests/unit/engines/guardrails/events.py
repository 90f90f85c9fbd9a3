"""Calendar events and expirations for the guardrail tests (exchange time, America/New_York)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from workstation.domain.event_calendar import (
    CalendarEvent,
    EventKind,
    EventStatus,
    eastern_instant,
)

ET_CLOSE = time(16, 0)


def et(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return the UTC instant of a wall time in New York."""
    return eastern_instant(date(year, month, day), time(hour, minute))


FOMC_DEC = CalendarEvent(
    id="fomc-2026-12",
    kind=EventKind.FOMC,
    title="FOMC rate decision (December 2026 meeting)",
    at=et(2026, 12, 9, 14),
    source="https://www.federalreserve.gov/monetarypolicy/fomccalendars.htm",
    first_day=date(2026, 12, 8),
)
CPI_DEC = CalendarEvent(
    id="cpi-2026-11",
    kind=EventKind.CPI,
    title="Consumer Price Index for November 2026",
    at=et(2026, 12, 10, 8, 30),
    status=EventStatus.TENTATIVE,
    source="https://www.bls.gov/schedule/news_release/cpi.htm",
)
JOBS_GOOD_FRIDAY = CalendarEvent(
    id="jobs-2026-03",
    kind=EventKind.JOBS,
    title="Employment Situation for March 2026",
    at=et(2026, 4, 3, 8, 30),
    source="https://www.bls.gov/schedule/news_release/empsit.htm",
)
NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)  # Saturday 10:00 ET
DEC_EXPIRY_CLOSE = et(2026, 12, 18, 16)  # SPY's December monthly settles at the close


def earnings(symbol: str, year: int, month: int, day: int) -> CalendarEvent:
    """An earnings report after the close (16:05 ET)."""
    return CalendarEvent(
        id=f"earnings-{symbol}-{year}-{month:02d}-{day:02d}",
        kind=EventKind.EARNINGS,
        title=f"{symbol} earnings",
        at=et(year, month, day, 16, 5),
        source="demo",
        symbol=symbol,
    )


def weekly_fridays(first: date, last: date) -> list[date]:
    """Fridays from ``first`` to ``last`` (a weeklies-only listing)."""
    start = first + timedelta(days=(4 - first.weekday()) % 7)
    return [start + timedelta(weeks=k) for k in range((last - start).days // 7 + 1)]
