"""Replay one cash account's rows through a :class:`CashBook`, one order at a time.

The legs of a multi-leg order are applied together: a spread's credit legs
settle on the same day as its debit legs, so they pay for those first and
only the net debit needs cash (otherwise every debit spread bought and sold
the same day would look like a good-faith violation).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from workstation.domain.settlement import Funding
from workstation.domain.transactions import ZERO, Transaction
from workstation.engines.risk.settlement_book import CashBook
from workstation.engines.risk.settlement_rows import is_sale, settles_later

Dated = tuple[Transaction, date]  # a row and the date its cash settles


def replay(rows: Iterable[Dated], opening_cash: Decimal) -> CashBook:
    """Return the cash book after applying ``rows`` (in ledger order) to ``opening_cash``."""
    book = CashBook(opening_cash)
    for group in _orders(rows):
        _apply_order(book, group)
    return book


def _orders(rows: Iterable[Dated]) -> list[list[Dated]]:
    """Group rows by order (the same order id on the same trade date), first fill first."""
    groups: dict[tuple[str, object], list[Dated]] = {}
    for index, (row, settles_on) in enumerate(rows):
        key: tuple[str, object] = (row.order_id, row.trade_date) if row.order_id else ("", index)
        groups.setdefault(key, []).append((row, settles_on))
    return list(groups.values())


def _apply_order(book: CashBook, group: list[Dated]) -> None:
    book.mature(group[0][0].trade_date)
    later = [row.net_value for row, _ in group if settles_later(row)]
    credits = sum((value for value in later if value > ZERO), ZERO)
    debits = -sum((value for value in later if value < ZERO), ZERO)
    credit_left = debit_left = min(credits, debits)
    for row, settles_on in group:
        net = row.net_value
        fundings: tuple[Funding, ...] = ()
        if not settles_later(row):
            book.settled += net
        elif net > ZERO:
            used = min(net, credit_left)
            credit_left -= used
            if net > used:
                book.receive(row.key, net - used, settles_on)
        elif net < ZERO:
            used = min(-net, debit_left)
            debit_left -= used
            fundings = book.pay(-net, row.trade_date, settles_on, used)
        _move_position(book, row, fundings)


def _move_position(book: CashBook, row: Transaction, fundings: tuple[Funding, ...]) -> None:
    if not row.kind.moves_position or not row.symbol:
        return
    if row.quantity > ZERO:
        book.buy(row, fundings)
    elif row.quantity < ZERO:
        book.deliver(row, sold=is_sale(row))
