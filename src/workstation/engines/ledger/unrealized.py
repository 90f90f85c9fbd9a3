"""Open lots at current marks: market value, unrealized P&L and the cash identity.

For a ledger and marks for every open lot, under either convention and both
gross and net of fees, exactly (Decimal)::

    realized(ledger.matches) + unrealized(ledger.lots, marks).total()
        == market_value(ledger.lots, marks) - net_cash_flow(ledger)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from workstation.domain.instruments import InstrumentKind
from workstation.domain.lots import Ledger, Lot, LotValue, PnlConvention, Unrealized
from workstation.domain.transactions import ZERO
from workstation.engines.ledger.realized import realized


class MissingMarks(ValueError):
    """Open lots whose symbols have no mark; the message lists them."""

    def __init__(self, symbols: Iterable[str]) -> None:
        self.symbols = tuple(sorted(set(symbols)))
        super().__init__(f"no mark for {', '.join(self.symbols)}: cannot value the open lots")


def lot_market_value(lot: Lot, mark: Decimal) -> Decimal:
    """Return the lot's signed market value in dollars at ``mark`` (per unit).

    A future's cash is settled as P/L rather than paid up front, so its value
    is the open P/L since the lot's price: (mark - price) x quantity x multiplier.
    """
    if lot.instrument is InstrumentKind.FUTURE:
        return (mark - lot.price) * lot.quantity * lot.multiplier
    return mark * lot.quantity * lot.multiplier


def unrealized(
    lots: Iterable[Lot],
    marks: Mapping[str, Decimal],
    *,
    convention: PnlConvention = PnlConvention.OPTION_SEPARATE,
) -> Unrealized:
    """Value open lots at ``marks`` (per-unit prices keyed by ledger symbol).

    A lot's unrealized P&L before fees is its market value plus its signed
    open cash (:meth:`Lot.basis` under ``convention``). Lots without a mark
    are listed in ``unmarked`` and left out of the totals.
    """
    valued: list[LotValue] = []
    unmarked: list[Lot] = []
    for lot in lots:
        mark = marks.get(lot.symbol)
        if mark is None:
            unmarked.append(lot)
            continue
        value = lot_market_value(lot, mark)
        valued.append(LotValue(lot, mark, value, value + lot.basis(convention)))
    return Unrealized(convention, tuple(valued), tuple(unmarked))


def market_value(lots: Iterable[Lot], marks: Mapping[str, Decimal]) -> Decimal:
    """Return the signed market value of ``lots`` at ``marks`` (dollars).

    Raises :class:`MissingMarks` if any lot has no mark, rather than
    valuing it at zero.
    """
    lots = list(lots)
    missing = [lot.symbol for lot in lots if lot.symbol not in marks]
    if missing:
        raise MissingMarks(missing)
    return sum((lot_market_value(lot, marks[lot.symbol]) for lot in lots), ZERO)


def net_cash_flow(ledger: Ledger, *, net: bool = True) -> Decimal:
    """Return the net cash paid into positions, in dollars (paid positive, received negative).

    That is ``-sum(row.net_value)`` (``-sum(row.value)`` when not ``net``)
    over the ledger's applied rows whose kind moves a position: trades,
    assignments, exercises, expirations, cash settlements, splits and symbol
    changes (cash in lieu included). Dividends, interest, deposits, fees
    charged as their own rows and marks to market are not position cash.
    """
    rows = [row for row in ledger.rows if row.kind.moves_position]
    total = sum((row.value for row in rows), ZERO)
    if net:
        total -= sum((row.fees for row in rows), ZERO)
    return -total


def total_pnl(
    ledger: Ledger,
    marks: Mapping[str, Decimal],
    *,
    convention: PnlConvention = PnlConvention.OPTION_SEPARATE,
    net: bool = True,
) -> Decimal:
    """Return realized + unrealized P&L (dollars); raise :class:`MissingMarks` if unmarked."""
    open_value = unrealized(ledger.lots, marks, convention=convention)
    if open_value.unmarked:
        raise MissingMarks(lot.symbol for lot in open_value.unmarked)
    return realized(ledger.matches, convention=convention, net=net) + open_value.total(net=net)
