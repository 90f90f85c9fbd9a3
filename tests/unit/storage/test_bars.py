"""BarStore: upserts, range reads, validation, atomicity, round trips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workstation.domain.bars import BAR_DTYPE, Timeframe, empty_bars
from workstation.storage.bars import BarStore
from workstation.storage.database import Database


def make_bars(n: int, start: int = 1_700_000_040, step: int = 60, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    bars = empty_bars(n)
    bars["ts"] = start + step * np.arange(n)
    close = 100 + np.cumsum(rng.normal(0, 0.1, n))
    bars["open"] = close - 0.05
    bars["close"] = close
    bars["high"] = close + 0.5
    bars["low"] = close - 0.5
    bars["volume"] = rng.integers(0, 10_000, n)
    return bars


def test_write_then_read_round_trips(db: Database) -> None:
    store = BarStore(db)
    bars = make_bars(500)
    assert store.write("SPY", Timeframe.M1, bars) == 500
    back = store.read("SPY", "1m")
    assert back.dtype == BAR_DTYPE
    np.testing.assert_array_equal(back, bars)
    assert store.count("SPY", "1m") == 500
    assert store.latest_ts("SPY", Timeframe.M1) == int(bars["ts"][-1])


def test_read_is_half_open_and_per_series(db: Database) -> None:
    store = BarStore(db)
    bars = make_bars(10)
    store.write("SPY", "1m", bars)
    store.write("SPY", "5m", make_bars(3, step=300))
    store.write("QQQ", "1m", make_bars(4))
    ts = bars["ts"]
    np.testing.assert_array_equal(store.read("SPY", "1m", int(ts[2]), int(ts[5])), bars[2:5])
    assert len(store.read("SPY", "1m", end_ts=int(ts[0]))) == 0
    assert len(store.read("SPY", "1m", start_ts=int(ts[-1]) + 1)) == 0
    assert store.count("SPY", "5m") == 3
    assert store.symbols() == ["QQQ", "SPY"]


def test_empty_store_answers_empty(db: Database) -> None:
    store = BarStore(db)
    assert store.latest_ts("SPY", "1d") is None
    assert store.count("SPY", "1d") == 0
    assert store.symbols() == []
    assert store.read("SPY", "1d").dtype == BAR_DTYPE
    assert store.write("SPY", "1d", empty_bars()) == 0


def test_write_replaces_overlapping_bars(db: Database) -> None:
    store = BarStore(db)
    store.write("SPY", "1m", make_bars(10))
    revised = make_bars(5, start=1_700_000_040 + 60 * 8, seed=1)
    store.write("SPY", "1m", revised)
    back = store.read("SPY", "1m")
    assert len(back) == 13
    np.testing.assert_array_equal(back[8:], revised)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("low", 1e9, "low above open/close"),
        ("high", np.nan, "non-finite high"),
        ("volume", -1.0, "negative volume"),
        ("volume", np.inf, "non-finite volume"),
        ("close", np.nan, "non-finite close"),
    ],
)
def test_bad_bars_are_refused_naming_series_and_row_and_nothing_is_written(
    db: Database, field: str, value: float, message: str
) -> None:
    store = BarStore(db)
    store.write("SPY", "1m", make_bars(3, start=0))
    bars = make_bars(10)
    bars[field][7] = value
    with pytest.raises(ValueError, match=message) as info:
        store.write("SPY", "1m", bars)
    assert "SPY 1m" in str(info.value)
    assert "row 7" in str(info.value)
    assert store.count("SPY", "1m") == 3


def test_unsorted_or_wrong_dtype_or_timeframe_is_refused(db: Database) -> None:
    store = BarStore(db)
    bars = make_bars(5)
    with pytest.raises(ValueError, match="strictly increasing"):
        store.write("SPY", "1m", bars[::-1].copy())
    with pytest.raises(ValueError, match="dtype"):
        store.write("SPY", "1m", np.zeros(3))
    with pytest.raises(ValueError, match="timeframe '2m'"):
        store.write("SPY", "2m", bars)
    with pytest.raises(ValueError, match="symbol"):
        store.write(" SPY", "1m", bars)
    assert store.symbols() == []


def test_failure_mid_write_rolls_back_every_chunk(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks share one transaction: an error in a later chunk undoes the earlier ones."""
    from workstation.storage import bars as bars_module

    monkeypatch.setattr(bars_module, "CHUNK_ROWS", 4)
    calls = 0
    real_rows = bars_module._rows

    def failing_rows(*args: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("disk unplugged")
        return real_rows(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(bars_module, "_rows", failing_rows)
    store = BarStore(db)
    with pytest.raises(RuntimeError, match="unplugged"):
        store.write("SPY", "1m", make_bars(20))
    assert store.count("SPY", "1m") == 0


def test_chunked_write_matches_single_chunk(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from workstation.storage import bars as bars_module

    monkeypatch.setattr(bars_module, "CHUNK_ROWS", 7)
    bars = make_bars(50)
    BarStore(db).write("SPY", "1m", bars)
    np.testing.assert_array_equal(BarStore(db).read("SPY", "1m"), bars)


finite = st.floats(min_value=1e-6, max_value=1e7, allow_nan=False, allow_infinity=False)


@st.composite
def bar_arrays(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(0, 40))
    gaps = draw(st.lists(st.integers(1, 10**6), min_size=n, max_size=n))
    start = draw(st.integers(-(2**40), 2**40))
    bars = empty_bars(n)
    bars["ts"] = start + np.cumsum(np.asarray(gaps, dtype=np.int64))
    for i in range(n):
        a, b, c, d = sorted(draw(st.lists(finite, min_size=4, max_size=4)))
        open_, close = (b, c) if draw(st.booleans()) else (c, b)
        bars[i] = (bars["ts"][i], open_, d, a, close, draw(finite))
    return bars


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(bars=bar_arrays())
def test_any_valid_bars_round_trip_exactly(db: Database, bars: np.ndarray) -> None:
    store = BarStore(db)
    store.write("RT", "5m", bars)
    back = store.read(
        "RT",
        "5m",
        int(bars["ts"][0]) if len(bars) else None,
        int(bars["ts"][-1]) + 1 if len(bars) else None,
    )
    np.testing.assert_array_equal(back, bars)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM bars")
