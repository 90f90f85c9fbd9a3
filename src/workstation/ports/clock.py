"""Clock port: the one source of 'now' (tests use a fixed clock)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the time."""

    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        ...


class SystemClock:
    """The wall clock: the Clock everything uses unless a test gives another."""

    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        return datetime.now(UTC)


class ShiftedClock:
    """The wall clock moved so that it read ``start`` when created; time runs on from there.

    Used to replay the demo market from a fixed instant (reproducible
    screenshots and tests); never for a real workspace.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError(f"the demo start {start.isoformat()} needs a time zone")
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        """Return the shifted instant as an aware UTC datetime."""
        return datetime.now(UTC) + self._offset
