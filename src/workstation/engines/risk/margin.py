"""Maintenance margin estimate for an open position, for accounts whose broker reports none.

An estimate, labelled as such wherever it is shown, after the common FINRA
Rule 4210 / CBOE minimums (brokers add house requirements on top):

- Long stock 25 % of its market value; short stock 30 %.
- Long options are paid in full: no requirement.
- A short call covered by long shares (100 per contract), or a short put by
  short shares, needs nothing beyond the stock's own requirement.
- Any other short option is margined as naked: per share the greater of
  20 % of the underlying less the out-of-the-money amount and 10 % of the
  underlying (calls) or of the strike (puts) — 15 % instead of 20 % for
  broad-based indices — plus the option's current value.
- A defined-risk position never needs more than its maximum loss.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from workstation.domain.occ import OptionRight
from workstation.domain.risk import OpenLeg

ZERO = Decimal(0)
LONG_STOCK = Decimal("0.25")
SHORT_STOCK = Decimal("0.30")
NAKED_EQUITY = Decimal("0.20")
NAKED_INDEX = Decimal("0.15")
NAKED_FLOOR = Decimal("0.10")


def maintenance_estimate(
    legs: Sequence[OpenLeg],
    spot: Decimal,
    marks: Sequence[Decimal],
    max_loss: Decimal | None,
    *,
    broad_index: bool = False,
) -> Decimal:
    """Return the estimated maintenance requirement of one position (dollars, >= 0).

    ``marks`` are per share, aligned with ``legs``; ``spot`` dollars per share.
    """
    shares = sum((leg.quantity for leg in legs if not leg.is_option), ZERO)
    total = ZERO
    cover = {True: max(shares, ZERO), False: max(-shares, ZERO)}  # shares covering calls / puts
    for leg, mark in zip(legs, marks, strict=True):
        if not leg.is_option:
            rate = LONG_STOCK if leg.quantity > 0 else SHORT_STOCK
            total += abs(leg.quantity) * spot * rate
        elif leg.quantity < 0:
            is_call = leg.right is OptionRight.CALL
            contracts = -leg.quantity
            covered = min(contracts, cover[is_call] / leg.multiplier)
            cover[is_call] -= covered * leg.multiplier
            naked = contracts - covered
            total += naked * leg.multiplier * _naked_per_share(leg, spot, mark, broad_index)
    if max_loss is not None:
        total = min(total, max_loss)
    return max(total, ZERO).quantize(Decimal("0.01"))


def _naked_per_share(leg: OpenLeg, spot: Decimal, mark: Decimal, broad_index: bool) -> Decimal:
    assert leg.strike is not None
    assert leg.right is not None
    is_call = leg.right is OptionRight.CALL
    out_of_the_money = max(leg.strike - spot if is_call else spot - leg.strike, ZERO)
    rate = NAKED_INDEX if broad_index else NAKED_EQUITY
    floor = NAKED_FLOOR * (spot if is_call else leg.strike)
    return max(rate * spot - out_of_the_money, floor) + mark
