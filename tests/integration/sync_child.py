"""A sync run in its own process, for the kill test: ``python -m tests.integration.sync_child
DB_FILE BASE_URL``. Links tastytrade with the fake's personal grant (an in-memory keyring)
and syncs everything once through the real client, gateway and service."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.fakes.secrets import MemorySecretStore
from tests.fakes.tastytrade_server import CLIENT_SECRET, REFRESH_TOKEN
from workstation.adapters.brokers import BrokerEndpoints, KeyringBrokerGateway
from workstation.adapters.credentials import CredentialVault
from workstation.adapters.http import HttpPolicy
from workstation.ports.clock import SystemClock
from workstation.services.sync import SyncService, SyncStores
from workstation.storage.account_rules import AccountStatusStore
from workstation.storage.balance_snapshots import BalanceSnapshotStore
from workstation.storage.broker_sync import BrokerSyncStore
from workstation.storage.database import open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.sync_log import SyncLog
from workstation.storage.transactions import TransactionStore


def gateway_for(url: str, folder: Path, policy: HttpPolicy | None = None) -> KeyringBrokerGateway:
    """Return a gateway whose keyring already holds the fake's tastytrade grant."""
    secrets = MemorySecretStore()
    CredentialVault(secrets).save(
        "tastytrade",
        {"client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN, "base_url": url},
    )
    endpoints = BrokerEndpoints(tastytrade=url)
    return KeyringBrokerGateway(secrets, endpoints, folder / "certs", policy)


async def main(db_file: Path, url: str) -> int:
    """Sync once; return 0 when the run finished ok."""
    db = open_database(db_file, None)
    try:
        upgrade_to_head(db, db_file.parent / "backups")
        stores = SyncStores(
            BrokerSyncStore(db), TransactionStore(db), AccountStatusStore(db),
            BalanceSnapshotStore(db),
        )  # fmt: skip
        service = SyncService(gateway_for(url, db_file.parent), stores, SyncLog(db), SystemClock())
        reports = await service.sync()
        return 0 if reports and all(r.ok for r in reports) else 1
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(Path(sys.argv[1]), sys.argv[2])))
