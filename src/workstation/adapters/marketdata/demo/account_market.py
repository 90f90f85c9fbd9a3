"""The demo market as the demo account saw it: spot, surface and option values at past instants.

The account history trades on the same simulated market the app shows:
closes come from the demo tapes, the open from the close before and the
session's overnight gap, and prices in between follow a geometric path from
the open to the close. Option values use the demo chain's own surface
(``surface.VolState`` with its term structure, earnings and smile, the
intraday spot-vol move included) and its models: BSM for European index
options, Bjerksund-Stensland 2002 for American equity and ETF options, with
the chain's listing rule, strike ladders, variance clock to the expiry
instant and quoted half-spread. The American model costs about half a
millisecond per call whatever the batch size, so daily marks use BSM floored
at intrinsic and the account's American fills are valued in one batch
(``american_values``).

Prices are dollars per share (index points for indices); times in years;
``fraction`` is the share (0-1) of a session's regular hours elapsed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from workstation.adapters.marketdata.demo import chains, surface
from workstation.adapters.marketdata.demo.market import DemoMarket, Tape
from workstation.adapters.marketdata.demo.seeds import FloatArray
from workstation.adapters.marketdata.demo.universe import RISK_FREE_RATE, OptionListing, SymbolSpec
from workstation.domain.occ import OccSymbol, OptionRight
from workstation.engines import pricing
from workstation.engines.pricing.american import american_price
from workstation.engines.pricing.expiry import is_am_settled

BoolArray = npt.NDArray[np.bool_]
HISTORY_DAYS = 365
FRIDAY = 4
WEEKLY_WEEKS = chains.WEEKLY_WINDOW_DAYS // 7
DAILY_SESSIONS = 15  # more than the sessions in the dailies' two-week window
SETTLED_MINUTES = 90  # end-of-day rows (expirations, assignments) post within this of the close
SECONDS_PER_YEAR = 365.0 * 86400.0
MIN_T = surface.MIN_YEARS
FULL_SESSION = surface.FULL_SESSION_SECONDS
LISTING_HORIZON_DAYS = 400
# Option roots of the weeklies (PM-settled) where the monthly root is AM-settled.
WEEKLY_ROOTS = {"SPX": "SPXW", "NDX": "NDXP", "RUT": "RUTW"}
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Contract:
    """One listed option: underlying, OCC root, expiry, strike (dollars per share), right."""

    underlying: str
    root: str
    expiry: date
    strike: Decimal
    right: OptionRight

    @property
    def occ(self) -> OccSymbol:
        """Return the OCC symbol of the contract."""
        return OccSymbol(self.root, self.expiry, self.right, self.strike)

    @property
    def is_call(self) -> bool:
        """True for calls."""
        return self.right is OptionRight.CALL

    def intrinsic(self, spot: float) -> float:
        """Return the exercise value at ``spot``, dollars per share (>= 0)."""
        strike = float(self.strike)
        return max(spot - strike, 0.0) if self.is_call else max(strike - spot, 0.0)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One underlying at one instant of history session ``day`` (an index into the sessions)."""

    symbol: str
    day: int
    fraction: float
    instant: datetime
    spot: float
    state: surface.VolState


@dataclass(frozen=True, slots=True, eq=False)
class Inputs:
    """Model inputs of some contracts, one entry per contract (prices per share, years)."""

    is_call: BoolArray
    spot: FloatArray
    strike: FloatArray
    t: FloatArray
    iv: FloatArray
    q: FloatArray

    def take(self, k: int) -> Inputs:
        """Return the inputs of contract ``k`` alone."""
        pick = slice(k, k + 1)
        return Inputs(
            self.is_call[pick], self.spot[pick], self.strike[pick], self.t[pick],
            self.iv[pick], self.q[pick],
        )  # fmt: skip

    @staticmethod
    def joined(parts: Sequence[Inputs]) -> Inputs:
        """Return the inputs of every contract of ``parts``, in order."""
        return Inputs(
            *(np.concatenate([getattr(p, name) for p in parts]) for name in Inputs.__slots__)
        )

    @property
    def intrinsic(self) -> FloatArray:
        """Return the exercise value of each contract, per share (may be negative)."""
        value: FloatArray = np.where(self.is_call, self.spot - self.strike, self.strike - self.spot)
        return value


