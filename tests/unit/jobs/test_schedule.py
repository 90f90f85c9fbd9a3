import asyncio

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from workstation.domain.events import TaskFailed
from workstation.jobs.schedule import ScheduledJobs, build_scheduler
from workstation.services.events import EventBus


async def test_schedule_has_the_workstation_jobs_and_reports_failures():
    ran: list[str] = []
    failures: list[TaskFailed] = []
    bus = EventBus()
    bus.subscribe(TaskFailed, failures.append)

    async def flush() -> None:
        ran.append("flush")
        raise OSError("disk full")

    async def nothing() -> None:
        ran.append("other")

    jobs = ScheduledJobs(flush, nothing, nothing, flush_every_seconds=1)
    scheduler = build_scheduler(asyncio.get_running_loop(), jobs, bus)
    ids = {job.id: job for job in scheduler.get_jobs()}
    assert set(ids) == {"flush-quotes", "nightly-backup", "after-close-backfill"}
    assert isinstance(ids["flush-quotes"].trigger, IntervalTrigger)
    backfill = ids["after-close-backfill"].trigger
    assert isinstance(backfill, CronTrigger)
    assert str(backfill.timezone) == "America/New_York"
    assert "day_of_week='mon-fri'" in str(backfill)
    scheduler.start()
    try:
        for _ in range(40):
            await asyncio.sleep(0.05)
            if failures:
                break
    finally:
        scheduler.shutdown(wait=False)
    assert "flush" in ran
    assert failures
    assert failures[0].name == "scheduled job Save latest quotes"
    assert failures[0].message == "disk full"


async def test_risk_alerts_run_in_the_background_one_at_a_time():
    ran: list[str] = []

    async def nothing() -> None:
        return None

    async def risk_alerts() -> None:
        ran.append("risk")

    jobs = ScheduledJobs(nothing, nothing, nothing, risk_alerts=risk_alerts, risk_every_seconds=1)
    scheduler = build_scheduler(asyncio.get_running_loop(), jobs, EventBus())
    job = scheduler.get_job("risk-alerts")
    assert job is not None
    assert isinstance(job.trigger, IntervalTrigger)
    assert job.max_instances == 1
    assert job.coalesce
    scheduler.start()
    try:
        for _ in range(40):
            await asyncio.sleep(0.05)
            if ran:
                break
    finally:
        scheduler.shutdown(wait=False)
    assert ran == ["risk"]


async def test_structure_alerts_step_every_few_seconds_one_at_a_time():
    ran: list[str] = []

    async def nothing() -> None:
        return None

    async def structure_alerts() -> None:
        ran.append("structure")

    jobs = ScheduledJobs(nothing, nothing, nothing, structure_alerts=structure_alerts,
                         structure_every_seconds=1)  # fmt: skip
    scheduler = build_scheduler(asyncio.get_running_loop(), jobs, EventBus())
    job = scheduler.get_job("structure-alerts")
    assert job is not None
    assert isinstance(job.trigger, IntervalTrigger)
    assert job.trigger.interval.total_seconds() == 1
    assert job.max_instances == 1
    assert job.coalesce
    assert job.misfire_grace_time == 1  # a late step is dropped, the next one catches up
    assert scheduler.get_job("risk-alerts") is None
    scheduler.start()
    try:
        for _ in range(40):
            await asyncio.sleep(0.05)
            if ran:
                break
    finally:
        scheduler.shutdown(wait=False)
    assert ran == ["structure"]


async def test_broker_syncs_run_in_market_hours_hourly_and_after_the_close():
    async def nothing() -> None:
        return None

    jobs = ScheduledJobs(
        nothing,
        nothing,
        nothing,
        sync_balances=nothing,
        sync_balances_minutes=5,
        sync_transactions=nothing,
        sync_transactions_minutes=60,
        login_expiry=nothing,
    )
    scheduler = build_scheduler(asyncio.get_running_loop(), jobs, EventBus())
    ids = {job.id: job for job in scheduler.get_jobs()}
    balances = ids["sync-balances"].trigger
    assert isinstance(balances, CronTrigger)
    assert "day_of_week='mon-fri', hour='9-16', minute='*/5'" in str(balances)
    assert ids["sync-transactions"].trigger.interval.total_seconds() == 3600
    assert "hour='16', minute='15'" in str(ids["sync-at-close"].trigger)
    assert "hour='9,17'" in str(ids["login-expiry"].trigger)
    for name in ("sync-balances", "sync-transactions", "sync-at-close", "login-expiry"):
        assert ids[name].coalesce is True
        assert ids[name].max_instances == 1
        assert ids[name].misfire_grace_time >= 60
