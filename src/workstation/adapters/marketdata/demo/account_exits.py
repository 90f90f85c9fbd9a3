"""How the demo trader's positions end: closes, rolls, expirations, assignments and settlement.

Every session, before the day's openings, each managed position is marked
and judged by its structure's rules (``account_strategies.decide``): held,
closed for a profit, a stop or time, rolled out about a month for a
credit, or, on its last trading day, closed rather than exercised or
assigned when the account could not take the shares. On the last session
of the history the best positions beyond the most that may stay open are
closed for a profit. After the close, a wheel put is assigned the evening
before expiry and a covered call on the eve of an ex-dividend date; legs
expiring that day expire worthless, are exercised or assigned (equities,
the shares undone the next morning) or are cash settled (indices).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from workstation.adapters.marketdata.demo.account_book import CASH_FLOOR, ZERO
from workstation.adapters.marketdata.demo.account_plan import (
    HELD_SYMBOLS,
    INDEX_SYMBOLS,
    WHEEL_SYMBOL,
)
from workstation.adapters.marketdata.demo.account_strategies import (
    MULTIPLIER,
    Exit,
    Leg,
    Picker,
    Trade,
    decide,
    risk_of,
)
from workstation.engines.pricing.expiry import is_am_settled

if TYPE_CHECKING:
    from workstation.adapters.marketdata.demo.account_history import Agenda, Simulation

SHORT_STOCK_SHARE = 0.3  # of net liquidation value: most short stock an assignment may leave
MOST_OPEN_AT_NOW = 15  # positions the history may leave open at now
MIN_ROLL_CREDIT = 0.10  # dollars per share per contract a roll must take in


class Exits:
    """The exits of the simulation's positions: decided in the session, settled after the close."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self._closing: set[int] = set()  # ids of trades closing in the current session
        self._delivering = 0.0  # dollars of shares bought by today's exercises and assignments
        self._residue: dict[str, Decimal] = {}  # shares delivered, undone the next morning

    def closing_today(self, trade: Trade) -> bool:
        """Tell whether ``trade`` is among the positions closing (or rolling) this session."""
        return id(trade) in self._closing

    # ------------------------------------------------------------ in the session
    def undo_deliveries(self, day: int) -> Agenda:
        """Close yesterday's shares from exercise or assignment shortly after the open."""

        def undo(fraction: float) -> None:
            for symbol, change in sorted(self._residue.items()):
                if change != 0:
                    self.sim.stock_order(day, fraction, symbol, -change, label=False)
            self._residue.clear()

        return [(float(self.sim.rng.uniform(0.005, 0.03)), undo)] if self._residue else []

    def agenda(self, day: int) -> Agenda:
        """Mark the open positions and return today's closes and rolls, late in the session."""
        sim = self.sim
        self._mark(day)
        self._delivering = 0.0
        exits: list[tuple[Trade, Exit]] = []
        for trade in sim.open_trades():
            if trade.opened == day or not trade.managed:
                continue
            if sim.days[day] > self._last_trading_day(trade):
                continue
            decision = self._decision(trade, day)
            if decision is not Exit.HOLD:
                exits.append((trade, decision))
        if day == sim.last:
            exits += self._too_many(exits)
        self._closing = {id(trade) for trade, _ in exits}
        return [(float(sim.rng.uniform(0.88, 0.985)), self._exiter(day, t, e)) for t, e in exits]

    def _mark(self, day: int) -> None:
        """Value every open position at the close of ``day`` (dollars, short negative)."""
        trades = self.sim.open_trades()
        legs = [leg for trade in trades for leg in trade.legs]
        values = iter(self.sim.market.marks(day, [leg.contract for leg in legs]).tolist())
        for trade in trades:
            trade.mark = sum(leg.quantity * MULTIPLIER * next(values) for leg in trade.legs)

    def _too_many(self, exits: list[tuple[Trade, Exit]]) -> list[tuple[Trade, Exit]]:
        """On the last session, take profit on the best positions beyond the most left open."""
        leaving = {id(trade) for trade, _ in exits}
        cutoff = self.sim.earliest_expiry_at_now()
        staying = [t for t in self.sim.open_trades() if id(t) not in leaving and t.front >= cutoff]
        extra = len(staying) - MOST_OPEN_AT_NOW
        closable = [t for t in staying if t.managed and not {"wheel", "covered"} & t.tags]
        best = sorted(closable, key=lambda t: float(t.entry) + t.mark, reverse=True)
        return [(trade, Exit.PROFIT) for trade in best[: max(extra, 0)]]

    def _exiter(self, day: int, trade: Trade, decision: Exit) -> Callable[[float], None]:
        """Return the act that rolls ``trade`` (closing it if the roll fails) or closes it."""

        def act(fraction: float) -> None:
            if decision is Exit.ROLL and self._roll(trade, day, fraction):
                return
            self.close(trade, day, fraction)

        return act

    def _last_trading_day(self, trade: Trade) -> date:
        """Return the last session the front legs trade: the session before an AM settlement."""
        front = min(trade.legs, key=lambda leg: leg.contract.expiry).contract
        calendar = self.sim.market.calendar
        if is_am_settled(front.root, front.expiry, calendar):
            return calendar.previous_session(front.expiry)
        return front.expiry

    def _decision(self, trade: Trade, day: int) -> Exit:
        """Return what to do with ``trade`` today by its tags, its rules and its expiry."""
        sim = self.sim
        spot, value = sim.market.close(trade.underlying, day), trade.mark
        final = sim.days[day] == self._last_trading_day(trade)
        if (trade.exit_day is not None and day >= trade.exit_day) or self._ends_near_now(
            trade, day
        ):
            return Exit.TIME
        if {"wheel", "expiry"} & trade.tags:
            return Exit.HOLD
        dte = (trade.front - sim.days[day]).days
        tested = any(leg.quantity < 0 and leg.contract.intrinsic(spot) > 0 for leg in trade.legs)
        decision = decide(trade, float(trade.entry) + value, dte, day - trade.opened, tested)
        if decision is Exit.ROLL and final:
            decision = Exit.TIME
        if decision is Exit.HOLD and final:
            return self._at_expiry(trade, day)
        return decision

    def _ends_near_now(self, trade: Trade, day: int) -> bool:
        """True on the last session for a position that would expire between the history and now."""
        sim = self.sim
        if day != sim.last:
            return False
        cutoff = sim.earliest_expiry_at_now()
        return any(sim.days[-1] < leg.contract.expiry < cutoff for leg in trade.legs)

    def _at_expiry(self, trade: Trade, day: int) -> Exit:
        """On the last trading day: let it expire, settle or deliver, or close it (EXPIRY)."""
        sim = self.sim
        if trade.underlying in INDEX_SYMBOLS:
            return Exit.HOLD
        settle = sim.market.close(trade.underlying, day)
        shares = sum(_delivery(leg, settle) for leg in trade.legs)
        if shares == 0 or trade.deliver:
            return Exit.HOLD
        if day == sim.last or trade.underlying in HELD_SYMBOLS:
            return Exit.EXPIRY
        cost = shares * settle
        if shares > 0 and float(sim.spare_cash() - CASH_FLOOR) - self._delivering < cost:
            return Exit.EXPIRY
        if shares < 0 and -cost > SHORT_STOCK_SHARE * sim.net_liquidation(day):
            return Exit.EXPIRY
        self._delivering += max(cost, 0.0)  # other deliveries today share the same cash
        return Exit.HOLD

    # ------------------------------------------------------------ closes and rolls
    def close(self, trade: Trade, day: int, fraction: float) -> None:
        """Close every leg of ``trade`` in one order (a lone worthless long is left to expire)."""
        market = self.sim.market
        snap = market.snapshot(trade.underlying, day, fraction)
        if len(trade.legs) == 1 and trade.legs[0].quantity > 0:
            quotes = market.quotes(snap, [trade.legs[0].contract])
            if quotes.theo[0] < 0.5 * market.listing(trade.underlying).ticks.small:
                trade.managed = False
                return
        self.sim.send(day, fraction, [(leg.contract, -leg.quantity) for leg in trade.legs])
        trade.legs = []

    def _roll(self, trade: Trade, day: int, fraction: float) -> bool:
        """Roll every leg to the expiry about a month later, same strikes, for a credit."""
        sim = self.sim
        snap = sim.market.snapshot(trade.underlying, day, fraction)
        new = self._rolled(trade, Picker(sim.market, snap))
        if new is None:
            return False
        changes = [(leg.contract, -leg.quantity) for leg in trade.legs]
        changes += [(leg.contract, leg.quantity) for leg in new]
        # A roll goes in as a net-credit order: it must be a credit even if every leg
        # fills at the far end of its slippage.
        least = MIN_ROLL_CREDIT * max(abs(leg.quantity) for leg in new)
        if sim.worst_credit(snap, changes) < least:
            return False
        order, cash = sim.send(day, fraction, changes)
        sim.book.labels[order] = trade.kind
        trade.legs, trade.rolls = new, trade.rolls + 1
        trade.entry += cash
        trade.risk = risk_of(trade.kind, new, trade.entry, snap.spot)
        return True

    def _rolled(self, trade: Trade, picker: Picker) -> list[Leg] | None:
        """Return ``trade``'s legs moved to the expiry about a month out, None if not listed."""
        later = picker.after(trade.front, 30)
        if later is None:
            return None
        listed = set(picker.slice(later).strikes.round(3).tolist())
        if any(round(float(leg.contract.strike), 3) not in listed for leg in trade.legs):
            return None
        root = self.sim.market.root(trade.underlying, later)
        new = [
            Leg(replace(leg.contract, expiry=later, root=root), leg.quantity) for leg in trade.legs
        ]
        return new if self.sim.tradable(new) else None

    # ------------------------------------------------------------ after the close
    def post_after_close(self, day: int) -> None:
        """Post today's early assignments, then the expirations, exercises and settlements."""
        sim = self.sim
        at = sim.after_close(day)
        for trade in sim.open_trades():
            self._early_assignment(trade, day, at)
        for trade in sim.open_trades():
            expiring = [leg for leg in trade.legs if leg.contract.expiry == sim.days[day]]
            if expiring:
                self._settle(trade, expiring, at)
                trade.legs = [leg for leg in trade.legs if leg not in expiring]
                if not trade.legs and "wheel" in trade.tags:
                    sim.wheel.finished(trade, day, sim.book.held(WHEEL_SYMBOL))

    def _early_assignment(self, trade: Trade, day: int, at: datetime) -> None:
        """Assign a wheel put the evening before expiry, a covered call before an ex-dividend."""
        sim = self.sim
        if day >= sim.last or not ({"early", "exdiv"} & trade.tags):
            return
        (leg,) = trade.legs
        contract, spot = leg.contract, sim.market.close(trade.underlying, day)
        next_day = sim.days[day + 1]
        on_eve = ("early" in trade.tags and next_day == contract.expiry) or (
            "exdiv" in trade.tags and any(ex == day + 1 for ex, _, _ in sim.ex_days[WHEEL_SYMBOL])
        )
        if on_eve and contract.intrinsic(spot) > 0:
            sim.book.deliver(at, contract)
            trade.legs = []
            sim.wheel.finished(trade, day, sim.book.held(WHEEL_SYMBOL))

    def _settle(self, trade: Trade, legs: list[Leg], at: datetime) -> None:
        """Expire, exercise, assign or cash-settle the legs expiring today."""
        sim = self.sim
        contract = legs[0].contract
        settle = sim.market.settlement(contract)
        if trade.underlying in INDEX_SYMBOLS:
            for leg in legs:
                if leg.contract.intrinsic(settle) > 0:
                    sim.book.cash_settle(at, leg.contract, Decimal(repr(round(settle, 2))))
                else:
                    sim.book.expire(at, leg.contract)
            return
        settle = round(settle, 2)
        shares = Decimal(0)
        # Deliveries that buy shares go first, so a spread never passes through short stock.
        for leg in sorted(legs, key=lambda leg: -_delivery(leg, settle)):
            if leg.contract.intrinsic(settle) >= 0.01:
                sim.book.deliver(at, leg.contract)
                shares += _delivery(leg, settle)
            else:
                sim.book.expire(at, leg.contract)
        if shares and not ({"wheel", "covered"} & trade.tags):
            symbol = trade.underlying
            self._residue[symbol] = self._residue.get(symbol, ZERO) + shares


def _delivery(leg: Leg, settle: float) -> int:
    """Return the shares a leg delivers into the account at ``settle`` (+ received, - delivered)."""
    if leg.contract.intrinsic(settle) < 0.01:
        return 0
    return leg.quantity * MULTIPLIER * (1 if leg.contract.is_call else -1)
