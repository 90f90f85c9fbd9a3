"""Frozen events that services publish and the UI bridge re-emits as Qt signals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from workstation.domain.quotes import Quote


class FeedState(StrEnum):
    """State of a market-data feed."""

    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class QuotesUpdated:
    """New quotes arrived (one batch, any number of symbols)."""

    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class FeedStatusChanged:
    """The market-data feed changed state; ``detail`` explains (e.g. the last error)."""

    provider: str
    state: FeedState
    since: datetime
    detail: str = ""
    simulated: bool = False


@dataclass(frozen=True, slots=True)
class TaskFailed:
    """A background task failed; ``name`` says which, ``message`` what went wrong."""

    name: str
    message: str


@dataclass(frozen=True, slots=True)
class WorkspaceOpened:
    """The workspace store is open and migrated."""

    name: str
    path: str
    kind: str
    encrypted: bool
