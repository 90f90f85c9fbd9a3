"""Clock port: the one source of 'now' (tests use a fixed clock)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the time."""

    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        ...
