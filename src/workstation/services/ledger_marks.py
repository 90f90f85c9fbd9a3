"""Current marks for open lots: stock from quotes, options from the underlying's chain.

A mark is the mid of bid and ask when both are quoted, else the last price,
per share / unit as the ledger keeps prices. An option no longer listed (past
its expiry with no expiration row yet) or a symbol the market data does not
know gets no mark: the ledger leaves it out of unrealized P&L and says so.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

import numpy as np

from workstation.domain.chains import ChainSnapshot
from workstation.domain.instruments import underlying_of_root
from workstation.domain.lots import Lot
from workstation.domain.occ import OptionRight
from workstation.ports.marketdata import MarketDataError
from workstation.services.market_data import MarketDataService

log = logging.getLogger(__name__)


class MarkSource(Protocol):
    """Supplies per-unit marks for open lots, keyed by ledger symbol."""

    async def marks(self, lots: Sequence[Lot]) -> dict[str, Decimal]: ...


class MarketMarks:
    """Marks from the workstation's market data (quotes and option chains)."""

    def __init__(self, market: MarketDataService) -> None:
        self._market = market

    async def marks(self, lots: Sequence[Lot]) -> dict[str, Decimal]:
        """Return marks for every lot the market data can price."""
        options: dict[str, list[Lot]] = defaultdict(list)
        stock: set[str] = set()
        for lot in lots:
            if lot.instrument is not None and lot.instrument.is_option:
                options[lot.underlying].append(lot)
            elif lot.instrument is not None:
                stock.add(lot.symbol)
        marks: dict[str, Decimal] = {}
        if stock:
            marks.update(await self._stock_marks(sorted(stock)))
        for underlying, held in options.items():
            marks.update(await self._option_marks(underlying, held))
        return marks

    async def _stock_marks(self, symbols: list[str]) -> dict[str, Decimal]:
        try:
            quotes = await self._market.refresh(symbols)
        except MarketDataError as exc:
            log.warning("no stock marks for %s: %s", ", ".join(symbols), exc)
            return {}
        return {q.symbol: as_price(mid_price(q.bid, q.ask, q.last)) for q in quotes if q.last > 0}

    async def _option_marks(self, underlying: str, lots: list[Lot]) -> dict[str, Decimal]:
        try:
            chain = await self._market.option_chain(underlying_of_root(underlying))
        except MarketDataError as exc:
            log.warning("no option marks for %s: %s", underlying, exc)
            return {}
        marks = {}
        for lot in lots:
            price = option_mark(chain, lot)
            if price is not None:
                marks[lot.symbol] = as_price(price)
        return marks


def option_mark(chain: ChainSnapshot, lot: Lot) -> float | None:
    """Return the chain's mid (or last) for the lot's contract, None when it is not listed."""
    if lot.expiry is None or lot.strike is None or lot.right is None:
        return None
    row = contract_row(chain, lot.expiry, float(lot.strike), lot.right is OptionRight.CALL)
    if row is None:
        return None
    return mid_price(float(row["bid"]), float(row["ask"]), float(row["last"]))


def contract_row(chain: ChainSnapshot, expiry: date, strike: float, is_call: bool) -> Any | None:
    """Return the chain row (``CHAIN_DTYPE``) of one contract, None when it is not listed."""
    rows = chain.rows
    hit = rows[
        (rows["expiry"] == np.datetime64(expiry, "D"))
        & (np.abs(rows["strike"] - strike) < 1e-6)
        & (rows["is_call"] == is_call)
    ]
    return hit[0] if len(hit) else None


def mid_price(bid: float, ask: float, last: float) -> float:
    """Return the mid of a two-sided quote, half the ask when only offered, else the last."""
    if math.isfinite(bid) and math.isfinite(ask) and ask >= bid > 0:
        return (bid + ask) / 2
    if math.isfinite(ask) and ask > 0 and (not math.isfinite(bid) or bid <= 0):
        return ask / 2  # offered only: halfway to zero
    return last


def as_price(price: float) -> Decimal:
    """Return a float price (dollars per share) as a Decimal to 4 places, as marks are kept."""
    return Decimal(str(round(price, 4)))
