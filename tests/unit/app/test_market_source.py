"""choose_market: the broker the settings name, other linked brokers behind it, else the demo."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.secrets import MemorySecretStore
from workstation.adapters.brokers import BrokerEndpoints, KeyringBrokerGateway
from workstation.adapters.marketdata.demo.provider import DemoMarketData
from workstation.adapters.marketdata.live import FallbackMarketData
from workstation.adapters.marketdata.live.schwab import SchwabMarketData
from workstation.adapters.marketdata.live.tastytrade import TastytradeMarketData
from workstation.app.market_source import choose_market
from workstation.config.settings import WorkspaceSettings

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
LOCAL = BrokerEndpoints("http://127.0.0.1:9", "http://127.0.0.1:9", "https://127.0.0.1:8182/cb")


@pytest.fixture
def secrets() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture
def demo() -> DemoMarketData:
    return DemoMarketData(FixedClock(NOW))


def gateway(secrets: MemorySecretStore, tmp_path: Path) -> KeyringBrokerGateway:
    return KeyringBrokerGateway(secrets, LOCAL, tmp_path / "certs", now=lambda: NOW)


def link(secrets: MemorySecretStore, broker: str) -> None:
    fields = {"refresh_token": f"r-{broker}", "client_secret": "s", "app_key": "k",
              "app_secret": "s", "callback_url": "https://127.0.0.1:8182/cb",
              "refresh_issued_at": (NOW - timedelta(days=1)).isoformat()}  # fmt: skip
    secrets.set(f"broker.{broker}", json.dumps(fields))


def settings(source: str) -> WorkspaceSettings:
    return WorkspaceSettings.model_validate({"market_data": source})


def test_demo_by_default(secrets: MemorySecretStore, demo: DemoMarketData, tmp_path: Path) -> None:
    link(secrets, "tastytrade")
    chosen = choose_market(WorkspaceSettings(), gateway(secrets, tmp_path), demo)
    assert chosen.provider is demo
    assert chosen.simulated
    assert chosen.note == ""


def test_the_named_broker_alone(
    secrets: MemorySecretStore, demo: DemoMarketData, tmp_path: Path
) -> None:
    link(secrets, "tastytrade")
    chosen = choose_market(settings("tastytrade"), gateway(secrets, tmp_path), demo)
    assert isinstance(chosen.provider, TastytradeMarketData)
    assert not chosen.simulated


def test_the_other_linked_broker_fills_gaps(
    secrets: MemorySecretStore, demo: DemoMarketData, tmp_path: Path
) -> None:
    link(secrets, "tastytrade")
    link(secrets, "schwab")
    chosen = choose_market(settings("schwab"), gateway(secrets, tmp_path), demo)
    assert isinstance(chosen.provider, FallbackMarketData)
    first, second = chosen.provider.providers
    assert isinstance(first, SchwabMarketData)
    assert isinstance(second, TastytradeMarketData)
    assert chosen.provider.name == "schwab+tastytrade"


def test_an_unlinked_broker_falls_back_to_the_demo_with_a_reason(
    secrets: MemorySecretStore, demo: DemoMarketData, tmp_path: Path
) -> None:
    link(secrets, "tastytrade")
    chosen = choose_market(settings("schwab"), gateway(secrets, tmp_path), demo)
    assert chosen.provider is demo
    assert chosen.simulated
    assert "schwab is not linked" in chosen.note


def test_an_unknown_source_is_refused_by_the_settings() -> None:
    with pytest.raises(ValueError, match="market_data"):
        settings("bloomberg")
