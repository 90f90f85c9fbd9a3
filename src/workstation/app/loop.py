"""The one asyncio loop (qasync, on top of Qt's) and the one spawn() helper.

Every background coroutine starts through ``spawn()``: it gets a name, a kept
reference (so it is never garbage-collected mid-flight), and a done-callback
that logs a failure and reports it to the UI. Blocking work (SQLite, keyring,
heavy numpy) runs on the single "db-writer" thread through ``run_blocking``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
FailureSink = Callable[[str, BaseException], None]
Closer = Callable[[], Awaitable[Any] | None]


class TaskSupervisor:
    """Owns background tasks, the blocking-work thread and the shutdown sequence."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closers: list[tuple[str, Closer]] = []
        self._failure_sinks: list[FailureSink] = []
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")
        self._closed = False

    @property
    def pending(self) -> list[str]:
        """Names of tasks still running."""
        return sorted(t.get_name() for t in self._tasks if not t.done())

    def on_failure(self, sink: FailureSink) -> None:
        """Call ``sink(task_name, exception)`` whenever a spawned task fails."""
        self._failure_sinks.append(sink)

    def spawn(self, coro: Coroutine[Any, Any, T], *, name: str) -> asyncio.Task[T]:
        """Start ``coro`` as a named, referenced task whose failure is logged and surfaced."""
        if self._closed:
            coro.close()
            raise RuntimeError(f"cannot start task {name!r}: the application is shutting down")
        task = self.loop.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def run_blocking(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """Run ``fn(*args)`` on the single blocking-work thread; await the result."""
        return self.loop.run_in_executor(self._executor, fn, *args)

    def add_closer(self, name: str, closer: Closer) -> None:
        """Register a shutdown step (closing a client, stopping a scheduler, closing the DB).

        Steps run in reverse order of registration, after tasks are cancelled.
        """
        self._closers.append((name, closer))

    async def shutdown(self, timeout: float = 5.0) -> None:
        """Cancel tasks, wait for them, run closers, stop the blocking thread."""
        if self._closed:
            return
        self._closed = True
        tasks = [t for t in self._tasks if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            _done, stuck = await asyncio.wait(tasks, timeout=timeout)
            for task in stuck:
                log.error("task %s did not stop within %.0fs", task.get_name(), timeout)
        for name, closer in reversed(self._closers):
            await self._close_one(name, closer)
        self._executor.shutdown(wait=True)

    async def _close_one(self, name: str, closer: Closer) -> None:
        try:
            result = closer()
            if result is not None:
                await result
        except Exception:
            log.exception("shutdown step %r failed", name)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        log.error("task %s failed", task.get_name(), exc_info=exc)
        for sink in self._failure_sinks:
            sink(task.get_name(), exc)


_current: TaskSupervisor | None = None


def install(supervisor: TaskSupervisor) -> TaskSupervisor:
    """Make ``supervisor`` the process's current one (used by ``spawn``)."""
    global _current  # noqa: PLW0603 - one loop per process, set by the composition root
    _current = supervisor
    return supervisor


def current() -> TaskSupervisor:
    """Return the process's supervisor; raise if the loop has not been created."""
    if _current is None:
        raise RuntimeError("the event loop has not been created (app.loop.create_qt_loop)")
    return _current


def spawn(coro: Coroutine[Any, Any, T], *, name: str) -> asyncio.Task[T]:
    """Start a named, supervised background task on the one loop."""
    return current().spawn(coro, name=name)


def create_qt_loop(app: Any) -> TaskSupervisor:
    """Create the qasync loop over the Qt application and install its supervisor."""
    import qasync  # deferred: imported after the first paint

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    return install(TaskSupervisor(loop))
