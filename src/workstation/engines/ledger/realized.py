"""Realized P&L from closing matches: totals and per calendar period."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from workstation.domain.lots import ClosingMatch, PnlConvention
from workstation.domain.transactions import ZERO

NEW_YORK = ZoneInfo("America/New_York")


class Period(StrEnum):
    """A calendar bucket for P&L, in New York time; weeks start on Monday."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


def realized(
    matches: Iterable[ClosingMatch],
    *,
    convention: PnlConvention = PnlConvention.OPTION_SEPARATE,
    net: bool = True,
) -> Decimal:
    """Return realized P&L over ``matches`` in dollars, after fees when ``net``.

    See :meth:`ClosingMatch.realized` for what each convention counts.
    """
    in_basis = convention is PnlConvention.PREMIUM_IN_BASIS
    gross = folded = adjustment = fees = ZERO
    # One pass, each sum in match order: a match is read once rather than per sum.
    for match in matches:
        gross += match.gross
        if in_basis:
            folded += match.folded
            adjustment += match.basis_adjustment
        if net:
            fees += match.fees
    total = gross
    if in_basis:
        total -= folded
        total += adjustment
    if net:
        total -= fees
    return total


def period_start(moment: datetime, period: Period) -> date:
    """Return the first New York calendar day of the ``period`` containing ``moment``."""
    day = moment.astimezone(NEW_YORK).date()
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period is Period.MONTH:
        return day.replace(day=1)
    if period is Period.YEAR:
        return day.replace(month=1, day=1)
    return day


def realized_by_period(
    matches: Iterable[ClosingMatch],
    period: Period,
    *,
    convention: PnlConvention = PnlConvention.OPTION_SEPARATE,
    net: bool = True,
) -> dict[date, Decimal]:
    """Return realized P&L (dollars) per period, keyed by the period's first day, in date order.

    A match counts in the period it closed in (New York time). Periods with
    no closes are absent; the values add up to :func:`realized`.
    """
    totals: dict[date, Decimal] = {}
    for match in matches:
        start = period_start(match.closed_at, period)
        totals[start] = totals.get(start, ZERO) + match.realized(convention, net=net)
    return dict(sorted(totals.items()))
