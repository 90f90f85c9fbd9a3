"""Name a set of legs: which structure is it (vertical, iron condor, calendar, ...)?

Recognises the structures the templates build from the legs alone: one
option; stock with short calls (covered when the shares cover every call);
two options (verticals, straddles, strangles, calendars, diagonals, ratio
spreads); three-leg butterflies and jade lizards (a short put under a short
call spread); and four-leg iron condors and iron butterflies. Anything else
is CUSTOM. A short put is a SHORT_PUT (whether cash is set aside is not in
the legs).

``kind_of_shape`` does the same from leg shapes alone (right, strike,
expiry, signed contracts, multiplier) and a share count, for callers such as
the trade ledger that hold positions rather than priced legs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

from workstation.domain.occ import OptionRight
from workstation.domain.strategies import Leg, OptionLeg, StockLeg, StrategyKind

K = StrategyKind
CALL = OptionRight.CALL


class OptionShape(Protocol):
    """What classification needs of an option leg: contract and signed quantity."""

    @property
    def right(self) -> OptionRight: ...

    @property
    def strike(self) -> Decimal: ...

    @property
    def expiry(self) -> date: ...

    @property
    def quantity(self) -> int: ...

    @property
    def multiplier(self) -> int: ...


def kind_of(legs: Sequence[Leg]) -> StrategyKind:
    """Return the structure ``legs`` form (CUSTOM when none fits)."""
    options = [leg for leg in legs if isinstance(leg, OptionLeg)]
    stock = [leg for leg in legs if isinstance(leg, StockLeg)]
    shares = Decimal(sum(leg.quantity for leg in stock)) if stock else None
    return kind_of_shape(options, shares)


def kind_of_shape(options: Sequence[OptionShape], shares: Decimal | None = None) -> StrategyKind:
    """Return the structure of ``options`` plus ``shares`` of stock (None: no stock leg).

    Quantities are signed (contracts, shares); prices play no part.
    """
    if shares is not None:
        return _with_stock(shares, options)
    by_count = {1: _single, 2: _pair, 3: _three, 4: _four}
    classify = by_count.get(len(options))
    return classify(sorted(options, key=_order)) if classify else K.CUSTOM


def _order(leg: OptionShape) -> tuple[date, Decimal, bool]:
    return (leg.expiry, leg.strike, leg.right is not CALL)


def _with_stock(shares: Decimal, options: Sequence[OptionShape]) -> StrategyKind:
    if len(options) != 1:
        return K.CUSTOM
    (call,) = options
    # Extra shares do not uncover the call: 250 shares under 2 short calls is covered.
    covered = (
        call.right is CALL and call.quantity < 0 and shares >= -call.quantity * call.multiplier
    )
    return K.COVERED_CALL if covered else K.CUSTOM


def _single(legs: Sequence[OptionShape]) -> StrategyKind:
    (leg,) = legs
    if leg.quantity > 0:
        return K.LONG_CALL if leg.right is CALL else K.LONG_PUT
    return K.SHORT_CALL if leg.right is CALL else K.SHORT_PUT


def _pair(legs: Sequence[OptionShape]) -> StrategyKind:
    a, b = legs
    if a.right is not b.right:
        return _straddle_like(a, b)
    if a.expiry != b.expiry:
        return _time_spread(a, b)
    if a.quantity == -b.quantity:
        return _vertical(a, b)
    return _ratio(a, b)


def _straddle_like(a: OptionShape, b: OptionShape) -> StrategyKind:
    put, call = (a, b) if a.right is not CALL else (b, a)
    if a.expiry != b.expiry or a.quantity != b.quantity or put.strike > call.strike:
        return K.CUSTOM
    long = a.quantity > 0
    if put.strike == call.strike:
        return K.LONG_STRADDLE if long else K.SHORT_STRADDLE
    return K.LONG_STRANGLE if long else K.SHORT_STRANGLE


def _time_spread(near: OptionShape, far: OptionShape) -> StrategyKind:
    if near.quantity >= 0 or far.quantity != -near.quantity:
        return K.CUSTOM
    if near.strike == far.strike:
        return K.CALL_CALENDAR if near.right is CALL else K.PUT_CALENDAR
    return K.CALL_DIAGONAL if near.right is CALL else K.PUT_DIAGONAL


def _vertical(low: OptionShape, high: OptionShape) -> StrategyKind:
    bullish = low.quantity > 0  # long the lower strike: call debit or put credit
    if low.right is CALL:
        return K.BULL_CALL_DEBIT if bullish else K.BEAR_CALL_CREDIT
    return K.BULL_PUT_CREDIT if bullish else K.BEAR_PUT_DEBIT


def _ratio(low: OptionShape, high: OptionShape) -> StrategyKind:
    long, short = (low, high) if low.right is CALL else (high, low)  # the short leg further OTM
    if long.quantity > 0 and short.quantity < 0 and -short.quantity > long.quantity:
        return K.CALL_RATIO_SPREAD if long.right is CALL else K.PUT_RATIO_SPREAD
    return K.CUSTOM


def _three(legs: Sequence[OptionShape]) -> StrategyKind:
    if len({leg.expiry for leg in legs}) != 1:
        return K.CUSTOM
    if len({leg.right for leg in legs}) == 1:
        return _butterfly(legs)
    return _jade_lizard(legs)


def _butterfly(legs: Sequence[OptionShape]) -> StrategyKind:
    low, mid, high = legs
    if not low.strike < mid.strike < high.strike:
        return K.CUSTOM
    if low.quantity > 0 and high.quantity == low.quantity and mid.quantity == -2 * low.quantity:
        return K.CALL_BUTTERFLY if low.right is CALL else K.PUT_BUTTERFLY
    return K.CUSTOM


def _jade_lizard(legs: Sequence[OptionShape]) -> StrategyKind:
    puts = [leg for leg in legs if leg.right is not CALL]
    calls = [leg for leg in legs if leg.right is CALL]
    if len(puts) != 1 or len(calls) != 2:
        return K.CUSTOM
    (put,), (short, long) = puts, calls  # calls sorted by strike: the short one is lower
    n = -put.quantity
    shape = n > 0 and short.quantity == -n and long.quantity == n
    return K.JADE_LIZARD if shape and put.strike < short.strike else K.CUSTOM


def _four(legs: Sequence[OptionShape]) -> StrategyKind:
    puts = [leg for leg in legs if leg.right is not CALL]
    calls = [leg for leg in legs if leg.right is CALL]
    if len(puts) != 2 or len(calls) != 2 or len({leg.expiry for leg in legs}) != 1:
        return K.CUSTOM
    n = puts[0].quantity
    shape = [leg.quantity for leg in (*puts, *calls)] == [n, -n, -n, n] and n > 0
    if not shape or puts[1].strike > calls[0].strike:
        return K.CUSTOM
    return K.IRON_BUTTERFLY if puts[1].strike == calls[0].strike else K.IRON_CONDOR
