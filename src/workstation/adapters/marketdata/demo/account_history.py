"""The demo account's year of history, written as a Tastytrade transaction export.

A simulated retail options trader works the demo market over the year
before ``now``: deposits $60,000, later adds and withdraws money, keeps a
few shares of SPY for the dividends, holds NVDA through a 3-for-2 forward
split, runs the wheel on AAPL (short puts, assignment, covered calls, one
called away early on the eve of an ex-dividend date) and trades the usual
retail structures on the indices, ETFs and stocks: single options, credit
and debit verticals, iron condors and butterflies, strangles, a straddle
into earnings, calendars and a diagonal, a butterfly, a ratio spread and a
jade lizard. Positions are closed at half the credit, stopped out, rolled
out in time for a credit, or left to expire, be assigned, exercised or
cash settled. Fills are at the demo chain's model value plus or minus part
of its quoted half-spread, on its tick grid, with Tastytrade's commission
and fee schedule; monthly credit interest and a few regulatory fee
adjustments complete the cash.

The result is the export a real account would produce (current generation,
newest first; see ``account_book``) and, for measuring the strategy
classifier, the structure each opening order opened. Everything is a pure
function of (seed, now) and the demo market's own seed.

This module holds the simulation itself: the session loop, money and
buying power, openings and order fills. What to open and when is in
``account_plan``, the structures and exit rules in ``account_strategies``,
how positions end (closes, rolls, expirations, assignments, settlement)
in ``account_exits``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType

import numpy as np

from workstation.adapters.marketdata.demo.account_book import CASH_FLOOR, ZERO, Book, export_csv
from workstation.adapters.marketdata.demo.account_exits import Exits
from workstation.adapters.marketdata.demo.account_market import (
    Contract,
    Inputs,
    PastMarket,
    Snapshot,
)
from workstation.adapters.marketdata.demo.account_plan import (
    DIVIDEND_PAYERS,
    FIRST_ORDER,
    OPEN_AT_NOW_TARGET,
    SPLIT_RATIO,
    SPLIT_SYMBOL,
    SYMBOLS,
    Dividend,
    Opening,
    Wheel,
    ex_dividend_days,
    money_events,
    scripted_events,
    scripted_openings,
    todays_openings,
)
from workstation.adapters.marketdata.demo.account_strategies import (
    BUILDERS,
    Leg,
    Picker,
    Trade,
    risk_of,
)
from workstation.adapters.marketdata.demo.market import DemoMarket
from workstation.adapters.marketdata.demo.seeds import FloatArray, rng_for
from workstation.config.defaults import DEFAULT_DEMO_SEED
from workstation.domain.strategies import StrategyKind
from workstation.engines.sessions import EXCHANGE_TZ

DEFAULT_ACCOUNT = "5WT00001"
MULTIPLIER = 100
BUYING_POWER_SHARE = 0.7  # of net liquidation value that positions may hold
TRADE_RISK_SHARE = 0.1  # of net liquidation value one new position may hold
STOCK_MARGIN = 0.5  # of the shares' value held as buying power (Reg T)
POSTED_AFTER_CLOSE = timedelta(minutes=60)  # expirations and assignments post then
NEAR_NOW_DAYS = 3  # positions left open expire at least this many days after now
MAX_SLIP = 0.55  # most of the quoted half-spread a fill gives up
Agenda = list[tuple[float, Callable[[float], None]]]


@dataclass(frozen=True, slots=True)
class DemoHistory:
    """The demo account's history: the export text and the structure each opening order opened.

    ``csv_text`` is a current-generation Tastytrade transaction export
    (header, then rows newest first); ``labels`` maps every order number
    that opened a position (rolls included) to the structure it opened.
    """

    account: str
    csv_text: str
    labels: Mapping[str, StrategyKind]


def demo_account_history(
    market: DemoMarket,
    now: datetime,
    *,
    account: str = DEFAULT_ACCOUNT,
    seed: int = DEFAULT_DEMO_SEED,
) -> DemoHistory:
    """Return a year of the demo account's transactions up to ``now`` (aware), deterministic.

    Rows are dated before ``now``; positions still open at ``now`` expire
    after it on strikes the demo chain lists at ``now``.
    """
    if now.tzinfo is None:
        raise ValueError(f"now={now} has no time zone; pass an aware datetime")
    simulation = Simulation(market, now, seed)
    simulation.run()
    labels = MappingProxyType(dict(simulation.book.labels))
    return DemoHistory(account, export_csv(simulation.book.rows), labels)


@dataclass(frozen=True, slots=True)
class _Fill:
    """An American option fill to reprice exactly: its rows, model inputs and slippage."""

    rows: list[int]
    symbol: str
    inputs: Inputs
    slip: float  # share of the half-spread conceded
    buy: bool


@dataclass(slots=True)
class _State:
    """What the simulation carries from one session to the next."""

    trades: list[Trade] = field(default_factory=list)
    dividends: list[Dividend] = field(default_factory=list)  # declared, not yet paid
    cash_closes: list[tuple[date, Decimal]] = field(default_factory=list)
    pending: list[tuple[int, int, Opening]] = field(default_factory=list)  # first, last day
    partial_days: list[int] = field(default_factory=list)


class Simulation:
    """One run of the simulated trader over the history sessions."""

    def __init__(self, market: DemoMarket, now: datetime, seed: int) -> None:
        self.demo = market
        self.now = now
        self.market = PastMarket(market, now, SYMBOLS)
        self.days = self.market.days
        self.last = len(self.days) - 1
        self.rng = rng_for(seed, "account", "history", self.days[0].toordinal())
        self.book = Book(FIRST_ORDER + int(self.rng.integers(0, 5_000_000)))
        self.state = _State()
        self.wheel = Wheel(start=self.share_of(0.04))
        self.split_day = self.share_of(0.38)
        self.exits = Exits(self)
        self._fills: list[_Fill] = []
        self._fulfilled: set[str] = set()  # groups of alternative ideas one of which opened
        self.ex_days = {s: ex_dividend_days(self.market, s) for s in DIVIDEND_PAYERS}

    def share_of(self, share: float) -> int:
        """Return the session ``share`` (0-1) of the way through the history."""
        return max(1, min(self.last - 1, round(share * self.last)))

    # ------------------------------------------------------------ the loop
    def run(self) -> None:
        """Simulate every session of the history in order."""
        self.state.pending = scripted_openings(self)
        self.state.partial_days = [self.share_of(s) for s in (0.12, 0.33, 0.55, 0.78)]
        for day in range(len(self.days)):
            self._session(day)
        self._exact_fills()

    def _session(self, day: int) -> None:
        self.state.trades = self.open_trades()  # finished positions need no more attention
        # Exits are decided before openings: the last session's openings count what stays.
        agenda = self._morning(day) + self.exits.undo_deliveries(day)
        agenda += self.exits.agenda(day) + self._openings(day)
        for fraction, act in sorted(agenda, key=lambda item: item[0]):
            act(fraction)
        self.exits.post_after_close(day)
        self.state.cash_closes.append((self.days[day], self.book.cash))

    # ------------------------------------------------------------ clock
    def at(self, day: int, fraction: float) -> datetime:
        """Return the instant ``fraction`` through session ``day`` (negative: before the open)."""
        return self.market.instant(day, fraction)

    def after_close(self, day: int) -> datetime:
        """Return when end-of-day rows of session ``day`` post (an hour after its close)."""
        return self.at(day, 1.0) + POSTED_AFTER_CLOSE

    def earliest_expiry_at_now(self) -> date:
        """Return the earliest expiry a position left open at now may have (days after now)."""
        return self.now.astimezone(EXCHANGE_TZ).date() + timedelta(days=NEAR_NOW_DAYS)

    # ------------------------------------------------------------ money and accounts
    def net_liquidation(self, day: int) -> float:
        """Return cash plus the last marks of options and shares, dollars."""
        return float(self.book.cash) + sum(t.mark for t in self.open_trades()) + self.stock(day)

    def stock(self, day: int) -> float:
        """Return the value of the shares held at the prior close, dollars."""
        prior = max(day - 1, 0)
        held = ((s, q) for s, q in self.book.positions.items() if s in SYMBOLS)
        return sum(float(q) * self.share_price(s, prior, 1.0) for s, q in held)

    def committed(self, day: int) -> float:
        """Return the buying power held by open positions and shares (half their value), dollars."""
        return sum(float(t.risk) for t in self.open_trades()) + STOCK_MARGIN * self.stock(day)

    def affordable(self, day: int, risk: Decimal, entry: Decimal, *, relaxed: bool = False) -> bool:
        """Tell whether a new position of ``risk`` (dollars) and ``entry`` cash fits the account.

        ``relaxed`` lets a small position use the buying power and cash
        otherwise kept free (the last ideas of the history, an earnings trade).
        """
        nlv = self.net_liquidation(day)
        if float(risk) > TRADE_RISK_SHARE * nlv:
            return False
        share = 1.0 if relaxed else BUYING_POWER_SHARE
        if self.committed(day) + float(risk) > share * nlv:
            return False
        floor = ZERO if relaxed else CASH_FLOOR
        return entry >= 0 or self.spare_cash() + entry >= floor

    def spare_cash(self) -> Decimal:
        """Return cash not set aside for the wheel's cash-secured put, dollars."""
        reserved = sum(
            (
                leg.contract.strike * MULTIPLIER * -leg.quantity
                for t in self.open_trades()
                if "wheel" in t.tags
                for leg in t.legs
                if leg.quantity < 0 and not leg.contract.is_call
            ),
            ZERO,
        )
        return self.book.cash - reserved

    def share_price(self, symbol: str, day: int, fraction: float) -> float:
        """Return the traded share price: the demo's, times the split ratio before the split."""
        spot = self.market.spot(symbol, day, fraction)
        if symbol == SPLIT_SYMBOL and day < self.split_day:
            new, old = SPLIT_RATIO
            return spot * new / old
        return spot

    # ------------------------------------------------------------ positions
    def open_trades(self) -> list[Trade]:
        """Return the trades with legs still open."""
        return [t for t in self.state.trades if t.legs]

    def tradable(self, legs: list[Leg]) -> bool:
        """Tell whether ``legs`` can open: no contract already held, listed at now if still open.

        The broker nets positions per contract, so a contract another position
        holds would merge the two positions.
        """
        held = any(self.book.held(str(leg.contract.occ)) for leg in legs)
        return not held and self.valid_at_now(legs)

    def valid_at_now(self, legs: list[Leg]) -> bool:
        """Tell whether legs expiring after the history are listed in the demo chain at now."""
        cutoff = self.earliest_expiry_at_now()
        for leg in legs:
            expiry = leg.contract.expiry
            if expiry <= self.days[-1]:
                continue
            if expiry < cutoff or not self.market.listed_now(leg.contract):
                return False
        return True

    # ------------------------------------------------------------ orders
    def send(
        self, day: int, fraction: float, changes: list[tuple[Contract, int]], partial: bool = False
    ) -> tuple[str, Decimal]:
        """Fill one order of option ``changes`` (signed contracts); return its number and cash.

        Each leg fills at the model value moved by a random share of the
        chain's half-spread (mostly against the trader), on the tick grid.
        Cash is before fees, credit positive. American options fill here at
        the BSM value and are repriced exactly, all at once, after the run.
        """
        symbol = changes[0][0].underlying
        snap = self.market.snapshot(symbol, day, fraction)
        quotes = self.market.quotes(snap, [c for c, _ in changes])
        american = self.market.listing(symbol).settlement == "american"
        order = self.book.new_order(int(self.rng.integers(2_000, 60_000)))
        cash = ZERO
        for k, (contract, change) in enumerate(changes):
            slip = float(self.rng.uniform(-0.15, MAX_SLIP))
            price = self._fill_price(
                symbol, float(quotes.theo[k]), float(quotes.half_spread[k]), slip, change > 0
            )
            parts = 2 if partial and abs(change) % 2 == 0 else 1
            rows = self.book.option_fill(order, snap.instant, contract, change, price, parts)
            if american:
                self._fills.append(_Fill(rows, symbol, quotes.inputs.take(k), slip, change > 0))
            cash -= Decimal(change) * price * MULTIPLIER
        return order, cash

    def worst_credit(self, snap: Snapshot, changes: list[tuple[Contract, int]]) -> float:
        """Return what an order of ``changes`` takes in if every leg fills at its worst.

        Each leg gives up the most of its quoted half-spread a fill may
        (``MAX_SLIP``); dollars per share summed over contracts, credit positive.
        """
        quotes = self.market.quotes(snap, [c for c, _ in changes])
        return sum(
            -change * float(theo) - abs(change) * MAX_SLIP * float(half)
            for (_, change), theo, half in zip(
                changes, quotes.theo, quotes.half_spread, strict=True
            )
        )

    def _fill_price(self, symbol: str, theo: float, half: float, slip: float, buy: bool) -> Decimal:
        """Return the fill ``slip`` half-spreads worse than theo (better if negative), on tick."""
        price = theo + slip * half if buy else theo - slip * half
        return self.market.on_tick(symbol, max(price, 0.0))

    def _exact_fills(self) -> None:
        """Reprice every American option fill at the Bjerksund-Stensland value, in one batch."""
        if not self._fills:
            return
        theo = self.market.american_values(Inputs.joined([f.inputs for f in self._fills]))
        for fill, value in zip(self._fills, theo.tolist(), strict=True):
            half = float(self.market.half_spread(fill.symbol, fill.inputs, np.array([value]))[0])
            price = self._fill_price(fill.symbol, value, half, fill.slip, fill.buy)
            self.book.reprice(fill.rows, price)

    def stock_order(
        self, day: int, fraction: float, symbol: str, change: Decimal, label: bool
    ) -> None:
        """Buy (change > 0) or sell shares at the traded price; label an opening as CUSTOM."""
        price = Decimal(repr(round(self.share_price(symbol, day, fraction), 2)))
        order = self.book.new_order(int(self.rng.integers(2_000, 60_000)))
        self.book.stock_fill(order, self.at(day, fraction), symbol, change, price)
        if label:
            self.book.labels[order] = StrategyKind.CUSTOM

    # ------------------------------------------------------------ morning
    def _morning(self, day: int) -> Agenda:
        return scripted_events(self, day) + money_events(self, day)

    # ------------------------------------------------------------ openings
    def _openings(self, day: int) -> Agenda:
        if day == 0:
            return []
        self.state.pending = [(s, u, i) for s, u, i in self.state.pending if u >= day]
        ideas = todays_openings(self, day)
        return [(float(self.rng.uniform(0.03, 0.85)), self._opener(day, idea)) for idea in ideas]

    def _opener(self, day: int, idea: Opening) -> Callable[[float], None]:
        def act(fraction: float) -> None:
            self.open(day, fraction, idea)

        return act

    def open(self, day: int, fraction: float, idea: Opening) -> Trade | None:
        """Open the structure ``idea`` describes if it can be built and afforded; return it."""
        if idea.group in self._fulfilled:
            return None
        if day == self.last and not idea.forced and self.open_at_now() >= OPEN_AT_NOW_TARGET:
            return None
        snap = self.market.snapshot(idea.symbol, day, fraction)
        legs = self._legs(snap, idea)
        if legs is None or not self._admissible(day, snap, idea, legs):
            return None
        changes = [(leg.contract, leg.quantity) for leg in legs]
        order, cash = self.send(day, fraction, changes, idea.partial)
        self.book.labels[order] = idea.kind
        risk = risk_of(idea.kind, legs, cash, snap.spot)
        trade = Trade(idea.kind, idea.symbol, legs, idea.style, day, cash, risk)
        trade.deliver, trade.tags, trade.exit_day = idea.deliver, idea.tags, idea.exit_day
        trade.mark = -float(cash)
        self.state.trades.append(trade)
        self._opened(idea, trade)
        return trade

    def _legs(self, snap: Snapshot, idea: Opening) -> list[Leg] | None:
        """Return the legs ``idea`` builds at the snapshot, None when it cannot trade."""
        picker = Picker(self.market, snap)
        expiry = picker.expiry(*idea.dte)
        if expiry is None:
            return None
        try:
            plan = (idea.pick or BUILDERS[idea.kind])(picker, expiry, idea.delta)
        except LookupError:
            return None
        legs = [Leg(contract, ratio * idea.size) for contract, ratio in plan]
        return legs if self.tradable(legs) else None

    def _admissible(self, day: int, snap: Snapshot, idea: Opening, legs: list[Leg]) -> bool:
        """Tell whether the account takes the position (buying power, cash, structure's rule)."""
        quotes = self.market.quotes(snap, [leg.contract for leg in legs])
        entry = _cash_of(legs, quotes.theo)
        if idea.kind is StrategyKind.JADE_LIZARD and not _lizard_without_upside_risk(legs, entry):
            return False
        risk = risk_of(idea.kind, legs, entry, snap.spot)
        return idea.forced or self.affordable(day, risk, entry, relaxed=idea.relaxed)

    def _opened(self, idea: Opening, trade: Trade) -> None:
        """Update the plans an opening fulfils: pending ideas, the wheel, partial fills."""
        state = self.state
        state.pending = [
            (s, u, i)
            for s, u, i in state.pending
            if i is not idea and not (idea.group and i.group == idea.group)
        ]
        if idea.group:
            self._fulfilled.add(idea.group)
        if "wheel" in idea.tags:
            self.wheel.opened(trade)
        if idea.partial and state.partial_days:
            state.partial_days.pop(0)

    def open_at_now(self) -> int:
        """Return how many positions will still be open at now (meaningful on the last session).

        Positions closing today, expiring today or expiring too close to now
        to be left open do not count.
        """
        cutoff = self.earliest_expiry_at_now()
        staying = (t for t in self.open_trades() if not self.exits.closing_today(t))
        return sum(1 for t in staying if t.front >= cutoff)


def _cash_of(legs: list[Leg], theo: FloatArray) -> Decimal:
    """Return the cash opening ``legs`` at ``theo`` takes in (credit positive), dollars."""
    paid = sum(leg.quantity * MULTIPLIER * float(v) for leg, v in zip(legs, theo, strict=True))
    return Decimal(repr(round(-paid, 2)))


def _lizard_without_upside_risk(legs: list[Leg], entry: Decimal) -> bool:
    """Tell whether a jade lizard's credit exceeds its call spread's width (no risk above)."""
    calls = sorted(
        (leg for leg in legs if leg.contract.is_call), key=lambda leg: leg.contract.strike
    )
    width = calls[1].contract.strike - calls[0].contract.strike
    return entry > width * MULTIPLIER * abs(calls[0].quantity)
