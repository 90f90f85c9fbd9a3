"""The exchange sessions the day-trade count runs on, as a plain list of dates.

Callers pass ``xnys().sessions(start, end)`` (or any ascending list); holidays
are simply absent from it, which is what makes the 5-session window skip them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from workstation.domain.daytrades import WINDOW_SESSIONS
from workstation.domain.transactions import Transaction


class SessionList:
    """Ascending exchange session dates with the look-ups the day-trade engine needs."""

    def __init__(self, sessions: Sequence[date]) -> None:
        days = tuple(sessions)
        if not days:
            raise ValueError("no sessions given; pass the exchange sessions the fills fall in")
        if any(later <= earlier for earlier, later in pairwise(days)):
            raise ValueError("sessions must be ascending exchange dates without repeats")
        self.days = days
        self._index = {day: i for i, day in enumerate(days)}

    def session_of(self, row: Transaction) -> date | None:
        """Return the session of a fill; None when it predates the first session given.

        A fill's session is its New York date: extended-hours fills belong to
        that day's session. A fill on a date that is not a session (a weekend
        or holiday) is an error in the data, not something to guess around.
        """
        day = row.trade_date
        if day < self.days[0]:
            return None
        if day in self._index:
            return day
        where = (
            f"fill {row.key} ({row.account} {row.symbol.strip()}, {row.executed_at.isoformat()})"
        )
        if day > self.days[-1]:
            raise ValueError(
                f"{where} is dated {day}, after the last session given ({self.days[-1]}); "
                "pass sessions that reach past the latest fill"
            )
        raise ValueError(
            f"{where} is dated {day}, which is not an exchange session (weekend or holiday); "
            "the row's date is wrong - check it against the broker's statement"
        )

    def drops_off(self, session: date) -> date:
        """Return the first session on which a day trade made on ``session`` stops counting."""
        i = self._index[session] + WINDOW_SESSIONS
        if i >= len(self.days):
            raise ValueError(
                f"sessions end at {self.days[-1]}; the drop-off of a day trade on {session} "
                f"needs the {WINDOW_SESSIONS} sessions after it - pass future sessions too"
            )
        return self.days[i]

    def window(self, as_of: date) -> tuple[date, ...]:
        """Return the sessions of the window ending at ``as_of``, oldest first.

        When ``as_of`` is not a session (a weekend, a holiday) the window ends
        at the session before it: that is the window still in force.
        """
        end = bisect_right(self.days, as_of)
        if end < WINDOW_SESSIONS:
            raise ValueError(
                f"sessions start at {self.days[0]}; a window ending at {as_of} needs "
                f"{WINDOW_SESSIONS} sessions up to it"
            )
        return self.days[end - WINDOW_SESSIONS : end]
