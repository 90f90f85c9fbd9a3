"""Structure events as the playbook reads them, and how they are worded.

An event arrives as one EVENT_DTYPE record from the structure engine;
``SeenEvent`` is its plain-Python view. A sweep's ``side`` is the swept
level's side (+1 buy-side liquidity above highs, -1 sell-side below lows);
for every other event +1 is bullish / up and -1 bearish / down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from workstation.domain.structure import EventKind

EXCHANGE_TIME = ZoneInfo("America/New_York")

_BREAKS = {
    EventKind.DISPLACEMENT, EventKind.RANGE_BREAK_OPENING, EventKind.RANGE_BREAK_PRIOR_DAY,
    EventKind.BREAK_OF_STRUCTURE, EventKind.CHANGE_OF_CHARACTER,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SeenEvent:
    """One structure event: knowable at bar index ``bar``; ``price`` is the level involved."""

    bar: int
    kind: EventKind
    side: int
    price: float
    ref: int = -1

    @classmethod
    def from_record(cls, record: Any) -> SeenEvent:
        """Read an EVENT_DTYPE record (a numpy structured scalar or a mapping with its fields)."""
        code = int(record["kind"])
        try:
            kind = EventKind(code)
        except ValueError:
            raise ValueError(
                f"structure event at bar {int(record['bar'])}: unknown kind {code}"
            ) from None
        return cls(
            int(record["bar"]),
            kind,
            int(record["side"]),
            float(record["price"]),
            int(record["ref"]),
        )

    @property
    def phrase(self) -> str:
        """What happened, as a trader says it: 'sell-side liquidity sweep', 'bearish FVG tag'."""
        return event_phrase(self.kind, self.side)


def side_name(kind: EventKind, side: int) -> str:
    """The side of an event in words ('' when the event kind has no side or side is 0).

    A sweep's side is the liquidity taken (+1 buy-side, above highs); a VWAP
    reclaim's is the direction of the close through VWAP (-1: VWAP lost); a
    VWAP reject's is the direction price was turned (+1: a dip below was
    bought back above).
    """
    if side == 0:
        return ""
    if kind is EventKind.SWEEP:
        return "buy-side" if side > 0 else "sell-side"
    if kind in (EventKind.FVG_TAG, EventKind.VWAP_RECLAIM, EventKind.VWAP_REJECT):
        return "bullish" if side > 0 else "bearish"
    return "up" if side > 0 else "down"


def event_phrase(kind: EventKind, side: int) -> str:
    """Name an event with its side: 'buy-side liquidity sweep', 'break of structure up'."""
    if kind is EventKind.VWAP_RECLAIM and side < 0:
        return "VWAP lost"
    named = side_name(kind, side)
    if kind is EventKind.VWAP_RECLAIM:
        return kind.label
    if not named:
        return kind.label
    if kind in _BREAKS:
        return f"{kind.label} {named}"
    return f"{named} {kind.label}"


def bar_clock(epoch_seconds: int) -> str:
    """A bar's open time in exchange time: '2026-11-20 09:35 ET'."""
    instant = datetime.fromtimestamp(epoch_seconds, UTC).astimezone(EXCHANGE_TIME)
    return f"{instant:%Y-%m-%d %H:%M} ET"


def money(value: float) -> str:
    """A price in dollars per share with cents: '1,234.50'."""
    return f"{value:,.2f}"