@dataclass(frozen=True, slots=True, eq=False)
class Quotes:
    """Model values of some contracts at a snapshot: theo and the quoted half-spread per share.

    ``theo`` is BSM (floored at intrinsic for American options); ``inputs``
    lets a caller value the same contracts exactly later (``american_values``).
    """

    theo: FloatArray
    half_spread: FloatArray
    inputs: Inputs


@dataclass(frozen=True, slots=True, eq=False)
class Slice:
    """Every listed strike of one expiry at a snapshot with the BSM delta of its call and put."""

    expiry: date
    strikes: FloatArray
    call_delta: FloatArray
    put_delta: FloatArray


@dataclass(frozen=True, slots=True, eq=False)
class _Series:
    """One underlying over the history sessions (index = history day)."""

    spec: SymbolSpec
    tape: Tape
    rows: np.ndarray  # tape path row of each history session
    close: FloatArray
    open: FloatArray
    short_variance: FloatArray  # per tape row, annual
    long_variance: float


class PastMarket:
    """The demo market over the year of history before ``now`` (sessions fully settled by then)."""

    def __init__(self, market: DemoMarket, now: datetime, symbols: Sequence[str]) -> None:
        self.calendar = market.calendar
        self.now = now
        self._demo = market
        self.days: tuple[date, ...] = tuple(_history_sessions(market, now))
        last = min(self.calendar.last, self.days[-1] + timedelta(days=LISTING_HORIZON_DAYS))
        self._schedule = self.calendar.schedule(self.days[0], last)
        self._opens = self._schedule.opens.astype(np.float64)
        self._closes = self._schedule.closes.astype(np.float64)
        # Variance-clock years from before the first session to each session's close.
        before = self._opens[0] - 1.0
        self._clock_at_close = surface.trading_years(self._opens, self._closes, before)
        self._series = {s: self._load(market, s) for s in symbols}
        self._closing: dict[tuple[str, int], Snapshot] = {}
        self._listed: dict[tuple[bool, int], list[date]] = {}
        self._clock_cache: dict[tuple[str, datetime, date], tuple[float, float]] = {}
        self._now: dict[str, Snapshot] = {}
        self._am: dict[tuple[str, date], bool] = {}
        self._now_ladders: dict[tuple[str, date], set[float]] = {}

    # ------------------------------------------------------------ sessions and prices
    def session_of(self, day: date) -> int:
        """Return the index of session ``day`` in the schedule (history days come first)."""
        return int(np.searchsorted(self._schedule.days, np.datetime64(day, "D")))

    def instant(self, day: int, fraction: float) -> datetime:
        """Return the aware UTC instant ``fraction`` (0-1) of the way through session ``day``."""
        opens, closes = self._opens[day], self._closes[day]
        stamp = round(opens + fraction * (closes - opens))
        return datetime.fromtimestamp(stamp, UTC)

    def close(self, symbol: str, day: int) -> float:
        """Return the close of ``symbol`` on history session ``day``."""
        return float(self._series[symbol].close[day])

    def spot(self, symbol: str, day: int, fraction: float) -> float:
        """Return the price ``fraction`` of the way through session ``day`` (open to close)."""
        series = self._series[symbol]
        opening, closing = float(series.open[day]), float(series.close[day])
        return opening * math.pow(closing / opening, fraction)

    def settlement(self, contract: Contract) -> float:
        """Return the settlement price on its expiry: the open if AM-settled, else the close."""
        day = self.session_of(contract.expiry)
        am = self.am_settled(contract.root, contract.expiry)
        return self.spot(contract.underlying, day, 0.0 if am else 1.0)

    def earnings_reactions(self, symbol: str) -> list[int]:
        """Return the history sessions (indices) that react to an earnings report."""
        events = set(self._series[symbol].tape.events.astype(object))
        return [i for i, day in enumerate(self.days) if day in events]

    def am_settled(self, root: str, expiry: date) -> bool:
        """Tell whether options of ``root`` expiring on ``expiry`` settle at the open (cached)."""
        key = (root, expiry)
        if key not in self._am:
            self._am[key] = is_am_settled(root, expiry, self.calendar)
        return self._am[key]

    def spec(self, symbol: str) -> SymbolSpec:
        """Return the demo spec of ``symbol``."""
        return self._series[symbol].spec

    def listing(self, symbol: str) -> OptionListing:
        """Return how ``symbol``'s options are listed (ValueError without options)."""
        listing = self.spec(symbol).options
        if listing is None:
            raise ValueError(f"{symbol} has no listed options in the demo")
        return listing

    # ------------------------------------------------------------ snapshots
    def snapshot(self, symbol: str, day: int, fraction: float) -> Snapshot:
        """Return spot and surface ``fraction`` through session ``day``; 1.0 is after the close.

        Mirrors the demo chain: during the session the surface is the prior
        close's, moved by the day's return; after the close it is the close's.
        """
        if fraction >= 1.0:
            if (symbol, day) not in self._closing:
                self._closing[symbol, day] = self._closing_snapshot(symbol, day)
            return self._closing[symbol, day]
        series = self._series[symbol]
        spot = self.spot(symbol, day, fraction)
        move = math.log(spot / float(series.close[day - 1])) if day > 0 else 0.0
        state = self._state(series, int(series.rows[day]) - 1, self.days[day], move)
        return Snapshot(symbol, day, fraction, self.instant(day, fraction), spot, state)

    def _closing_snapshot(self, symbol: str, day: int) -> Snapshot:
        series = self._series[symbol]
        state = self._state(series, int(series.rows[day]), self.days[day], 0.0)
        spot = float(series.close[day])
        return Snapshot(symbol, day, 1.0, self.instant(day, 1.0), spot, state)

    def listed_now(self, contract: Contract) -> bool:
        """Tell whether the demo chain at ``now`` lists ``contract`` (its expiry and strike).

        Rebuilds only the strike ladder of that expiry, the way the chain does
        (same spot, surface and clock), instead of the whole chain.
        """
        symbol = contract.underlying
        if symbol not in self._now:
            self._now[symbol] = self.now_snapshot(symbol)
        snap = self._now[symbol]
        key = (symbol, contract.expiry)
        if key not in self._now_ladders:
            listed = chains.expirations(symbol, self.listing(symbol), self.calendar, self.now)
            grid = self._grid(snap, contract.expiry)[0] if contract.expiry in listed else None
            strikes = [] if grid is None else grid.tolist()
            self._now_ladders[key] = {round(k, 3) for k in strikes}
        return round(float(contract.strike), 3) in self._now_ladders[key]

    def now_snapshot(self, symbol: str) -> Snapshot:
        """Return the snapshot the demo chain is built from at ``now`` (quote and surface)."""
        moment = self._demo.moment(self.now)
        quote = self._demo.quote(symbol, self.now)
        series = self._series[symbol]
        row = int(series.tape.rows[-1])
        if moment.live:
            move = math.log(quote.last / quote.prev_close)
            state = self._state(series, row - 1, moment.session, move)
        else:
            state = self._state(series, row, moment.session, 0.0)
        day = self.session_of(moment.session)
        return Snapshot(symbol, day, 1.0, self.now, quote.last, state)

    def _state(self, series: _Series, row: int, session: date, move: float) -> surface.VolState:
        spec = series.spec
        bump = math.exp(2.0 * surface.spot_vol_elasticity(spec) * move)
        events = series.tape.events[series.tape.events > np.datetime64(session, "D")]
        moves = np.full(len(events), spec.earnings.move if spec.earnings else 0.0)
        slope, curvature = spec.skew
        short = float(series.short_variance[row]) * bump
        return surface.VolState(short, series.long_variance, slope, curvature, events, moves)

    # ------------------------------------------------------------ listings
    def expirations(self, snap: Snapshot) -> list[date]:
        """Return the expirations listed in the snapshot's session, after that session."""
        dailies = self.listing(snap.symbol).dailies
        if (dailies, snap.day) not in self._listed:
            self._listed[dailies, snap.day] = self._listing(snap.day, dailies)
        return self._listed[dailies, snap.day]

    def _listing(self, day: int, dailies: bool) -> list[date]:
        """Return the demo chain's listing rule (``chains.expirations``) after session ``day``.

        Fridays within eight weeks and the third Fridays of this and the next
        twelve months (within a year), each on the session before when a
        holiday; with dailies every session of the next two weeks. The chain
        also drops today's expiry once its instant passes; the account never
        trades those, so this needs no instant and no calendar lookups.
        """
        today = self.days[day]
        friday = today + timedelta(days=(FRIDAY - today.weekday()) % 7)
        candidates = {friday + timedelta(weeks=k) for k in range(WEEKLY_WEEKS + 1)}
        candidates = {d for d in candidates if d <= today + timedelta(weeks=WEEKLY_WEEKS)}
        candidates |= {_third_friday(today.year, today.month + k) for k in range(13)}
        last = today + timedelta(days=chains.MAX_DTE)
        listed = {self._on_session(d) for d in candidates if d <= last}
        if dailies:
            ahead = self._schedule.days[day + 1 : day + 1 + DAILY_SESSIONS].astype(object)
            listed |= {d for d in ahead if d <= today + timedelta(days=chains.DAILY_WINDOW_DAYS)}
        return sorted(d for d in listed if d > today)

    def _on_session(self, day: date) -> date:
        """Return ``day`` if it is a session, else the session before it."""
        i = int(np.searchsorted(self._schedule.days, np.datetime64(day, "D"), side="right")) - 1
        session: date = self._schedule.days[i].astype(object)
        return session

    def root(self, symbol: str, expiry: date) -> str:
        """Return the OCC root: the weekly root for PM-settled index expiries (SPXW, RUTW, NDXP)."""
        if symbol in WEEKLY_ROOTS and not self.am_settled(symbol, expiry):
            return WEEKLY_ROOTS[symbol]
        return symbol

    def contract(self, symbol: str, expiry: date, strike: float, right: OptionRight) -> Contract:
        """Return the listed contract (root chosen by settlement) at ``strike``."""
        text = f"{strike:.3f}".rstrip("0").rstrip(".")
        return Contract(symbol, self.root(symbol, expiry), expiry, Decimal(text), right)

    def slice(self, snap: Snapshot, expiry: date) -> Slice:
        """Return the expiry's strike ladder at the snapshot with call and put deltas (BSM)."""
        spec = self.spec(snap.symbol)
        grid, years, atm = self._grid(snap, expiry)
        iv = self._smile(snap, grid, np.full(len(grid), years), np.full(len(grid), atm))
        args = (snap.spot, grid, years, RISK_FREE_RATE, iv, spec.dividend_yield)
        calls = pricing.delta(True, *args)
        return Slice(expiry, grid, calls, pricing.delta(False, *args))

    def _grid(self, snap: Snapshot, expiry: date) -> tuple[FloatArray, float, float]:
        """Return the listed strikes of ``expiry``, its years to expiry and its ATM vol."""
        t, clock = self._clocks(snap, [expiry])
        atm = float(snap.state.atm_iv(t, np.array([expiry], dtype="M8[D]"), clock)[0])
        years = float(t[0])
        ladder = chains.ladder_for(self.spec(snap.symbol), snap.spot, years * 365.0)
        return chains.strikes(ladder, snap.spot, atm * math.sqrt(years)), years, atm

    # ------------------------------------------------------------ values
    def quotes(self, snap: Snapshot, contracts: Sequence[Contract]) -> Quotes:
        """Return BSM theo and the chain's half-spread for ``contracts`` at the snapshot.

        American options are floored at intrinsic here; their exact
        Bjerksund-Stensland value comes from ``american_values``, which is
        vectorised over many contracts at once because each call is costly.
        """
        expiries = sorted({c.expiry for c in contracts})
        t_of, clock_of = self._clocks(snap, expiries)
        at = np.array([expiries.index(c.expiry) for c in contracts])
        t, clock = t_of[at], clock_of[at]
        strike = np.array([float(c.strike) for c in contracts])
        atm = snap.state.atm_iv(t, np.array([c.expiry for c in contracts], dtype="M8[D]"), clock)
        n = len(contracts)
        inputs = Inputs(
            np.array([c.is_call for c in contracts]),
            np.full(n, snap.spot),
            strike,
            t,
            self._smile(snap, strike, t, atm),
            np.full(n, self.spec(snap.symbol).dividend_yield),
        )
        theo = self._european(inputs)
        if self.listing(snap.symbol).settlement == "american":
            theo = np.maximum(theo, inputs.intrinsic)
        return Quotes(theo, self.half_spread(snap.symbol, inputs, theo), inputs)

    def half_spread(self, symbol: str, inputs: Inputs, theo: FloatArray) -> FloatArray:
        """Return the chain's quoted half-spread for contracts worth ``theo``, per share."""
        listing = self.listing(symbol)
        sd = inputs.iv * np.sqrt(inputs.t)
        far = np.minimum(np.abs(np.log(inputs.strike / inputs.spot)) / sd, 4.0)
        base = listing.spread_base * (1.0 + 0.25 * far) * (1.0 + inputs.t)
        half: FloatArray = 0.5 * (base + listing.spread_pct * theo)
        return half

    @staticmethod
    def american_values(inputs: Inputs) -> FloatArray:
        """Return Bjerksund-Stensland 2002 values (the demo chain's American model), per share."""
        value = american_price(
            inputs.is_call,
            inputs.spot,
            inputs.strike,
            inputs.t,
            RISK_FREE_RATE,
            inputs.iv,
            inputs.q,
        )
        exact: FloatArray = np.maximum(value, inputs.intrinsic)
        return exact

    @staticmethod
    def _european(inputs: Inputs) -> FloatArray:
        value: FloatArray = pricing.price(
            inputs.is_call,
            inputs.spot,
            inputs.strike,
            inputs.t,
            RISK_FREE_RATE,
            inputs.iv,
            inputs.q,
        )
        return value

    def marks(self, day: int, contracts: Sequence[Contract]) -> FloatArray:
        """Return BSM values at the close of ``day`` (floored at intrinsic), dollars per share.

        One vectorised valuation for contracts on any underlyings: the daily
        marks the trader manages positions by.
        """
        if not contracts:
            return np.zeros(0)
        order = sorted(range(len(contracts)), key=lambda k: contracts[k].underlying)
        columns: list[list[FloatArray]] = [[], [], [], [], [], []]
        for symbol in sorted({c.underlying for c in contracts}):
            group = [contracts[k] for k in order if contracts[k].underlying == symbol]
            for column, values in zip(columns, self._inputs(day, symbol, group), strict=True):
                column.append(values)
        is_call, spot, strike, t, iv, q = (np.concatenate(column) for column in columns)
        calls = is_call.astype(bool)
        value = pricing.price(calls, spot, strike, t, RISK_FREE_RATE, iv, q)
        marks = np.empty(len(contracts))
        marks[order] = np.maximum(value, np.where(calls, spot - strike, strike - spot))
        return marks

    def _inputs(self, day: int, symbol: str, group: list[Contract]) -> tuple[FloatArray, ...]:
        """Return the pricing inputs of ``group`` at the close of ``day``, one array each."""
        snap = self.snapshot(symbol, day, 1.0)
        expiries = sorted({c.expiry for c in group})
        t_of, clock_of = self._clocks(snap, expiries)
        atm_of = snap.state.atm_iv(t_of, np.array(expiries, dtype="M8[D]"), clock_of)
        at = np.array([expiries.index(c.expiry) for c in group])
        t, atm = t_of[at], atm_of[at]
        strike = np.array([float(c.strike) for c in group])
        iv = self._smile(snap, strike, t, atm)
        n = len(group)
        is_call = np.array([c.is_call for c in group], dtype=np.float64)
        q = np.full(n, self.spec(symbol).dividend_yield)
        return is_call, np.full(n, snap.spot), strike, t, iv, q

    def _smile(
        self, snap: Snapshot, strike: FloatArray, t: FloatArray, atm: FloatArray
    ) -> FloatArray:
        q = self.spec(snap.symbol).dividend_yield
        fwd = pricing.forward(snap.spot, t, RISK_FREE_RATE, q)
        return snap.state.iv(t, atm, np.log(strike / fwd))

    def _clocks(self, snap: Snapshot, expiries: Sequence[date]) -> tuple[FloatArray, FloatArray]:
        """Return calendar years and variance-clock years to each expiry instant (as the chain)."""
        t, clock = np.empty(len(expiries)), np.empty(len(expiries))
        for k, expiry in enumerate(expiries):
            key = (snap.symbol, snap.instant, expiry)
            if key not in self._clock_cache:
                self._clock_cache[key] = self._clock(snap, expiry)
            t[k], clock[k] = self._clock_cache[key]
        return t, clock

    def _clock(self, snap: Snapshot, expiry: date) -> tuple[float, float]:
        """Return calendar years and variance-clock years from the snapshot to ``expiry``.

        The variance clock is ``surface.trading_years`` (the chain's): computed
        exactly at ``now``, and from its running total over the schedule for
        history snapshots, where it is called thousands of times.
        """
        stamp = snap.instant.timestamp()
        i, j = snap.day, self.session_of(expiry)
        am = self.am_settled(snap.symbol, expiry)
        t = max(((self._opens[j] if am else self._closes[j]) - stamp) / SECONDS_PER_YEAR, MIN_T)
        if snap.instant == self.now:
            years = float(
                surface.trading_years(self._opens[i : j + 1], self._closes[i : j + 1], stamp)[-1]
            )
        else:
            opens, closes = self._opens[i], self._closes[i]
            left = min(max((closes - max(opens, stamp)) / (closes - opens), 0.0), 1.0)
            today = (1.0 - surface.OVERNIGHT_SHARE) * (closes - opens) / FULL_SESSION * left / 252.0
            years = today + float(self._clock_at_close[j] - self._clock_at_close[i])
        if am:  # the clock stops at the open: drop the expiry session's regular hours
            share = (self._closes[j] - self._opens[j]) / FULL_SESSION
            years -= (1.0 - surface.OVERNIGHT_SHARE) * share / 252.0
        return t, max(years, MIN_T)

    # ------------------------------------------------------------ ticks
    def on_tick(self, symbol: str, price: float) -> Decimal:
        """Return ``price`` rounded to the option tick grid, at least one tick (per share)."""
        ticks = self.listing(symbol).ticks
        step = Decimal(repr(ticks.small if price < ticks.threshold else ticks.large))
        on_grid = (Decimal(repr(price)) / step).to_integral_value() * step
        return max(on_grid, Decimal(repr(ticks.small))).quantize(CENT)

    # ------------------------------------------------------------ loading
    def _load(self, market: DemoMarket, symbol: str) -> _Series:
        tape = market.tape(symbol, self.now)
        path = tape.path
        rows = np.searchsorted(path.days, np.array(self.days, dtype="M8[D]"))
        close = path.close[rows]
        opening = path.close[rows - 1] * np.exp(path.gap[rows])
        if tape.spec.options is None:
            short, long = np.zeros(len(path.days)), 0.0
        else:
            short, long = surface.symbol_variances(tape.spec, tape.market, path)
        return _Series(tape.spec, tape, rows, close, opening, short, long)


def _third_friday(year: int, month: int) -> date:
    """Return the third Friday of ``month`` (months past 12 roll into later years)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    first = date(year, month, 1)
    return first + timedelta(days=(FRIDAY - first.weekday()) % 7 + 14)


def _history_sessions(market: DemoMarket, now: datetime) -> list[date]:
    """Return the sessions of the year before ``now`` whose end-of-day rows are already posted."""
    calendar = market.calendar
    cutoff = now - timedelta(minutes=SETTLED_MINUTES)
    last = calendar.last_open_at_or_before(cutoff)
    if last is None:
        raise ValueError(f"no demo history before {now:%Y-%m-%d %H:%M} UTC")
    if calendar.session_bounds(last)[1] > cutoff:
        last = calendar.previous_session(last)
    return calendar.sessions(last - timedelta(days=HISTORY_DAYS), last)
