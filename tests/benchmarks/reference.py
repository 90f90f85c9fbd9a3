"""The reference work the issue's speed targets are calibrated with, and how runs are timed.

The ledger issue gives its FIFO target against "a plain float FIFO loop,
~75 ms on this machine" and asks to measure one in the same run. The loop
and its input live here so every benchmark can report its figures both on
this machine and scaled to the issue's machine (``at_reference_speed``):
the scaled figure assumes the two machines differ by one factor for
Python work, which is only an approximation (SQLite and hashing are C).

The fills trade 500 symbols (400 stocks, 100 option contracts with a
multiplier of 100) the way accounts do: a position is opened in one to three
fills, added to, reduced and closed, sometimes reversed through zero. Every
fill pays fees.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import Transaction, TransactionKind

STOCKS, OPTIONS = 400, 100
REFERENCE_FILLS = 100_000
REFERENCE_LOOP_SECONDS = 0.075  # the float loop on the machine
START = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
EXPIRY = datetime(2026, 12, 18, tzinfo=UTC).date()


class _Symbol:
    """One instrument's price walk and position while fills are generated."""

    def __init__(self, index: int, rng: random.Random) -> None:
        self.option = index >= STOCKS
        self.name = f"S{index:03d}" if not self.option else f"S{index:03d}  261218C00050000"
        self.cents = rng.randint(50, 800) if self.option else rng.randint(1_000, 40_000)
        self.position = 0


def _size(symbol: _Symbol, rng: random.Random) -> int:
    return rng.randint(1, 10) if symbol.option else 10 * rng.randint(1, 50)


def _signed_quantity(symbol: _Symbol, rng: random.Random) -> int:
    held = symbol.position
    if held == 0:
        return _size(symbol, rng) * rng.choice((1, -1))
    direction = 1 if held > 0 else -1
    roll = rng.random()
    if roll < 0.30:
        return direction * _size(symbol, rng)
    if roll < 0.60:
        return -direction * max(1, abs(held) // rng.randint(2, 4))
    if roll < 0.95:
        return -held
    return -held - direction * _size(symbol, rng)


def _fill(symbol: _Symbol, quantity: int, index: int) -> Transaction:
    option = symbol.option
    multiplier = Decimal(100) if option else Decimal(1)
    price = Decimal(symbol.cents).scaleb(-2)
    contracts = Decimal(abs(quantity))
    return Transaction(
        "bench",
        "ACCT1",
        f"fill-{index}",
        TransactionKind.TRADE,
        START + timedelta(seconds=7 * index),
        instrument=InstrumentKind.EQUITY_OPTION if option else InstrumentKind.EQUITY,
        symbol=symbol.name,
        underlying=symbol.name[:4],
        expiry=EXPIRY if option else None,
        strike=Decimal(50) if option else None,
        right=OptionRight.CALL if option else None,
        multiplier=multiplier,
        quantity=Decimal(quantity),
        price=price,
        value=-Decimal(quantity) * price * multiplier,
        commission=Decimal("0.65") * contracts if option else Decimal(0),
        clearing_fee=Decimal("0.10") * contracts if option else Decimal(0),
        regulatory_fee=Decimal("0.02") * contracts if option else Decimal("0.01"),
    )


def synthetic_fills(n: int, seed: int = 20261121) -> list[Transaction]:
    """Return ``n`` fills over 500 symbols in ledger order (see the module docstring)."""
    rng = random.Random(seed)
    symbols = [_Symbol(index, rng) for index in range(STOCKS + OPTIONS)]
    fills = []
    for index in range(n):
        symbol = rng.choice(symbols)
        symbol.cents = max(5, symbol.cents + rng.randint(-25, 25))
        quantity = _signed_quantity(symbol, rng)
        symbol.position += quantity
        fills.append(_fill(symbol, quantity, index))
    return fills


def float_fifo(fills: list[Transaction]) -> float:
    """Return realized P&L after fees (dollars) by a plain float FIFO loop."""
    books: dict[tuple[str, str], deque[list[float]]] = {}
    matches: list[tuple[str, str, float, float, float]] = []
    for row in fills:
        quantity, value, fees = float(row.quantity), float(row.value), float(row.fees)
        lots = books.setdefault((row.account, row.symbol), deque())
        left = abs(quantity)
        while left > 0 and lots and (lots[0][0] > 0) != (quantity > 0):
            lot = lots[0]
            take = min(left, abs(lot[0]))
            share = take / abs(lot[0])
            part = take / abs(quantity)
            gross = lot[1] * share + value * part
            matches.append((lot[3], row.key, take, gross, lot[2] * share + fees * part))
            lot[0] -= take if lot[0] > 0 else -take
            lot[1] -= lot[1] * share
            lot[2] -= lot[2] * share
            if lot[0] == 0:
                lots.popleft()
            left -= take
        if left > 0:
            part = left / abs(quantity)
            signed = left if quantity > 0 else -left
            lots.append([signed, value * part, fees * part, row.key])  # type: ignore[list-item]
    return sum(gross - fee for _, _, _, gross, fee in matches)


def best_of(runs: int, once: Callable[[], object]) -> float:
    """Return the fastest of ``runs`` timings in seconds of this process's CPU time.

    CPU time rather than wall time: the machine is shared, and a run that is
    preempted says nothing about the code.
    """
    timings = []
    for _ in range(runs):
        start = time.process_time()
        once()
        timings.append(time.process_time() - start)
    return min(timings)


def reference_loop_seconds(runs: int = 7) -> float:
    """Return this machine's best CPU time for the float loop over the reference fills, s."""
    fills = synthetic_fills(REFERENCE_FILLS)
    return best_of(runs, lambda: float_fifo(fills))


def at_reference_speed(seconds: float, loop_seconds: float) -> float:
    """Return ``seconds`` measured here scaled to the issue's machine (see the docstring)."""
    return seconds * REFERENCE_LOOP_SECONDS / loop_seconds
