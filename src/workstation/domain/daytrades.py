"""Day trades under the legacy pattern-day-trader (PDT) rule, and an account's standing.

The legacy rule (FINRA 4210 before the 2026 intraday-margin standard): a day
trade is opening and closing the same security in the same session in a
margin account; each option series is a security of its own. An account that
makes :data:`PATTERN_THRESHOLD` or more day trades within
:data:`WINDOW_SESSIONS` exchange sessions, when those are more than
:data:`PATTERN_SHARE` of its trades in that window, is a pattern day trader
and must keep :data:`MINIMUM_EQUITY` dollars of equity.

Quantities are in shares for stock and contracts for options; money is
Decimal dollars; sessions are New York exchange dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

PATTERN_THRESHOLD = 4
PATTERN_SHARE = Decimal("0.06")
MINIMUM_EQUITY = Decimal("25000")
WINDOW_SESSIONS = 5


class DayTradeMethod(StrEnum):
    """How day trades are counted (brokers differ).

    PAIRS: each closing transaction that closes quantity opened earlier in the
    same session is one day trade (buy, buy, sell, sell = 2).

    DIRECTION: per security per session, each change from opening to closing
    is one day trade (buy, buy, sell, sell = 1; buy, sell, buy, sell = 2).

    Under both, the partial fills of one order (same order, security and
    direction) are one transaction.
    """

    PAIRS = "pairs"
    DIRECTION = "direction"


@dataclass(frozen=True, slots=True)
class DayTrade:
    """One counted day trade.

    ``symbol`` is the security (padded OCC symbol for an option series);
    ``symbols`` every security it covers: one, or every leg when the legs of
    one closing order count once. ``quantity`` is the units (shares or
    contracts) closed against opens of the same session; for legs counted
    once it is the largest leg's. ``open_keys`` and ``close_keys`` are the
    transaction keys of the opening and closing fills; ``order_ids`` the
    broker order ids involved (opening and closing), where the broker gave
    them. ``closed_at`` is when the first closing fill executed;
    ``drops_off`` the first session on which it no longer counts in the
    rolling window.
    """

    account: str
    symbol: str
    symbols: tuple[str, ...]
    underlying: str
    session: date
    quantity: Decimal
    open_keys: tuple[str, ...]
    close_keys: tuple[str, ...]
    order_ids: tuple[str, ...]
    closed_at: datetime
    drops_off: date


@dataclass(frozen=True, slots=True)
class DayTradeStatus:
    """An account's day-trade standing as of one session, by our own count.

    ``window`` is the :data:`WINDOW_SESSIONS` session dates ending at
    ``as_of``, oldest first; ``day_trades`` the day trades in it, oldest first;
    ``trades_in_window`` the trades (transactions, counted in the same unit as
    day trades) in it, for the 6% test; ``equity`` the account's equity in
    dollars when known; ``history`` every day trade found, oldest first. A
    broker-reported count is not part of this; it is shown beside it.
    """

    account: str
    as_of: date
    method: DayTradeMethod
    legs_of_one_order_count_once: bool
    window: tuple[date, ...]
    day_trades: tuple[DayTrade, ...]
    trades_in_window: int
    equity: Decimal | None
    history: tuple[DayTrade, ...]

    @property
    def count(self) -> int:
        """Return the number of day trades in the window."""
        return len(self.day_trades)

    @property
    def share(self) -> Decimal:
        """Return day trades as a fraction of trades in the window (0-1; 0 with no trades)."""
        return share_of(self.count, self.trades_in_window)

    @property
    def is_pattern(self) -> bool:
        """True when the window meets both the 4-trade threshold and the 6% test."""
        return meets_pattern(self.count, self.trades_in_window)

    @property
    def below_minimum(self) -> bool:
        """True when equity is known and below the pattern day trader minimum (dollars)."""
        return self.equity is not None and self.equity < MINIMUM_EQUITY

    @property
    def remaining(self) -> int:
        """Return how many more day trades fit in the window before the one that flags."""
        return max(0, PATTERN_THRESHOLD - 1 - self.count)

    @property
    def next_drop_off(self) -> date | None:
        """Return the first session on which a day trade in the window stops counting."""
        return min((trade.drops_off for trade in self.day_trades), default=None)


@dataclass(frozen=True, slots=True)
class PreTradeWarning:
    """What a planned trade would do to the day-trade count if opened and closed today.

    ``day_trades_added`` is 1 per option series (or 1 when the legs of one
    order count once); ``count_after`` the day trades in today's window after
    it; ``share_after`` day trades as a fraction of trades after it (0-1);
    ``flags`` True when it would make (or keep) the account a pattern day
    trader; False for the softer warning on the 3rd day trade.
    """

    message: str
    day_trades_added: int
    count_after: int
    share_after: Decimal
    flags: bool


def share_of(day_trades: int, trades: int) -> Decimal:
    """Return ``day_trades / trades`` as a 0-1 fraction, 0 when there were no trades."""
    return Decimal(day_trades) / Decimal(trades) if trades else Decimal(0)


def meets_pattern(day_trades: int, trades: int) -> bool:
    """Tell whether a window's counts meet the pattern-day-trader definition."""
    return day_trades >= PATTERN_THRESHOLD and share_of(day_trades, trades) > PATTERN_SHARE
