"""Splits and symbol changes: carry lots across, realize only cash in lieu.

A corporate action arrives as a removal row (the old position leaves) and an
addition row (the new one arrives), both with no cash; the broker's
close/open label tells them apart, or else whether the row would close the
position held. The lots the removal
takes are carried to the addition: quantity scaled to the addition's, price
scaled so price x quantity x multiplier is unchanged, and cost, fees, basis
adjustment, open time and open key kept. Nothing is realized.

Removals are paired with additions by, in turn: the same symbol (a forward
split that keeps the ticker); the same underlying, expiry and right (option
series, matched in strike order); the same expiry and right when each side
has a single underlying (options after a ticker change); and finally a lone
stock removal with a lone stock addition (a ticker change).

Cash in lieu of a fractional share is either a split row with a fractional
quantity and cash (applied as the sale of that fraction, which realizes its
share of basis), or a cash row naming the symbol: that one closes the
fractional part of the new position, or, when there is none, is realized
with no basis (the basis stays with the whole shares).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from decimal import ROUND_DOWN, Decimal

from workstation.domain.lots import CloseReason, ClosingMatch
from workstation.domain.transactions import ZERO, PositionEffect, Transaction, TransactionKind
from workstation.engines.ledger.book import PRICE_STEP, Book, Contract, OpenLot, Piece
from workstation.engines.ledger.lots import LedgerBuilder
from workstation.engines.ledger.methods import take

# Split ratios can leave non-terminating quantities; brokers keep fractional
# shares to at most five or six places.
QUANTITY_STEP = Decimal("0.000001")

Pairs = list[tuple[Transaction, Transaction]]


def apply_corporate_action(builder: LedgerBuilder, rows: tuple[Transaction, ...]) -> None:
    """Apply one group of split / symbol-change rows (see the module docstring)."""
    moves = [row for row in rows if row.quantity and not row.value]
    removals = [row for row in moves if _removes(builder, row)]
    additions = [row for row in moves if not _removes(builder, row)]
    pairs, lone = pair_moves(removals, additions)
    carried = [(addition, carry_out(builder, removal, addition)) for removal, addition in pairs]
    for addition, lots in carried:
        carry_in(builder, addition, lots)
    for row in lone:
        builder.problem(row, "split/symbol change row with no counterpart; applied as a trade")
        builder.apply(row)
    for row in rows:
        if row.value:
            settle_in_lieu(builder, row, [addition for _, addition in pairs])
        elif row.fees and not row.quantity:
            builder.matches.append(_basisless(row))


def _removes(builder: LedgerBuilder, row: Transaction) -> bool:
    # The broker's open/close label decides; without one, a row that would
    # close the position held is the removal.
    if row.effect is not None:
        return row.effect is PositionEffect.CLOSE
    book = builder.books.get((row.account, row.symbol))
    return (
        book is not None and bool(book.position) and (book.position > 0) is not (row.quantity > 0)
    )


def _direction(row: Transaction, removal: bool) -> bool:
    # The side of the position moved: a removal of -100 moves a long position.
    return (row.quantity < 0) is removal


Key = Callable[[Transaction], Hashable]
_PASSES: tuple[tuple[Key, bool], ...] = (
    (lambda row: (row.is_option, row.symbol), False),
    (
        lambda row: (
            (row.is_option, row.underlying, row.expiry, row.right) if row.underlying else None
        ),
        False,
    ),
    (lambda row: (row.is_option, row.expiry, row.right), True),
)


def pair_moves(
    removals: list[Transaction], additions: list[Transaction]
) -> tuple[Pairs, list[Transaction]]:
    """Pair removal rows with addition rows; return the pairs and the rows left alone."""
    pairs: Pairs = []
    for key, strict in _PASSES:
        for old, new in _buckets(removals, additions, key):
            if len(old) == len(new) and (not strict or _unambiguous(old, new)):
                pairs.extend(zip(_by_strike(old), _by_strike(new), strict=True))
        paired = {id(row) for pair in pairs for row in pair}
        removals = [row for row in removals if id(row) not in paired]
        additions = [row for row in additions if id(row) not in paired]
    return pairs, removals + additions


def _buckets(
    removals: list[Transaction], additions: list[Transaction], key: Key
) -> list[tuple[list[Transaction], list[Transaction]]]:
    buckets: dict[Hashable, tuple[list[Transaction], list[Transaction]]] = {}
    for side, rows in ((0, removals), (1, additions)):
        for row in rows:
            value = key(row)
            if value is not None:
                bucket = buckets.setdefault((value, _direction(row, side == 0)), ([], []))
                bucket[side].append(row)
    return list(buckets.values())


def _unambiguous(old: list[Transaction], new: list[Transaction]) -> bool:
    if not old[0].is_option:
        return len(old) == 1
    return len({row.underlying for row in old}) == 1 == len({row.underlying for row in new})


def _by_strike(rows: list[Transaction]) -> list[Transaction]:
    return sorted(rows, key=lambda row: (row.strike or ZERO, row.symbol))


def carry_out(builder: LedgerBuilder, removal: Transaction, addition: Transaction) -> list[OpenLot]:
    """Take the removal's lots out of their book and return them restated as the addition."""
    book = builder.book(removal)
    wanted, held = abs(removal.quantity), abs(book.position)
    moved = min(wanted, held)
    if wanted > held:
        builder.problem(removal, f"removes {wanted} but only {held} was open; carried {held}")
    pieces = take(book, moved, builder.method) if moved else []
    book.position -= moved if book.position > 0 else -moved
    target = abs(addition.quantity)
    if moved != wanted:
        target = (target * moved / wanted).quantize(QUANTITY_STEP)
    contract = Contract.of(addition)
    sign = 1 if addition.quantity > 0 else -1
    sizes = _scaled([abs(piece[1]) for piece in pieces], target)
    lots = [
        _restated(piece, size * sign, contract) for piece, size in zip(pieces, sizes, strict=True)
    ]
    if lots:
        lots[-1].fees += removal.fees + addition.fees
    return lots


