"""Broker sync: links, idempotent crash-safe transaction walks, balances and reconciliation."""

from workstation.ports.broker import BrokerAuthError, BrokerError
from workstation.services.sync.accounts import SyncStores
from workstation.services.sync.links import LinkService
from workstation.services.sync.model import AccountSync, LinkStatus, SyncReport, SyncScope
from workstation.services.sync.service import SyncService

__all__ = [
    "AccountSync",
    "BrokerAuthError",
    "BrokerError",
    "LinkService",
    "LinkStatus",
    "SyncReport",
    "SyncScope",
    "SyncService",
    "SyncStores",
]
