"""Market structure: liquidity levels, fair value gaps, order blocks, VWAP, EMAs and events.

``analyze(bars, config)`` computes everything over a bar array at once
(vectorised numpy); ``StructureTracker`` does the same bar by bar for live
data and agrees with it exactly. Results are the numpy structured arrays of
``workstation.domain.structure``. Each module states its definitions:
``swings`` (fractal swing points), ``sessions`` (New York session clock),
``equal`` and ``session_levels`` and ``liquidity`` (levels and sweeps),
``gaps`` (fair value gaps), ``vwap`` and ``averages`` (VWAP, bands, EMAs),
``breaks`` (displacement, BOS / CHOCH), ``blocks`` (order blocks),
``events`` (the event list), ``reach`` (the first-reach search behind
tags, fills, sweeps and breaks).
"""

from workstation.engines.structure.analyze import analyze
from workstation.engines.structure.averages import ema
from workstation.engines.structure.blocks import order_blocks
from workstation.engines.structure.breaks import displacement_side
from workstation.engines.structure.gaps import fair_value_gaps
from workstation.engines.structure.liquidity import liquidity_levels
from workstation.engines.structure.sessions import SessionClock, session_clock
from workstation.engines.structure.swings import swing_points
from workstation.engines.structure.tracker import StructureTracker
from workstation.engines.structure.vwap import anchored_vwap, session_vwap

__all__ = [
    "SessionClock",
    "StructureTracker",
    "analyze",
    "anchored_vwap",
    "displacement_side",
    "ema",
    "fair_value_gaps",
    "liquidity_levels",
    "order_blocks",
    "session_clock",
    "session_vwap",
    "swing_points",
]
