"""The system clock."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    """Tells the real time (aware UTC)."""

    def now(self) -> datetime:
        """Return the current instant."""
        return datetime.now(UTC)
