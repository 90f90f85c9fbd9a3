"""What a command can reach: services and workspace facts, built by app/."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workstation.config.settings import WorkspaceSettings
from workstation.ports.clock import Clock

if TYPE_CHECKING:
    from workstation.commands.registry import CommandRegistry
    from workstation.engines.sessions import TradingCalendar
    from workstation.services.expected_move import ExpectedMoveService
    from workstation.services.maintenance import Maintenance
    from workstation.services.market_data import MarketDataService


@dataclass(frozen=True, slots=True)
class WorkspaceInfo:
    """The open workspace as the trader sees it."""

    name: str
    path: str
    kind: str
    encrypted: bool


@dataclass(slots=True)
class CommandContext:
    """Services a command may use. Built once per process by the composition root."""

    clock: Clock
    calendar: TradingCalendar
    market: MarketDataService
    expected_moves: ExpectedMoveService
    workspace: WorkspaceInfo
    registry: CommandRegistry
    maintenance: Maintenance | None = None
    settings: WorkspaceSettings = field(default_factory=WorkspaceSettings)
