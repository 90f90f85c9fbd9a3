"""When each ledger row's cash settles, and what a row means to a cash account.

Trades, assignments, exercises and index-option cash settlements settle a
number of exchange sessions after the trade date (T+1 in the US since May
2024). Everything else (deposits, withdrawals, dividends, interest, fees,
expirations, balance adjustments) is treated as settled on its date: a
deposit's ACH hold is a broker policy the ledger does not see.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import date

from workstation.domain.instruments import InstrumentKind
from workstation.domain.transactions import Transaction, TransactionKind

DEFAULT_SETTLE_SESSIONS = 1

_SETTLES_LATER = frozenset(
    {
        TransactionKind.TRADE,
        TransactionKind.ASSIGNMENT,
        TransactionKind.EXERCISE,
        TransactionKind.CASH_SETTLEMENT,
    }
)
# Futures are marked to market and their cash settles daily.
_FUTURES = frozenset({InstrumentKind.FUTURE, InstrumentKind.FUTURE_OPTION})


def settlement_date(trade_day: date, sessions: Sequence[date], settle_sessions: int) -> date:
    """Return the session ``settle_sessions`` sessions after ``trade_day``.

    ``sessions`` are exchange session dates in ascending order. A trade dated
    on a non-session day (a weekend or holiday) counts from the next session,
    as if it had been done then. Raise ValueError when ``sessions`` do not
    cover the trade date or do not reach far enough past it.
    """
    if not sessions or trade_day < sessions[0]:
        first = sessions[0] if sessions else "none"
        raise ValueError(f"trade date {trade_day} is before the first session given ({first})")
    target = bisect_left(sessions, trade_day) + settle_sessions
    if target >= len(sessions):
        raise ValueError(
            f"sessions end on {sessions[-1]}: pass sessions through at least "
            f"{settle_sessions} session(s) after {trade_day} to settle a trade made then"
        )
    return sessions[target]


def settles_later(row: Transaction) -> bool:
    """True when the row's cash settles after its trade date (a T+n trade-like row)."""
    return row.kind in _SETTLES_LATER and row.instrument not in _FUTURES


def row_settles_on(row: Transaction, sessions: Sequence[date], settle_sessions: int) -> date:
    """Return the date the row's cash settles (its trade date for cash-only rows)."""
    if settles_later(row):
        return settlement_date(row.trade_date, sessions, settle_sessions)
    return row.trade_date


def is_sale(row: Transaction) -> bool:
    """True when the row delivers a security for cash at the trader's hand.

    A sell fill, or stock delivered on an assignment or exercise (called away,
    or put to someone). Expirations, cash settlements at expiry and the option
    leg of an exercise end a position without a sale, so they cannot be
    good-faith violations.
    """
    if row.quantity >= 0:
        return False
    if row.kind is TransactionKind.TRADE:
        return True
    is_delivery = row.kind in {TransactionKind.ASSIGNMENT, TransactionKind.EXERCISE}
    return is_delivery and not row.is_option and row.value > 0
