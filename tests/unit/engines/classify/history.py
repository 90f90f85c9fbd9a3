"""A labelled year of option trading: the ground truth the classify accuracy test measures against.

``year_of_trading`` simulates accounts trading index ETFs and single stocks
for 252 sessions: verticals, condors, iron flies, butterflies, straddles,
strangles, calendars, diagonals, ratios, jade lizards, covered calls
(bought-written, or wheeled from assigned puts), short puts and long
options. Entries come as one order, as partial fills of one order, legged in
as two orders seconds apart (sometimes minutes), or without order ids
(legacy exports).
Positions get added to, closed in one go or in two parts, expire, are
assigned, or are rolled (in one order, or two orders under 90 s apart).
Deposits, interest, dividends and fees add rows that belong to no trade.

Every trade is labelled with the structure the trader built and the keys
of the rows that opened it; a rolled trade names the trade it came from.
A new trade with exactly the contracts of an open trade on the same account
is labelled, and entered, as an addition to it (that is what it is).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from tests.unit.engines.classify.tape import C, Leg, P, Tape, at, fifo_closes, opt, shares
from workstation.domain.occ import OptionRight
from workstation.domain.strategies import StrategyKind as K
from workstation.domain.transactions import Transaction, TransactionKind

OPTION_NAMES = {
    "SPY": 500.0, "QQQ": 430.0, "IWM": 210.0, "DIA": 390.0, "XLE": 90.0, "GLD": 220.0,
    "TLT": 95.0, "EEM": 42.0, "SMH": 240.0, "XLF": 41.0, "NVDA": 120.0, "TSLA": 250.0,
    "META": 520.0, "AMZN": 185.0, "GOOGL": 170.0, "NFLX": 640.0, "JPM": 200.0, "BA": 180.0,
}  # fmt: skip
WHEEL_NAMES = {"AAPL": 190.0, "MSFT": 410.0, "AMD": 150.0, "KO": 60.0, "F": 12.0}
FIRST_DAY = date(2026, 1, 5)


@dataclass(slots=True)
class Label:
    """One trade as the trader built it: its structure and the keys of its opening rows."""

    kind: K
    keys: list[str]
    contracts: set[str]
    rolled_from: int | None = None

    @property
    def multi_leg(self) -> bool:
        """True when the trade opened two or more contracts (stock counts as one)."""
        return len(self.contracts) >= 2


@dataclass(slots=True)
class History:
    """Rows of every account, the ledger's FIFO closes, and the labelled trades."""

    rows: list[Transaction]
    closes: dict[str, list[str]]
    trades: list[Label]


def year_of_trading(seed: int, accounts: int = 1, per_day: float = 3.0, days: int = 252) -> History:
    """Return ``days`` sessions of trading on ``accounts`` accounts, ``per_day`` new trades each."""
    rows: list[Transaction] = []
    labels: list[Label] = []
    for number in range(accounts):
        tape = Tape(account=f"5WT{number:05d}")
        simulation = _Simulation(random.Random(seed * 1000 + number), tape, per_day)
        simulation.run(days)
        offset = len(labels)
        for label in simulation.labels:
            if label.rolled_from is not None:
                label.rolled_from += offset
            labels.append(label)
        rows.extend(tape.rows)
    return History(rows, fifo_closes(rows), labels)


# ------------------------------------------------------------------- structures

Spec = list[tuple[OptionRight, float, date, int]]  # right, strike, expiry, signed contracts


def _strike(spot: float, step: float, offset: float) -> float:
    return round((spot + offset * step) / step) * step


def _step(spot: float) -> float:
    return 5.0 if spot > 150 else (1.0 if spot > 20 else 0.5)


def _price(spot: float, strike: float, right: OptionRight, days: int) -> float:
    """Return a plausible premium per share: intrinsic plus a bell of time value."""
    sigma = spot * 0.22 * math.sqrt(max(days, 1) / 365)
    intrinsic = max(0.0, spot - strike) if right is C else max(0.0, strike - spot)
    distance = (strike - spot) / sigma
    return round(max(0.05, intrinsic + 0.4 * sigma * math.exp(-distance * distance / 2)), 2)


def _legs(underlying: str, spot: float, day: date, spec: Spec) -> list[Leg]:
    return [
        opt(
            underlying, right, strike, expiry, qty, _price(spot, strike, right, (expiry - day).days)
        )
        for right, strike, expiry, qty in spec
    ]


Shape = Callable[[float, float, date, date, int], Spec]  # spot, step, near, far, lots

