"""A clock the test controls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FixedClock:
    """Returns a fixed instant until advanced."""

    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = now.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)
