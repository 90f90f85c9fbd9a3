"""Names a trader would write in a journal: ``SPY 450/445 bull put credit spread 12/18``.

Strikes come first: a vertical lists the strike nearer the money first (the
short strike of a credit spread, the long strike of a debit spread), a
diagonal lists its strikes near expiry first, everything else ascending.
Expiries are month/day, several joined with ``-``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from workstation.domain.strategies import StrategyKind, strike_text
from workstation.engines.classify.structure import Contract, Position

K = StrategyKind
_PUT_VERTICALS = frozenset({K.BULL_PUT_CREDIT, K.BEAR_PUT_DEBIT})
_DIAGONALS = frozenset({K.CALL_DIAGONAL, K.PUT_DIAGONAL})


def strategy_name(
    underlying: str, kind: StrategyKind, position: Position, contracts: Sequence[Contract]
) -> str:
    """Return the trader's name for ``position`` (contract number -> quantity) held as ``kind``."""
    held = [contracts[number] for number, quantity in position.items() if quantity]
    options = [contract for contract in held if contract.right is not None]
    if not options:
        shares = sum(
            [q for number, q in position.items() if q and contracts[number].is_shares],
            Decimal(0),
        )
        return _stock_name(underlying, shares) if shares else f"{underlying} {kind}"
    return f"{underlying} {_strikes(kind, options)} {kind} {_expiries(options)}"


def _stock_name(underlying: str, shares: Decimal) -> str:
    side = "" if shares > 0 else "short "
    return f"{underlying} {side}{strike_text(abs(shares))} shares"


def _strikes(kind: StrategyKind, options: list[Contract]) -> str:
    if kind in _DIAGONALS:
        by_expiry = sorted(options, key=lambda leg: leg.expiry or date.min)
        ordered = [leg.strike for leg in by_expiry if leg.strike is not None]
    else:
        ordered = sorted({leg.strike for leg in options if leg.strike is not None})
        if kind in _PUT_VERTICALS:
            ordered.reverse()
    return "/".join(map(strike_text, ordered))


def _expiries(options: list[Contract]) -> str:
    days = sorted({leg.expiry for leg in options if leg.expiry is not None})
    return "-".join(f"{day.month}/{day.day}" for day in days)
