"""Cash-account settlement: unsettled funds, good-faith violations and free riding.

Definitions follow the SEC/FINRA investor bulletins on cash accounts:

- A trade settles one exchange session after the trade date (T+1) for equities
  and options. Sale proceeds are *unsettled* until then; a purchase is paid on
  its settlement date.
- A *good-faith violation* (GFV) is buying a security with funds that were
  unsettled when it was bought and selling it before those funds settle.
- *Free riding* is buying a security without the cash to pay for it and paying
  for it by selling it before the purchase settles.

Money is Decimal dollars, credit positive. Dates are New York exchange dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# The source a purchase's cost was covered by when it was not sale proceeds.
SETTLED = "settled"
SAME_ORDER = "same order"
UNCOVERED = "uncovered"

# Broker practice (the bulletins' example, and what US brokers apply): three
# good-faith violations in a rolling 12 months, or one free ride, restrict the
# account to buying with settled cash only for 90 calendar days.
GFV_LIMIT_12M = 3
GFV_WINDOW_MONTHS = 12
RESTRICTION_DAYS = 90


@dataclass(frozen=True, slots=True)
class Funding:
    """One slice of a purchase's cost and the cash that covered it.

    ``amount`` is dollars (positive). ``source`` is the key of the sale (or
    other T+1 credit) whose proceeds paid, :data:`SETTLED` for settled cash,
    :data:`SAME_ORDER` for credit legs of the same multi-leg order (a spread's
    short leg settles with its long leg, so only the net debit is paid), or
    :data:`UNCOVERED` for the part no cash covered. ``settles_on`` is when
    those funds settle: the purchase date for settled cash, the credit's
    settlement date for proceeds and same-order credit, and the purchase's
    own payment date for an uncovered part (when the broker expects it).
    """

    amount: Decimal
    source: str
    settles_on: date

    @property
    def is_proceeds(self) -> bool:
        """True when the slice was paid with (possibly unsettled) sale proceeds."""
        return self.source not in {SETTLED, SAME_ORDER, UNCOVERED}


@dataclass(frozen=True, slots=True)
class GoodFaithViolation:
    """A security bought with unsettled funds and sold before those funds settled.

    ``bought_key``/``sold_key`` are the ledger keys of the first purchase and
    sale rows (fills of one order are merged into one violation).
    ``amount`` is the unsettled funds, dollars, that paid for the part sold;
    ``funds_settle_on`` the latest date those funds settle; ``paid_by`` the
    slices of unsettled proceeds involved, with their sources and dates.
    """

    account: str
    symbol: str
    bought_key: str
    sold_key: str
    bought_on: date
    sold_on: date
    amount: Decimal
    funds_settle_on: date
    paid_by: tuple[Funding, ...]
    explanation: str


@dataclass(frozen=True, slots=True)
class FreeRide:
    """A purchase no cash covered, paid for by selling it before the purchase settled.

    ``amount`` is the uncovered part of the cost of what was sold, dollars;
    ``payment_due_on`` is the purchase's settlement date (when it had to be paid).
    """

    account: str
    symbol: str
    bought_key: str
    sold_key: str
    bought_on: date
    sold_on: date
    amount: Decimal
    payment_due_on: date
    explanation: str


@dataclass(frozen=True, slots=True)
class SettlementStatus:
    """One cash account's settlement picture at the end of ``as_of``.

    ``settled_cash`` is the cash whose settlement date has come (opening cash
    plus every row settled by ``as_of``), dollars. ``unsettled`` is what is
    still to settle, net per settlement date, sorted by date (proceeds
    positive, purchases still to be paid negative); ``total_cash`` is
    ``settled_cash`` plus all of it.

    ``settled_available`` is settled cash not already committed to a purchase:
    what can be spent without any risk of a good-faith violation.
    ``unsettled_proceeds`` is credit still unsettled and not yet spent, per
    settlement date: buying with it is allowed, selling what it bought before
    that date is a GFV.

    ``gfv_count_12m`` counts violations whose sale falls in the 12 months
    ending ``as_of``; ``restricted_until`` is the last day of a settled-cash-only
    restriction in force on ``as_of`` (None when there is none), and
    ``restriction_reason`` says why. ``warnings`` are plain-English notes for
    the trader.
    """

    account: str
    as_of: date
    settled_cash: Decimal
    unsettled: tuple[tuple[date, Decimal], ...]
    total_cash: Decimal
    settled_available: Decimal
    unsettled_proceeds: tuple[tuple[date, Decimal], ...]
    violations: tuple[GoodFaithViolation, ...]
    free_rides: tuple[FreeRide, ...]
    gfv_count_12m: int
    restricted_until: date | None
    restriction_reason: str
    warnings: tuple[str, ...]

    @property
    def is_restricted(self) -> bool:
        """True when the account may buy only with settled cash on ``as_of``."""
        return self.restricted_until is not None
