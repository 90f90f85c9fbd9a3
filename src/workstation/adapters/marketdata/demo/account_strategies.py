"""The demo trader's playbook: which legs each structure opens and when a position is closed.

Strikes come from the demo ladder listed at the instant of the order,
picked by BSM delta (0.16-0.30 for short premium, 0.5-0.6 for debit
structures) or by width in dollars per share; expiries from the listed
expirations by days to expiry. Management follows common retail rules:
take profit at half the credit, stop at twice it, leave at 21 days to
expiry, roll a tested short position out in time for a credit, hold some
positions to expiry.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

import numpy as np

from workstation.adapters.marketdata.demo.account_market import (
    Contract,
    PastMarket,
    Slice,
    Snapshot,
)
from workstation.adapters.marketdata.demo.chains import is_monthly
from workstation.domain.occ import OptionRight
from workstation.domain.strategies import StrategyKind

K = StrategyKind
CALL, PUT = OptionRight.CALL, OptionRight.PUT
MULTIPLIER = 100
NEVER = math.inf  # a profit or loss share no position reaches
# Spread widths in dollars per share (index points), by underlying.
WIDTH = {
    "SPX": 25.0, "NDX": 50.0, "RUT": 20.0, "SPY": 5.0, "QQQ": 5.0, "IWM": 5.0,
    "AAPL": 5.0, "MSFT": 10.0, "NVDA": 5.0, "TSLA": 10.0, "AMZN": 5.0,
}  # fmt: skip


class Style(StrEnum):
    """How a position is managed after the opening."""

    TARGET = "target"  # take profit, stop loss, leave at 21 days to expiry
    HOLD = "hold"  # hold to expiry unless stopped out
    ROLL = "roll"  # like TARGET, but a tested short position is rolled out in time


class Exit(StrEnum):
    """Why a position is closed (or rolled) today; HOLD keeps it."""

    HOLD = "hold"
    PROFIT = "profit"
    STOP = "stop"
    TIME = "time"
    ROLL = "roll"
    EXPIRY = "expiry"  # closed on its last trading day rather than exercised or assigned


@dataclass(frozen=True, slots=True)
class Leg:
    """One option position of a trade: ``quantity`` contracts, signed (+ long, - short)."""

    contract: Contract
    quantity: int


@dataclass(slots=True)
class Trade:
    """One strategy position from its opening order until every leg is gone.

    ``entry`` is the cash taken in by the opening before fees (credit
    positive), dollars; ``risk`` the buying power it holds, dollars.
    ``deliver`` lets in-the-money equity legs be exercised or assigned at
    expiry instead of being closed on the last trading day.
    """

    kind: StrategyKind
    underlying: str
    legs: list[Leg]
    style: Style
    opened: int
    entry: Decimal
    risk: Decimal
    deliver: bool = False
    rolls: int = 0
    tags: frozenset[str] = frozenset()
    exit_day: int | None = None  # close on or after this session regardless of the rules
    mark: float = 0.0  # value of the open legs at the last close, dollars (short negative)
    managed: bool = True  # False once only worthless long legs are left to expire

    @property
    def front(self) -> date:
        """Return the nearest expiry among the open legs."""
        return min(leg.contract.expiry for leg in self.legs)

    @property
    def is_credit(self) -> bool:
        """True when the opening took in cash."""
        return self.entry > 0

    @property
    def single_expiry(self) -> bool:
        """True when every leg expires on the same day."""
        return len({leg.contract.expiry for leg in self.legs}) == 1


# ---------------------------------------------------------------- picking strikes and expiries
class Picker:
    """Expirations and strikes listed at one snapshot (slices cached per expiry)."""

    def __init__(self, market: PastMarket, snap: Snapshot) -> None:
        self.market = market
        self.snap = snap
        self.listed = market.expirations(snap)
        self._slices: dict[date, Slice] = {}

    @property
    def today(self) -> date:
        """Return the snapshot's session."""
        return self.market.days[self.snap.day]

    def expiry(self, low: int, high: int, *, monthly: bool = False) -> date | None:
        """Return the listed expiry in [low, high] days to expiry nearest the middle."""
        target = (low + high) / 2
        found = [
            d
            for d in self.listed
            if low <= (d - self.today).days <= high and (is_monthly(d) or not monthly)
        ]
        return min(found, key=lambda d: abs((d - self.today).days - target), default=None)

    def after(self, expiry: date, days: int) -> date | None:
        """Return the listed expiry nearest ``days`` after ``expiry`` (at least a week later)."""
        later = [d for d in self.listed if (d - expiry).days >= 7]
        return min(later, key=lambda d: abs((d - expiry).days - days), default=None)

    def slice(self, expiry: date) -> Slice:
        """Return the strike ladder of ``expiry`` with deltas."""
        if expiry not in self._slices:
            self._slices[expiry] = self.market.slice(self.snap, expiry)
        return self._slices[expiry]

    def by_delta(self, expiry: date, right: OptionRight, delta: float) -> float:
        """Return the strike whose |delta| is nearest ``delta`` (0-1)."""
        ladder = self.slice(expiry)
        deltas = ladder.call_delta if right is CALL else -ladder.put_delta
        return float(ladder.strikes[int(np.argmin(np.abs(deltas - delta)))])

    def atm(self, expiry: date) -> float:
        """Return the listed strike nearest the spot."""
        strikes = self.slice(expiry).strikes
        return float(strikes[int(np.argmin(np.abs(strikes - self.snap.spot)))])

    def away(self, expiry: date, strike: float, width: float) -> float:
        """Return the listed strike nearest ``strike + width`` (never ``strike`` itself)."""
        strikes = self.slice(expiry).strikes
        others = strikes[strikes > strike] if width > 0 else strikes[strikes < strike]
        if len(others) == 0:
            raise LookupError(f"no strike {width:+} from {strike} on {expiry}")
        return float(others[int(np.argmin(np.abs(others - (strike + width))))])

    def contract(self, expiry: date, strike: float, right: OptionRight) -> Contract:
        """Return the contract at ``strike`` on ``expiry``."""
        return self.market.contract(self.snap.symbol, expiry, strike, right)


