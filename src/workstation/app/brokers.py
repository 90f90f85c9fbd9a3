"""Wiring of broker links and sync: the keyring gateway, the services, the endpoints in settings."""

from __future__ import annotations

import sys
import webbrowser
from pathlib import Path

from workstation.adapters.brokers import (
    TASTYTRADE_PRODUCTION,
    TASTYTRADE_SANDBOX,
    BrokerEndpoints,
    KeyringBrokerGateway,
)
from workstation.commands.context import CommandContext
from workstation.config.settings import WorkspaceSettings
from workstation.ports.clock import Clock
from workstation.ports.secrets import SecretStore
from workstation.services.blocking import BlockingRunner
from workstation.services.sync import LinkService, SyncService, SyncStores
from workstation.storage.account_rules import AccountStatusStore
from workstation.storage.balance_snapshots import BalanceSnapshotStore
from workstation.storage.broker_sync import BrokerSyncStore
from workstation.storage.database import Database
from workstation.storage.sync_log import SyncLog
from workstation.storage.transactions import TransactionStore


def endpoints_of(settings: WorkspaceSettings) -> BrokerEndpoints:
    """Return the broker URLs the settings choose (production, sandbox or custom)."""
    tastytrade = {
        "production": TASTYTRADE_PRODUCTION,
        "sandbox": TASTYTRADE_SANDBOX,
        "custom": settings.tastytrade_base_url or TASTYTRADE_PRODUCTION,
    }[settings.tastytrade_environment]
    return BrokerEndpoints(
        tastytrade=tastytrade,
        schwab=settings.schwab_base_url,
        schwab_callback=settings.schwab_callback_url,
    )


def wire_brokers(
    db: Database,
    context: CommandContext,
    secrets: SecretStore,
    workspace: Path,
    clock: Clock,
    run: BlockingRunner,
) -> None:
    """Put the link and sync services on ``context`` (the notifier is attached by the GUI)."""
    gateway = KeyringBrokerGateway(
        secrets, lambda: endpoints_of(context.settings), workspace / "certs", now=clock.now
    )
    stores = SyncStores(
        BrokerSyncStore(db), TransactionStore(db), AccountStatusStore(db), BalanceSnapshotStore(db)
    )
    context.links = LinkService(gateway, stores.sync, clock, run=run)
    context.sync = SyncService(gateway, stores, SyncLog(db, clock=clock), clock, run=run)
    context.open_url = open_in_browser


def open_in_browser(url: str) -> None:
    """Print the login URL (for terminals without a browser) and try to open it."""
    print(f"Log in here (the browser should open by itself):\n  {url}", file=sys.stderr)
    webbrowser.open(url)
