"""The demo market's engine room: generates each symbol on first use and caches it.

Everything here is synchronous and a pure function of (seed, now): the
async provider calls it from a worker thread. Caches hold one "current
session" (the latest session that has opened); when the clock moves into a
new session they are rebuilt, and past sessions come out identical.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
import numpy.typing as npt

from workstation.adapters.marketdata.demo import daily, intraday, surface
from workstation.adapters.marketdata.demo.chains import build_chain
from workstation.adapters.marketdata.demo.intraday import MinutePaths, MinuteSessions
from workstation.adapters.marketdata.demo.seeds import DayArray, FloatArray, minute_draws
from workstation.adapters.marketdata.demo.ticks import SOURCE, intraminute, make_quote
from workstation.adapters.marketdata.demo.universe import (
    MARKET_SYMBOL,
    UNIVERSE,
    SymbolSpec,
    spec_of,
)
from workstation.domain.bars import BarArray, Timeframe, empty_bars
from workstation.domain.chains import ChainSnapshot
from workstation.domain.event_calendar import (
    CalendarEvent,
    EventKind,
    EventStatus,
    eastern_instant,
)
from workstation.domain.quotes import Quote
from workstation.engines.bars import resample
from workstation.engines.sessions import MarketStatus, SessionSchedule, TradingCalendar, xnys
from workstation.ports.marketdata import IV_HISTORY_DTYPE, IvHistory, MarketDataError

BAR_HORIZON_YEARS = 2  # daily bars and IV history reach back two years
MINUTE_SESSIONS = 30
EVENT_LOOKAHEAD_DAYS = 400
EARNINGS_REPORT_ET = time(16, 5)  # after the close, exchange time

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Moment:
    """Where an instant falls in the current session (the latest one that has opened)."""

    session: date
    elapsed: float  # seconds since the open, capped at the session's length
    length: float  # seconds in the session
    live: bool  # True while the regular session is running

    @property
    def minute(self) -> int:
        """Return the index of the running minute (0 = the first minute)."""
        return int(self.elapsed // 60)

    @property
    def fraction(self) -> float:
        """Return how far (0-1) the running minute has progressed."""
        return (self.elapsed % 60.0) / 60.0

    @property
    def progress(self) -> float:
        """Return the share (0-1) of the session elapsed."""
        return self.elapsed / self.length


@dataclass(frozen=True, slots=True, eq=False)
class Tape:
    """One symbol generated up to the current session.

    ``rows`` index ``path.days`` for the bar window (two years, oldest first);
    ``minutes`` and ``daily`` cover the window's full sessions; ``iv30`` is the
    30-day ATM IV per simulated session (empty without options).
    """

    spec: SymbolSpec
    market: daily.MarketPath
    path: daily.SymbolPath
    rows: IntArray
    minutes: MinuteSessions
    daily: BarArray
    iv30: FloatArray
    events: DayArray


@dataclass(slots=True, eq=False)
class _Generated:
    """What has been generated for one current session."""

    current: date
    market: daily.MarketPath
    schedule: SessionSchedule
    rows: IntArray
    market_noise: FloatArray
    paths: dict[str, daily.SymbolPath] = field(default_factory=dict)
    raw: dict[str, MinutePaths] = field(default_factory=dict)
    tapes: dict[str, Tape] = field(default_factory=dict)


class DemoMarket:
    """Deterministic simulated market for a seed; every query takes the instant ``now``."""

    def __init__(self, seed: int, calendar: TradingCalendar | None = None) -> None:
        self.seed = seed
        self._calendar = calendar
        self._lock = threading.RLock()
        self._generated: _Generated | None = None

    @property
    def calendar(self) -> TradingCalendar:
        """Return the NYSE calendar (built on first use)."""
        if self._calendar is None:
            self._calendar = xnys()
        return self._calendar

    # ------------------------------------------------------------ time
    def status(self, now: datetime) -> MarketStatus:
        """Return the market status at ``now``."""
        return self.calendar.status(now)

    def moment(self, now: datetime) -> Moment:
        """Locate ``now`` in the latest session that has opened."""
        try:
            session = self.calendar.last_open_at_or_before(now)
            if session is None or session <= daily.SIMULATION_START:
                raise ValueError(f"the demo market starts on {daily.SIMULATION_START}")
            opens, closes = self.calendar.session_bounds(session)
        except ValueError as exc:
            raise MarketDataError(
                f"demo market data: no market at {now:%Y-%m-%d %H:%M} UTC: {exc}"
            ) from exc
        length = (closes - opens).total_seconds()
        elapsed = min((now - opens).total_seconds(), length)
        return Moment(session, elapsed, length, now < closes)

    # ------------------------------------------------------------ generation
    def tape(self, symbol: str, now: datetime) -> Tape:
        """Return ``symbol``'s generated data up to the session running at ``now``."""
        spec = spec_of(symbol)
        session = self.moment(now).session
        with self._lock:
            generated = self._generation(session)
            if spec.symbol not in generated.tapes:
                generated.tapes[spec.symbol] = self._make_tape(generated, spec)
            return generated.tapes[spec.symbol]

    def _generation(self, session: date) -> _Generated:
        if self._generated is None or self._generated.current != session:
            days = daily.simulation_days(self.calendar, session)
            market = daily.simulate_market(self.seed, days)
            # The window's first session needs a prior close, hence the day after the start.
            first = max(
                _years_before(session, BAR_HORIZON_YEARS),
                daily.SIMULATION_START + timedelta(days=1),
            )
            schedule = self.calendar.schedule(first, session)
            rows = np.searchsorted(days, schedule.days).astype(np.int64)
            noise = minute_draws(self.seed, MARKET_SYMBOL, "minute", schedule.days)
            self._generated = _Generated(session, market, schedule, rows, noise)
        return self._generated

    def _path(self, g: _Generated, spec: SymbolSpec) -> daily.SymbolPath:
        if spec.symbol not in g.paths:
            g.paths[spec.symbol] = self._simulate(g, spec)
        return g.paths[spec.symbol]

    def _simulate(self, g: _Generated, spec: SymbolSpec) -> daily.SymbolPath:
        if spec.tracks:
            return daily.track_index(spec, self._path(g, UNIVERSE[spec.tracks]), self.seed)
        if spec.symbol == "VIX":
            spx_spec = UNIVERSE[MARKET_SYMBOL]
            levels = surface.vix_levels(g.market, self._path(g, spx_spec), spx_spec)
            variance = np.full(len(levels), intraday.VIX_DAILY_VARIANCE)
            return daily.level_path(spec, self.seed, g.market.days, levels, variance)
        return daily.simulate_symbol(spec, g.market, self.seed, self._events(g, spec))

    def _events(self, g: _Generated, spec: SymbolSpec) -> DayArray:
        return np.array(self._reactions(spec, g.current), dtype="M8[D]")

    def _reactions(self, spec: SymbolSpec, current: date) -> list[date]:
        """Return the earnings-reaction sessions the market knows of in session ``current``."""
        last = current + timedelta(days=EVENT_LOOKAHEAD_DAYS)
        return daily.earnings_reactions(spec, self.calendar, daily.SIMULATION_START, last)

    def _raw(self, g: _Generated, spec: SymbolSpec) -> MinutePaths:
        if spec.symbol not in g.raw:
            path = self._path(g, spec)
            if spec.tracks:
                index = self._path(g, UNIVERSE[spec.tracks])
                ratio = path.close[g.rows] / index.close[g.rows]
                g.raw[spec.symbol] = self._raw(g, index.spec).scaled(ratio)
            else:
                g.raw[spec.symbol] = intraday.simulate_paths(
                    path, g.rows, g.schedule, g.market_noise, self.seed
                )
        return g.raw[spec.symbol]

    def _make_tape(self, g: _Generated, spec: SymbolSpec) -> Tape:
        path = self._path(g, spec)
        volume = intraday.minute_volumes(path, g.rows, g.schedule, g.market_noise, self.seed)
        minutes = intraday.rounded_sessions(self._raw(g, spec), volume, g.schedule)
        events = self._events(g, spec)
        iv30 = surface.iv30_series(spec, g.market, path, events) if spec.options else np.zeros(0)
        return Tape(spec, g.market, path, g.rows, minutes, minutes.daily_bars(), iv30, events)

    # ------------------------------------------------------------ earnings
    def earnings(self, symbol: str, start: date, end: date, now: datetime) -> list[CalendarEvent]:
        """Return ``symbol``'s earnings reports with a report date in [start, end], oldest first.

        The same reports the tape's ``events`` react to: a reaction session D
        means the report came after the close of the session before D, dated
        at ``EARNINGS_REPORT_ET`` (16:05 ET) that session. Reports are known
        up to ``EVENT_LOOKAHEAD_DAYS`` past the session running at ``now``.
        ETFs and indices have none.
        """
        spec = spec_of(symbol)
        reactions = self._reactions(spec, self.moment(now).session)
        reports = (self.calendar.previous_session(day) for day in reactions)
        return [earnings_event(spec.symbol, day) for day in reports if start <= day <= end]

    # ------------------------------------------------------------ bars
    def bars(
        self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime, now: datetime
    ) -> BarArray:
        """Return bars of ``timeframe`` whose open is in [start, end) and not after ``now``."""
        if timeframe is Timeframe.D1:
            bars = self.daily_bars(symbol, now)
        else:
            bars = self.minute_bars(symbol, now)
            if timeframe is not Timeframe.M1:
                # Sessions open at hh:30 ET, so buckets are aligned on the half hour.
                bars = resample(bars, timeframe.seconds, origin=1800)
        keep = (bars["ts"] >= int(start.timestamp())) & (bars["ts"] < int(end.timestamp()))
        return bars[keep]

    def minute_bars(self, symbol: str, now: datetime) -> BarArray:
        """Return 1-minute bars of the last 30 sessions, up to ``now``."""
        tape, moment = self.tape(symbol, now), self.moment(now)
        n = len(tape.rows)
        done = tape.minutes.minute_bars(max(0, n - MINUTE_SESSIONS), n - 1)
        return np.concatenate([done, self._so_far(tape, moment)])

    def daily_bars(self, symbol: str, now: datetime) -> BarArray:
        """Return daily bars of the last two years; today's is built from its minutes so far."""
        tape, moment = self.tape(symbol, now), self.moment(now)
        if not moment.live:
            return tape.daily
        today = self._so_far(tape, moment)
        if len(today) == 0:
            return tape.daily[:-1]
        return np.concatenate([tape.daily[:-1], aggregate(today)])

    def _so_far(self, tape: Tape, moment: Moment) -> BarArray:
        """Return the current session's minute bars up to the instant (a running one partial)."""
        n = len(tape.rows)
        bars = tape.minutes.minute_bars(n - 1, n)
        if not moment.live:
            return bars
        done, k = bars[: moment.minute], moment.minute
        if moment.fraction <= 0.0:
            return done
        running = _running_bar(bars[k], moment.fraction, self.seed, tape.spec.symbol)
        return np.concatenate([done, running])

    # ------------------------------------------------------------ quotes, chains, IV
    def quote(self, symbol: str, now: datetime) -> Quote:
        """Return the quote at ``now``: the running price in session, else the last close."""
        tape, moment = self.tape(symbol, now), self.moment(now)
        prev_close = float(tape.daily["close"][-2])
        today = self._so_far(tape, moment)
        last = float(today["close"][-1]) if len(today) else prev_close
        return make_quote(tape.spec, last, prev_close, now, float(today["volume"].sum()))

    def chain(self, symbol: str, now: datetime) -> ChainSnapshot:
        """Return the full listed option chain of ``symbol`` at ``now``."""
        tape, moment = self.tape(symbol, now), self.moment(now)
        listing = tape.spec.options
        if listing is None:
            raise MarketDataError(
                f"demo market data: {tape.spec.symbol} has no listed options "
                "in the demo; pick an ETF, a stock, SPX, NDX or RUT"
            )
        quote = self.quote(symbol, now)
        state = self._vol_state(tape, moment, quote)
        progress = moment.progress if moment.live else 1.0
        rows = build_chain(tape.spec, quote.last, now, self.calendar, state, self.seed, progress)
        return ChainSnapshot(tape.spec.symbol, now, quote.last, rows, listing.settlement, SOURCE)

    def _vol_state(self, tape: Tape, moment: Moment, quote: Quote) -> surface.VolState:
        """Return the surface after the last close, moved by today's change while live."""
        events = tape.events[tape.events > np.datetime64(moment.session, "D")]
        row = int(tape.rows[-1])
        if moment.live:
            move = math.log(quote.last / quote.prev_close)
            return surface.vol_state(tape.spec, tape.market, tape.path, row - 1, events, move)
        return surface.vol_state(tape.spec, tape.market, tape.path, row, events)

    def iv_history(self, symbol: str, start: date, end: date, now: datetime) -> IvHistory:
        """Return 30-day ATM IV per session in [start, end] up to ``now`` (two years at most)."""
        tape, moment = self.tape(symbol, now), self.moment(now)
        if tape.spec.options is None:
            raise MarketDataError(
                f"demo market data: no implied volatility for "
                f"{tape.spec.symbol} (it has no options in the demo)"
            )
        rows = np.zeros(len(tape.rows), dtype=IV_HISTORY_DTYPE)
        rows["date"] = tape.path.days[tape.rows]
        rows["iv"] = tape.iv30[tape.rows]
        if moment.live:
            rows["iv"][-1] = self._live_iv30(tape, moment, self.quote(symbol, now))
        wanted = (rows["date"] >= np.datetime64(start, "D")) & (
            rows["date"] <= np.datetime64(end, "D")
        )
        return IvHistory(tape.spec.symbol, rows[wanted])

    def _live_iv30(self, tape: Tape, moment: Moment, quote: Quote) -> float:
        state = self._vol_state(tape, moment, quote)
        horizon = np.array([np.datetime64(moment.session, "D") + np.timedelta64(30, "D")])
        return float(state.atm_iv(np.array([surface.IV30_YEARS]), horizon)[0])


