"""What a command can reach: services and workspace facts, built by app/."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workstation.commands.registry import CommandRegistry
    from workstation.config.settings import WorkspaceSettings
    from workstation.engines.sessions import TradingCalendar
    from workstation.ports.clock import Clock
    from workstation.services.alert_rules import AlertRuleService
    from workstation.services.alerts import AlertService
    from workstation.services.chain_service import ChainService
    from workstation.services.event_calendar import EventCalendarService
    from workstation.services.expected_move import ExpectedMoveService
    from workstation.services.ledger import LedgerService
    from workstation.services.ledger_import import TransactionImport
    from workstation.services.maintenance import Maintenance
    from workstation.services.market_data import MarketDataService
    from workstation.services.planner import PlannerService
    from workstation.services.plans import PlanBook
    from workstation.services.risk import RiskService
    from workstation.services.settings import SettingsService
    from workstation.services.sync import LinkService, SyncService


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
    chains: ChainService
    workspace: WorkspaceInfo
    registry: CommandRegistry
    settings: WorkspaceSettings
    maintenance: Maintenance | None = None
    planner: PlannerService | None = None
    plans: PlanBook | None = None
    events: EventCalendarService | None = None
    settings_service: SettingsService | None = None
    ledger_import: TransactionImport | None = None
    ledger: LedgerService | None = None
    risk: RiskService | None = None
    alerts: AlertService | None = None
    alert_rules: AlertRuleService | None = None
    links: LinkService | None = None
    sync: SyncService | None = None
    open_url: Callable[[str], object] | None = None  # the browser for logins (None: print it)
