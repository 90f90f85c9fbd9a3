"""Bar arithmetic: resampling one-minute bars to longer timeframes (vectorised)."""

from __future__ import annotations

import numpy as np

from workstation.domain.bars import BAR_DTYPE, BarArray


def resample(bars: BarArray, seconds: int, origin: int = 0) -> BarArray:
    """Aggregate bars into buckets of ``seconds`` aligned at ``origin`` (epoch seconds).

    A bucket's ``ts`` is its start; open is the first bar's open, high the max,
    low the min, close the last close, volume the sum. Buckets with no bars
    are omitted (no bars are invented across closed hours). ``bars`` must be
    sorted by ts. Use ``origin`` = 1800 for hourly bars aligned to 09:30 ET.
    """
    if seconds <= 0:
        raise ValueError(f"bucket length must be positive, got {seconds}s")
    if len(bars) == 0:
        return np.zeros(0, dtype=BAR_DTYPE)
    bucket = (bars["ts"] - origin) // seconds * seconds + origin
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    ends = np.r_[starts[1:], len(bars)] - 1
    out = np.zeros(len(starts), dtype=BAR_DTYPE)
    out["ts"] = bucket[starts]
    out["open"] = bars["open"][starts]
    out["high"] = np.maximum.reduceat(bars["high"], starts)
    out["low"] = np.minimum.reduceat(bars["low"], starts)
    out["close"] = bars["close"][ends]
    out["volume"] = np.add.reduceat(bars["volume"], starts)
    return out