def earnings_event(symbol: str, report_day: date) -> CalendarEvent:
    """Return the demo's earnings report of ``symbol`` after the close of ``report_day``."""
    return CalendarEvent(
        id=f"earnings-{symbol}-{report_day.isoformat()}",
        kind=EventKind.EARNINGS,
        title=f"{symbol} earnings (after the close)",
        at=eastern_instant(report_day, EARNINGS_REPORT_ET),
        status=EventStatus.SCHEDULED,
        source=SOURCE,
        symbol=symbol,
    )


def _running_bar(bar: np.void, fraction: float, seed: int, symbol: str) -> BarArray:
    """Return minute ``bar`` as seen ``fraction`` (0-1) of the way through it."""
    ohlc = (float(bar["open"]), float(bar["high"]), float(bar["low"]), float(bar["close"]))
    point = intraminute(ohlc, fraction, seed, symbol, int(bar["ts"]))
    out = empty_bars(1)
    out[0] = (bar["ts"], bar["open"], point.high, point.low, point.price, 0.0)
    out["volume"] = math.floor(float(bar["volume"]) * fraction)
    return out


def _years_before(day: date, years: int) -> date:
    """Return the same calendar day ``years`` earlier (28 February for a 29th)."""
    if day.month == 2 and day.day == 29:
        day = day.replace(day=28)
    return day.replace(year=day.year - years)


def aggregate(bars: BarArray) -> BarArray:
    """Return one bar aggregating ``bars`` (first open, max high, min low, last close, sum)."""
    out = empty_bars(1)
    out["ts"] = bars["ts"][0]
    out["open"] = bars["open"][0]
    out["high"] = bars["high"].max()
    out["low"] = bars["low"].min()
    out["close"] = bars["close"][-1]
    out["volume"] = bars["volume"].sum()
    return out
