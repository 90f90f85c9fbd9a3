"""Market-data port: quotes, bars, option chains, IV history, earnings dates and a live stream."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from workstation.domain.bars import BarSeries, Timeframe
from workstation.domain.chains import ChainSnapshot
from workstation.domain.event_calendar import CalendarEvent
from workstation.domain.metrics import SymbolMetrics
from workstation.domain.quotes import Quote

IV_HISTORY_DTYPE = np.dtype([("date", "M8[D]"), ("iv", "f8")])


class MarketDataError(RuntimeError):
    """A provider could not deliver what was asked; the message names provider and request."""


class UnknownSymbol(MarketDataError):
    """The provider does not know the symbol."""


@dataclass(frozen=True, slots=True, eq=False)
class IvHistory:
    """Daily 30-day constant-maturity ATM implied volatility (decimal, 0.2 = 20 %)."""

    underlying: str
    rows: npt.NDArray[Any]  # IV_HISTORY_DTYPE, oldest first


class MarketData(Protocol):
    """A source of market data. Implementations: demo simulator, vendor clients."""

    name: str

    async def quotes(self, symbols: Sequence[str]) -> list[Quote]:
        """Return the latest quote for each symbol, in the order asked."""
        ...

    async def bars(
        self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime
    ) -> BarSeries:
        """Return bars whose open time is in [start, end)."""
        ...

    async def option_chain(self, underlying: str) -> ChainSnapshot:
        """Return the full listed chain of ``underlying`` now."""
        ...

    async def iv_history(self, underlying: str, start: date, end: date) -> IvHistory:
        """Return daily 30-day ATM IV for sessions in [start, end]."""
        ...

    async def earnings(self, symbol: str, start: date, end: date) -> list[CalendarEvent]:
        """Return ``symbol``'s earnings reports whose exchange date is in [start, end].

        Each is a ``CalendarEvent`` of kind earnings at the report's instant,
        oldest first; ETFs and indices return []. Raise UnknownSymbol for a
        symbol the provider does not know.
        """
        ...

    async def metrics(self, symbol: str, on: date) -> SymbolMetrics:
        """Return ``symbol``'s beta and next ex-dividend (on or after ``on``).

        Raise UnknownSymbol for a symbol the provider does not know.
        """
        ...

    def stream(self, symbols: Sequence[str]) -> AsyncIterator[list[Quote]]:
        """Yield batches of updated quotes until cancelled."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
