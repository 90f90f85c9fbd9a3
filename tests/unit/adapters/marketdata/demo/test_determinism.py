import asyncio
from datetime import UTC, date, datetime, timedelta

import numpy as np

from tests.fakes.clock import FixedClock
from tests.unit.adapters.marketdata.demo.conftest import SEED, TUESDAY_MIDDAY
from workstation.adapters.marketdata.demo import DemoMarketData
from workstation.domain.bars import Timeframe

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


async def snapshot(seed: int, now: datetime) -> dict[str, np.ndarray]:
    """Collect one of everything the provider serves for a few symbols."""
    md = DemoMarketData(FixedClock(now), seed=seed)
    out = {}
    for symbol in ("SPY", "NVDA", "VIX"):
        for tf in (Timeframe.M1, Timeframe.D1):
            out[f"{symbol} {tf}"] = (await md.bars(symbol, tf, *EVER)).bars
    out["chain"] = (await md.option_chain("SPY")).rows
    out["iv"] = (await md.iv_history("NVDA", date(2000, 1, 1), date(2100, 1, 1))).rows
    quotes = await md.quotes(["SPY", "SPX", "AAPL"])
    out["quotes"] = np.array([(q.last, q.bid, q.prev_close, q.volume) for q in quotes])
    await md.aclose()
    return out


def test_same_seed_and_clock_give_identical_data():
    first = asyncio.run(snapshot(SEED, TUESDAY_MIDDAY))
    second = asyncio.run(snapshot(SEED, TUESDAY_MIDDAY))
    assert first.keys() == second.keys()
    for key in first:
        nan_ok = first[key].dtype.names is None  # structured arrays hold no NaN here
        assert np.array_equal(first[key], second[key], equal_nan=nan_ok), key


def test_a_different_seed_gives_a_different_market():
    first = asyncio.run(snapshot(SEED, TUESDAY_MIDDAY))
    other = asyncio.run(snapshot(SEED + 1, TUESDAY_MIDDAY))
    for key in ("SPY 1m", "NVDA 1d", "VIX 1d", "chain", "iv"):
        assert not np.array_equal(first[key], other[key]), key


def overlap(a: np.ndarray, b: np.ndarray, key: str) -> tuple[np.ndarray, np.ndarray]:
    common = np.intersect1d(a[key], b[key])
    return a[np.isin(a[key], common)], b[np.isin(b[key], common)]


def test_history_does_not_change_when_now_moves_on():
    now = datetime(2026, 11, 20, 22, tzinfo=UTC)  # Friday after the close
    before = asyncio.run(snapshot(SEED, now))
    after = asyncio.run(snapshot(SEED, now + timedelta(days=10)))
    for key in ("SPY 1m", "SPY 1d", "NVDA 1m", "NVDA 1d", "VIX 1d"):
        old, new = overlap(before[key], after[key], "ts")
        assert len(old) > 200, key
        assert np.array_equal(old, new), key
    old_iv, new_iv = overlap(before["iv"], after["iv"], "date")
    assert len(old_iv) > 480
    assert np.array_equal(old_iv, new_iv)
