"""Broker sync end to end: the real tastytrade client, gateway and sync service against the fake
tastytrade server on 127.0.0.1 and a real SQLite file.

- 10,000 transactions at 250 per page arrive exactly once; a second sync adds nothing;
- with transient faults on 20 % of requests the sync converges to the same rows;
- a sync process killed at random instants 22 times, then run to the end, loses and
  duplicates nothing and leaves a clean ``PRAGMA integrity_check``;
- the fake's canary tokens never reach the logs, the errors or the database.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.http_faults import FaultPlan
from tests.fakes.tastytrade_samples import sample_history
from tests.fakes.tastytrade_server import FakeTastytrade
from tests.integration.sync_child import gateway_for
from workstation.adapters.http import HttpPolicy
from workstation.domain.brokers import LinkState
from workstation.domain.retry import RetryPolicy
from workstation.ports.clock import SystemClock
from workstation.services.sync import SyncService, SyncStores
from workstation.storage.account_rules import AccountStatusStore
from workstation.storage.balance_snapshots import BalanceSnapshotStore
from workstation.storage.broker_sync import BrokerSyncStore
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.sync_log import SyncLog
from workstation.storage.transactions import TransactionStore

ROOT = Path(__file__).resolve().parents[2]
HISTORY_ROWS = 10_000
KILLS = 22
FAST = HttpPolicy(
    timeout_seconds=0.5, retry=RetryPolicy(base_seconds=0.001, cap_seconds=0.01, max_attempts=8)
)


@pytest.fixture(scope="module")
def history_ids() -> list[str]:
    history = sample_history(HISTORY_ROWS)
    return sorted(str(item["id"]) for item in history.transactions["5WT00001"])


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "workstation.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


def _service(db: Database, url: str, folder: Path) -> SyncService:
    gateway = gateway_for(url, folder, FAST)
    stores = SyncStores(
        BrokerSyncStore(db), TransactionStore(db), AccountStatusStore(db), BalanceSnapshotStore(db)
    )
    return SyncService(gateway, stores, SyncLog(db), SystemClock())


def _stored_keys(db: Database) -> list[str]:
    return sorted(row.key for row in TransactionStore(db).all())


async def test_full_sync_of_10000_rows_equals_the_history_and_repeats_add_nothing(
    db: Database, tmp_path: Path, history_ids: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeTastytrade(sample_history(HISTORY_ROWS)) as fake:
        service = _service(db, fake.url, tmp_path)
        [first] = await service.sync()
        [second] = await service.sync()
        pages = [r for r in fake.seen if r.path.endswith("/transactions")]
    assert first.ok, first.error
    assert first.added == HISTORY_ROWS
    assert first.accounts[0].pages == HISTORY_ROWS // 250
    assert second.added == 0
    assert _stored_keys(db) == history_ids
    # The second run re-reads only the overlap window before its cursor: one page.
    assert len(pages) == HISTORY_ROWS // 250 + 1
    assert BrokerSyncStore(db).link("tastytrade").state is LinkState.LINKED
    _assert_no_canaries(db, caplog.text)


async def test_sync_converges_with_faults_on_a_fifth_of_the_requests(
    db: Database, tmp_path: Path, history_ids: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    faults = FaultPlan(rate=0.2, seed=7, slow_seconds=1.0)
    async with FakeTastytrade(sample_history(HISTORY_ROWS), faults=faults) as fake:
        service = _service(db, fake.url, tmp_path)
        reports = [await service.sync() for _ in range(3)]
    assert len(faults.injected) >= 0.15 * len(faults.requests)
    assert {kind for kind, _ in faults.injected} >= {"429", "500", "truncated", "timeout"}
    assert any(r.ok for [r] in reports), [r.error for [r] in reports]
    assert _stored_keys(db) == history_ids
    errors = " ".join(r.error for [r] in reports)
    _assert_no_canaries(db, caplog.text + errors)


def test_a_sync_killed_at_random_instants_loses_and_duplicates_nothing(
    tmp_path: Path, history_ids: list[str]
) -> None:
    db_file = tmp_path / "workstation.db"
    setup = open_database(db_file, None)
    upgrade_to_head(setup, tmp_path / "backups")
    setup.close()
    faults = FaultPlan(latency_seconds=0.02)
    running = FakeTastytrade(sample_history(HISTORY_ROWS), faults=faults).start_in_thread()
    rng = random.Random(2026)
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}"}
    command = [sys.executable, "-m", "tests.integration.sync_child", str(db_file), running.url]
    progress = []
    try:
        for _ in range(KILLS):
            child = subprocess.Popen(command, cwd=ROOT, env=env)
            time.sleep(rng.uniform(0.3, 3.0))
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            progress.append(_count(db_file))
        finished = subprocess.run(command, cwd=ROOT, env=env, timeout=300, check=False)
    finally:
        running.stop()
    assert finished.returncode == 0
    # Kills landed mid-walk (some rows stored, not all) and every run resumed, never regressed.
    assert any(0 < n < HISTORY_ROWS for n in progress), progress
    assert progress == sorted(progress)
    db = open_database(db_file, None)
    try:
        keys = _stored_keys(db)
        with db.engine.connect() as connection:
            check = connection.exec_driver_sql("PRAGMA integrity_check").scalar_one()
    finally:
        db.close()
    assert check == "ok"
    assert len(keys) == len(set(keys))  # 0 duplicated
    assert keys == history_ids  # 0 lost


def _count(db_file: Path) -> int:
    db = open_database(db_file, None)
    try:
        return TransactionStore(db).count()
    finally:
        db.close()


def _assert_no_canaries(db: Database, text: str) -> None:
    assert "CANARY" not in text
    raw = Path(db.path).read_bytes()
    wal = Path(f"{db.path}-wal")
    if wal.exists():
        raw += wal.read_bytes()
    assert b"CANARY" not in raw
