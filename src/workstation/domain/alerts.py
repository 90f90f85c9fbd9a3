"""Alerts the workstation raised: what fired, when, and the context it fired in.

An alert belongs to a condition (``condition_key``, e.g.
``exit:<strategy>:profit_target:hit``); a condition alerts once, ever, so a
rule that stays true does not nag. ``context`` holds what the trader needs to
act on it (the position, the numbers, a suggested setup), JSON-compatible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workstation.domain.notifications import Notification, Severity


@dataclass(frozen=True, slots=True)
class Alert:
    """One raised alert; ``id`` is 0 until stored."""

    condition_key: str
    source: str
    title: str
    body: str
    fired_at: datetime
    severity: Severity = Severity.ALERT
    symbol: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    id: int = 0
    acknowledged_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.condition_key.strip():
            raise ValueError(f"alert {self.title!r}: condition_key must not be empty")
        if self.fired_at.tzinfo is None:
            raise ValueError(f"alert {self.condition_key}: fired_at has no time zone")

    def notification(self) -> Notification:
        """The tray/toast message for this alert."""
        return Notification(self.title, self.body, self.severity, self.source)
