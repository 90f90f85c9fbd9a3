"""The facts about each leg that expires inside the window: distance, cost, exposure, risks.

Distances are measured in expected moves (the position's one-sigma move to the
nearest expiry, or a fallback percent of spot when that is unknown), so the
same thresholds mean the same thing for SPY and for a $20 stock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from workstation.domain.exits import (
    ExitLeg,
    ExitPosition,
    ExitRules,
    ExpiringLeg,
    ExpiryRisk,
)
from workstation.engines.risk.exit_text import CENT, leg_name, per_share

# Risks that mean the leg (and its side) should be closed rather than left to expire.
CLOSE_RISKS = frozenset(
    {
        ExpiryRisk.IN_THE_MONEY,
        ExpiryRisk.PIN,
        ExpiryRisk.NEAR_STRIKE,
        ExpiryRisk.EX_DIVIDEND,
        ExpiryRisk.AUTO_EXERCISE,
    }
)


@dataclass(frozen=True, slots=True)
class Yardstick:
    """The move distances are measured in: dollars, where it came from, and a note if a fallback."""

    move: float
    source: str
    note: str | None


def yardstick(position: ExitPosition, rules: ExitRules) -> Yardstick:
    """Use the expected move when known and > 0, else ``fallback_move_pct`` of spot."""
    move = position.expected_move
    if math.isfinite(move) and move > 0:
        return Yardstick(move, f"implied expected move ±{per_share(move)}", None)
    fallback = position.spot * rules.fallback_move_pct / 100
    source = f"{rules.fallback_move_pct:g}% of spot (±{per_share(fallback)})"
    # At expiration day S·IV·√(t) is 0 or unknown; a percent of spot keeps the test meaningful.
    return Yardstick(fallback, source, f"expected move unknown: using {source} as the yardstick")


def expiring_legs(position: ExitPosition, rules: ExitRules) -> list[ExitLeg]:
    """Option legs whose own expiry is within ``expiry_window_dte`` calendar days of ``as_of``."""
    return [
        leg
        for leg in position.legs
        if leg.expiry is not None and (leg.expiry - position.as_of).days <= rules.expiry_window_dte
    ]


def out_of_the_money(leg: ExitLeg, spot: float) -> float:
    """Dollars per share the strike is out of the money; negative when in the money."""
    strike = _strike(leg)
    return strike - spot if leg.is_call else spot - strike


def share_change(leg: ExitLeg) -> Decimal:
    """Shares that exercise (long) or assignment (short) would add (+) or remove (-)."""
    direction = 1 if leg.is_call else -1
    return leg.quantity * leg.multiplier * direction


def stock_held(position: ExitPosition) -> Decimal:
    """Shares of the underlying held in the position (signed)."""
    return sum((leg.quantity for leg in position.legs if not leg.is_option), Decimal(0))


def covered_legs(legs: Sequence[ExitLeg], held: Decimal, spot: float) -> frozenset[str]:
    """Symbols of in-the-money legs whose delivery is absorbed by the shares held.

    A covered call assigned just sells shares already owned; that is an outcome,
    not an accident. Deepest in the money first, as those convert for sure.
    """
    remaining, covered = held, set()
    in_the_money = [leg for leg in legs if not leg.cash_settled and out_of_the_money(leg, spot) < 0]
    for leg in sorted(in_the_money, key=lambda leg: out_of_the_money(leg, spot)):
        change = share_change(leg)
        if change * remaining < 0 and abs(change) <= abs(remaining):
            covered.add(leg.symbol)
            remaining += change
    return frozenset(covered)


def dividend_threat(leg: ExitLeg, position: ExitPosition) -> bool:
    """True when a short in-the-money call is likely to be assigned for the next dividend.

    The holder exercises on the last day before the ex-date when the call's
    time value is below the dividend; an unknown time value counts as a threat.
    An ex-date on the session after expiry still matters: an in-the-money call
    is exercised at expiration and the short shares then owe the dividend.
    """
    ex_date, dividend = position.ex_dividend, position.dividend
    if not (leg.is_short and leg.is_call) or ex_date is None or dividend is None:
        return False
    assert leg.expiry is not None  # an option leg always has one (ExitLeg checks)
    last_day = max(leg.expiry, position.session_after_expiry or leg.expiry)
    if not position.as_of < ex_date <= last_day or out_of_the_money(leg, position.spot) >= 0:
        return False
    return not (math.isfinite(leg.extrinsic) and leg.extrinsic >= float(dividend))


def leg_facts(
    leg: ExitLeg, position: ExitPosition, rules: ExitRules, move: float, covered: frozenset[str]
) -> ExpiringLeg:
    """Measure one expiring leg: distance in moves, intrinsic, cost to close, exposure, risks."""
    otm = out_of_the_money(leg, position.spot)
    distance = otm / move
    is_covered = leg.symbol in covered
    risks = frozenset() if leg.cash_settled else _risks(leg, distance, rules, is_covered)
    if dividend_threat(leg, position):
        risks |= {ExpiryRisk.EX_DIVIDEND}
    return ExpiringLeg(
        symbol=leg.symbol,
        description=leg_name(leg),
        distance_em=distance,
        intrinsic=max(-otm, 0.0),
        cost_to_close=cost_to_close(leg),
        exposure=exposure(leg),
        risks=risks,
    )


def _risks(leg: ExitLeg, distance: float, rules: ExitRules, covered: bool) -> frozenset[ExpiryRisk]:
    if distance < 0:
        if covered:
            return frozenset()
        if not leg.is_short:
            return frozenset({ExpiryRisk.AUTO_EXERCISE})
        low = math.isfinite(leg.extrinsic) and leg.extrinsic < rules.low_extrinsic
        extra = {ExpiryRisk.LOW_EXTRINSIC} if low else set()
        return frozenset({ExpiryRisk.IN_THE_MONEY, *extra})
    if distance <= rules.pin_band_em:
        return frozenset({ExpiryRisk.PIN})
    if leg.is_short and distance < rules.safe_distance_em:
        return frozenset({ExpiryRisk.NEAR_STRIKE})
    return frozenset()


def cost_to_close(leg: ExitLeg) -> Decimal | None:
    """Dollars to close the leg at its mark: + paid to buy back a short, - received for a long."""
    if not math.isfinite(leg.mark):
        return None
    direction = 1 if leg.is_short else -1
    return (Decimal(repr(leg.mark)) * abs(leg.quantity) * leg.multiplier * direction).quantize(CENT)


def exposure(leg: ExitLeg) -> Decimal:
    """Dollars of stock that assignment or exercise would move (shares x strike).

    Zero for cash-settled legs: no shares change hands.
    """
    if leg.cash_settled:
        return Decimal(0)
    return (abs(leg.quantity) * leg.multiplier * Decimal(repr(_strike(leg)))).quantize(CENT)


def _strike(leg: ExitLeg) -> float:
    assert leg.strike is not None  # only option legs reach here; ExitLeg checks they have one
    return leg.strike
