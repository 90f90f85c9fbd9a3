"""Name a set of legs: which structure is it (vertical, iron condor, calendar, ...)?

Recognises the structures the templates build from the legs alone: one
option; stock with short calls; two options (verticals, straddles,
strangles, calendars, diagonals, ratio spreads); three-leg butterflies; and
four-leg iron condors and iron butterflies. Anything else is CUSTOM. A short
put is a SHORT_PUT (whether cash is set aside is not in the legs).
"""

from __future__ import annotations

from collections.abc import Sequence

from workstation.domain.strategies import Leg, OptionLeg, StockLeg, StrategyKind

K = StrategyKind


def kind_of(legs: Sequence[Leg]) -> StrategyKind:
    """Return the structure ``legs`` form (CUSTOM when none fits)."""
    options = [leg for leg in legs if isinstance(leg, OptionLeg)]
    stock = [leg for leg in legs if isinstance(leg, StockLeg)]
    if stock:
        return _with_stock(stock, options)
    by_count = {1: _single, 2: _pair, 3: _butterfly, 4: _four}
    classify = by_count.get(len(options))
    return classify(sorted(options, key=_order)) if classify else K.CUSTOM


def _order(leg: OptionLeg) -> tuple[object, ...]:
    return (leg.expiry, leg.strike, not leg.is_call)


def _with_stock(stock: list[StockLeg], options: list[OptionLeg]) -> StrategyKind:
    shares = sum(leg.quantity for leg in stock)
    if len(options) != 1:
        return K.CUSTOM
    (call,) = options
    covered = call.is_call and call.quantity < 0 and shares == -call.quantity * call.multiplier
    return K.COVERED_CALL if covered else K.CUSTOM


def _single(legs: Sequence[OptionLeg]) -> StrategyKind:
    (leg,) = legs
    if leg.is_long:
        return K.LONG_CALL if leg.is_call else K.LONG_PUT
    return K.SHORT_CALL if leg.is_call else K.SHORT_PUT


def _pair(legs: Sequence[OptionLeg]) -> StrategyKind:
    a, b = legs
    if a.right is not b.right:
        return _straddle_like(a, b)
    if a.expiry != b.expiry:
        return _time_spread(a, b)
    if a.quantity == -b.quantity:
        return _vertical(a, b)
    return _ratio(a, b)


def _straddle_like(a: OptionLeg, b: OptionLeg) -> StrategyKind:
    put, call = (a, b) if not a.is_call else (b, a)
    if a.expiry != b.expiry or a.quantity != b.quantity or put.strike > call.strike:
        return K.CUSTOM
    long = a.quantity > 0
    if put.strike == call.strike:
        return K.LONG_STRADDLE if long else K.SHORT_STRADDLE
    return K.LONG_STRANGLE if long else K.SHORT_STRANGLE


def _time_spread(near: OptionLeg, far: OptionLeg) -> StrategyKind:
    if near.quantity >= 0 or far.quantity != -near.quantity:
        return K.CUSTOM
    if near.strike == far.strike:
        return K.CALL_CALENDAR if near.is_call else K.PUT_CALENDAR
    return K.CALL_DIAGONAL if near.is_call else K.PUT_DIAGONAL


def _vertical(low: OptionLeg, high: OptionLeg) -> StrategyKind:
    bullish = low.quantity > 0  # long the lower strike: call debit or put credit
    if low.is_call:
        return K.BULL_CALL_DEBIT if bullish else K.BEAR_CALL_CREDIT
    return K.BULL_PUT_CREDIT if bullish else K.BEAR_PUT_DEBIT


def _ratio(low: OptionLeg, high: OptionLeg) -> StrategyKind:
    long, short = (low, high) if low.is_call else (high, low)  # the short leg further OTM
    if long.quantity > 0 and short.quantity < 0 and -short.quantity > long.quantity:
        return K.CALL_RATIO_SPREAD if long.is_call else K.PUT_RATIO_SPREAD
    return K.CUSTOM


def _butterfly(legs: Sequence[OptionLeg]) -> StrategyKind:
    low, mid, high = legs
    same = low.right is mid.right is high.right and low.expiry == mid.expiry == high.expiry
    if not same or not low.strike < mid.strike < high.strike:
        return K.CUSTOM
    if low.quantity > 0 and high.quantity == low.quantity and mid.quantity == -2 * low.quantity:
        return K.CALL_BUTTERFLY if low.is_call else K.PUT_BUTTERFLY
    return K.CUSTOM


def _four(legs: Sequence[OptionLeg]) -> StrategyKind:
    puts = [leg for leg in legs if not leg.is_call]
    calls = [leg for leg in legs if leg.is_call]
    if len(puts) != 2 or len(calls) != 2 or len({leg.expiry for leg in legs}) != 1:
        return K.CUSTOM
    n = puts[0].quantity
    shape = [leg.quantity for leg in (*puts, *calls)] == [n, -n, -n, n] and n > 0
    if not shape or puts[1].strike > calls[0].strike:
        return K.CUSTOM
    return K.IRON_BUTTERFLY if puts[1].strike == calls[0].strike else K.IRON_CONDOR
