"""Folding live one-minute bars into a chart of any timeframe, without double counting.

A chart of 5-minute (or hourly, daily) bars cannot add a forming one-minute
bar to its last bar tick after tick: the same minute would be counted again
at every tick. Instead the chart's bars from its last one on are rebuilt from
the one-minute bars they cover, which the live update carries whole.
"""

from __future__ import annotations

import numpy as np

from workstation.domain.bars import BAR_DTYPE, BarArray
from workstation.ui.charts.merge import merge_buckets, ohlcv_of

_FIELDS = ("open", "high", "low", "close", "volume")


def fold_minutes(minutes: BarArray, last_ts: int, seconds: int) -> BarArray:
    """Bars of ``seconds`` each from the chart's last bar (opening at ``last_ts``) on.

    ``minutes`` are one-minute bars, oldest first, holding every minute of
    the chart's last bar. Buckets are aligned on ``last_ts`` (so on the
    chart's own grid, whatever origin it was resampled with). The first
    returned bar replaces the chart's last bar when it opens at ``last_ts``;
    the others are new. Cost: O(log n + minutes at or after ``last_ts``).
    """
    tail = minutes[int(np.searchsorted(minutes["ts"], last_ts)) :]
    if not len(tail):
        return np.zeros(0, dtype=BAR_DTYPE)
    bucket = last_ts + (tail["ts"] - last_ts) // seconds * seconds
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    merged = merge_buckets(ohlcv_of(tail), starts)
    out = np.zeros(starts.size, dtype=BAR_DTYPE)
    out["ts"] = bucket[starts]
    for row, name in enumerate(_FIELDS):
        out[name] = merged[row]
    return out


def same_bar(a: np.void, b: np.void) -> bool:
    """True when two ``BAR_DTYPE`` records are equal in every field."""
    return all(a[name] == b[name] for name in ("ts", *_FIELDS))
