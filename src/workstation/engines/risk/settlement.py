"""Cash-account settlement status from the fill history: unsettled funds, GFVs, free riding.

Pure: it takes one account's ledger rows and the exchange sessions, and
returns a :class:`~workstation.domain.settlement.SettlementStatus`. Rules and
conventions are in :mod:`workstation.domain.settlement` (definitions),
:mod:`.settlement_rows` (when cash settles), :mod:`.settlement_book` (which
funds paid for what) and :mod:`.settlement_rules` (restrictions, warnings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from workstation.domain.settlement import (
    FreeRide,
    Funding,
    GoodFaithViolation,
    SettlementStatus,
)
from workstation.domain.transactions import CENT, ZERO, Transaction, ledger_order
from workstation.engines.risk.settlement_book import Breach, CashBook
from workstation.engines.risk.settlement_replay import Dated, replay
from workstation.engines.risk.settlement_rows import DEFAULT_SETTLE_SESSIONS, row_settles_on
from workstation.engines.risk.settlement_rules import (
    account_warnings,
    gfv_count,
    held_warnings,
    money,
    purchase_check,
    restriction,
)

__all__ = ["purchase_check", "settlement_status"]

Schedule = tuple[tuple[date, Decimal], ...]


def settlement_status(
    rows: Sequence[Transaction],
    sessions: Sequence[date],
    as_of: date,
    *,
    settle_sessions: int = DEFAULT_SETTLE_SESSIONS,
    opening_cash: Decimal = ZERO,
) -> SettlementStatus:
    """Return one cash account's settlement status at the end of ``as_of``.

    ``rows`` are the account's ledger rows in any order (rows traded after
    ``as_of`` are ignored); ``sessions`` the exchange session dates in
    ascending order, from the first trade date through at least
    ``settle_sessions`` sessions after ``as_of``; ``opening_cash`` the settled
    cash (dollars) before the first row. Raise ValueError when the rows mix
    accounts or the sessions do not cover a settlement date.
    """
    account = _one_account(rows)
    days = sorted(set(sessions))
    taken = sorted((row for row in rows if row.trade_date <= as_of), key=ledger_order)
    dated = [(row, row_settles_on(row, days, settle_sessions)) for row in taken]
    book = replay(dated, opening_cash)
    book.mature(as_of)
    settled, unsettled = _cash_by_settlement(dated, as_of, opening_cash)
    violations = tuple(_violation(account, breach) for breach in _in_order(book.violations))
    free_rides = tuple(_free_ride(account, breach) for breach in _in_order(book.free_rides))
    count = gfv_count(violations, as_of)
    restricted_until, reason = restriction(violations, free_rides, as_of)
    lots = [lot for held in book.held.values() for lot in held if lot.quantity > ZERO]
    notes = account_warnings(count, restricted_until, reason, book.settled)
    return SettlementStatus(
        account=account,
        as_of=as_of,
        settled_cash=settled,
        unsettled=unsettled,
        total_cash=settled + sum((amount for _, amount in unsettled), ZERO),
        settled_available=book.settled,
        unsettled_proceeds=_proceeds(book),
        violations=violations,
        free_rides=free_rides,
        gfv_count_12m=count,
        restricted_until=restricted_until,
        restriction_reason=reason,
        warnings=(*notes, *held_warnings(lots, as_of)),
    )


def _one_account(rows: Sequence[Transaction]) -> str:
    accounts = sorted({row.account for row in rows})
    if len(accounts) > 1:
        raise ValueError(
            f"settlement status is per account; the rows mix accounts {', '.join(accounts)}"
        )
    return accounts[0] if accounts else ""


def _cash_by_settlement(
    dated: Iterable[Dated], as_of: date, opening_cash: Decimal
) -> tuple[Decimal, Schedule]:
    """Return settled cash at ``as_of`` and the rest, net per later settlement date."""
    settled = opening_cash
    later: defaultdict[date, Decimal] = defaultdict(Decimal)
    for row, settles_on in dated:
        if settles_on <= as_of:
            settled += row.net_value
        else:
            later[settles_on] += row.net_value
    return settled, tuple(sorted((day, amount) for day, amount in later.items() if amount))


def _proceeds(book: CashBook) -> Schedule:
    """Return unspent unsettled proceeds per settlement date."""
    by_day: defaultdict[date, Decimal] = defaultdict(Decimal)
    for credit in book.credits:
        by_day[credit.settles_on] += credit.remaining
    return tuple(sorted((day, amount) for day, amount in by_day.items() if amount))


def _in_order(breaches: dict[tuple[str, str, str], Breach]) -> list[Breach]:
    return sorted(breaches.values(), key=lambda b: (b.sold_on, b.bought_on, b.symbol, b.sold_key))


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def _merged(slices: Iterable[Funding]) -> tuple[Funding, ...]:
    """Return the slices summed per source and date, to the cent, latest settling last."""
    totals: defaultdict[tuple[date, str], Decimal] = defaultdict(Decimal)
    for part in slices:
        totals[(part.settles_on, part.source)] += part.amount
    return tuple(
        Funding(_cents(total), source, day) for (day, source), total in sorted(totals.items())
    )


def _violation(account: str, breach: Breach) -> GoodFaithViolation:
    amount, settle_on, name = _cents(breach.amount), breach.settle_on, breach.symbol.strip()
    explanation = (
        f"Bought {name} on {breach.bought_on} with {money(amount)} of unsettled funds that "
        f"settle on {settle_on}, then sold it on {breach.sold_on}, before they settled: "
        "a good-faith violation."
    )
    return GoodFaithViolation(
        account,
        breach.symbol,
        breach.bought_key,
        breach.sold_key,
        breach.bought_on,
        breach.sold_on,
        amount,
        settle_on,
        _merged(breach.paid_by),
        explanation,
    )


def _free_ride(account: str, breach: Breach) -> FreeRide:
    amount, due_on, name = _cents(breach.amount), breach.settle_on, breach.symbol.strip()
    explanation = (
        f"Bought {name} on {breach.bought_on} for {money(amount)} more than the account's "
        f"cash and sold it on {breach.sold_on}, before paying for it on {due_on}: free riding."
    )
    return FreeRide(
        account,
        breach.symbol,
        breach.bought_key,
        breach.sold_key,
        breach.bought_on,
        breach.sold_on,
        amount,
        due_on,
        explanation,
    )
