"""Buying-power estimate: what opening a strategy ties up, labelled as an estimate.

Brokers differ; this follows the common Reg-T / CBOE rules:

- Short options covered by a long option of the same right expiring no
  earlier (or calls by long stock, puts by short stock) are defined risk:
  the covered part needs its maximum loss at the front expiration.
- Each uncovered ("naked") short option needs, per share, the greater of
  20 % of the underlying less the out-of-the-money amount and 10 % of the
  underlying (calls) or of the strike (puts), plus its premium; 15 % instead
  of 20 % for broad-based index options. When both calls and puts are naked
  (short straddles and strangles) only the larger side is required, plus
  the premium of the other side.
- A cash-secured put needs the strike times the shares less the premium.

Amounts are dollars for the whole position.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from workstation.domain.instruments import EUROPEAN_INDEX_ROOTS
from workstation.domain.strategies import StrategyKind
from workstation.engines.strategies.legs import FloatArray, LegArrays, MarketContext
from workstation.engines.strategies.profile import payoff_profile

NAKED_EQUITY = 0.20
NAKED_BROAD_INDEX = 0.15
NAKED_FLOOR = 0.10


@dataclass(frozen=True, slots=True)
class BuyingPower:
    """Estimated buying power (dollars) and how it was computed, in words."""

    amount: float
    method: str
    naked_contracts: float

    @property
    def is_estimate(self) -> bool:
        """Always True: the broker's own figure (a dry-run order) is the real one."""
        return True


def buying_power(kind: StrategyKind, legs: LegArrays, market: MarketContext) -> BuyingPower:
    """Return the estimated buying power of opening ``legs`` (see the module rules)."""
    if kind is StrategyKind.CASH_SECURED_PUT:
        shares = -legs.units[~legs.is_call]
        cash = float(legs.strike[~legs.is_call] @ shares) - float(legs.price @ -legs.units)
        return BuyingPower(cash, "cash-secured: strike × shares − premium received", 0.0)
    naked = _uncovered(legs)  # uncovered short shares per leg (<= 0)
    covered = replace(legs, units=legs.units - naked)
    covered_loss = payoff_profile(covered, market).max_loss
    naked_need = _naked_requirement(legs, naked, market)
    contracts = float(-naked.sum() / 100.0)
    if contracts == 0:
        return BuyingPower(covered_loss, "defined risk: the maximum loss", 0.0)
    rate = _naked_rate(market.underlying)
    method = (
        f"Reg-T estimate: naked shorts at {rate:.0%} of the underlying less OTM "
        f"(at least {NAKED_FLOOR:.0%}) plus premium, covered legs at their maximum loss"
    )
    return BuyingPower(naked_need + covered_loss, method, contracts)


def _uncovered(legs: LegArrays) -> FloatArray:
    """Return per leg the short shares with no cover (<= 0), matched greedily.

    A short call is covered by long calls expiring no earlier (nearest
    strike first), then by long stock; a short put by long puts, then by
    short stock.
    """
    naked = np.zeros(legs.count)
    spare = np.where(legs.units > 0, legs.units, 0.0)
    stock = {True: max(legs.stock_shares, 0.0), False: max(-legs.stock_shares, 0.0)}
    for i in np.flatnonzero(legs.units < 0):
        need = -float(legs.units[i])
        for j in _cover_order(legs, int(i)):
            used = min(need, float(spare[j]))
            spare[j] -= used
            need -= used
        right = bool(legs.is_call[i])
        used = min(need, stock[right])
        stock[right] -= used
        naked[i] = -(need - used)
    return naked


def _cover_order(legs: LegArrays, short: int) -> list[int]:
    """Long legs that can cover ``short``: same right, expiring no earlier, nearest strike first."""
    able = (legs.is_call == legs.is_call[short]) & (legs.units > 0)
    able &= legs.expiry >= legs.expiry[short]
    candidates = [int(j) for j in np.flatnonzero(able)]
    return sorted(candidates, key=lambda j: abs(float(legs.strike[j] - legs.strike[short])))


def _naked_rate(underlying: str) -> float:
    return NAKED_BROAD_INDEX if underlying.upper() in EUROPEAN_INDEX_ROOTS else NAKED_EQUITY


def _naked_requirement(legs: LegArrays, naked: FloatArray, market: MarketContext) -> float:
    """Return the Reg-T requirement (dollars) of the uncovered shorts."""
    s, k, rate = market.spot, legs.strike, _naked_rate(market.underlying)
    otm = np.where(legs.is_call, np.maximum(k - s, 0.0), np.maximum(s - k, 0.0))
    floor = NAKED_FLOOR * np.where(legs.is_call, s, k)
    per_share = np.maximum(rate * s - otm, floor) + legs.price
    shares = -naked
    calls = float(per_share[legs.is_call] @ shares[legs.is_call])
    puts = float(per_share[~legs.is_call] @ shares[~legs.is_call])
    if calls and puts:  # straddle rule: the larger side plus the other side's premium
        premium = legs.price * shares
        other = premium[~legs.is_call].sum() if calls >= puts else premium[legs.is_call].sum()
        return max(calls, puts) + float(other)
    return calls + puts
