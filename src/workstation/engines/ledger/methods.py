"""Which open lots a close consumes: FIFO, LIFO or average cost.

All three take whole lots from one end of the book and split the last one
pro rata; average cost first pools the book so every lot carries the same
cost, fees and adjustment per unit. Allocations are rounded to the cent with
the remainder kept, so the three methods differ only in when P&L is
realized, never in the total once a position is flat.
"""

from __future__ import annotations

from collections import deque
from decimal import Decimal

from workstation.domain.lots import CostMethod
from workstation.engines.ledger.book import CENT, PRICE_STEP, Book, OpenLot, Piece, split_off


def take(book: Book, amount: Decimal, method: CostMethod) -> list[Piece]:
    """Remove ``amount`` (a size > 0, at most the open size) from ``book``'s lots.

    Returns the pieces taken, quantities signed like the lots. The book's
    ``position`` is left to the caller, which knows what replaces the pieces.
    """
    lots = book.lots
    if method is CostMethod.AVERAGE and len(lots) > 1:
        pool(lots)
    lifo = method is CostMethod.LIFO
    left = amount if lots[0].quantity > 0 else -amount
    pieces: list[Piece] = []
    while left and lots:
        lot = lots[-1] if lifo else lots[0]
        size = lot.quantity
        if abs(left) < abs(size):
            pieces.append(split_off(lot, left))
            break
        if lifo:
            lots.pop()
        else:
            lots.popleft()
        pieces.append((lot, size, lot.cost, lot.fees, lot.adjustment))
        left -= size
    return pieces


def pool(lots: deque[OpenLot]) -> None:
    """Give every lot the book's average cost, fees, adjustment and price per unit.

    Each lot keeps its quantity, open time and key (holding periods stay
    per lot); the last lot takes the rounding remainder so totals are exact.
    """
    total = sum((lot.quantity for lot in lots), Decimal(0))
    cost = sum((lot.cost for lot in lots), Decimal(0))
    fees = sum((lot.fees for lot in lots), Decimal(0))
    adjustment = sum((lot.adjustment for lot in lots), Decimal(0))
    weighted = sum((lot.price * lot.quantity for lot in lots), Decimal(0))
    price = (weighted / total).quantize(PRICE_STEP)
    cost_left, fees_left, adjustment_left = cost, fees, adjustment
    for lot in list(lots)[:-1]:
        share = lot.quantity / total
        lot.cost = (cost * share).quantize(CENT)
        lot.fees = (fees * share).quantize(CENT)
        lot.adjustment = (adjustment * share).quantize(CENT)
        lot.price = price
        cost_left -= lot.cost
        fees_left -= lot.fees
        adjustment_left -= lot.adjustment
    last = lots[-1]
    last.cost, last.fees, last.adjustment, last.price = cost_left, fees_left, adjustment_left, price
