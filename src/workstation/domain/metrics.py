"""Per-symbol facts a market-data provider reports beside prices: beta and dividends."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class SymbolMetrics:
    """What the provider says about ``symbol``.

    ``beta`` is to the S&P 500 (SPY), NaN when the provider has none;
    ``dividend_yield`` a decimal per year; ``next_ex_dividend`` the next
    ex-dividend date on or after the day asked about with its cash
    ``dividend_amount`` (dollars per share), None when none is declared or
    expected. ``source`` names the provider.
    """

    symbol: str
    beta: float = math.nan
    dividend_yield: float = 0.0
    next_ex_dividend: date | None = None
    dividend_amount: Decimal | None = None
    source: str = ""
