"""The workstation's schedule: quote flushes, backups, backfill, alerts and broker sync.

Risk alerts (exit rules, day-trade and settlement conditions) are evaluated
every ``risk_every_seconds`` in the background; each condition alerts once.
Market structure is stepped every ``structure_every_seconds``: new closed
one-minute bars feed the incremental trackers and the alert rules.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from workstation.domain.events import TaskFailed
from workstation.services.events import EventBus

log = logging.getLogger(__name__)
EXCHANGE_TZ = "America/New_York"

Job = Callable[[], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class ScheduledJobs:
    """The coroutines the schedule runs (built by the composition root)."""

    flush_quotes: Job
    nightly_backup: Job
    after_close_backfill: Job
    flush_every_seconds: int = 30
    risk_alerts: Job | None = None
    risk_every_seconds: int = 60
    structure_alerts: Job | None = None
    structure_every_seconds: int = 5
    sync_balances: Job | None = None
    sync_balances_minutes: int = 5
    sync_transactions: Job | None = None
    sync_transactions_minutes: int = 60
    login_expiry: Job | None = None


def build_scheduler(
    loop: asyncio.AbstractEventLoop, jobs: ScheduledJobs, bus: EventBus
) -> AsyncIOScheduler:
    """Return a (not yet started) scheduler on ``loop`` with the workstation's jobs."""
    scheduler = AsyncIOScheduler(event_loop=loop, timezone=EXCHANGE_TZ)
    defaults = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
    scheduler.add_job(
        jobs.flush_quotes,
        "interval",
        seconds=jobs.flush_every_seconds,
        id="flush-quotes",
        name="Save latest quotes",
        **defaults,
    )
    scheduler.add_job(
        jobs.nightly_backup,
        "cron",
        hour=2,
        minute=30,
        id="nightly-backup",
        name="Nightly database backup",
        **defaults,
    )
    scheduler.add_job(
        jobs.after_close_backfill,
        "cron",
        day_of_week="mon-fri",
        hour=16,
        minute=20,
        id="after-close-backfill",
        name="Store today's bars",
        **defaults,
    )

    if jobs.risk_alerts is not None:
        scheduler.add_job(
            jobs.risk_alerts,
            "interval",
            seconds=jobs.risk_every_seconds,
            id="risk-alerts",
            name="Check exit rules and account rules",
            **defaults,
        )

    if jobs.structure_alerts is not None:
        scheduler.add_job(
            jobs.structure_alerts,
            "interval",
            seconds=jobs.structure_every_seconds,
            id="structure-alerts",
            name="Track market structure and evaluate alert rules",
            **{**defaults, "misfire_grace_time": jobs.structure_every_seconds},
        )

    _add_sync_jobs(scheduler, jobs, defaults)

    def on_error(event: JobExecutionEvent) -> None:
        job = scheduler.get_job(event.job_id)
        name = job.name if job else event.job_id
        bus.publish(TaskFailed(f"scheduled job {name}", str(event.exception)))

    scheduler.add_listener(on_error, EVENT_JOB_ERROR)
    return scheduler


def _add_sync_jobs(
    scheduler: AsyncIOScheduler, jobs: ScheduledJobs, defaults: dict[str, Any]
) -> None:
    """Broker sync: positions and balances every few minutes in market hours, transactions
    hourly and once after the close, and the login-expiry check twice a day."""
    if jobs.sync_balances is not None:
        scheduler.add_job(
            jobs.sync_balances,
            "cron",
            day_of_week="mon-fri",
            hour="9-16",
            minute=f"*/{jobs.sync_balances_minutes}",
            id="sync-balances",
            name="Sync broker positions and balances",
            **{**defaults, "misfire_grace_time": 60 * jobs.sync_balances_minutes},
        )
    if jobs.sync_transactions is not None:
        scheduler.add_job(
            jobs.sync_transactions,
            "interval",
            minutes=jobs.sync_transactions_minutes,
            id="sync-transactions",
            name="Sync broker transactions",
            **defaults,
        )
        scheduler.add_job(
            jobs.sync_transactions,
            "cron",
            day_of_week="mon-fri",
            hour=16,
            minute=15,
            id="sync-at-close",
            name="Sync broker transactions after the close",
            **defaults,
        )
    if jobs.login_expiry is not None:
        scheduler.add_job(
            jobs.login_expiry,
            "cron",
            hour="9,17",
            minute=0,
            id="login-expiry",
            name="Warn about broker logins that expire soon",
            **defaults,
        )
