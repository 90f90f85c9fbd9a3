"""Generation speed (run on demand: pytest -m benchmark)."""

import time
from datetime import date

import pytest

from tests.unit.adapters.marketdata.demo.conftest import SEED, TUESDAY_MIDDAY
from workstation.adapters.marketdata.demo.market import DemoMarket
from workstation.adapters.marketdata.demo.universe import UNIVERSE
from workstation.engines.sessions import xnys


@pytest.mark.benchmark
def test_whole_universe_generates_well_under_two_seconds():
    xnys()  # the calendar is built once per process, not per market
    market = DemoMarket(SEED)
    started = time.perf_counter()
    for symbol, spec in UNIVERSE.items():
        market.daily_bars(symbol, TUESDAY_MIDDAY)
        market.minute_bars(symbol, TUESDAY_MIDDAY)
        if spec.options:
            market.iv_history(symbol, date(2000, 1, 1), date(2100, 1, 1), TUESDAY_MIDDAY)
    elapsed = time.perf_counter() - started
    print(f"13 symbols: {elapsed:.3f} s")
    assert elapsed < 1.0


@pytest.mark.benchmark
def test_full_chain_well_under_100_ms():
    market = DemoMarket(SEED)
    market.chain("NDX", TUESDAY_MIDDAY)
    started = time.perf_counter()
    chain = market.chain("NDX", TUESDAY_MIDDAY)
    elapsed = time.perf_counter() - started
    print(f"NDX chain, {len(chain.rows)} contracts: {elapsed * 1000:.1f} ms")
    assert elapsed < 0.05
