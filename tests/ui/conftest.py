"""UI fixtures: a qasync loop over the test QApplication, a demo runtime on a fixed clock."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import qasync

from tests.fakes.clock import FixedClock

# Tuesday 2026-11-24 11:37 ET: the market is open.
TUESDAY_MIDDAY = datetime(2026, 11, 24, 16, 37, 12, tzinfo=UTC)


@pytest.fixture
def qt_loop(qapp) -> Iterator[asyncio.AbstractEventLoop]:
    """The app's loop kind: asyncio running on Qt's event loop."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TUESDAY_MIDDAY)


@pytest.fixture
def demo_folder(tmp_path: Path) -> Path:
    return tmp_path / "demo-workspace"
