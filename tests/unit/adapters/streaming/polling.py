"""Polling helpers for the streamer tests: wait for a condition, collect what a streamer emits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from workstation.adapters.streaming import (
    StreamGreeks,
    StreamingSession,
    StreamPolicy,
    StreamQuote,
    StreamUpdate,
)
from workstation.domain.retry import RetryPolicy

FAST = StreamPolicy(
    reconnect=RetryPolicy(base_seconds=0.001, cap_seconds=0.01),
    open_timeout_seconds=2.0,
    idle_timeout_seconds=5.0,
    proxy=None,
)


async def eventually(condition: Callable[[], object], timeout: float = 3.0) -> None:
    """Poll ``condition`` until it is truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.005)


class UpdateLog:
    """Reads a streamer's ``updates()`` in the background and keeps every batch."""

    def __init__(self, streamer: StreamingSession) -> None:
        self.batches: list[list[StreamUpdate]] = []
        self.finished = False
        self._task = asyncio.create_task(self._drain(streamer))

    async def _drain(self, streamer: StreamingSession) -> None:
        async for batch in streamer.updates():
            self.batches.append(batch)
        self.finished = True

    def quotes(self, symbol: str) -> list[StreamQuote]:
        """Return every quote for ``symbol`` so far."""
        return [
            u for b in self.batches for u in b if isinstance(u, StreamQuote) and u.symbol == symbol
        ]

    def greeks(self, symbol: str) -> list[StreamGreeks]:
        """Return every greeks update for ``symbol`` so far."""
        return [
            u for b in self.batches for u in b if isinstance(u, StreamGreeks) and u.symbol == symbol
        ]

    async def stop(self) -> None:
        """Stop reading."""
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