Plan = list[tuple[Contract, int]]  # contracts and signed ratios of one structure
Builder = Callable[[Picker, date, float], Plan]


def _width(p: Picker, scale: float = 1.0) -> float:
    return WIDTH[p.snap.symbol] * scale


def _single(right: OptionRight, sign: int) -> Builder:
    def build(p: Picker, expiry: date, delta: float) -> Plan:
        return [(p.contract(expiry, p.by_delta(expiry, right, delta), right), sign)]

    return build


def _vertical(right: OptionRight, credit: bool) -> Builder:
    def build(p: Picker, expiry: date, delta: float) -> Plan:
        near = p.by_delta(expiry, right, delta)
        outward = 1.0 if right is CALL else -1.0  # the wing beyond the near strike
        far = p.away(expiry, near, outward * _width(p))
        sign = -1 if credit else 1
        return [(p.contract(expiry, near, right), sign), (p.contract(expiry, far, right), -sign)]

    return build


def _iron_condor(p: Picker, expiry: date, delta: float) -> Plan:
    return _vertical(PUT, True)(p, expiry, delta) + _vertical(CALL, True)(p, expiry, delta)


def _iron_butterfly(p: Picker, expiry: date, delta: float) -> Plan:
    body = p.atm(expiry)
    wing = _width(p, 2.0)
    low, high = p.away(expiry, body, -wing), p.away(expiry, body, wing)
    return [
        (p.contract(expiry, low, PUT), 1),
        (p.contract(expiry, body, PUT), -1),
        (p.contract(expiry, body, CALL), -1),
        (p.contract(expiry, high, CALL), 1),
    ]


def _strangle(p: Picker, expiry: date, delta: float) -> Plan:
    put, call = p.by_delta(expiry, PUT, delta), p.by_delta(expiry, CALL, delta)
    return [(p.contract(expiry, put, PUT), -1), (p.contract(expiry, call, CALL), -1)]


def _straddle(p: Picker, expiry: date, delta: float) -> Plan:
    body = p.atm(expiry)
    return [(p.contract(expiry, body, PUT), 1), (p.contract(expiry, body, CALL), 1)]


def _time_spread(right: OptionRight, diagonal: bool) -> Builder:
    def build(p: Picker, expiry: date, delta: float) -> Plan:
        back = p.after(expiry, 35)
        if back is None:
            raise LookupError(f"no back month after {expiry}")
        near = p.by_delta(expiry, right, delta)
        deeper = -1.0 if right is CALL else 1.0  # the long diagonal leg is further in the money
        far = p.away(back, near, deeper * _width(p)) if diagonal else near
        return [(p.contract(expiry, near, right), -1), (p.contract(back, far, right), 1)]

    return build


def _butterfly(p: Picker, expiry: date, delta: float) -> Plan:
    body = p.by_delta(expiry, CALL, delta)
    low, high = p.away(expiry, body, -_width(p)), p.away(expiry, body, _width(p))
    if abs((body - low) - (high - body)) > 1e-9:
        raise LookupError("butterfly wings are not even on this ladder")
    return [
        (p.contract(expiry, low, CALL), 1),
        (p.contract(expiry, body, CALL), -2),
        (p.contract(expiry, high, CALL), 1),
    ]


def _put_ratio(p: Picker, expiry: date, delta: float) -> Plan:
    near = p.by_delta(expiry, PUT, 0.40)
    far = p.by_delta(expiry, PUT, delta)
    if far >= near:
        far = p.away(expiry, near, -_width(p))
    return [(p.contract(expiry, near, PUT), 1), (p.contract(expiry, far, PUT), -2)]


