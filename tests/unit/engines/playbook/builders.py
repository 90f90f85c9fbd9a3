"""Hand-built events, contexts and the shipped playbook for the playbook engine tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache

import numpy as np

from workstation.config.paths import resources_dir
from workstation.domain.playbook import Direction, MarketContext, PlaybookRule, Trend
from workstation.domain.structure import EVENT_DTYPE, EventKind
from workstation.engines.playbook import parse_playbook

# 2026-11-20 (EST): bar 0 opens 09:30 ET = 14:30 UTC; one-minute bars.
SESSION_OPEN = int(datetime(2026, 11, 20, 14, 30, tzinfo=UTC).timestamp())
BAR_TIMES = SESSION_OPEN + 60 * np.arange(390, dtype=np.int64)


def events(*rows: tuple[int, EventKind, int, float, int]) -> np.ndarray:
    """An EVENT_DTYPE array of (bar, kind, side, price, ref) rows."""
    return np.array([(b, int(k), s, p, r) for b, k, s, p, r in rows], dtype=EVENT_DTYPE)


@cache
def shipped_playbook() -> tuple[PlaybookRule, ...]:
    """The playbook in resources/playbook/default_playbook.json."""
    path = resources_dir() / "playbook" / "default_playbook.json"
    return parse_playbook(json.loads(path.read_text(encoding="utf-8")), path.name)


def spy(price: float = 590.10, **changes) -> MarketContext:
    """SPY's context on the reference morning: bullish bias, IV rank 32, above VWAP, uptrend."""
    fields = {
        "symbol": "SPY",
        "price": price,
        "bias": Direction.BULLISH,
        "iv_rank": 32.0,
        "expected_move": 4.46,
        "vwap": 589.40,
        "trend": Trend.UP,
        "expected_move_days": 1,
        "reference_price": 588.00,
    }
    fields.update(changes)
    return MarketContext(**fields)
