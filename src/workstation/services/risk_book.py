"""Price the open positions: marks, IVs and years to expiry per leg, as an exposure ``Book``.

Each leg's mark and IV come from its contract's row in the underlying's
chain (mid of bid and ask, else last; the provider's IV), stock legs are
marked at spot. Index options are European (BSM), the rest American
(Bjerksund–Stensland). An expired or unlisted contract gets NaN and is
reported as unpriced by the engines rather than valued at zero.

Labels: a book "position" is one instrument held in one account (the same
contract held in two strategies is one position); a "strategy" is one open
``OpenPosition`` (the P&L panel's strategy group).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from workstation.domain.chains import ChainSnapshot
from workstation.domain.exposure import Book, FloatArray, Leg, OptionTerms, leg_array
from workstation.domain.occ import OptionRight
from workstation.domain.risk import OpenLeg, OpenPosition
from workstation.engines.pricing.expiry import expiry_instant, years_to_expiry
from workstation.engines.pricing.models import ExerciseStyle, exercise_style
from workstation.engines.sessions import TradingCalendar
from workstation.services.ledger_marks import contract_row, mid_price
from workstation.services.risk_market import RiskMarketSnapshot

ATM_TARGET_DAYS = 30  # the ATM IV used for expected moves is read near this many days out


@dataclass(frozen=True, slots=True)
class LegQuote:
    """A leg's mark (dollars per share) and IV (decimal), NaN when unknown."""

    mark: float
    iv: float


@dataclass(frozen=True, slots=True, eq=False)
class PricedBook:
    """The exposure book and, aligned with its legs, the strategy and leg each row came from."""

    book: Book
    owners: tuple[tuple[int, int], ...]  # (strategy index, leg index within it) per book leg
    quotes: tuple[LegQuote, ...]


def priced_book(
    positions: Sequence[OpenPosition],
    market: RiskMarketSnapshot,
    as_of: datetime,
    calendar: TradingCalendar,
    rate: float,
) -> PricedBook:
    """Return the book of every leg of ``positions`` priced in ``market`` at ``as_of``."""
    underlyings = tuple(sorted({p.underlying for p in positions}))
    held: dict[tuple[str, str], int] = {}
    legs: list[Leg] = []
    owners: list[tuple[int, int]] = []
    quotes: list[LegQuote] = []
    for s, position in enumerate(positions):
        found = market.underlyings.get(position.underlying)
        spot = found.spot if found is not None else math.nan
        chain = found.chain if found is not None else None
        u = underlyings.index(position.underlying)
        for i, leg in enumerate(position.legs):
            slot = held.setdefault((position.account, leg.symbol), len(held))
            quote = leg_quote(leg, chain, spot)
            legs.append(_leg(leg, slot, s, u, quote, position.underlying, as_of, calendar))
            owners.append((s, i))
            quotes.append(quote)
    book = Book(
        leg_array(legs),
        tuple(f"{account} {symbol.strip()}" for account, symbol in held),
        tuple(p.id for p in positions),
        underlyings,
        *_per_underlying(underlyings, market, rate),
        # Without an SPY price beta-weighted delta is meaningless; the report says so and
        # the book gets a placeholder the views never show.
        benchmark_price=market.benchmark_price if market.benchmark_price > 0 else 1.0,
        as_of=as_of,
    )
    return PricedBook(book, tuple(owners), tuple(quotes))


def leg_quote(leg: OpenLeg, chain: ChainSnapshot | None, spot: float) -> LegQuote:
    """Return the leg's mark and IV from ``chain`` (stock: spot and no IV)."""
    if not leg.is_option:
        return LegQuote(spot, math.nan)
    if chain is None or leg.expiry is None or leg.strike is None:
        return LegQuote(math.nan, math.nan)
    row = contract_row(chain, leg.expiry, float(leg.strike), leg.right is OptionRight.CALL)
    if row is None:
        return LegQuote(math.nan, math.nan)
    mark = mid_price(float(row["bid"]), float(row["ask"]), float(row["last"]))
    iv = float(row["iv"])
    return LegQuote(mark, iv if math.isfinite(iv) and iv > 0 else math.nan)


def atm_iv(chain: ChainSnapshot | None, target_days: int = ATM_TARGET_DAYS) -> float:
    """Return the IV (decimal) at the strike nearest spot, in the expiry nearest ``target_days``.

    The mean of the call's and the put's IV where both are known; NaN without a chain.
    """
    if chain is None or len(chain.rows) == 0:
        return math.nan
    today = np.datetime64(chain.as_of.date(), "D")
    expiries = np.unique(chain.rows["expiry"])
    days = (expiries - today).astype(np.int64)
    usable = expiries[days >= 1] if (days >= 1).any() else expiries
    best = usable[np.argmin(np.abs((usable - today).astype(np.int64) - target_days))]
    rows = chain.rows[chain.rows["expiry"] == best]
    strike = rows["strike"][np.argmin(np.abs(rows["strike"] - chain.spot))]
    ivs = rows["iv"][(rows["strike"] == strike) & np.isfinite(rows["iv"]) & (rows["iv"] > 0)]
    return float(ivs.mean()) if ivs.size else math.nan


def _leg(
    leg: OpenLeg,
    slot: int,
    strategy: int,
    underlying: int,
    quote: LegQuote,
    root: str,
    as_of: datetime,
    calendar: TradingCalendar,
) -> Leg:
    option = None
    if leg.is_option and leg.expiry is not None and leg.strike is not None:
        t = float(years_to_expiry(as_of, expiry_instant(root, leg.expiry, calendar)))
        european = exercise_style(leg.symbol[:6].strip()) is ExerciseStyle.EUROPEAN
        is_call = leg.right is OptionRight.CALL
        option = OptionTerms(is_call, float(leg.strike), leg.expiry, t, quote.iv, european)
    return Leg(
        slot, underlying, float(leg.quantity), quote.mark, float(leg.open_cash),
        float(leg.multiplier), strategy, option,
    )  # fmt: skip


def _per_underlying(
    underlyings: tuple[str, ...], market: RiskMarketSnapshot, rate: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    spot, rates, yields, betas, ivs = [], [], [], [], []
    for symbol in underlyings:
        found = market.underlyings.get(symbol)
        spot.append(found.spot if found is not None else math.nan)
        rates.append(rate)
        yields.append(found.dividend_yield if found is not None else 0.0)
        betas.append(found.beta if found is not None else 1.0)
        ivs.append(atm_iv(found.chain) if found is not None else math.nan)
    a = [np.array(values, dtype=np.float64) for values in (spot, rates, yields, betas, ivs)]
    return a[0], a[1], a[2], a[3], a[4]