STRUCTURES: dict[str, tuple[K, int, Shape]] = {
    "bull put": (K.BULL_PUT_CREDIT, 16, lambda s, k, n, f, q: [
        (P, _strike(s, k, -2), n, -q), (P, _strike(s, k, -3), n, q)]),
    "bear call": (K.BEAR_CALL_CREDIT, 10, lambda s, k, n, f, q: [
        (C, _strike(s, k, 2), n, -q), (C, _strike(s, k, 3), n, q)]),
    "bull call": (K.BULL_CALL_DEBIT, 5, lambda s, k, n, f, q: [
        (C, _strike(s, k, 0), n, q), (C, _strike(s, k, 2), n, -q)]),
    "bear put": (K.BEAR_PUT_DEBIT, 4, lambda s, k, n, f, q: [
        (P, _strike(s, k, 0), n, q), (P, _strike(s, k, -2), n, -q)]),
    "iron condor": (K.IRON_CONDOR, 14, lambda s, k, n, f, q: [
        (P, _strike(s, k, -4), n, q), (P, _strike(s, k, -3), n, -q),
        (C, _strike(s, k, 3), n, -q), (C, _strike(s, k, 4), n, q)]),
    "iron butterfly": (K.IRON_BUTTERFLY, 4, lambda s, k, n, f, q: [
        (P, _strike(s, k, -2), n, q), (P, _strike(s, k, 0), n, -q),
        (C, _strike(s, k, 0), n, -q), (C, _strike(s, k, 2), n, q)]),
    "call fly": (K.CALL_BUTTERFLY, 2, lambda s, k, n, f, q: [
        (C, _strike(s, k, 0), n, q), (C, _strike(s, k, 1), n, -2 * q),
        (C, _strike(s, k, 2), n, q)]),
    "put fly": (K.PUT_BUTTERFLY, 2, lambda s, k, n, f, q: [
        (P, _strike(s, k, -2), n, q), (P, _strike(s, k, -1), n, -2 * q),
        (P, _strike(s, k, 0), n, q)]),
    "short strangle": (K.SHORT_STRANGLE, 8, lambda s, k, n, f, q: [
        (P, _strike(s, k, -3), n, -q), (C, _strike(s, k, 3), n, -q)]),
    "long strangle": (K.LONG_STRANGLE, 2, lambda s, k, n, f, q: [
        (P, _strike(s, k, -2), n, q), (C, _strike(s, k, 2), n, q)]),
    "short straddle": (K.SHORT_STRADDLE, 2, lambda s, k, n, f, q: [
        (P, _strike(s, k, 0), n, -q), (C, _strike(s, k, 0), n, -q)]),
    "long straddle": (K.LONG_STRADDLE, 2, lambda s, k, n, f, q: [
        (P, _strike(s, k, 0), n, q), (C, _strike(s, k, 0), n, q)]),
    "call calendar": (K.CALL_CALENDAR, 2, lambda s, k, n, f, q: [
        (C, _strike(s, k, 1), n, -q), (C, _strike(s, k, 1), f, q)]),
    "put calendar": (K.PUT_CALENDAR, 2, lambda s, k, n, f, q: [
        (P, _strike(s, k, -1), n, -q), (P, _strike(s, k, -1), f, q)]),
    "call diagonal": (K.CALL_DIAGONAL, 2, lambda s, k, n, f, q: [
        (C, _strike(s, k, 2), n, -q), (C, _strike(s, k, 0), f, q)]),
    "put diagonal": (K.PUT_DIAGONAL, 1, lambda s, k, n, f, q: [
        (P, _strike(s, k, -2), n, -q), (P, _strike(s, k, 0), f, q)]),
    "call ratio": (K.CALL_RATIO_SPREAD, 2, lambda s, k, n, f, q: [
        (C, _strike(s, k, 0), n, q), (C, _strike(s, k, 2), n, -2 * q)]),
    "put ratio": (K.PUT_RATIO_SPREAD, 1, lambda s, k, n, f, q: [
        (P, _strike(s, k, 0), n, q), (P, _strike(s, k, -2), n, -2 * q)]),
    "jade lizard": (K.JADE_LIZARD, 3, lambda s, k, n, f, q: [
        (P, _strike(s, k, -2), n, -q), (C, _strike(s, k, 2), n, -q),
        (C, _strike(s, k, 3), n, q)]),
    "short put": (K.SHORT_PUT, 5, lambda s, k, n, f, q: [(P, _strike(s, k, -2), n, -q)]),
    "long call": (K.LONG_CALL, 3, lambda s, k, n, f, q: [(C, _strike(s, k, 1), n, q)]),
    "long put": (K.LONG_PUT, 3, lambda s, k, n, f, q: [(P, _strike(s, k, -1), n, q)]),
}  # fmt: skip
# How a legged entry splits the built legs (indices), first order first.
LEGGED = {
    "bull put": ([0], [1]), "bear call": ([0], [1]), "bull call": ([0], [1]),
    "bear put": ([0], [1]), "iron condor": ([0, 1], [2, 3]), "iron butterfly": ([0, 1], [2, 3]),
    "short strangle": ([0], [1]), "long strangle": ([0], [1]), "short straddle": ([0], [1]),
    "long straddle": ([0], [1]), "call calendar": ([0], [1]), "put calendar": ([0], [1]),
    "call diagonal": ([0], [1]), "put diagonal": ([0], [1]), "call ratio": ([0], [1]),
    "jade lizard": ([0], [1, 2]),
}  # fmt: skip
ROLLABLE = frozenset({"bull put", "bear call", "iron condor", "short strangle", "short put"})
EXPIRABLE = frozenset(name for name in STRUCTURES if "calendar" not in name and "diag" not in name)


