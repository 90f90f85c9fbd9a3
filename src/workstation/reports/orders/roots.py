"""Which OCC option root an expiration trades under (SPX vs SPXW, NDX vs NDXP, RUT vs RUTW).

SPX, NDX and RUT list their AM-settled standard monthlies (the third Friday,
or the session before when that Friday is a holiday) under the index's own
root, and every PM-settled expiration (weeklies, dailies, quarter- and
month-ends) under SPXW, NDXP and RUTW. The PM roots also list a contract on
the standard monthly date, so that date is ambiguous: the AM monthly is the
default and ``pm_settled_monthly=True`` picks the PM contract.
"""

from __future__ import annotations

from datetime import date

from workstation.domain.strategies import Strategy
from workstation.engines.pricing.expiry import standard_monthly_expiry
from workstation.engines.sessions import TradingCalendar

PM_ROOTS = {"SPX": "SPXW", "NDX": "NDXP", "RUT": "RUTW"}


def option_root(
    underlying: str, expiry: date, calendar: TradingCalendar, *, pm_settled_monthly: bool = False
) -> str:
    """Return the OCC root of ``underlying``'s options expiring on ``expiry``.

    Equities and ETFs use their symbol without punctuation (BRK.B -> BRKB);
    adjusted roots after corporate actions (AAPL1) must come from the chain.
    VIX raises ValueError: its weekly root (VIXW) follows the VIX futures
    calendar, which this helper does not know, so pass the root explicitly.
    """
    symbol = underlying.strip().upper()
    if symbol in {"VIX", "VIXW"}:
        raise ValueError("VIX options list as VIX or VIXW by the VIX calendar: pass the root")
    if symbol not in PM_ROOTS:
        return symbol.replace(".", "").replace("/", "")
    monthly = standard_monthly_expiry(expiry.year, expiry.month, calendar)
    if expiry == monthly and not pm_settled_monthly:
        return symbol
    return PM_ROOTS[symbol]


def option_roots(
    strategy: Strategy, calendar: TradingCalendar, *, pm_settled_monthly: bool = False
) -> dict[date, str]:
    """Return the root of every expiration in ``strategy`` (the ``root`` for export_order)."""
    return {
        expiry: option_root(
            strategy.underlying, expiry, calendar, pm_settled_monthly=pm_settled_monthly
        )
        for expiry in strategy.expiries
    }
