"""What the demo trader does and when: money, shares, the wheel, the split and the day's ideas.

Scripted events sit at fixed shares of the history (a deposit at the
start, another about a fifth of the way in, a withdrawal, the NVDA split
at 38 %), the rarer structures at their own dates, and the everyday
trades arrive at random (about two a week per idea family, weighted
toward short premium). A few scripted positions are chosen knowing the
simulated future, so that every kind of event the importer must handle
happens in any year: an AAPL put assigned the evening before expiry, a
covered call assigned on the eve of an ex-dividend date, an index spread
cash settled in the money and an equity spread exercised and assigned.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from workstation.adapters.marketdata.demo.account_book import CASH_FLOOR
from workstation.adapters.marketdata.demo.account_market import PastMarket
from workstation.adapters.marketdata.demo.account_strategies import (
    BUILDERS,
    Builder,
    Picker,
    Plan,
    Style,
    Trade,
)
from workstation.domain.occ import OptionRight
from workstation.domain.strategies import StrategyKind

if TYPE_CHECKING:
    from workstation.adapters.marketdata.demo.account_history import Agenda, Simulation

K = StrategyKind
CALL, PUT = OptionRight.CALL, OptionRight.PUT
SYMBOLS = ("SPX", "NDX", "RUT", "SPY", "QQQ", "IWM", "AAPL", "MSFT", "NVDA", "TSLA", "AMZN")
INDEX_SYMBOLS = frozenset({"SPX", "NDX", "RUT"})
HELD_SYMBOLS = frozenset({"SPY", "AAPL", "NVDA"})  # shares kept on purpose: no stray deliveries
DIVIDEND_PAYERS = ("SPY", "AAPL", "NVDA")
WHEEL_SYMBOL = "AAPL"
SPLIT_SYMBOL, SPLIT_RATIO = "NVDA", (3, 2)  # new shares for old
FIRST_ORDER = 410_000_000
OPENINGS_PER_SESSION = 0.75
OPEN_AT_NOW_TARGET = 10  # positions the history leaves open at now
RETRY_SESSIONS = 10  # a scripted idea that cannot open is tried again for this many sessions
FIRST_DEPOSIT, SECOND_DEPOSIT, WITHDRAWAL = Decimal(60_000), Decimal(25_000), Decimal(7_500)
CREDIT_INTEREST_RATE = Decimal("0.02")  # per year on the average closing cash balance


@dataclass(frozen=True, slots=True)
class Opening:
    """An idea for a position: structure, underlying, size and how to pick it and manage it.

    ``dte`` is the window of calendar days to the (front) expiry; ``delta``
    the target |delta| of the short (or long) strike; ``pick`` replaces the
    structure's builder (scripted strikes); ``forced`` skips the buying-power
    check (shares or set-aside cash cover it), ``relaxed`` lets the idea use
    the reserve; ideas with the same ``group`` are alternatives: once one
    opens the others are dropped.
    """

    kind: StrategyKind
    symbol: str
    style: Style
    dte: tuple[int, int]
    delta: float
    size: int = 1
    deliver: bool = False
    tags: frozenset[str] = frozenset()
    partial: bool = False
    exit_day: int | None = None
    pick: Builder | None = None
    forced: bool = False
    relaxed: bool = False
    group: str = ""


@dataclass(slots=True)
class Wheel:
    """The AAPL wheel: short puts until assigned, covered calls until called away."""

    start: int
    trade: Trade | None = None
    next_day: int = 0
    early_done: bool = False  # a put assigned before its expiry
    exdiv_done: bool = False  # a call assigned on the eve of an ex-dividend date

    @property
    def busy(self) -> bool:
        """True while a wheel position is open."""
        return self.trade is not None and bool(self.trade.legs)

    def opened(self, trade: Trade) -> None:
        """Follow ``trade`` until it is gone."""
        self.trade = trade

    def finished(self, trade: Trade, day: int, shares: Decimal) -> None:
        """Note that the wheel's position ended (closed, expired, assigned) on ``day``."""
        self.trade = None
        self.next_day = day + 2
        early = "early" in trade.tags and shares >= 100
        self.early_done = self.early_done or early
        self.exdiv_done = self.exdiv_done or "exdiv" in trade.tags


