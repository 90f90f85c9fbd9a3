"""A workspace set to a linked broker's market data runs on it: real client, fake server.

Opens a workspace whose settings ask for tastytrade market data, with a
tastytrade link in the (in-memory) keyring pointing at the fake API on
127.0.0.1, and checks the quotes and chains the services get are the
broker's. Without the link the demo market stands in and says why.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.secrets import MemorySecretStore
from tests.fakes.tastytrade_samples import sample_history
from tests.fakes.tastytrade_server import CLIENT_SECRET, REFRESH_TOKEN, FakeTastytrade
from workstation.adapters.marketdata.demo.provider import DemoMarketData
from workstation.adapters.marketdata.live.tastytrade import TastytradeMarketData
from workstation.app.runtime import Runtime, open_runtime
from workstation.app.workspace import WorkspaceTarget
from workstation.domain.events import FeedStatusChanged
from workstation.services.blocking import run_in_thread
from workstation.services.events import EventBus


@pytest.fixture
async def fake() -> AsyncIterator[FakeTastytrade]:
    server = FakeTastytrade(sample_history())
    await server.start()
    yield server
    await server.stop()


def link_tastytrade(secrets: MemorySecretStore, url: str) -> None:
    fields = {"client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN, "base_url": url}
    secrets.set("broker.tastytrade", json.dumps(fields))


async def open_with(folder: Path, secrets: MemorySecretStore, **settings: str) -> Runtime:
    """Set ``settings`` on the workspace, close it, and open it again (as a restart would)."""
    target = WorkspaceTarget(folder, "demo")
    first = await asyncio.to_thread(open_runtime, target, EventBus(), run_in_thread, None,
                                    secrets=secrets)  # fmt: skip
    try:
        for name, value in settings.items():
            await first.context.settings_service.set(name, value)  # type: ignore[union-attr]
    finally:
        await first.provider.aclose()
        await asyncio.to_thread(first.close)
    return await asyncio.to_thread(
        open_runtime, target, EventBus(), run_in_thread, None, secrets=secrets
    )


async def test_a_linked_broker_feeds_quotes_and_chains(
    tmp_path: Path, fake: FakeTastytrade
) -> None:
    secrets = MemorySecretStore()
    link_tastytrade(secrets, fake.url)
    runtime = await open_with(
        tmp_path / "ws",
        secrets,
        market_data='"tastytrade"',
        tastytrade_environment='"custom"',
        tastytrade_base_url=json.dumps(fake.url),
    )
    try:
        assert isinstance(runtime.provider, TastytradeMarketData)
        assert runtime.market.simulated is False
        (spy,) = await runtime.market.refresh(["SPY"])
        assert (spy.source, spy.last) == ("tastytrade", 500.0)
        assert runtime.market.latest("SPY") == spy
        metrics = await runtime.market.metrics("SPY", spy.ts.date())
        assert metrics.beta == pytest.approx(1.02)
        assert any(seen.path == "/market-data/by-type" for seen in fake.seen)
    finally:
        await runtime.provider.aclose()
        await asyncio.to_thread(runtime.close)


async def test_without_the_link_the_demo_market_stands_in_and_says_why(tmp_path: Path) -> None:
    secrets = MemorySecretStore()
    runtime = await open_with(tmp_path / "ws", secrets, market_data='"schwab"')
    try:
        assert isinstance(runtime.provider, DemoMarketData)
        assert runtime.market.simulated is True
        seen: list[FeedStatusChanged] = []
        runtime.bus.subscribe(FeedStatusChanged, seen.append)
        feed = asyncio.create_task(runtime.market.run_stream(["SPY"]))
        try:
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.01)
        finally:
            feed.cancel()
            await asyncio.gather(feed, return_exceptions=True)
        assert "schwab is not linked" in seen[0].detail
    finally:
        await asyncio.to_thread(runtime.close)
