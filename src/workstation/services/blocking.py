"""How services run blocking work (SQLite, files) without blocking the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class BlockingRunner(Protocol):
    """Runs ``fn(*args)`` off the event loop and returns its result when awaited."""

    def __call__(self, fn: Callable[..., T], *args: Any) -> Awaitable[T]: ...


def run_in_thread(fn: Callable[..., T], *args: Any) -> Awaitable[T]:
    """Default runner for the CLI and tests: a worker thread per call."""
    return asyncio.to_thread(fn, *args)
