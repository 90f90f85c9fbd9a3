"""The columns a trader can show on each side of the chain, with units and formats."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from workstation.services.chain_view import SideColumns


@dataclass(frozen=True, slots=True)
class ChainColumn:
    """One per-side column: which field, its header, tooltip (units) and format."""

    key: str
    header: str
    tooltip: str
    fmt: Callable[[float], str]


def _money(value: float) -> str:
    return "" if math.isnan(value) else f"{value:,.2f}"


def _pct(value: float) -> str:
    return "" if math.isnan(value) else f"{100 * value:.1f}%"


def _greek(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.3f}"


def _small(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.4f}"


def _count(value: float) -> str:
    return "" if math.isnan(value) else f"{value:,.0f}"


COLUMNS: dict[str, ChainColumn] = {
    c.key: c
    for c in (
        ChainColumn("bid", "Bid", "Bid, dollars per share", _money),
        ChainColumn("ask", "Ask", "Ask, dollars per share", _money),
        ChainColumn("mark", "Mark", "Mid of bid and ask, dollars per share", _money),
        ChainColumn("last", "Last", "Last trade, dollars per share", _money),
        ChainColumn("iv", "IV", "Implied volatility from the mark (annualised)", _pct),
        ChainColumn(
            "delta", "Delta", "Change in value per $1 of the underlying, per share", _greek
        ),
        ChainColumn("gamma", "Gamma", "Change in delta per $1 of the underlying", _small),
        ChainColumn("theta", "Theta", "Value lost per calendar day, dollars per share", _greek),
        ChainColumn("vega", "Vega", "Value change per volatility point, dollars per share", _greek),
        ChainColumn(
            "theo", "Theo", "Model value at the smile's IV for this strike, per share", _money
        ),
        ChainColumn("open_interest", "OI", "Open interest, contracts", _count),
        ChainColumn("volume", "Vol", "Volume today, contracts", _count),
    )
}

DEFAULT_COLUMNS = ("open_interest", "delta", "iv", "bid", "ask")


def values(side: SideColumns, key: str) -> object:
    """Return the array of ``key`` from one side of an expiration."""
    return getattr(side, key)


def valid_keys(keys: list[str]) -> list[str]:
    """Keep known column keys, in order, without duplicates; fall back to the defaults."""
    kept = [k for k in dict.fromkeys(keys) if k in COLUMNS]
    return kept or list(DEFAULT_COLUMNS)
