"""Wording shared by the exit rules: dollars, prices per share and leg names."""

from __future__ import annotations

from decimal import Decimal

from workstation.domain.exits import ExitLeg

CENT = Decimal("0.01")


def usd(amount: Decimal, *, signed: bool = False) -> str:
    """Format dollars as ``$1,250`` (cents only when there are any); ``+$`` / ``-$`` if signed."""
    rounded = amount.quantize(CENT)
    body = (
        f"{abs(rounded):,.0f}" if rounded == rounded.to_integral_value() else f"{abs(rounded):,.2f}"
    )
    if signed:
        return f"{'-' if rounded < 0 else '+'}${body}"
    return f"-${body}" if rounded < 0 else f"${body}"


def per_share(price: float) -> str:
    """Format a price per share with two decimals (``0.03``)."""
    return f"{price:,.2f}"


def days(count: int) -> str:
    """Say a number of calendar days (``1 day``, ``21 days``)."""
    return f"{count} day" if count == 1 else f"{count} days"


def percent(fraction: Decimal | float) -> str:
    """Format a 0-1 fraction as a whole percent (``50%``)."""
    return f"{float(fraction):.0%}"


def quantity(amount: Decimal, *, signed: bool = False) -> str:
    """Format a count of shares or contracts without trailing zeros (``100``, ``+2.5``)."""
    body = f"{amount.normalize():,f}"
    return f"+{body}" if signed and amount > 0 else body


def leg_name(leg: ExitLeg) -> str:
    """Name a leg as a trader says it: ``short 600 call``, ``long 2 590 puts``, ``100 shares``."""
    if not leg.is_option:
        return f"{quantity(leg.quantity)} shares"
    side = "short" if leg.is_short else "long"
    count = abs(leg.quantity)
    kind = "call" if leg.is_call else "put"
    if count == 1:
        return f"{side} {leg.strike:g} {kind}"
    return f"{side} {quantity(count)} {leg.strike:g} {kind}s"


def contracts(leg: ExitLeg) -> str:
    """Say how many contracts and shares a leg stands for (``1 contract = 100 shares``)."""
    count = abs(leg.quantity)
    noun = "contract" if count == 1 else "contracts"
    return f"{quantity(count)} {noun} = {quantity(count * leg.multiplier)} shares"