def monthly(after: date) -> date:
    """Return the first monthly expiry (third Friday of a month) on or after ``after``."""
    first = after.replace(day=1)
    friday = first + timedelta(days=(4 - first.weekday()) % 7 + 14)
    if friday >= after:
        return friday
    return monthly((first + timedelta(days=32)).replace(day=1))


def sessions(first: date, count: int) -> list[date]:
    """Return ``count`` weekdays from ``first`` on."""
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _add_legs(held: dict[str, Leg], legs: list[Leg]) -> dict[str, Leg]:
    merged = dict(held)
    for leg in legs:
        before = merged.get(leg.symbol)
        quantity = leg.quantity + (before.quantity if before else 0)
        if quantity:
            merged[leg.symbol] = replace(before or leg, quantity=quantity)
        else:
            merged.pop(leg.symbol, None)
    return merged


def _closing(leg: Leg, spot: float, day: date, *, half: bool = False) -> Leg:
    quantity = -(leg.quantity // 2 if half else leg.quantity)
    if leg.right is None or leg.strike is None or leg.expiry is None:
        return replace(leg, quantity=quantity, price=Decimal(str(round(spot, 2))))
    price = _price(spot, float(leg.strike), leg.right, (leg.expiry - day).days)
    return replace(leg, quantity=quantity, price=Decimal(str(price)))


def _proportional(a: dict[str, int], b: dict[str, int]) -> bool:
    base = next(iter(a))
    return all(a[s] * b[base] == b[s] * a[base] and (a[s] > 0) == (b[s] > 0) for s in a)


# ------------------------------------------------------------------- the simulation


@dataclass(slots=True)
class _Trade:
    """An open trade while simulating: what it holds and what happens to it next."""

    label: int
    tape: Tape
    underlying: str
    structure: str
    held: dict[str, Leg]  # symbol -> leg carrying the quantity this trade holds
    plan: str  # close, partial, roll, expire, assign, call, sell stock, waiting
    style: str
    exit_day: date
    add_day: date | None = None
    done: bool = False

    @property
    def front(self) -> date | None:
        """The nearest expiry the trade holds (None when it holds only stock)."""
        expiries = [leg.expiry for leg in self.held.values() if leg.expiry is not None]
        return min(expiries) if expiries else None


Action = Callable[[datetime], None]


@dataclass(slots=True)
class _Simulation:
    rng: random.Random
    tape: Tape
    per_day: float
    spots: dict[str, float] = field(default_factory=lambda: {**OPTION_NAMES, **WHEEL_NAMES})
    labels: list[Label] = field(default_factory=list)
    trades: list[_Trade] = field(default_factory=list)
    stock_busy: set[tuple[str, str]] = field(default_factory=set)
    planned: dict[date, list[tuple[datetime, Action]]] = field(default_factory=dict)
    today: list[tuple[datetime, int, Action]] = field(default_factory=list)

    def run(self, days: int) -> None:
        for day in sessions(FIRST_DAY, days):
            for name in self.spots:
                self.spots[name] *= math.exp(self.rng.gauss(0, 0.01))
            self._schedule_day(day)
            # Act in time order so the tape labels opens and closes as the broker would.
            for when, _, act in sorted(self.today, key=lambda item: item[:2]):
                act(when)
            self.today.clear()
            self.trades = [trade for trade in self.trades if not trade.done]

    def _at(self, when: datetime, act: Action) -> None:
        self.today.append((when, len(self.today), act))

    def _clock(self, day: date) -> datetime:
        return at(day, "09:35") + timedelta(seconds=self.rng.randrange(6 * 3600))

    def _schedule_day(self, day: date) -> None:
        for when, act in self.planned.pop(day, []):
            self._at(when, act)
        for trade in self.trades:
            self._schedule_trade(trade, day)
        tape = self.tape
        for _ in range(self._poisson(self.per_day)):
            self._at(self._clock(day), lambda when: self._open_new(tape, when))
        if self.rng.random() < 0.1:
            self._at(self._clock(day), lambda when: self._noise(tape, when))

    def _poisson(self, mean: float) -> int:
        count, threshold, product = 0, math.exp(-mean), self.rng.random()
        while product > threshold:
            count += 1
            product *= self.rng.random()
        return count

    def _schedule_trade(self, trade: _Trade, day: date) -> None:
        if trade.add_day == day:
            self._at(self._clock(day), lambda when: self._add(trade, when))
        if trade.plan in {"expire", "assign", "call"} and day == trade.front:
            self._at(at(day, "16:00"), lambda when: self._expiry(trade, when))
        elif trade.plan in {"close", "partial", "roll", "sell stock"} and day == trade.exit_day:
            self._at(self._clock(day), lambda when: self._exit(trade, when))

    # ---------------------------------------------------------------- opening

    def _open_new(self, tape: Tape, when: datetime) -> None:
        if self.rng.random() < 0.12:
            self._open_stock_trade(tape, when)
            return
        names = list(STRUCTURES)
        name = self.rng.choices(names, weights=[STRUCTURES[n][1] for n in names])[0]
        for _ in range(5):  # a trader does not open against contracts already held
            underlying = self.rng.choice(list(OPTION_NAMES))
            legs = self._build(underlying, name, when.date(), when.date())
            target = self._same_contracts(tape, legs)
            if target is not None:  # the trader is adding to what they hold
                rows = tape.trade(when, *legs)
                target.held = _add_legs(target.held, legs)
                self.labels[target.label].keys.extend(row.key for row in rows)
                return
            if not self._overlaps(tape, legs):
                style = self._style(name, legs)
                rows = self._first_entry(tape, when, name, legs, style)
                self._start(tape, when, underlying, name, legs, style, rows, None)
                return

    def _overlaps(self, tape: Tape, legs: list[Leg]) -> bool:
        symbols = {leg.symbol for leg in legs}
        return any(symbols & trade.held.keys() for trade in self.trades if trade.tape is tape)

    def _start(
        self,
        tape: Tape,
        when: datetime,
        underlying: str,
        name: str,
        legs: list[Leg],
        style: str,
        rows: list[Transaction],
        rolled_from: int | None,
    ) -> None:
        symbols = {leg.symbol for leg in legs}
        keys = [row.key for row in rows if row.symbol in symbols]
        self.labels.append(Label(STRUCTURES[name][0], keys, symbols, rolled_from))
        label = len(self.labels) - 1
        self.trades.append(self._new_trade(label, tape, underlying, name, legs, style, when))

    def _build(self, underlying: str, name: str, day: date, not_before: date) -> list[Leg]:
        spot = self.spots[underlying]
        near = monthly(max(day + timedelta(days=self.rng.randrange(25, 50)), not_before))
        far = monthly(near + timedelta(days=20))
        lots = self.rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 10])
        return _legs(underlying, spot, day, STRUCTURES[name][2](spot, _step(spot), near, far, lots))

    def _style(self, name: str, legs: list[Leg]) -> str:
        draw = self.rng.random()
        if draw < 0.1:
            return "legacy"
        if draw < 0.3 and name in LEGGED:
            return "legged"
        if draw < 0.45 and all(abs(leg.quantity) % 2 == 0 for leg in legs):
            return "partial"
        return "order"

    def _first_entry(
        self, tape: Tape, when: datetime, name: str, legs: list[Leg], style: str
    ) -> list[Transaction]:
        if style == "legacy":  # no order ids, the legs a second apart
            return [row for i, leg in enumerate(legs)
                    for row in tape.trade(when + timedelta(seconds=i), leg, order="")]  # fmt: skip
        if style == "partial":
            order = f"P{tape.account}{len(tape.rows)}"
            half = [replace(leg, quantity=leg.quantity // 2) for leg in legs]
            rows = tape.trade(when, *half, order=order)
            return rows + tape.trade(self._seconds_after(when, 1, 40), *half, order=order)
        if style == "legged":
            first, second = LEGGED[name]
            rows = tape.trade(when, *(legs[i] for i in first))
            # Most second legs follow within seconds; some traders wait minutes for a fill.
            low, high = (8, 95) if self.rng.random() < 0.85 else (150, 600)
            return rows + tape.trade(
                self._seconds_after(when, low, high), *(legs[i] for i in second)
            )
        return tape.trade(when, *legs)

    def _seconds_after(self, when: datetime, low: int, high: int) -> datetime:
        return when + timedelta(seconds=self.rng.randrange(low, high))

    def _new_trade(
        self,
        label: int,
        tape: Tape,
        underlying: str,
        name: str,
        legs: list[Leg],
        style: str,
        when: datetime,
    ) -> _Trade:
        front = min(leg.expiry for leg in legs if leg.expiry is not None)
        plans = ["close"] * 50 + ["partial"] * 12
        plans += ["expire"] * 20 if name in EXPIRABLE else []
        plans += ["roll"] * 18 if name in ROLLABLE else []
        plan = self.rng.choice(plans)
        if plan == "partial" and any(abs(leg.quantity) < 2 for leg in legs):
            plan = "close"
        span = max(1, (front - when.date()).days - 8)
        exit_day = _weekday(when.date() + timedelta(days=self.rng.randrange(1, span + 1)))
        add_day = None
        if self.rng.random() < 0.1 and (exit_day - when.date()).days > 4:
            add_day = _weekday(when.date() + timedelta(days=1))
        held = {leg.symbol: leg for leg in legs}
        return _Trade(label, tape, underlying, name, held, plan, style, exit_day, add_day)

    def _same_contracts(self, tape: Tape, legs: list[Leg]) -> _Trade | None:
        wanted = {leg.symbol: leg.quantity for leg in legs}
        for trade in self.trades:
            held = {symbol: leg.quantity for symbol, leg in trade.held.items()}
            same = trade.tape is tape and not trade.done and held.keys() == wanted.keys()
            if same and _proportional(held, wanted):
                return trade
        return None

    # ---------------------------------------------------------------- managing

    def _add(self, trade: _Trade, when: datetime) -> None:
        if trade.done:
            return
        unit = math.gcd(*(abs(leg.quantity) for leg in trade.held.values()))
        extra = [replace(leg, quantity=leg.quantity // unit) for leg in trade.held.values()]
        rows = trade.tape.trade(when, *extra, order="" if trade.style == "legacy" else None)
        trade.held = _add_legs(trade.held, extra)
        self.labels[trade.label].keys.extend(row.key for row in rows)

    def _exit(self, trade: _Trade, when: datetime) -> None:
        if trade.done:
            return
        spot, order = self.spots[trade.underlying], "" if trade.style == "legacy" else None
        half = trade.plan == "partial"
        closing = [_closing(leg, spot, when.date(), half=half) for leg in trade.held.values()]
        if trade.plan == "roll":
            self._roll(trade, when, closing)
            return
        trade.tape.trade(when, *closing, order=order)
        trade.held = _add_legs(trade.held, closing)
        if half:
            trade.plan = "close"
            trade.exit_day = _weekday(when.date() + timedelta(days=self.rng.randrange(1, 4)))
            return
        trade.done = True
        self.stock_busy.discard((trade.tape.account, trade.underlying))

    def _roll(self, trade: _Trade, when: datetime, closing: list[Leg]) -> None:
        trade.done = True
        front = (trade.front or when.date()) + timedelta(days=1)
        tape = trade.tape
        legs = self._build(trade.underlying, trade.structure, when.date(), front)
        if self._overlaps(tape, legs):  # nowhere clean to roll to: just close
            tape.trade(when, *closing)
            return
        draw = self.rng.random()
        if draw < 0.1:
            style, rows = "legacy", tape.trade(when, *closing, *legs, order="")
        elif draw < 0.35:
            tape.trade(when, *closing)
            style, rows = "order", tape.trade(self._seconds_after(when, 20, 90), *legs)
        else:
            style, rows = "order", tape.trade(when, *closing, *legs)
        args = (tape, when, trade.underlying, trade.structure, legs, style, rows, trade.label)
        self._start(*args)

    def _expiry(self, trade: _Trade, when: datetime) -> None:
        if trade.done:
            return
        expiring = [leg for leg in trade.held.values() if leg.expiry == when.date()]
        if trade.plan == "assign":
            (put,) = expiring
            _, stock_row = trade.tape.assign(when, put, stock_kind=TransactionKind.TRADE)
            self._wheel_into_call(trade, put, stock_row)
            return
        if trade.plan == "call" and self.rng.random() < 0.5:  # called away
            (call,) = expiring
            trade.tape.assign(when, call, stock_kind=TransactionKind.TRADE)
            trade.done = True
            self.stock_busy.discard((trade.tape.account, trade.underlying))
            return
        trade.tape.expire(when, *expiring)
        trade.held = {s: leg for s, leg in trade.held.items() if leg.expiry != when.date()}
        if trade.held:  # a covered call's stock is left: sell it in a few days
            trade.plan = "sell stock"
            trade.exit_day = _weekday(when.date() + timedelta(days=self.rng.randrange(1, 4)))
        else:
            trade.done = True

    # ---------------------------------------------------------------- stock trades

    def _open_stock_trade(self, tape: Tape, when: datetime) -> None:
        """Open a buy-write, or a short put meant to be assigned (the wheel)."""
        free = [name for name in WHEEL_NAMES if (tape.account, name) not in self.stock_busy]
        if not free:
            return
        underlying = self.rng.choice(free)
        self.stock_busy.add((tape.account, underlying))
        spot, day = self.spots[underlying], when.date()
        expiry = monthly(day + timedelta(days=self.rng.randrange(25, 45)))
        lots = self.rng.choice([1, 1, 2, 3])
        if self.rng.random() < 0.5:
            spec = [(C, _strike(spot, _step(spot), 2), expiry, -lots)]
            (call,) = _legs(underlying, spot, day, spec)
            stock = shares(underlying, 100 * lots, round(spot, 2))
            rows = tape.trade(when, stock, call)
            held, kind, plan = {stock.symbol: stock, call.symbol: call}, K.COVERED_CALL, "call"
        else:
            (put,) = _legs(
                underlying, spot, day, [(P, _strike(spot, _step(spot), -1), expiry, -lots)]
            )
            rows = tape.trade(when, put)
            held, kind, plan = {put.symbol: put}, K.SHORT_PUT, "assign"
        self.labels.append(Label(kind, [row.key for row in rows], set(held)))
        label = len(self.labels) - 1
        self.trades.append(_Trade(label, tape, underlying, "stock", held, plan, "order", expiry))

    def _wheel_into_call(self, trade: _Trade, put: Leg, stock_row: Transaction) -> None:
        stock = shares(trade.underlying, int(stock_row.quantity), float(put.strike or 0))
        trade.held = {stock.symbol: stock}
        trade.plan = "waiting"
        label = self.labels[trade.label]
        label.keys.append(stock_row.key)
        day = _weekday(stock_row.executed_at.date() + timedelta(days=self.rng.randrange(1, 4)))

        def sell_call(when: datetime) -> None:
            spot = self.spots[trade.underlying]
            strike = max(_strike(spot, _step(spot), 2), float(put.strike or 0))
            expiry = monthly(day + timedelta(days=25))
            spec = [(C, strike, expiry, -(int(stock_row.quantity) // 100))]
            (call,) = _legs(trade.underlying, spot, day, spec)
            label.keys.extend(row.key for row in trade.tape.trade(when, call))
            label.contracts |= {stock.symbol, call.symbol}
            label.kind = K.COVERED_CALL
            trade.held[call.symbol] = call
            trade.plan = "call"

        self.planned.setdefault(day, []).append((self._clock(day), sell_call))

    # ---------------------------------------------------------------- noise

    def _noise(self, tape: Tape, when: datetime) -> None:
        kinds = [TransactionKind.DEPOSIT, TransactionKind.INTEREST, TransactionKind.DIVIDEND]
        kind = self.rng.choice([*kinds, TransactionKind.FEE])
        value = Decimal(self.rng.randrange(100, 500000)) / 100
        row = Transaction(
            broker="tastytrade",
            account=tape.account,
            key=f"N{tape.account}-{len(tape.rows)}",
            kind=kind,
            executed_at=when,
            symbol="SPY" if kind is TransactionKind.DIVIDEND else "",
            value=-value if kind is TransactionKind.FEE else value,
        )
        tape.rows.append(row)
