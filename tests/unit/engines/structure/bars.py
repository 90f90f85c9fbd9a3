"""Hand-built bars at New York times, and random walks for property tests."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import strategies as st

from workstation.domain.bars import BAR_DTYPE, BarArray
from workstation.domain.structure import Structure, StructureConfig

NY = ZoneInfo("America/New_York")
MONDAY = date(2024, 6, 3)  # EDT; Friday is 2024-06-07


def et(day: date, clock: str) -> int:
    """Epoch seconds of a New York wall-clock time ``HH:MM`` on ``day``."""
    hour, minute = (int(part) for part in clock.split(":"))
    return int(datetime.combine(day, time(hour, minute), NY).timestamp())


def bars(rows: list[tuple[int, float, float, float, float, float]]) -> BarArray:
    """Bars from (ts, open, high, low, close, volume) rows."""
    return np.array(rows, dtype=BAR_DTYPE)


def candles(
    ohlc: list[tuple[float, float, float, float]],
    start: int | None = None,
    volume: float = 100.0,
    step: int = 60,
) -> BarArray:
    """One-minute bars (by default from Monday 10:00 ET) with the given open/high/low/close."""
    first = et(MONDAY, "10:00") if start is None else start
    return bars([(first + k * step, *row, volume) for k, row in enumerate(ohlc)])


TICK = 0.25
# Time steps between bars: mostly a minute, sometimes across the close, a night, a weekend.
STEPS = st.sampled_from([60] * 12 + [120, 1800, 3 * 3600, 14 * 3600 + 1800, 2 * 86400 + 3600])
STARTS = st.sampled_from(
    [
        et(date(2024, 3, 8), "15:50"),  # Friday before the spring DST change
        et(date(2024, 11, 1), "09:20"),  # Friday before the autumn DST change
        et(MONDAY, "09:25"),
        et(MONDAY, "03:58"),
        et(date(2024, 6, 7), "15:57"),  # Friday near the close
    ]
)


@st.composite
def random_walks(draw: st.DrawFn, max_bars: int = 60) -> BarArray:
    """Bars on a quarter-point grid (so equal highs and lows are common) with session gaps."""
    n = draw(st.integers(1, max_bars))
    steps = draw(st.lists(STEPS, min_size=n, max_size=n))
    moves = draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n))
    jumps = draw(st.lists(st.sampled_from([0] * 6 + [-6, -2, 2, 6]), min_size=n, max_size=n))
    wicks = draw(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=n, max_size=n))
    volume = draw(st.lists(st.sampled_from([0, 1, 2, 5]), min_size=n, max_size=n))
    ts = draw(STARTS) + np.cumsum(steps) - steps[0]
    rows = []
    close = 400
    for k in range(n):
        open_ = close + jumps[k]
        close = open_ + moves[k]
        high = max(open_, close) + wicks[k][0]
        low = min(open_, close) - wicks[k][1]
        rows.append((int(ts[k]), *(TICK * x for x in (open_, high, low, close)), volume[k]))
    return bars(rows)


CONFIGS = st.builds(
    StructureConfig,
    swing_length=st.integers(1, 3),
    equal_tolerance=st.sampled_from([0.0, 0.0005, 0.003]),
    displacement_k=st.sampled_from([1.0, 1.5, 3.0]),
    range_window=st.integers(1, 4),
    opening_range_minutes=st.sampled_from([1, 2, 5, 30]),
    ema_spans=st.just((1, 3, 8)),
    vwap_bands=st.just((1.0, 2.5)),
)


def differences(a: Structure, b: Structure) -> list[str]:
    """Names of the parts where two structures differ (empty when they are equal)."""
    bad = [
        name
        for name in ("swings", "levels", "gaps", "blocks", "events")
        if getattr(a, name).dtype != getattr(b, name).dtype
        or not np.array_equal(getattr(a, name), getattr(b, name))
    ]
    floats = [("vwap", a.vwap, b.vwap)]
    for m, (upper, lower) in a.vwap_bands.items():
        other = b.vwap_bands.get(m)
        floats += [
            (f"band {m}", upper, other and other[0]),
            (f"band {m}", lower, other and other[1]),
        ]
    floats += [(f"ema {s}", a.emas[s], b.emas.get(s)) for s in a.emas]
    bad += [name for name, x, y in floats if y is None or not np.array_equal(x, y, equal_nan=True)]
    if set(a.vwap_bands) != set(b.vwap_bands) or set(a.emas) != set(b.emas):
        bad.append("keys")
    return bad
