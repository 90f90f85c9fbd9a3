"""Notifications the workstation raises for the trader."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How loudly to notify."""

    INFO = "info"
    WARNING = "warning"
    ALERT = "alert"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Notification:
    """A message for the trader: a short title and one or two lines of body."""

    title: str
    body: str
    severity: Severity = Severity.INFO
    source: str = ""
