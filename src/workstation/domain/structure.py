"""Market-structure levels and events as numpy structured arrays.

Every level and event carries the bar index at which it became knowable
(``confirmed`` for levels, ``bar`` for events): a bar index is a position in
the bar array the structure was computed on, oldest first. ``-1`` in an index
field means "not (yet)". Prices are dollars per share (points for indices).
``side`` is +1 for bullish / buy-side / above price, -1 for bearish / sell-side
/ below price.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from workstation.domain.bars import Timeframe

StructArray = npt.NDArray[Any]
FloatArray = npt.NDArray[np.float64]

NOT_YET = -1

# A confirmed swing high (side +1) or low (side -1) at bar ``bar``, known at ``confirmed``.
SWING_DTYPE = np.dtype([("bar", "i8"), ("confirmed", "i8"), ("side", "i1"), ("price", "f8")])

# A liquidity level: resting stops above highs (side +1, buy-side) or below lows
# (side -1, sell-side). ``first``/``last`` are the bars it was built from (for an
# equal-highs cluster, its first and last touching swing); ``touches`` counts
# them; ``swept`` is the bar that traded through it (-1 while intact).
LEVEL_DTYPE = np.dtype(
    [
        ("kind", "i1"),
        ("side", "i1"),
        ("price", "f8"),
        ("first", "i8"),
        ("last", "i8"),
        ("confirmed", "i8"),
        ("touches", "i4"),
        ("swept", "i8"),
    ]
)

# A fair value gap (three-candle imbalance) around middle candle ``bar``,
# confirmed on the third candle; ``tagged`` is the first later bar that traded
# into it, ``mitigated`` the first that filled it completely (-1 while open).
GAP_DTYPE = np.dtype(
    [
        ("bar", "i8"),
        ("confirmed", "i8"),
        ("side", "i1"),
        ("top", "f8"),
        ("bottom", "f8"),
        ("tagged", "i8"),
        ("mitigated", "i8"),
    ]
)

# An order block: the last opposite candle ``bar`` before a displacement that
# broke structure (confirmed at the break); range ``top``..``bottom``;
# ``mitigated`` is the first later bar that traded back into it.
BLOCK_DTYPE = np.dtype(
    [
        ("bar", "i8"),
        ("confirmed", "i8"),
        ("side", "i1"),
        ("top", "f8"),
        ("bottom", "f8"),
        ("mitigated", "i8"),
    ]
)

# An event knowable at bar ``bar``. ``price`` is the level involved (the swept
# level, the gap edge, the broken swing, VWAP...), ``ref`` an index into the
# array of that level's kind (levels, gaps, swings, blocks) or -1.
EVENT_DTYPE = np.dtype(
    [("bar", "i8"), ("kind", "i1"), ("side", "i1"), ("price", "f8"), ("ref", "i8")]
)


class LevelKind(IntEnum):
    """Where a liquidity level comes from."""

    EQUAL = 1  # cluster of equal highs / lows within the tolerance
    PRIOR_DAY = 2
    PRIOR_WEEK = 3
    OVERNIGHT = 4  # the overnight (pre-open) session's high / low
    OPENING_RANGE = 5  # the opening range's high / low

    @property
    def label(self) -> str:
        """Short name as traders say it."""
        return _LEVEL_LABELS[self]


_LEVEL_LABELS = {
    LevelKind.EQUAL: "equal",
    LevelKind.PRIOR_DAY: "prior day",
    LevelKind.PRIOR_WEEK: "prior week",
    LevelKind.OVERNIGHT: "overnight",
    LevelKind.OPENING_RANGE: "opening range",
}


class EventKind(IntEnum):
    """A structure event; ``ref`` of each kind indexes the array named in the comment."""

    SWEEP = 1  # traded through a liquidity level and closed back inside (levels); side: the
    # liquidity taken (+1 buy-side above highs, -1 sell-side below lows)
    FVG_TAG = 2  # price returned into a fair value gap (gaps)
    DISPLACEMENT = 3  # a candle with range >= k x recent average range (-1)
    RANGE_BREAK_OPENING = 4  # close beyond the opening range (levels)
    RANGE_BREAK_PRIOR_DAY = 5  # close beyond the prior day's range (levels)
    BREAK_OF_STRUCTURE = 6  # close beyond the last swing, with the trend (swings)
    CHANGE_OF_CHARACTER = 7  # close beyond the last swing, against the trend (swings)
    VWAP_RECLAIM = 8  # close back through session VWAP: +1 above (reclaim), -1 below (lost) (-1)
    VWAP_REJECT = 9  # traded through VWAP, closed back: -1 turned down, +1 turned up (-1)

    @property
    def label(self) -> str:
        """Short name as traders say it."""
        return _EVENT_LABELS[self]


_EVENT_LABELS = {
    EventKind.SWEEP: "liquidity sweep",
    EventKind.FVG_TAG: "FVG tag",
    EventKind.DISPLACEMENT: "displacement",
    EventKind.RANGE_BREAK_OPENING: "opening range break",
    EventKind.RANGE_BREAK_PRIOR_DAY: "prior-day range break",
    EventKind.BREAK_OF_STRUCTURE: "break of structure",
    EventKind.CHANGE_OF_CHARACTER: "change of character",
    EventKind.VWAP_RECLAIM: "VWAP reclaim",
    EventKind.VWAP_REJECT: "VWAP reject",
}


@dataclass(frozen=True, slots=True)
class StructureConfig:
    """Parameters of the structure engine (defaults suit one-minute bars).

    ``equal_tolerance`` is a fraction of price (0.0005 = 5 bps) within which
    two swing highs (lows) count as equal; ``displacement_k`` multiplies the
    mean true range of the previous ``range_window`` bars; the opening range
    is the first ``opening_range_minutes`` of the regular session (09:30 ET);
    ``vwap_bands`` are standard-deviation multiples.
    """

    swing_length: int = 5
    equal_tolerance: float = 0.0005
    displacement_k: float = 2.0
    range_window: int = 20
    opening_range_minutes: int = 30
    ema_spans: tuple[int, ...] = (200,)
    vwap_bands: tuple[float, ...] = (1.0, 2.0)

    def __post_init__(self) -> None:
        if self.swing_length < 1:
            raise ValueError(f"swing length must be at least 1 bar, got {self.swing_length}")
        if not 0 <= self.equal_tolerance < 0.1:
            raise ValueError(f"equal tolerance must be in [0, 0.1), got {self.equal_tolerance}")
        if self.displacement_k <= 0 or self.range_window < 1:
            raise ValueError("displacement needs k > 0 and a range window of at least 1 bar")
        if self.opening_range_minutes < 1:
            raise ValueError("the opening range must last at least one minute")
        if any(span < 1 for span in self.ema_spans):
            raise ValueError(f"EMA spans must be at least 1, got {self.ema_spans}")


@dataclass(frozen=True, slots=True, eq=False)
class Structure:
    """All levels and events of one bar series, as known after its last bar.

    ``vwap`` is the session-anchored VWAP per bar; ``vwap_bands`` maps each
    band multiple to (upper, lower) arrays; ``emas`` maps span to EMA of close.
    """

    swings: StructArray
    levels: StructArray
    gaps: StructArray
    blocks: StructArray
    events: StructArray
    vwap: FloatArray
    vwap_bands: dict[float, tuple[FloatArray, FloatArray]] = field(default_factory=dict)
    emas: dict[int, FloatArray] = field(default_factory=dict)

    def events_of(self, kind: EventKind) -> StructArray:
        """Events of one kind, in bar order."""
        selected: StructArray = self.events[self.events["kind"] == kind]
        return selected


def empty(dtype: np.dtype[Any]) -> StructArray:
    """An empty structured array of ``dtype``."""
    return np.zeros(0, dtype=dtype)


@dataclass(frozen=True, slots=True, eq=False)
class StructureChart:
    """Bars of one ticker and timeframe with their structure (computed on the closed bars).

    ``bars`` (BAR_DTYPE, oldest first) may end with the running, not yet closed
    bar; ``structure`` indexes refer to positions in ``bars``.
    """

    symbol: str
    timeframe: Timeframe
    bars: StructArray
    structure: Structure


@dataclass(frozen=True, slots=True, eq=False)
class StructureUpdate:
    """A live step of one ticker's one-minute structure.

    ``bars`` is the whole current one-minute array (closed bars, then the
    running bar when one is forming): older rows never change between
    updates. ``structure`` is as known after the last closed bar;
    ``new_events`` are the events that became knowable in this step.
    """

    symbol: str
    bars: StructArray
    structure: Structure
    new_events: StructArray
