"""Notifier port: how alerts reach the trader (system tray, toast, console)."""

from __future__ import annotations

from typing import Protocol

from workstation.domain.notifications import Notification


class Notifier(Protocol):
    """Delivers notifications; may be paused by the trader."""

    @property
    def paused(self) -> bool:
        """True while the trader has paused alerts."""
        ...

    def notify(self, notification: Notification) -> None:
        """Show ``notification`` unless paused (errors are always shown)."""
        ...
