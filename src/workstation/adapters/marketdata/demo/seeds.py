"""Seeded random streams for the demo market.

Every draw is a pure function of (seed, symbol, stream name, calendar key):
daily draws come from one generator per calendar year indexed by day of year,
minute draws from one generator per calendar month indexed by day of month.
So a session's numbers never depend on which other sessions are generated,
and history does not change when "now" moves on. Keys use zlib.crc32, never
Python's salted ``hash()``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
DayArray = npt.NDArray[np.datetime64]
Sampler = Callable[[np.random.Generator, tuple[int, ...]], FloatArray]

MINUTES_PER_DAY_MAX = 390


def rng_for(seed: int, symbol: str, stream: str, key: int) -> np.random.Generator:
    """Return a PCG64 generator for one (seed, symbol, stream, key) combination."""
    seed64 = seed % 2**64
    entropy = [
        seed64 & 0xFFFFFFFF,
        seed64 >> 32,
        zlib.crc32(symbol.encode()),
        zlib.crc32(stream.encode()),
        key % 2**63,
    ]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


def normal(rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
    """Draw standard normal variates."""
    return rng.standard_normal(shape)


def uniform(rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
    """Draw uniform variates on [0, 1)."""
    return rng.random(shape)


def student_t(dof: float) -> Sampler:
    """Return a sampler of Student-t variates rescaled to unit variance (dof > 2)."""
    scale = float(np.sqrt((dof - 2.0) / dof))

    def sample(rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
        return rng.standard_t(dof, shape) * scale

    return sample


def daily_draws(
    seed: int, symbol: str, stream: str, days: DayArray, sampler: Sampler = normal
) -> FloatArray:
    """Return one draw per session in ``days`` (datetime64[D]), keyed by calendar day."""
    years = days.astype("M8[Y]")
    day_of_year = (days - years.astype("M8[D]")).astype(np.int64)
    out = np.empty(len(days))
    for year in np.unique(years):
        mask = years == year
        block = sampler(rng_for(seed, symbol, stream, int(year.astype(np.int64)) + 1970), (366,))
        out[mask] = block[day_of_year[mask]]
    return out


def minute_draws(
    seed: int, symbol: str, stream: str, days: DayArray, sampler: Sampler = normal
) -> FloatArray:
    """Return a (sessions x 390) block of draws, one row per session, keyed by calendar day."""
    months = days.astype("M8[M]")
    day_of_month = (days - months.astype("M8[D]")).astype(np.int64)
    out = np.empty((len(days), MINUTES_PER_DAY_MAX))
    for month in np.unique(months):
        mask = months == month
        key = int(month.astype(np.int64))  # months since 1970-01
        block = sampler(rng_for(seed, symbol, stream, key), (31, MINUTES_PER_DAY_MAX))
        out[mask] = block[day_of_month[mask]]
    return out
