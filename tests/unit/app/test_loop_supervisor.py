import asyncio
import threading

import pytest

from workstation.app.loop import TaskSupervisor


@pytest.fixture
def supervisor():
    loop = asyncio.new_event_loop()
    sup = TaskSupervisor(loop)
    yield sup
    if not sup._closed:
        loop.run_until_complete(sup.shutdown())
    loop.close()


def test_failures_are_reported_with_the_task_name(supervisor):
    failures = []
    supervisor.on_failure(lambda name, exc: failures.append((name, str(exc))))

    async def broken():
        raise RuntimeError("quote feed exploded")

    task = supervisor.spawn(broken(), name="live quotes")
    supervisor.loop.run_until_complete(asyncio.wait([task]))
    assert failures == [("live quotes", "quote feed exploded")]
    assert supervisor.pending == []


def test_shutdown_cancels_tasks_then_runs_closers_in_reverse(supervisor):
    order = []

    async def forever():
        try:
            await asyncio.Event().wait()
        finally:
            order.append("task cancelled")

    async def close_client():
        order.append("client closed")

    supervisor.spawn(forever(), name="stream")
    supervisor.add_closer("database", lambda: order.append("database closed"))
    supervisor.add_closer("client", close_client)
    supervisor.loop.run_until_complete(asyncio.sleep(0))
    assert supervisor.pending == ["stream"]
    supervisor.loop.run_until_complete(supervisor.shutdown())
    assert order == ["task cancelled", "client closed", "database closed"]
    with pytest.raises(RuntimeError, match="shutting down"):
        supervisor.spawn(forever(), name="late")


def test_blocking_work_runs_on_one_named_thread(supervisor):
    names = supervisor.loop.run_until_complete(
        asyncio.gather(
            *(supervisor.run_blocking(lambda: threading.current_thread().name) for _ in range(3))
        )
    )
    assert len(set(names)) == 1
    assert names[0].startswith("db-writer")


def test_a_failing_closer_does_not_stop_the_others(supervisor, caplog):
    ran = []

    def broken():
        raise OSError("disk gone")

    supervisor.add_closer("first", lambda: ran.append("first"))
    supervisor.add_closer("broken", broken)
    supervisor.loop.run_until_complete(supervisor.shutdown())
    assert ran == ["first"]
    assert "shutdown step 'broken' failed" in caplog.text