# ---------------------------------------------------------------- interest and dividends
@dataclass(frozen=True, slots=True)
class Dividend:
    """A dividend declared on shares held on the ex-date, paid on session ``pay_day``."""

    pay_day: int
    symbol: str
    amount: Decimal  # dollars


def money_events(h: Simulation, day: int) -> Agenda:
    """Return the morning's credit interest (first session of a month) and dividends."""
    agenda: Agenda = [(-0.3, partial(_dividends, h, day))]
    if day > 0 and h.days[day].month != h.days[day - 1].month:
        agenda.append((-0.5, partial(_credit_interest, h, day)))
    return agenda


def _credit_interest(h: Simulation, day: int, fraction: float) -> None:
    """Pay last month's interest on its average closing cash balance (if positive)."""
    month = h.days[day - 1]
    closes = [c for d, c in h.state.cash_closes if (d.year, d.month) == (month.year, month.month)]
    average = sum(closes, Decimal(0)) / len(closes)
    days = monthrange(month.year, month.month)[1]
    interest = (average * CREDIT_INTEREST_RATE * days / 365).quantize(Decimal("0.01"))
    if interest > 0:
        h.book.money(h.at(day, fraction), "Credit Interest", "INTEREST ON CREDIT BALANCE", interest)


def _dividends(h: Simulation, day: int, fraction: float) -> None:
    """Declare dividends on shares held on an ex-date; pay those due today."""
    for symbol in DIVIDEND_PAYERS:
        held = h.book.held(symbol)
        for ex_day, pay_day, per_share in h.ex_days[symbol]:
            if ex_day == day and held > 0:
                amount = (held * per_share).quantize(Decimal("0.01"))
                h.state.dividends.append(Dividend(pay_day, symbol, amount))
    for dividend in [d for d in h.state.dividends if d.pay_day == day]:
        description = h.market.spec(dividend.symbol).description.upper()
        h.book.money(h.at(day, fraction), "Dividend", description, dividend.amount, dividend.symbol)
        h.state.dividends.remove(dividend)


# ---------------------------------------------------------------- dividend calendar
# (months, n-th weekday, weekday, days from ex-date to payment) of each payer.
_DIVIDEND_CALENDAR = {
    "SPY": ((3, 6, 9, 12), 3, 4, 40),
    "AAPL": ((2, 5, 8, 11), 2, 0, 4),
    "NVDA": ((3, 6, 9, 12), 2, 3, 22),
}


def ex_dividend_days(market: PastMarket, symbol: str) -> list[tuple[int, int, Decimal]]:
    """Return (ex-date, pay date, dollars per share) of ``symbol``'s dividends in the history.

    Days are history session indices (the pay date may lie beyond the
    history: then it is ``len(days)`` or more and never paid). The amount
    is a quarter of the dividend yield at the prior close, at least a cent.
    """
    quarter_months, nth, weekday, pay_after = _DIVIDEND_CALENDAR[symbol]
    q = market.spec(symbol).dividend_yield
    out = []
    for year in range(market.days[0].year, market.days[-1].year + 1):
        for month in quarter_months:
            ex = _on_or_after(market, _nth_weekday(year, month, nth, weekday))
            if ex is None or not 0 < ex < len(market.days):
                continue
            pay = _on_or_after(market, market.days[ex] + timedelta(days=pay_after))
            per_share = max(
                Decimal(repr(round(q / 4 * market.close(symbol, ex - 1), 4))), Decimal("0.01")
            )
            out.append((ex, len(market.days) if pay is None else pay, per_share))
    return out


