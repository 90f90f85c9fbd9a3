"""The lot book: applies position rows to open lots and records closing matches.

A row first closes lots on the other side of the position (in the order the
cost method says), then opens whatever is left as a new lot, so a position
never holds long and short lots at once. The row's cash (value), fees and any
folded option premium are shared between the lots it closes and the lot it
opens in proportion to quantity, rounded to the cent, the last part taking
the remainder: no cent is created or lost.

Cash always comes from the row's ``value`` (the broker's number), never from
price x quantity x multiplier, for every instrument. A closing match's gross
is the closing cash of its part plus the opening cash of the lot it closes.
For futures the broker reports realized P/L as the value and 0 on the opening
fill, so a futures lot carries cost 0 and its close realizes the row's value.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from workstation.domain.lots import (
    CloseReason,
    ClosingMatch,
    CostMethod,
    Ledger,
    LedgerProblem,
    Lot,
)
from workstation.domain.transactions import ZERO, PositionEffect, Transaction
from workstation.engines.ledger.book import (
    CENT,
    PRICE_STEP,
    Book,
    Contract,
    OpenLot,
    split_off,
)
from workstation.engines.ledger.methods import pool

# A ClosingMatch built straight from the tuple of its fields (in declaration
# order), without the NamedTuple constructor's Python-level argument handling:
# a rebuild makes one per close, 73,000 for 100,000 fills.
_new_match = partial(tuple.__new__, ClosingMatch)

# Enum members the hot path compares with, as plain names: looking a member
# up on its enum class costs several times a global read.
_TRADE = CloseReason.TRADE
_CLOSING = PositionEffect.CLOSE

# Option events that can only remove an option, never open one.
_ZERO_PRICE_REASONS = frozenset(
    {CloseReason.EXPIRATION, CloseReason.ASSIGNMENT, CloseReason.EXERCISE}
)


class LedgerBuilder:
    """Rebuild state: books by (account, symbol), matches in close order, problems."""

    def __init__(self, method: CostMethod) -> None:
        self.method = method
        self.books: dict[tuple[str, str], Book] = {}
        self.matches: list[ClosingMatch] = []
        self.problems: list[LedgerProblem] = []
        # Rows left out of the result entirely, and rows the ledger applied in
        # a rewritten form (cash in lieu tied to the fractional share it pays).
        self.skipped: set[int] = set()
        self.replaced: dict[int, Transaction] = {}
        # Which end of a book closes first: 0 oldest (FIFO and average cost,
        # which pools the book first), -1 newest (LIFO).
        self._end = -1 if method is CostMethod.LIFO else 0
        self._pools = method is CostMethod.AVERAGE

    def book(self, row: Transaction) -> Book:
        """Return the book for the row's account and symbol, creating it on first use."""
        key = (row.account, row.symbol)
        book = self.books.get(key)
        if book is None:
            book = self.books[key] = Book(Contract.of(row))
        return book

    def problem(self, row: Transaction, text: str) -> None:
        """Record that ``row`` could not be applied as written and what was done instead."""
        self.problems.append(LedgerProblem(row.key, row.account, row.symbol, text))

    def apply(
        self,
        row: Transaction,
        reason: CloseReason = CloseReason.TRADE,
        *,
        closes_only: bool = False,
        fold_option: bool = False,
        fold: Decimal = ZERO,
    ) -> Decimal:
        """Apply one position row; return the gross it realized when ``fold_option``.

        ``closes_only`` marks option events (expiration, assignment, exercise,
        cash settlement) that remove a position and cannot open one.
        ``fold_option`` marks each match's gross as folded (the option of an
        assignment whose shares were found); ``fold`` is premium to fold into
        the lots this row closes or opens (dollars).
        """
        book = self.books.get((row.account, row.symbol)) or self.book(row)
        quantity = row.quantity
        position = book.position
        if not quantity:
            return self._no_quantity(row)
        if position and (position > ZERO) is not (quantity > ZERO):
            if not self._pools:  # the common close fits in the next lot: the short path
                lot = book.lots[self._end]
                whole = lot.quantity
                part = -quantity
                if part <= whole if whole > ZERO else part >= whole:
                    return self._close_in_one_lot(row, book, lot, part, reason, fold_option, fold)
            return self._close(row, book, quantity, reason, closes_only, fold_option, fold)
        if closes_only:
            return self._nothing_to_close(row, book, reason, fold_option)
        if row.effect is _CLOSING:
            self.problem(
                row, f"marked closing but nothing was open; opened {quantity} as a new lot"
            )
        price = row.price
        if price is None:
            price = _unit_price(row.value, abs(quantity), book.contract)
        fees = row.commission + row.clearing_fee + row.regulatory_fee + row.index_option_fee
        lot = OpenLot(
            quantity, row.value, fees, fold, row.key, row.executed_at, price, book.contract
        )
        book.lots.append(lot)
        book.position = position + quantity
        return ZERO

    def open(
        self,
        row: Transaction,
        book: Book,
        quantity: Decimal,
        cash: tuple[Decimal, Decimal, Decimal],
    ) -> None:
        """Open a lot of signed ``quantity`` from ``row``; ``cash`` is (value, fees, adjustment)."""
        value, fees, adjustment = cash
        price = row.price
        if price is None:
            price = _unit_price(value, abs(quantity), book.contract)
        book.lots.append(
            OpenLot(
                quantity, value, fees, adjustment, row.key, row.executed_at, price, book.contract
            )
        )
        book.position += quantity

    def _close_in_one_lot(
        self,
        row: Transaction,
        book: Book,
        lot: OpenLot,
        part: Decimal,
        reason: CloseReason,
        fold_option: bool,
        fold: Decimal,
    ) -> Decimal:
        """Close ``part`` (signed like ``lot``, at most its size) of the book's next lot.

        This is the common case and the hot path of a rebuild: no shares to
        work out, one match.
        """
        if part == lot.quantity:
            lots = book.lots
            lots.pop() if self._end else lots.popleft()
            cost, fees, adjustment = lot.cost, lot.fees, lot.adjustment
        else:
            _, _, cost, fees, adjustment = split_off(lot, part)
        book.position -= part
        price = row.price
        if price is None or reason is not _TRADE:
            price = self._close_price(row, book.contract, reason, abs(part))
        gross = row.value + cost
        # Row.fees spelled out: this runs once per close of a 100,000-row rebuild.
        fees += row.commission + row.clearing_fee + row.regulatory_fee + row.index_option_fee
        self.matches.append(
            _match(lot, row, part, price, gross, fees, reason, fold_option, adjustment + fold)
        )
        return gross if fold_option else ZERO

    def _close(
        self,
        row: Transaction,
        book: Book,
        quantity: Decimal,
        reason: CloseReason,
        closes_only: bool,
        fold_option: bool,
        fold: Decimal,
    ) -> Decimal:
        """Close lots from the book's closing end, one match each; open any excess.

        Whole lots go first and the last one is split pro rata (see
        :func:`~workstation.engines.ledger.methods.take`, which this walk
        inlines: a close that spans lots is the slow path of a rebuild).
        """
        size, held = abs(quantity), abs(book.position)
        closing = min(size, held)
        opens = size > held and not closes_only
        if size > held:
            self._over_close(row, held, size - held, opens)
        lots, end = book.lots, self._end
        if self._pools and len(lots) > 1:
            pool(lots)
        book.position -= closing if book.position > ZERO else -closing
        close_price = row.price
        if close_price is None or reason is not _TRADE:
            close_price = self._close_price(row, book.contract, reason, size)
        # The row's cash, fees and folded premium are shared out pro rata to the
        # cent as parts are closed; what is left goes to the last part (or the
        # new lot), so no cent is created or lost.
        value, paid, whole = row.value, row.fees, size if opens else closing
        value_left, paid_left, fold_left = value, paid, fold
        record = self.matches.append
        folded = ZERO
        left = closing if lots[0].quantity > ZERO else -closing
        while left and lots:
            lot = lots[end]
            if abs(left) < abs(lot.quantity):
                _, part, cost, fees, adjustment = split_off(lot, left)
                left = ZERO
            else:
                lots.pop() if end else lots.popleft()
                part, cost, fees, adjustment = lot.quantity, lot.cost, lot.fees, lot.adjustment
                left -= part
            if opens or (left and lots):  # not the last part: a new lot may still need some
                units = abs(part)
                value_part = (value * units / whole).quantize(CENT)
                paid_part = (paid * units / whole).quantize(CENT) if paid else ZERO
                fold_part = (fold * units / whole).quantize(CENT) if fold else ZERO
                value_left -= value_part
                paid_left -= paid_part
                fold_left -= fold_part
            else:
                value_part, paid_part, fold_part = value_left, paid_left, fold_left
            gross = value_part + cost
            fees += paid_part
            record(_match(lot, row, part, close_price, gross, fees, reason, fold_option,
                          adjustment + fold_part))  # fmt: skip
            if fold_option:
                folded += gross
        if opens:
            remainder = size - held
            rest = (value_left, paid_left, fold_left)
            self.open(row, book, remainder if quantity > ZERO else -remainder, rest)
        return folded

    def _over_close(self, row: Transaction, held: Decimal, excess: Decimal, opens: bool) -> None:
        if not opens:
            self.problem(row, f"removes {held + excess} but only {held} was open; ignored the rest")
        elif row.effect is PositionEffect.CLOSE:
            self.problem(
                row,
                f"closes {held + excess} but only {held} was open; opened {excess} the other way",
            )

    def _nothing_to_close(
        self, row: Transaction, book: Book, reason: CloseReason, fold_option: bool
    ) -> Decimal:
        if not book.position:
            self.problem(row, f"{row.kind} with nothing open; ignored")
            self.skipped.add(id(row))
            return ZERO
        # An option event can only remove the position; a quantity signed the
        # wrong way is a data problem, so say so and remove it anyway.
        self.problem(row, f"{row.kind} quantity {row.quantity} has the position's sign; removed it")
        return self._close(row, book, -row.quantity, reason, True, fold_option, ZERO)

    def _no_quantity(self, row: Transaction) -> Decimal:
        if row.value or row.fees:
            self.problem(row, f"{row.kind} row with cash but no quantity; left out of the ledger")
            self.skipped.add(id(row))
        return ZERO

    @staticmethod
    def _close_price(
        row: Transaction, contract: Contract, reason: CloseReason, size: Decimal
    ) -> Decimal:
        if reason in _ZERO_PRICE_REASONS and row.is_option:
            return ZERO
        if row.price is not None and reason is not CloseReason.CASH_SETTLEMENT:
            return row.price
        return _unit_price(row.value, size, contract)

    def result(self, ordered: list[Transaction]) -> Ledger:
        """Return the frozen ledger; ``ordered`` are the rows considered, in ledger order."""
        # Most books of a busy options account end flat and empty: sort only the rest.
        books = sorted(
            (key, book) for key, book in self.books.items() if book.lots or book.position
        )
        lots: list[Lot] = [lot.frozen() for _, book in books for lot in book.lots]
        positions = {key: book.position for key, book in books if book.position}
        return Ledger(
            self.method,
            tuple(lots),
            tuple(self.matches),
            positions,
            tuple(self.problems),
            self._applied(ordered),
        )

    def _applied(self, ordered: list[Transaction]) -> tuple[Transaction, ...]:
        if not self.skipped and not self.replaced:
            return tuple(ordered)
        skipped, replaced = self.skipped, self.replaced
        return tuple(replaced.get(id(row), row) for row in ordered if id(row) not in skipped)


def _unit_price(value: Decimal, size: Decimal, contract: Contract) -> Decimal:
    """Return cash per unit (per share, per point) implied by ``value`` for ``size`` units."""
    if not size:
        return ZERO
    return (abs(value) / (size * contract.multiplier)).quantize(PRICE_STEP)


def _match(
    lot: OpenLot,
    row: Transaction,
    part: Decimal,
    close_price: Decimal,
    gross: Decimal,
    fees: Decimal,
    reason: CloseReason,
    fold_option: bool,
    adjustment: Decimal,
) -> ClosingMatch:
    """Return the match of ``part`` of ``lot`` closed by ``row`` (fees: the lot's and row's share).

    With ``fold_option`` the whole result is marked as folded into the stock.
    """
    c = lot.contract
    return _new_match(
        (
            c.account, c.symbol, c.underlying, c.instrument, lot.open_key, row.key,
            lot.opened_at, row.executed_at, part, lot.price, close_price, gross, fees, reason,
            gross if fold_option else ZERO, adjustment,
        )
    )  # fmt: skip
