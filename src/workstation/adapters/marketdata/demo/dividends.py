"""The demo market's dividends: a quarterly cash dividend for every payer.

The simulated prices carry the dividend as a continuous yield (that is how
options are priced); the ex-dates here give the risk panel the discrete
events a trader worries about (early assignment of short calls). ETFs go ex
on the third Friday of March, June, September and December, stocks on the
second Friday of February, May, August and November (the previous session
when that Friday is a holiday). Each payment is a quarter of the yield at the
latest close, in cents. Indices pay none.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from workstation.adapters.marketdata.demo.universe import SymbolSpec
from workstation.domain.instruments import InstrumentKind
from workstation.engines.sessions import TradingCalendar

_ETF_MONTHS = (3, 6, 9, 12)
_STOCK_MONTHS = (2, 5, 8, 11)
_FRIDAY = 4


def next_ex_dividend(spec: SymbolSpec, on: date, calendar: TradingCalendar) -> date | None:
    """Return ``spec``'s first ex-dividend date on or after ``on`` (None for non-payers)."""
    if spec.is_index or spec.dividend_yield <= 0:
        return None
    etf = spec.kind is InstrumentKind.ETF
    months, week = (_ETF_MONTHS, 3) if etf else (_STOCK_MONTHS, 2)
    for year in (on.year, on.year + 1):
        for month in months:
            day = _nth_friday(year, month, week)
            if not calendar.is_session(day):
                day = calendar.previous_session(day)
            if day >= on:
                return day
    return None  # unreachable: some quarter of next year always qualifies


def quarterly_amount(spec: SymbolSpec, close: float) -> Decimal:
    """Return one quarterly dividend in dollars per share for a ``close`` price."""
    amount = Decimal(str(close * spec.dividend_yield / 4))
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _nth_friday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (_FRIDAY - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (n - 1))