def _jade_lizard(p: Picker, expiry: date, delta: float) -> Plan:
    put = p.by_delta(expiry, PUT, delta)
    short_call = p.by_delta(expiry, CALL, delta)
    long_call = p.away(expiry, short_call, _width(p, 0.5))
    return [
        (p.contract(expiry, put, PUT), -1),
        (p.contract(expiry, short_call, CALL), -1),
        (p.contract(expiry, long_call, CALL), 1),
    ]


BUILDERS: dict[StrategyKind, Builder] = {
    K.LONG_CALL: _single(CALL, 1),
    K.LONG_PUT: _single(PUT, 1),
    K.SHORT_PUT: _single(PUT, -1),
    K.COVERED_CALL: _single(CALL, -1),
    K.BULL_PUT_CREDIT: _vertical(PUT, True),
    K.BEAR_CALL_CREDIT: _vertical(CALL, True),
    K.BULL_CALL_DEBIT: _vertical(CALL, False),
    K.BEAR_PUT_DEBIT: _vertical(PUT, False),
    K.IRON_CONDOR: _iron_condor,
    K.IRON_BUTTERFLY: _iron_butterfly,
    K.SHORT_STRANGLE: _strangle,
    K.LONG_STRADDLE: _straddle,
    K.CALL_CALENDAR: _time_spread(CALL, False),
    K.PUT_CALENDAR: _time_spread(PUT, False),
    K.CALL_DIAGONAL: _time_spread(CALL, True),
    K.CALL_BUTTERFLY: _butterfly,
    K.PUT_RATIO_SPREAD: _put_ratio,
    K.JADE_LIZARD: _jade_lizard,
}


# ---------------------------------------------------------------- risk
def risk_of(kind: StrategyKind, legs: list[Leg], entry: Decimal, spot: float) -> Decimal:
    """Return the buying power a position holds, dollars.

    Debit structures hold their debit; the rest their worst loss at expiry
    for the underlying anywhere within +-25 % of ``spot`` (about a naked
    option's margin), a covered call nothing beyond its shares.
    """
    if kind is K.COVERED_CALL:
        return Decimal(0)
    if len({leg.contract.expiry for leg in legs}) > 1:
        return max(-entry, Decimal(0))
    strikes = [float(leg.contract.strike) for leg in legs]
    grid = np.unique(np.concatenate([np.linspace(0.75 * spot, 1.25 * spot, 11), strikes]))
    payoff = np.zeros(len(grid))
    for leg in legs:
        strike = float(leg.contract.strike)
        value = grid - strike if leg.contract.is_call else strike - grid
        payoff += leg.quantity * MULTIPLIER * np.maximum(value, 0.0)
    worst = float(entry) + float(payoff.min())
    return Decimal(round(max(-worst, 0.0), 2))


# ---------------------------------------------------------------- management
@dataclass(frozen=True, slots=True)
class Rules:
    """Exit rules of one trade: profit and stop as shares of the credit or debit, days to expiry.

    ``leave_dte`` 0 means hold to expiry (or to the last trading day).
    """

    profit: float
    stop: float
    leave_dte: int


def rules_for(trade: Trade) -> Rules:
    """Return the exit rules for ``trade`` by style and by credit or debit."""
    if not trade.single_expiry:  # calendars and diagonals: small targets, out before the front
        return Rules(profit=0.25, stop=0.4, leave_dte=0)
    if trade.kind is K.LONG_STRADDLE:
        return Rules(profit=0.3, stop=0.35, leave_dte=3)
    if trade.is_credit:
        if trade.style is Style.HOLD:
            return Rules(profit=NEVER, stop=2.0, leave_dte=0)
        return Rules(profit=0.5, stop=2.0, leave_dte=21)
    profit = 0.6 if len(trade.legs) > 1 else 1.0
    if trade.style is Style.HOLD:
        return Rules(profit=profit * 1.5, stop=NEVER, leave_dte=0)
    return Rules(profit=profit, stop=0.5, leave_dte=10)


def decide(trade: Trade, pnl: float, dte: int, held_days: int, tested: bool) -> Exit:
    """Return what to do with ``trade`` at today's close marks.

    ``pnl`` is the open profit in dollars (before fees), ``dte`` calendar
    days to the front expiry, ``tested`` whether a short strike is in the
    money. A trade opened with fewer days than its exit rule leaves at 5.
    """
    rules = rules_for(trade)
    basis = abs(float(trade.entry))
    if pnl >= rules.profit * basis:
        return Exit.PROFIT
    if pnl <= -rules.stop * basis:
        return Exit.STOP
    leave = rules.leave_dte if held_days + dte > rules.leave_dte + 7 else min(5, rules.leave_dte)
    if trade.style is Style.ROLL and dte <= 21 and trade.rolls < 2 and (tested or pnl < 0):
        return Exit.ROLL
    if not trade.single_expiry and dte <= 2:
        return Exit.TIME
    if leave and dte <= leave:
        return Exit.TIME
    return Exit.HOLD
