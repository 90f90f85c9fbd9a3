"""The cash book a settlement replay keeps: what paid for each purchase, and breaches.

Mutable on purpose and private to the engine; the frozen
:mod:`workstation.domain.settlement` types are built once, for the result.

How purchases are paid (the order brokers apply and the one that keeps
violations to a minimum): settled cash first, then unsettled proceeds that
settle soonest, and whatever is left is *uncovered* (the account owes it).
New proceeds are set aside for what the account owes before they can pay for
anything else, so the proceeds of a free ride are not spent twice; they count
as settled cash only when they settle.

Which funds paid for the part of a purchase that is sold: each slice of the
purchase's funding in proportion to the quantity sold (sell half, and half of
every slice is involved). Fills are matched first in, first out per symbol.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from workstation.domain.settlement import SAME_ORDER, SETTLED, UNCOVERED, Funding
from workstation.domain.transactions import ZERO, PositionEffect, Transaction


@dataclass(slots=True)
class Credit:
    """Unsettled proceeds settling on ``settles_on``, dollars.

    ``remaining`` is not yet spent; ``reserved`` is set aside to pay what the
    account owes and becomes settled cash only when the credit settles.
    """

    key: str
    settles_on: date
    remaining: Decimal
    reserved: Decimal = ZERO


@dataclass(slots=True)
class HeldLot:
    """The unsold part of one purchase, with the funding of the whole purchase."""

    key: str
    order: str
    symbol: str
    bought_on: date
    bought: Decimal
    quantity: Decimal
    fundings: tuple[Funding, ...]


@dataclass(slots=True)
class Breach:
    """A good-faith violation or free ride as it accumulates over the fills of two orders."""

    symbol: str
    bought_key: str
    sold_key: str
    bought_on: date
    sold_on: date
    paid_by: list[Funding] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        """Return the funds involved, dollars."""
        return sum((slice_.amount for slice_ in self.paid_by), ZERO)

    @property
    def settle_on(self) -> date:
        """Return the latest date the funds involved settle (or the purchase was due)."""
        return max(slice_.settles_on for slice_ in self.paid_by)


# (symbol, purchase order, sale order): fills of one order are one breach.
BreachKey = tuple[str, str, str]


@dataclass(slots=True)
class CashBook:
    """Settled cash not yet committed, unsettled proceeds, held purchases and breaches.

    ``settled`` is dollars of settled cash free to spend; negative when the
    account owes for uncovered purchases or withdrawals.
    """

    settled: Decimal
    credits: list[Credit] = field(default_factory=list)
    held: dict[str, deque[HeldLot]] = field(default_factory=dict)
    short: dict[str, Decimal] = field(default_factory=dict)
    violations: dict[BreachKey, Breach] = field(default_factory=dict)
    free_rides: dict[BreachKey, Breach] = field(default_factory=dict)

    def mature(self, day: date) -> None:
        """Move proceeds that have settled by ``day`` into settled cash."""
        for credit in self.credits:
            if credit.settles_on <= day:
                self.settled += credit.remaining + credit.reserved
        self.credits = [credit for credit in self.credits if credit.settles_on > day]

    def receive(self, key: str, amount: Decimal, settles_on: date) -> None:
        """Book ``amount`` dollars of proceeds settling later; set aside what is owed first."""
        owed = max(-self.settled, ZERO) - sum((c.reserved for c in self.credits), ZERO)
        reserved = min(amount, max(owed, ZERO))
        self.credits.append(Credit(key, settles_on, amount - reserved, reserved))

    def pay(
        self, cost: Decimal, day: date, due_on: date, netted: Decimal = ZERO
    ) -> tuple[Funding, ...]:
        """Commit cash to a purchase of ``cost`` dollars made on ``day``; return what paid.

        ``netted`` dollars of the cost are met by credit legs of the same order
        and settle with it on ``due_on``.
        """
        fundings = [Funding(netted, SAME_ORDER, due_on)] if netted else []
        from_settled = min(cost - netted, max(self.settled, ZERO))
        self.settled -= from_settled
        if from_settled:
            fundings.append(Funding(from_settled, SETTLED, day))
        rest = cost - netted - from_settled
        for credit in sorted(self.credits, key=lambda credit: credit.settles_on):
            if rest <= ZERO:
                break
            take = min(rest, credit.remaining)
            if take > ZERO:
                credit.remaining -= take
                rest -= take
                fundings.append(Funding(take, credit.key, credit.settles_on))
        self.credits = [c for c in self.credits if c.remaining > ZERO or c.reserved > ZERO]
        if rest > ZERO:
            self.settled -= rest
            fundings.append(Funding(rest, UNCOVERED, due_on))
        return tuple(fundings)

    def buy(self, row: Transaction, fundings: tuple[Funding, ...]) -> None:
        """Hold what a purchase row bought, after it covers any short it closes."""
        quantity = row.quantity
        if row.effect is not PositionEffect.OPEN:
            covered = min(quantity, self.short.get(row.symbol, ZERO))
            self.short[row.symbol] = self.short.get(row.symbol, ZERO) - covered
            quantity -= covered
        if row.effect is PositionEffect.CLOSE or quantity <= ZERO:
            return
        # Funding belongs to the long part only when the row also covered a short.
        share = quantity / row.quantity
        scaled = tuple(Funding(f.amount * share, f.source, f.settles_on) for f in fundings)
        lot = HeldLot(row.key, _order(row), row.symbol, row.trade_date, quantity, quantity, scaled)
        self.held.setdefault(row.symbol, deque()).append(lot)

    def deliver(self, row: Transaction, *, sold: bool) -> None:
        """Take a delivered quantity off held purchases; check breaches when ``sold``.

        A sell to open adds to the short instead. Quantity beyond the held
        purchases was held before the rows began and is not checked.
        """
        quantity = -row.quantity
        if row.effect is PositionEffect.OPEN:
            self.short[row.symbol] = self.short.get(row.symbol, ZERO) + quantity
            return
        lots = self.held.get(row.symbol, deque())
        while quantity > ZERO and lots:
            lot = lots[0]
            take = min(quantity, lot.quantity)
            if sold:
                self._check(lot, row, take / lot.bought)
            lot.quantity -= take
            quantity -= take
            if lot.quantity <= ZERO:
                lots.popleft()

    def _check(self, lot: HeldLot, sale: Transaction, share: Decimal) -> None:
        sold_on = sale.trade_date
        for slice_ in lot.fundings:
            uncovered = slice_.source == UNCOVERED
            if slice_.settles_on <= sold_on or not (slice_.is_proceeds or uncovered):
                continue
            part = Funding(slice_.amount * share, slice_.source, slice_.settles_on)
            breaches = self.free_rides if uncovered else self.violations
            key = (lot.symbol, lot.order, _order(sale))
            if key not in breaches:
                breaches[key] = Breach(lot.symbol, lot.key, sale.key, lot.bought_on, sold_on)
            breaches[key].paid_by.append(part)


def _order(row: Transaction) -> str:
    """Return the order a row filled (its own key when the broker gave no order id)."""
    return row.order_id or row.key
