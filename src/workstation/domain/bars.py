"""OHLCV bars as numpy structured arrays.

A bar's ``ts`` is its open time in epoch seconds (UTC). Prices are dollars per
share (points for indices); volume is shares (0 for indices).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

BAR_DTYPE = np.dtype(
    [("ts", "i8"), ("open", "f8"), ("high", "f8"), ("low", "f8"), ("close", "f8"), ("volume", "f8")]
)

BarArray = npt.NDArray[Any]


class Timeframe(StrEnum):
    """Bar length."""

    M1 = "1m"
    M5 = "5m"
    M15 = "15m"
    H1 = "1h"
    D1 = "1d"

    @property
    def seconds(self) -> int:
        """Length of one bar in seconds (a daily bar counts as 86,400)."""
        return _SECONDS[self]


_SECONDS = {
    Timeframe.M1: 60,
    Timeframe.M5: 300,
    Timeframe.M15: 900,
    Timeframe.H1: 3600,
    Timeframe.D1: 86400,
}


def empty_bars(n: int = 0) -> BarArray:
    """Return a zeroed bar array of length ``n``."""
    return np.zeros(n, dtype=BAR_DTYPE)


def validate_bars(bars: BarArray, where: str) -> None:
    """Raise ValueError naming ``where`` and the first bad row if bars are inconsistent.

    Checks: dtype, strictly increasing timestamps, finite values in every
    field, low <= open/close <= high, non-negative volume.
    """
    if bars.dtype != BAR_DTYPE:
        raise ValueError(f"{where}: bars have dtype {bars.dtype}, expected {BAR_DTYPE}")
    if len(bars) == 0:
        return
    checks = [(np.diff(bars["ts"]) <= 0, 1, "timestamps are not strictly increasing")]
    checks += [(~np.isfinite(bars[f]), 0, f"non-finite {f}") for f in BAR_DTYPE.names or ()]
    checks += [
        (bars["low"] > np.minimum(bars["open"], bars["close"]), 0, "low above open/close"),
        (bars["high"] < np.maximum(bars["open"], bars["close"]), 0, "high below open/close"),
        (bars["volume"] < 0, 0, "negative volume"),
    ]
    for bad, offset, message in checks:
        idx = np.flatnonzero(bad)
        if idx.size:
            row = int(idx[0]) + offset
            raise ValueError(f"{where}: row {row} (ts={int(bars['ts'][row])}): {message}")


@dataclass(frozen=True, slots=True, eq=False)
class BarSeries:
    """Bars of one symbol and timeframe, oldest first."""

    symbol: str
    timeframe: Timeframe
    bars: BarArray

    def __len__(self) -> int:
        return len(self.bars)
