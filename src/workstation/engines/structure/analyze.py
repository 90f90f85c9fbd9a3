"""Everything at once: levels, gaps, blocks, VWAP, EMAs and events of a bar series."""

from __future__ import annotations

import numpy as np

from workstation.domain.bars import BAR_DTYPE, BarArray
from workstation.domain.structure import Structure, StructureConfig
from workstation.engines.structure.averages import ema
from workstation.engines.structure.blocks import find_blocks
from workstation.engines.structure.breaks import displacement_side, structure_breaks
from workstation.engines.structure.events import (
    displacements,
    gap_tags,
    range_breaks,
    sort_events,
    sweeps,
    vwap_events,
)
from workstation.engines.structure.gaps import find_gaps
from workstation.engines.structure.liquidity import find_levels
from workstation.engines.structure.reach import PriceReach
from workstation.engines.structure.sessions import session_clock
from workstation.engines.structure.swings import swing_points
from workstation.engines.structure.vwap import clocked_vwap

_DEFAULT = StructureConfig()  # frozen, so one shared default is safe


def analyze(bars: BarArray, config: StructureConfig = _DEFAULT) -> Structure:
    """Return the structure of ``bars`` (BAR_DTYPE, oldest first) as known after the last bar.

    Every level and event is causal: computed from the bars up to the one it
    is stamped with, so ``analyze(bars[:n])`` agrees with ``analyze(bars)`` on
    everything knowable before bar ``n``. Raises ValueError for a wrong dtype
    or timestamps that do not strictly increase.
    """
    _check(bars)
    open_, high, low, close, volume = (
        np.ascontiguousarray(bars[f], dtype=np.float64)
        for f in ("open", "high", "low", "close", "volume")
    )
    clock = session_clock(bars["ts"])
    reach = PriceReach(high, low, close)
    swings = swing_points(high, low, config.swing_length)
    levels = find_levels(clock, high, low, swings, config, reach)
    gaps = find_gaps(high, low, reach)
    impulse = displacement_side(open_, high, low, close, config.displacement_k, config.range_window)
    breaks = structure_breaks(close, swings, reach)
    blocks = find_blocks(open_, high, low, close, breaks, swings, impulse, reach)
    vwap, bands = clocked_vwap(clock, high, low, close, volume, config.vwap_bands)
    events = sort_events(
        [
            sweeps(levels, close),
            gap_tags(gaps),
            displacements(impulse, close),
            range_breaks(levels, clock, reach),
            breaks,
            vwap_events(vwap, high, low, close, clock.day),
        ]
    )
    emas = {span: ema(close, span) for span in config.ema_spans}
    return Structure(swings, levels, gaps, blocks, events, vwap, bands, emas)


def _check(bars: BarArray) -> None:
    if bars.dtype != BAR_DTYPE:
        raise ValueError(f"bars have dtype {bars.dtype}, expected {BAR_DTYPE}")
    stamps = bars["ts"]
    if len(stamps) > 1 and not bool(np.all(stamps[1:] > stamps[:-1])):
        row = int(np.argmax(stamps[1:] <= stamps[:-1])) + 1
        raise ValueError(f"bar timestamps must strictly increase; row {row} does not")