def _nth_weekday(year: int, month: int, nth: int, weekday: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def _on_or_after(market: PastMarket, day: date) -> int | None:
    """Return the index of the first history session on or after ``day`` (None past the end)."""
    index = market.session_of(day)
    return index if index < len(market.days) else None


# ---------------------------------------------------------------- scripted events
Event = Callable[["Simulation", int, float], None]  # (history, session, fraction) -> None


def scripted_events(h: Simulation, day: int) -> Agenda:
    """Return the money movements, share trades and the split scripted for session ``day``."""
    share = h.share_of
    plan: list[tuple[int, float, Event]] = [
        (0, -0.4, _money("Deposit", "Wire Funds Received", FIRST_DEPOSIT)),
        (share(0.01), 0.4, _shares("SPY", 10)),
        (share(0.015), 0.5, _shares(SPLIT_SYMBOL, 30)),
        (share(0.16), 0.3, _shares(SPLIT_SYMBOL, 5)),
        (share(0.22), -0.35, _money("Deposit", "ACH DEPOSIT", SECOND_DEPOSIT)),
        (h.split_day, -0.45, _split),
        (share(0.48), 0.6, _shares("SPY", 5)),
        (share(0.63), -0.3, _money("Withdrawal", "ACH DISBURSEMENT", -WITHDRAWAL)),
        (share(0.86), 0.55, _shares("SPY", -5)),
    ]
    plan += [(d, 0.45, _round_lot) for d in range(h.split_day + 2, h.split_day + 32)]
    for k, s in enumerate((0.2, 0.45, 0.7, 0.93)):
        cents = Decimal(-(k % 3 + 1) * 2 - 1) / 100
        plan.append(
            (share(s), -0.2, _money("Balance Adjustment", "Regulatory fee adjustment", cents))
        )
    return [(fraction, partial(act, h, day)) for d, fraction, act in plan if d == day]


def _money(sub_type: str, description: str, amount: Decimal) -> Event:
    def act(h: Simulation, day: int, fraction: float) -> None:
        h.book.money(h.at(day, fraction), sub_type, description, amount)

    return act


def _shares(symbol: str, change: int) -> Event:
    def act(h: Simulation, day: int, fraction: float) -> None:
        h.stock_order(day, fraction, symbol, Decimal(change), label=change > 0)

    return act


def _split(h: Simulation, day: int, fraction: float) -> None:
    price = Decimal(repr(round(h.market.close(SPLIT_SYMBOL, day - 1), 2)))
    h.book.forward_split(h.at(day, fraction), SPLIT_SYMBOL, SPLIT_RATIO, price)


def _round_lot(h: Simulation, day: int, fraction: float) -> None:
    """Buy NVDA up to 100 shares after the split (when cash allows), for covered calls."""
    held = h.book.held(SPLIT_SYMBOL)
    cost = (100 - held) * Decimal(repr(round(h.share_price(SPLIT_SYMBOL, day, fraction), 2)))
    if 0 < held < 100 and h.spare_cash() - cost >= CASH_FLOOR:
        h.stock_order(day, fraction, SPLIT_SYMBOL, 100 - held, True)


# ---------------------------------------------------------------- scripted positions
# (share of the history, structure, underlyings to try, days to expiry, |delta|)
_RARE = (
    (0.08, K.IRON_BUTTERFLY, ("IWM", "QQQ"), (28, 45), 0.5),
    (0.42, K.IRON_BUTTERFLY, ("QQQ", "IWM"), (28, 45), 0.5),
    (0.74, K.IRON_BUTTERFLY, ("SPX", "IWM"), (28, 45), 0.5),
    (0.18, K.CALL_CALENDAR, ("QQQ", "IWM"), (20, 32), 0.5),
    (0.52, K.PUT_CALENDAR, ("IWM", "QQQ"), (20, 32), 0.45),
    (0.66, K.CALL_CALENDAR, ("MSFT", "AMZN"), (20, 32), 0.45),
    (0.36, K.CALL_DIAGONAL, ("AMZN", "QQQ"), (20, 32), 0.30),
    (0.28, K.CALL_BUTTERFLY, ("SPX", "QQQ"), (21, 40), 0.40),
    (0.60, K.PUT_RATIO_SPREAD, ("IWM", "QQQ"), (28, 45), 0.20),
    (0.70, K.JADE_LIZARD, ("AMZN", "IWM", "QQQ"), (28, 45), 0.30),
)


def scripted_openings(h: Simulation) -> list[tuple[int, int, Opening]]:
    """Return (first, last session to try, idea) of the rare structures and staged expiries.

    Ideas sharing a group are alternatives (other underlyings or dates): the
    first that opens retires the rest.
    """
    out = []
    for k, (share, kind, symbols, dte, delta) in enumerate(_RARE):
        start = h.share_of(share)
        for symbol in symbols:
            idea = Opening(kind, symbol, Style.TARGET, dte, delta, relaxed=True, group=f"rare {k}")
            out.append((start, start + RETRY_SESSIONS, idea))
    out += _finishing_in_the_money(h, h.share_of(0.45), "SPX", "cash")
    out += _finishing_in_the_money(h, h.share_of(0.30), "IWM", "delivered")
    out += _earnings_straddles(h)
    return out


def _finishing_in_the_money(
    h: Simulation, day: int, symbol: str, group: str
) -> list[tuple[int, int, Opening]]:
    """Return a debit spread held to expiry that finishes fully in the money, call or put side."""
    tags = frozenset({"expiry"})
    return [
        (day, day + 3 * RETRY_SESSIONS, Opening(kind, symbol, Style.HOLD, (14, 30), 0.55,
         deliver=True, tags=tags, pick=_in_the_money(h, kind), group=group))
        for kind in (K.BULL_CALL_DEBIT, K.BEAR_PUT_DEBIT)
    ]  # fmt: skip


def _in_the_money(h: Simulation, kind: StrategyKind) -> Builder:
    """Return a builder that refuses (LookupError) unless both strikes settle in the money."""

    def pick(p: Picker, expiry: date, delta: float) -> Plan:
        plan = BUILDERS[kind](p, expiry, delta)
        if h.market.session_of(expiry) > h.last:
            raise LookupError("the expiry is beyond the history")
        settle = h.market.settlement(plan[0][0])
        if all(contract.intrinsic(settle) > 0.5 for contract, _ in plan):
            return plan
        raise LookupError(f"{kind} on {expiry} would not finish in the money")

    return pick


def _earnings_straddles(h: Simulation) -> list[tuple[int, int, Opening]]:
    """Return long straddles bought a few sessions before an earnings reaction, sold on it.

    One is wanted; every report in the middle of the history is an alternative.
    """
    out = []
    for symbol in ("AMZN", "MSFT", "TSLA"):
        for reaction in h.market.earnings_reactions(symbol):
            if h.share_of(0.3) <= reaction <= h.share_of(0.7):
                start = reaction - 3
                days = (h.days[reaction] - h.days[start]).days
                idea = Opening(K.LONG_STRADDLE, symbol, Style.TARGET, (days + 1, days + 14), 0.5,
                               exit_day=reaction, relaxed=True, group="straddle")  # fmt: skip
                out.append((start, reaction - 1, idea))
    return out


# ---------------------------------------------------------------- the wheel
def _wheel_idea(h: Simulation, day: int) -> Opening | None:
    wheel = h.wheel
    if day < max(wheel.start, wheel.next_day) or wheel.busy or day >= h.last:
        return None
    tags = frozenset({"wheel"})
    if h.book.held(WHEEL_SYMBOL) >= 100:
        tags |= {"covered"}
        ex_day = _next_ex_day(h, day)
        if ex_day is not None:
            return _exdiv_call(h, day, ex_day, tags)
        return Opening(K.COVERED_CALL, WHEEL_SYMBOL, Style.HOLD, (21, 45), 0.22, deliver=True,
                       tags=tags, forced=True)  # fmt: skip
    spot = h.market.close(WHEEL_SYMBOL, day - 1)
    if float(h.spare_cash() - CASH_FLOOR) < 100 * spot:
        return None
    forced = not wheel.early_done and day >= wheel.start + 25
    pick = _assigned_put(h) if forced else None
    if forced:
        tags |= {"early"}
    return Opening(K.SHORT_PUT, WHEEL_SYMBOL, Style.HOLD, (28, 45), 0.30, deliver=True, tags=tags,
                   pick=pick, forced=True)  # fmt: skip


def _next_ex_day(h: Simulation, day: int) -> int | None:
    if h.wheel.exdiv_done:
        return None
    for ex_day, _, _ in h.ex_days[WHEEL_SYMBOL]:
        if day + 6 <= ex_day <= min(day + 25, h.last - 1):
            return ex_day
    return None


def _exdiv_call(h: Simulation, day: int, ex_day: int, tags: frozenset[str]) -> Opening:
    """Return a covered call in the money through the eve of ``ex_day`` (it will be assigned)."""
    low = min(h.market.close(WHEEL_SYMBOL, k) for k in range(day - 1, ex_day))

    def pick(p: Picker, expiry: date, delta: float) -> Plan:
        strikes = p.slice(expiry).strikes
        below = strikes[strikes < low * 0.97]
        if len(below) == 0:
            raise LookupError("no strike deep enough in the money")
        return [(p.contract(expiry, float(below.max()), CALL), -1)]

    days = (h.days[ex_day] - h.days[day]).days
    return Opening(K.COVERED_CALL, WHEEL_SYMBOL, Style.HOLD, (days + 3, days + 24), 0.5,
                   deliver=True, tags=tags | {"exdiv"}, pick=pick, forced=True)  # fmt: skip


def _assigned_put(h: Simulation) -> Builder:
    """Return a put builder whose strike is in the money at the close before expiry and at it."""

    def pick(p: Picker, expiry: date, delta: float) -> Plan:
        normal = p.by_delta(expiry, PUT, delta)
        j = h.market.session_of(expiry)
        if j > h.last:
            return [(p.contract(expiry, normal, PUT), -1)]
        worst = max(h.market.close(WHEEL_SYMBOL, j), h.market.close(WHEEL_SYMBOL, j - 1))
        ladder = p.slice(expiry)
        above = ladder.put_delta[ladder.strikes > worst * 1.003]
        strikes = ladder.strikes[ladder.strikes > worst * 1.003]
        if len(strikes) == 0 or -above[0] > 0.8:
            return [(p.contract(expiry, normal, PUT), -1)]
        return [(p.contract(expiry, max(normal, float(strikes[0])), PUT), -1)]

    return pick


def _covered_nvda(h: Simulation, day: int) -> Opening | None:
    """Return a covered call on the NVDA round lot when none is open."""
    if day < h.split_day + 3 or h.book.held(SPLIT_SYMBOL) < 100 or day % 3:
        return None
    if any("covered" in t.tags and t.underlying == SPLIT_SYMBOL for t in h.open_trades()):
        return None
    return Opening(K.COVERED_CALL, SPLIT_SYMBOL, Style.ROLL, (25, 45), 0.25, deliver=True,
                   tags=frozenset({"covered"}), forced=True)  # fmt: skip


# ---------------------------------------------------------------- everyday ideas
# (structure, weight, underlyings, target |delta|): the trader's everyday menu.
_MENU = (
    (K.SHORT_PUT, 10, ("IWM", "QQQ", "AMZN", "MSFT", "TSLA"), 0.28),
    (K.BULL_PUT_CREDIT, 11, ("SPX", "RUT", "QQQ", "IWM", "MSFT", "AMZN", "TSLA"), 0.28),
    (K.BEAR_CALL_CREDIT, 7, ("SPX", "RUT", "QQQ", "IWM", "TSLA", "AMZN"), 0.25),
    (K.IRON_CONDOR, 12, ("SPX", "SPX", "RUT", "QQQ", "IWM", "NDX"), 0.18),
    (K.SHORT_STRANGLE, 5, ("IWM", "AMZN", "TSLA", "QQQ"), 0.16),
    (K.LONG_CALL, 5, ("QQQ", "MSFT", "AMZN", "TSLA", "IWM"), 0.55),
    (K.LONG_PUT, 3, ("QQQ", "IWM", "TSLA", "AMZN"), 0.45),
    (K.BULL_CALL_DEBIT, 4, ("SPX", "QQQ", "IWM", "MSFT", "AMZN"), 0.55),
    (K.BEAR_PUT_DEBIT, 3, ("SPX", "QQQ", "IWM", "RUT"), 0.55),
)
_WEIGHTS = [weight / sum(w for _, w, _, _ in _MENU) for _, weight, _, _ in _MENU]
_DEBIT = frozenset({K.LONG_CALL, K.LONG_PUT, K.BULL_CALL_DEBIT, K.BEAR_PUT_DEBIT})


def _everyday_idea(h: Simulation, day: int) -> Opening:
    """Return a random idea from the menu: structure, underlying, style, expiry window, size."""
    rng = h.rng
    kind, _, symbols, delta = _MENU[int(rng.choice(len(_MENU), p=_WEIGHTS))]
    symbol = symbols[int(rng.integers(len(symbols)))]
    style, dte = _style_and_window(h, kind in _DEBIT)
    sizes = (
        (1,)
        if symbol in INDEX_SYMBOLS
        else (1, 1, 2, 2, 3)
        if symbol in {"QQQ", "IWM"}
        else (1, 1, 2)
    )
    size = sizes[int(rng.integers(len(sizes)))]
    idea = Opening(kind, symbol, style, dte, delta + float(rng.uniform(-0.04, 0.04)), size)
    due = h.state.partial_days
    if due and day >= due[0] and symbol not in INDEX_SYMBOLS:
        idea = replace(idea, size=2, partial=True)  # fills in two identical pieces
    return idea


def _style_and_window(h: Simulation, debit: bool) -> tuple[Style, tuple[int, int]]:
    """Return how the idea is managed and its days-to-expiry window."""
    style_draw, window_draw = h.rng.random(), h.rng.random()
    if debit:
        style = Style.TARGET if style_draw < 0.65 else Style.HOLD
        return style, (30, 60) if window_draw < 0.8 else (14, 28)
    style = Style.TARGET if style_draw < 0.45 else Style.HOLD if style_draw < 0.8 else Style.ROLL
    window = (30, 50) if window_draw < 0.6 else (14, 28) if window_draw < 0.85 else (5, 12)
    return style, window


def todays_openings(h: Simulation, day: int) -> list[Opening]:
    """Return the ideas to try in session ``day``: scripted, the wheel, NVDA calls, random ones."""
    ideas = [idea for start, _, idea in h.state.pending if start <= day]
    for idea in (_wheel_idea(h, day), _covered_nvda(h, day)):
        if idea is not None:
            ideas.append(idea)
    open_now = len(h.open_trades())
    rate = OPENINGS_PER_SESSION
    if day > h.last - 25:
        rate = 0.0 if open_now >= 13 else rate * 2 if open_now < 9 else rate
    count = min(int(h.rng.poisson(rate)), 3)
    ideas += [_everyday_idea(h, day) for _ in range(count)]
    if day == h.last:  # enough positions left open at now for the risk views
        ideas += _top_ups(h, 3 * (OPEN_AT_NOW_TARGET - h.open_at_now()))
    return ideas


_TOP_UPS = (
    (K.BULL_PUT_CREDIT, "IWM", 0.25),
    (K.IRON_CONDOR, "QQQ", 0.16),
    (K.BEAR_CALL_CREDIT, "IWM", 0.20),
    (K.LONG_CALL, "QQQ", 0.40),
    (K.BULL_PUT_CREDIT, "QQQ", 0.20),
    (K.LONG_PUT, "IWM", 0.35),
)


def _top_ups(h: Simulation, count: int) -> list[Opening]:
    """Return small one-lot ideas that may use the reserve, to leave positions open at now."""
    ideas = []
    for k in range(max(count, 0)):
        kind, symbol, delta = _TOP_UPS[k % len(_TOP_UPS)]
        dte = (21, 45) if k < len(_TOP_UPS) else (30, 60)
        ideas.append(Opening(kind, symbol, Style.TARGET, dte, delta + 0.01 * k, relaxed=True))
    return ideas
