"""Broker restrictions and plain-English warnings for a cash account's settlement status."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from workstation.domain.settlement import (
    GFV_LIMIT_12M,
    GFV_WINDOW_MONTHS,
    RESTRICTION_DAYS,
    UNCOVERED,
    FreeRide,
    GoodFaithViolation,
    SettlementStatus,
)
from workstation.domain.transactions import ZERO
from workstation.engines.risk.settlement_book import HeldLot


def money(amount: Decimal) -> str:
    """Return ``$1,234.56`` (a leading minus for negative amounts)."""
    sign = "-" if amount < ZERO else ""
    return f"{sign}${abs(amount):,.2f}"


def months_before(day: date, months: int) -> date:
    """Return the same day ``months`` calendar months earlier (clamped to month end)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def gfv_count(violations: Iterable[GoodFaithViolation], as_of: date) -> int:
    """Return how many violations were sold in the 12 months ending ``as_of`` (inclusive)."""
    start = months_before(as_of, GFV_WINDOW_MONTHS)
    return sum(1 for violation in violations if start < violation.sold_on <= as_of)


def restriction(
    violations: Sequence[GoodFaithViolation], free_rides: Sequence[FreeRide], as_of: date
) -> tuple[date | None, str]:
    """Return the last day of a settled-cash-only restriction in force on ``as_of``, and why.

    A restriction runs for :data:`RESTRICTION_DAYS` calendar days after the
    day of the :data:`GFV_LIMIT_12M`-th violation inside 12 months, or after a
    free ride; ``(None, "")`` when none is in force.
    """
    found: list[tuple[date, str]] = []
    days = sorted(violation.sold_on for violation in violations)
    for i in range(GFV_LIMIT_12M - 1, len(days)):
        if days[i - GFV_LIMIT_12M + 1] > months_before(days[i], GFV_WINDOW_MONTHS):
            why = f"{GFV_LIMIT_12M} good-faith violations in 12 months, the last on {days[i]}"
            found.append((days[i] + timedelta(days=RESTRICTION_DAYS), why))
    for ride in free_rides:
        why = f"free riding in {ride.symbol.strip()} on {ride.sold_on}"
        found.append((ride.sold_on + timedelta(days=RESTRICTION_DAYS), why))
    in_force = [item for item in found if item[0] >= as_of]
    if not in_force:
        return None, ""
    return max(in_force)


def held_warnings(lots: Iterable[HeldLot], as_of: date) -> list[str]:
    """Return a warning per held purchase that selling before a date would breach a rule."""
    notes = []
    for lot in lots:
        share = lot.quantity / lot.bought
        pending = [f for f in lot.fundings if f.settles_on > as_of]
        unsettled = [f for f in pending if f.is_proceeds]
        uncovered = [f for f in pending if f.source == UNCOVERED]
        name = lot.symbol.strip()
        if unsettled:
            amount = sum((f.amount for f in unsettled), ZERO) * share
            last = max(f.settles_on for f in unsettled)
            notes.append(
                f"{name} bought {lot.bought_on} with {money(amount)} of unsettled funds: "
                f"selling it before {last} would be a good-faith violation."
            )
        if uncovered:
            amount = sum((f.amount for f in uncovered), ZERO) * share
            notes.append(
                f"{name} bought {lot.bought_on} cost {money(amount)} more than the account's "
                f"cash: selling it before it is paid for on {uncovered[0].settles_on} "
                "would be free riding; deposit the difference."
            )
    return notes


def account_warnings(
    count: int, restricted_until: date | None, reason: str, settled_available: Decimal
) -> list[str]:
    """Return warnings about the restriction, the violation count and money owed."""
    notes = []
    if restricted_until is not None:
        notes.append(
            f"Restricted to buying with settled cash through {restricted_until}: {reason}."
        )
    elif count == GFV_LIMIT_12M - 1:
        notes.append(
            f"{count} good-faith violations in the last 12 months: one more restricts the "
            f"account to settled cash for {RESTRICTION_DAYS} days."
        )
    if settled_available < ZERO:
        notes.append(
            f"Purchases and withdrawals exceed the account's cash by {money(-settled_available)}: "
            "the broker may call for a deposit or sell positions."
        )
    return notes


def purchase_check(status: SettlementStatus, cost: Decimal) -> str | None:
    """Return a warning when buying ``cost`` dollars now would risk a settlement violation.

    None when settled cash covers it. Otherwise say how much unsettled money
    it would use and the date before which selling it would be a good-faith
    violation, that a restricted account cannot do it, or that it exceeds all
    cash (paying for it by selling it would be free riding).
    """
    if cost <= ZERO:
        raise ValueError(f"purchase cost must be a positive number of dollars, got {cost}")
    settled = max(status.settled_available, ZERO)
    if cost <= settled:
        return None
    if status.restricted_until is not None:
        return (
            f"The account may buy only with settled cash through {status.restricted_until} "
            f"({status.restriction_reason}); this purchase needs {money(cost - settled)} more "
            f"than the {money(settled)} of settled cash available."
        )
    need = cost - settled
    for settles_on, amount in status.unsettled_proceeds:
        if need <= amount:
            return (
                f"This purchase would use {money(cost - settled)} of unsettled funds: selling "
                f"it before {settles_on} would be a good-faith violation."
            )
        need -= amount
    unsettled = sum((amount for _, amount in status.unsettled_proceeds), ZERO)
    return (
        f"This purchase costs {money(need)} more than all the account's cash "
        f"({money(settled)} settled, {money(unsettled)} unsettled): paying for it by "
        "selling it would be free riding."
    )
