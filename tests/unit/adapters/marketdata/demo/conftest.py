"""Shared demo markets: generation is cached per instance, so tests reuse a few."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workstation.adapters.marketdata.demo.market import DemoMarket
from workstation.config.defaults import DEFAULT_DEMO_SEED

SEED = DEFAULT_DEMO_SEED
SATURDAY = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)  # 10:00 ET, market closed
TUESDAY_MIDDAY = datetime(2026, 11, 24, 16, 37, 12, 250000, tzinfo=UTC)  # 11:37 ET
AFTER_HALF_DAY = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)  # 17:00 ET, after 2026-11-27


@pytest.fixture(scope="session")
def weekend_market() -> DemoMarket:
    return DemoMarket(SEED)


@pytest.fixture(scope="session")
def live_market() -> DemoMarket:
    return DemoMarket(SEED)


@pytest.fixture(scope="session")
def december_market() -> DemoMarket:
    return DemoMarket(SEED)