def _scaled(sizes: list[Decimal], target: Decimal) -> list[Decimal]:
    total = sum(sizes, ZERO)
    scaled = [(size * target / total).quantize(QUANTITY_STEP) for size in sizes[:-1]]
    return [*scaled, target - sum(scaled, ZERO)] if sizes else []


def _restated(piece: Piece, quantity: Decimal, contract: Contract) -> OpenLot:
    lot, old_quantity, cost, fees, adjustment = piece
    old_units = abs(old_quantity) * lot.contract.multiplier
    new_units = abs(quantity) * contract.multiplier
    price = (lot.price * old_units / new_units).quantize(PRICE_STEP) if new_units else lot.price
    return OpenLot(quantity, cost, fees, adjustment, lot.open_key, lot.opened_at, price, contract)


def carry_in(builder: LedgerBuilder, addition: Transaction, lots: list[OpenLot]) -> None:
    """Put carried lots into the addition's book, oldest first.

    If the account holds the other side of the new symbol (long the target,
    short the acquirer), each carried lot is applied as a fill at its own
    cost instead, so it closes against that position like a trade.
    """
    book = builder.books.get((addition.account, addition.symbol))
    if book is None:
        book = builder.books[(addition.account, addition.symbol)] = Book(Contract.of(addition))
    elif not book.lots:
        book.contract = Contract.of(addition)
    elif lots and (book.position > 0) is not (lots[0].quantity > 0):
        builder.problem(addition, "carried lots meet the opposite position; netted against it")
        for lot in lots:
            builder.apply(_as_fill(addition, lot), fold=lot.adjustment)
        return
    merged = [*book.lots, *lots]
    if book.lots:
        merged.sort(key=lambda lot: lot.opened_at)
    book.lots.clear()
    book.lots.extend(merged)
    book.position += sum((lot.quantity for lot in lots), ZERO)


def _as_fill(addition: Transaction, lot: OpenLot) -> Transaction:
    return replace(
        addition,
        quantity=lot.quantity,
        price=lot.price,
        value=lot.cost,
        commission=lot.fees,
        clearing_fee=ZERO,
        regulatory_fee=ZERO,
        index_option_fee=ZERO,
    )


def settle_in_lieu(builder: LedgerBuilder, row: Transaction, additions: list[Transaction]) -> None:
    """Realize cash paid in lieu of a fractional share (see the module docstring)."""
    if row.quantity:
        builder.apply(row)
        return
    holder = _fraction_holder(row, additions)
    book = builder.books.get((row.account, holder.symbol)) if holder else None
    position = book.position if book else ZERO
    fraction = position - position.to_integral_value(rounding=ROUND_DOWN)
    if holder is not None and fraction:
        sale = _as_split_row(row, symbol=holder.symbol, quantity=-fraction)
        builder.replaced[id(row)] = sale
        builder.apply(sale)
        return
    builder.problem(row, "cash in lieu with no fractional share open; realized with no basis")
    builder.replaced[id(row)] = _as_split_row(row)
    builder.matches.append(_basisless(row))


def _fraction_holder(row: Transaction, additions: list[Transaction]) -> Transaction | None:
    named = [add for add in additions if row.symbol in {add.symbol, add.underlying}]
    stock = [add for add in additions if not add.is_option]
    candidates = named or stock
    return candidates[0] if len(candidates) == 1 else None


def _as_split_row(row: Transaction, **changes: object) -> Transaction:
    # The cash is part of the split, so it must count where position cash counts.
    kind = row.kind if row.kind.moves_position else TransactionKind.SPLIT
    return replace(row, kind=kind, **changes)  # type: ignore[arg-type]


def _basisless(row: Transaction) -> ClosingMatch:
    at = row.executed_at
    return ClosingMatch(
        row.account,
        row.symbol,
        row.underlying,
        row.instrument,
        row.key,
        row.key,
        at,
        at,
        ZERO,
        ZERO,
        ZERO,
        row.value,
        row.fees,
        CloseReason.TRADE,
    )
