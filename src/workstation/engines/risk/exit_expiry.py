"""Let expire or close: the recommendation for a position inside the expiry window (0-1 DTE).

Weighs, per expiring leg: distance of the strike from spot in expected moves,
pin risk, assignment of short in-the-money legs (more so with little time
value left), early assignment of short calls before an ex-dividend date, a
long in-the-money leg that would be exercised into stock, and what closing
costs against the stock that assignment would move. Every reason used is
returned as a line of plain English with its numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from decimal import Decimal

from workstation.domain.exits import (
    ExitLeg,
    ExitPosition,
    ExitRules,
    ExpiringLeg,
    ExpiryAction,
    ExpiryRecommendation,
    ExpiryRisk,
)
from workstation.engines.risk.exit_legs import (
    CLOSE_RISKS,
    Yardstick,
    covered_legs,
    expiring_legs,
    leg_facts,
    share_change,
    stock_held,
    yardstick,
)
from workstation.engines.risk.exit_text import (
    contracts,
    leg_name,
    per_share,
    quantity,
    usd,
)

# Risks that mean shares would actually change hands (not absorbed by stock held).
_CONVERTS = frozenset({ExpiryRisk.IN_THE_MONEY, ExpiryRisk.AUTO_EXERCISE})


def recommend_expiry(position: ExitPosition, rules: ExitRules) -> ExpiryRecommendation:
    """Recommend letting the position expire, closing it, or closing the tested side."""
    yard = yardstick(position, rules)
    legs = expiring_legs(position, rules)
    covered = covered_legs(legs, stock_held(position), position.spot)
    facts = [leg_facts(leg, position, rules, yard.move, covered) for leg in legs]
    action, to_close = _decide(position, legs, facts)
    flagged = sum(1 for fact in facts if fact.risks & CLOSE_RISKS)
    return ExpiryRecommendation(
        action=action,
        reasons=tuple(_reasons(position, rules, yard, legs, facts, action, to_close)),
        legs_to_close=to_close,
        legs=tuple(facts),
        expected_move=yard.move,
        move_source=yard.source,
        risk_score=flagged / len(facts) if facts else 0.0,
    )


def _decide(
    position: ExitPosition, legs: Sequence[ExitLeg], facts: Sequence[ExpiringLeg]
) -> tuple[ExpiryAction, tuple[str, ...]]:
    # A tested leg takes its whole side (call or put) with it: closing a short
    # put but leaving its long wing would turn a spread into a lone long put.
    sides = {leg.is_call for leg, fact in zip(legs, facts, strict=True) if fact.risks & CLOSE_RISKS}
    if not sides:
        return ExpiryAction.LET_EXPIRE, ()
    to_close = tuple(leg.symbol for leg in legs if leg.is_call in sides)
    options = [leg for leg in position.legs if leg.is_option]
    whole = len(to_close) == len(options)
    return (ExpiryAction.CLOSE if whole else ExpiryAction.CLOSE_TESTED_SIDE), to_close


def _reasons(
    position: ExitPosition,
    rules: ExitRules,
    yard: Yardstick,
    legs: Sequence[ExitLeg],
    facts: Sequence[ExpiringLeg],
    action: ExpiryAction,
    to_close: tuple[str, ...],
) -> Iterator[str]:
    if yard.note:
        yield yard.note
    for leg, fact in zip(legs, facts, strict=True):
        yield from _leg_reasons(leg, fact, position, rules)
    yield from _offset_note(legs, facts)
    expiring = {leg.symbol for leg in legs}
    for leg in position.legs:
        if leg.symbol not in expiring:
            yield _staying(leg, position)
    yield _conclusion(legs, action, to_close)


def _leg_reasons(
    leg: ExitLeg, fact: ExpiringLeg, position: ExitPosition, rules: ExitRules
) -> Iterator[str]:
    yield _with_delta(_where(leg, fact, position, rules), leg)
    if ExpiryRisk.LOW_EXTRINSIC in fact.risks:
        yield (
            f"the {fact.description} has only {per_share(leg.extrinsic)} of extrinsic value left: "
            "the holder gains little by waiting, so early assignment can come at any time"
        )
    if ExpiryRisk.EX_DIVIDEND in fact.risks:
        yield _dividend_reason(leg, fact, position)
    cost = _cost_reason(leg, fact, rules)
    if cost:
        yield cost


def _where(leg: ExitLeg, fact: ExpiringLeg, position: ExitPosition, rules: ExitRules) -> str:
    name, spot = fact.description, per_share(position.spot)
    if leg.cash_settled:
        return _cash_settled(leg, fact)
    if fact.intrinsic > 0:
        return _in_the_money(leg, fact, position)
    away = f"{fact.distance_em:.2f} EM"
    if ExpiryRisk.PIN in fact.risks:
        outcome = "assignment" if leg.is_short else "exercise"
        return (
            f"{name} is {away} from spot ({spot}): pin risk, it can finish on either side of "
            f"the strike and you will not know about {outcome} until after the close"
        )
    if ExpiryRisk.NEAR_STRIKE in fact.risks:
        return (
            f"{name} is {away} out of the money (spot {spot}), inside the "
            f"{rules.safe_distance_em:g} EM safety margin: a late move can put it in the money"
        )
    if leg.is_short:
        return f"{name} is {away} out of the money (spot {spot}): expiring worthless is likely"
    return f"{name} is {away} out of the money (spot {spot}): it will expire worthless"


def _in_the_money(leg: ExitLeg, fact: ExpiringLeg, position: ExitPosition) -> str:
    change = share_change(leg)
    spot = per_share(position.spot)
    head = f"{fact.description} is {per_share(fact.intrinsic)} in the money (spot {spot})"
    if not fact.risks & _CONVERTS:
        verb = "sell" if change < 0 else "buy back"
        return (
            f"{head}: {'assignment' if leg.is_short else 'exercise'} would {verb} "
            f"{quantity(abs(change))} of the {quantity(stock_held(position))} shares held (covered)"
        )
    if leg.is_short:
        return (
            f"{head}: assignment is likely; {contracts(leg)}, {quantity(change, signed=True)} "
            f"shares ({usd(fact.exposure)}) in the account after expiration"
        )
    return (
        f"{head}: it will be exercised automatically (OCC exercises 0.01 in the money and more) "
        f"into {quantity(change, signed=True)} shares ({usd(fact.exposure)}) unless sold"
    )


def _cash_settled(leg: ExitLeg, fact: ExpiringLeg) -> str:
    if fact.intrinsic <= 0:
        return (
            f"{fact.description} is {fact.distance_em:.2f} EM out of the money and cash-settled: "
            "it expires worthless if it stays there, with no assignment"
        )
    settlement = share_change(leg).copy_abs() * _decimal(fact.intrinsic)
    paid = "pays" if leg.is_short else "receives"
    return (
        f"{fact.description} is {per_share(fact.intrinsic)} in the money and cash-settled: "
        f"it {paid} about {usd(settlement)} at settlement and no shares change hands"
    )


def _with_delta(line: str, leg: ExitLeg) -> str:
    if not math.isfinite(leg.delta):  # no greek from the feed
        return line
    return f"{line} (delta {abs(leg.delta):.2f})"


def _dividend_reason(leg: ExitLeg, fact: ExpiringLeg, position: ExitPosition) -> str:
    dividend = position.dividend
    assert dividend is not None  # EX_DIVIDEND is only raised with a dividend
    shares = share_change(leg).copy_abs()
    time_value = (
        f"{per_share(leg.extrinsic)} of extrinsic value"
        if math.isfinite(leg.extrinsic)
        else "an unknown extrinsic value"
    )
    owed = usd(dividend * shares)
    outcome = (
        f"leaving {quantity(shares)} shares short and owing {owed} of dividend"
        if fact.risks & _CONVERTS
        else f"the shares held are called away and the {owed} dividend goes with them"
    )
    return (
        f"{position.underlying} goes ex-dividend {position.ex_dividend} "
        f"({per_share(float(dividend))}/share) and the {fact.description} has {time_value}: "
        f"early assignment is likely before the ex-date, {outcome}"
    )


def _cost_reason(leg: ExitLeg, fact: ExpiringLeg, rules: ExitRules) -> str | None:
    cost = fact.cost_to_close
    if cost is None:
        return f"no mark for the {fact.description}: the cost to close is unknown"
    if not leg.is_short:
        # An out-of-the-money long wing worth a penny is not worth a line.
        worth_saying = cost < 0 and (fact.intrinsic > 0 or fact.risks & CLOSE_RISKS)
        return f"selling the {fact.description} brings in {usd(-cost)}" if worth_saying else None
    if leg.cash_settled:
        return f"closing the {fact.description} costs {per_share(leg.mark)}/share ({usd(cost)})"
    line = (
        f"closing the {fact.description} costs {per_share(leg.mark)}/share ({usd(cost)}) "
        f"against {usd(fact.exposure)} of stock if assigned"
    )
    cheap = _decimal(leg.mark) <= rules.cheap_close
    return f"{line}: cheap insurance" if cheap and fact.risks & CLOSE_RISKS else line


def _offset_note(legs: Sequence[ExitLeg], facts: Sequence[ExpiringLeg]) -> Iterator[str]:
    converting = [
        leg
        for leg, fact in zip(legs, facts, strict=True)
        if fact.intrinsic > 0 and not leg.cash_settled
    ]
    has_both = any(leg.is_short for leg in converting) and any(
        not leg.is_short for leg in converting
    )
    if has_both and sum(share_change(leg) for leg in converting) == 0:
        yield (
            "the in-the-money legs offset on exercise and assignment (net 0 shares), but a move "
            "after the close can change whether the short is assigned"
        )


def _staying(leg: ExitLeg, position: ExitPosition) -> str:
    if not leg.is_option:
        return f"{quantity(leg.quantity)} shares of {position.underlying} stay in the account"
    return f"{leg_name(leg)} expiring {leg.expiry} stays open"


def _conclusion(legs: Sequence[ExitLeg], action: ExpiryAction, to_close: tuple[str, ...]) -> str:
    if action is ExpiryAction.LET_EXPIRE:
        return "nothing expiring needs closing: let it expire"
    names = ", ".join(leg_name(leg) for leg in legs if leg.symbol in to_close)
    if action is ExpiryAction.CLOSE:
        return f"close {names}"
    rest = ", ".join(leg_name(leg) for leg in legs if leg.symbol not in to_close)
    if rest:
        return f"close the tested side ({names}) and let {rest} expire"
    return f"close the tested side ({names}); the later-dated legs stay open"


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))
