"""Rebuild open lots and closing matches from broker rows, in any order."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from workstation.domain.lots import CloseReason, CostMethod, Ledger
from workstation.domain.transactions import Transaction, TransactionKind
from workstation.engines.ledger.corporate import apply_corporate_action
from workstation.engines.ledger.events import (
    CORPORATE_KINDS,
    Delivery,
    cancel_reversals,
    group_corporate_actions,
    in_ledger_order,
    pair_deliveries,
)
from workstation.engines.ledger.lots import LedgerBuilder

Special = Delivery | tuple[Transaction, ...]

_EVENT_REASONS = {
    TransactionKind.EXPIRATION: CloseReason.EXPIRATION,
    TransactionKind.CASH_SETTLEMENT: CloseReason.CASH_SETTLEMENT,
    TransactionKind.ASSIGNMENT: CloseReason.ASSIGNMENT,
    TransactionKind.EXERCISE: CloseReason.EXERCISE,
}
_ALWAYS_CLOSING = frozenset({TransactionKind.EXPIRATION, TransactionKind.CASH_SETTLEMENT})


def rebuild(rows: Iterable[Transaction], *, method: CostMethod = CostMethod.FIFO) -> Ledger:
    """Rebuild lots, matches and positions per account and symbol from ``rows``.

    Rows may come in any order; they are applied in :func:`ledger_order`, so
    the result never depends on the order they were stored or inserted. A
    reversal row and the row it reverses are both left out. Rows that move no
    position are kept as cash rows. Rows that cannot be applied as written
    are recorded in ``problems`` with what was done instead; nothing raises.
    """
    ordered, problems = cancel_reversals(in_ledger_order(rows))
    builder = LedgerBuilder(method)
    builder.problems.extend(problems)
    special = _special_rows(ordered)
    done: set[int] = set()
    apply, trade = builder.apply, TransactionKind.TRADE
    for row in ordered:
        if special and id(row) in special:
            _apply_special(builder, special[id(row)], done)
        elif row.kind is trade:
            apply(row)
        elif row.kind.moves_position:
            _apply_event(builder, row)
    return builder.result(ordered)


def _special_rows(ordered: list[Transaction]) -> dict[int, Special]:
    """Return rows that must be applied together with others, keyed by ``id``."""
    kinds = set(map(attrgetter("kind"), ordered))
    special: dict[int, Special] = {}
    if kinds & {TransactionKind.ASSIGNMENT, TransactionKind.EXERCISE}:
        for delivery in pair_deliveries(ordered):
            special[id(delivery.option)] = delivery
            if delivery.shares is not None:
                special[id(delivery.shares)] = delivery
    if kinds & CORPORATE_KINDS:
        for group in group_corporate_actions(ordered):
            special.update((id(row), group) for row in group)
    return special


def _apply_special(builder: LedgerBuilder, special: Special, done: set[int]) -> None:
    if id(special) in done:
        return
    done.add(id(special))
    if isinstance(special, Delivery):
        _deliver(builder, special)
    else:
        apply_corporate_action(builder, special)


def _deliver(builder: LedgerBuilder, delivery: Delivery) -> None:
    """Close the option at zero, then book the delivered shares at the strike.

    Under PREMIUM_IN_BASIS the option's result is folded into the shares'
    lots (or the close the delivery makes); with no delivery row found it
    stays the option's own result in both conventions.
    """
    option, shares, reason = delivery.option, delivery.shares, delivery.reason
    folded = builder.apply(option, reason, closes_only=True, fold_option=shares is not None)
    if shares is None:
        builder.problem(
            option,
            f"{option.kind} with no delivery of {option.underlying or 'the underlying'} found",
        )
        return
    builder.apply(shares, reason, fold=folded)


def _apply_event(builder: LedgerBuilder, row: Transaction) -> None:
    reason = _EVENT_REASONS.get(row.kind, CloseReason.TRADE)
    closes_only = row.kind in _ALWAYS_CLOSING or (reason is not CloseReason.TRADE and row.is_option)
    builder.apply(row, reason, closes_only=closes_only)
