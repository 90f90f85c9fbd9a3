"""Option chains of the demo market: listed expirations, strike ladders, quotes.

Values come from the engines' models on the demo surface with r = 4 % and
the symbol's dividend yield: BSM for the European index options,
Bjerksund-Stensland 2002 for American equity and ETF options (the delta
quoted is the BSM one, as some feeds do). Time to expiry runs to the real
expiry instant on a 365-day year: the session close (16:00 ET, 13:00 ET on half days), or the
open (09:30 ET) for the AM-settled standard monthlies of SPX, NDX and RUT
(engines.pricing.expiry), which stop trading the session before. Prices
are dollars per share; open interest and volume are contracts.
"""

from __future__ import annotations

import zlib
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt

from workstation.adapters.marketdata.demo.seeds import FloatArray
from workstation.adapters.marketdata.demo.surface import (
    FULL_SESSION_SECONDS,
    MIN_YEARS,
    OVERNIGHT_SHARE,
    VolState,
    trading_years,
)
from workstation.adapters.marketdata.demo.universe import (
    RISK_FREE_RATE,
    OptionListing,
    StrikeLadder,
    SymbolSpec,
)
from workstation.domain.chains import CHAIN_DTYPE, ChainArray
from workstation.engines import pricing
from workstation.engines.pricing.american import american_price
from workstation.engines.pricing.expiry import expiry_instant, is_am_settled
from workstation.engines.sessions import EXCHANGE_TZ, TradingCalendar

SECONDS_PER_YEAR = 365.0 * 86400.0
DAILY_WINDOW_DAYS = 14
WEEKLY_WINDOW_DAYS = 56
MAX_DTE = 365
STRIKE_SPAN_SD = 3.5  # strikes cover this many standard deviations of the expiry's move
MIN_STRIKE_SPAN = 0.08  # ... and at least +-8 %
MAX_STRIKE_SPAN = 1.1  # ... but nothing beyond a third or three times the spot (log units)
LONG_DATED_DAYS = 120
FRIDAY = 4

BoolArray = npt.NDArray[np.bool_]


# ---------------------------------------------------------------- expirations
def expirations(
    underlying: str, listing: OptionListing, calendar: TradingCalendar, now: datetime
) -> list[date]:
    """Return listed expiration dates whose expiry instant is still ahead of ``now``."""
    today = now.astimezone(EXCHANGE_TZ).date()
    last = today + timedelta(days=MAX_DTE)
    candidates = set(_fridays(today, today + timedelta(days=WEEKLY_WINDOW_DAYS)))
    candidates |= {_third_friday(today.year, today.month + k) for k in range(13)}
    listed = {_on_session(calendar, d) for d in candidates if d <= last}
    if listing.dailies:
        listed |= set(calendar.sessions(today, today + timedelta(days=DAILY_WINDOW_DAYS)))
    live = (d for d in listed if d >= today)
    return sorted(d for d in live if expiry_instant(underlying, d, calendar) > now)


def is_monthly(expiry: date) -> bool:
    """Tell whether an expiry is a standard monthly (the third Friday, or the day before)."""
    third = _third_friday(expiry.year, expiry.month)
    return 0 <= (third - expiry).days <= 1


def _fridays(start: date, end: date) -> list[date]:
    first = start + timedelta(days=(FRIDAY - start.weekday()) % 7)
    return [first + timedelta(weeks=k) for k in range((end - first).days // 7 + 1)]


def _third_friday(year: int, month: int) -> date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    first = date(year, month, 1)
    return first + timedelta(days=(FRIDAY - first.weekday()) % 7 + 14)


def _on_session(calendar: TradingCalendar, day: date) -> date:
    """Move an expiration that falls on a holiday to the prior session."""
    return day if calendar.is_session(day) else calendar.previous_session(day)


# ---------------------------------------------------------------- strikes
def ladder_for(spec: SymbolSpec, spot: float, dte: float) -> StrikeLadder:
    """Return the strike spacing for an expiry: fine near the money, coarse further out."""
    listing = spec.options
    ladder = listing.strikes if listing and listing.strikes else _equity_ladder(spot)
    if dte > LONG_DATED_DAYS:
        return StrikeLadder(ladder.coarse, 2.0 * ladder.coarse)
    return ladder


def _equity_ladder(spot: float) -> StrikeLadder:
    if spot < 25.0:
        return StrikeLadder(0.5, 1.0)
    if spot < 100.0:
        return StrikeLadder(1.0, 5.0)
    return StrikeLadder(2.5, 5.0)


def strikes(ladder: StrikeLadder, spot: float, move_sd: float) -> FloatArray:
    """Return strikes covering +-3.5 sd (at least +-8 %, at most x3), fine within +-1 sd (>= 3 %).

    ``move_sd`` is the expiry's standard deviation of log price (atm iv x sqrt(t)).
    """
    span = min(max(STRIKE_SPAN_SD * move_sd, MIN_STRIKE_SPAN), MAX_STRIKE_SPAN)
    near = max(move_sd, 0.03)
    fine = _multiples(ladder.fine, spot * np.exp(-near), spot * np.exp(near))
    coarse = _multiples(ladder.coarse, spot * np.exp(-span), spot * np.exp(span))
    grid: FloatArray = np.unique(np.round(np.concatenate([fine, coarse]), 6))
    return grid[grid > 0.0]


def _multiples(step: float, low: float, high: float) -> FloatArray:
    """Return multiples of ``step`` covering [low, high] (one beyond each end if needed)."""
    return np.arange(np.floor(low / step), np.ceil(high / step) + 1.0) * step


# ---------------------------------------------------------------- the chain
def build_chain(
    spec: SymbolSpec,
    spot: float,
    now: datetime,
    calendar: TradingCalendar,
    state: VolState,
    seed: int,
    session_progress: float,
) -> ChainArray:
    """Return every listed contract of ``spec`` at ``now`` with quotes, IV, delta, OI, volume.

    ``session_progress`` is the share (0-1) of today's session elapsed, which
    scales today's option volume.
    """
    listing = spec.options
    if listing is None:
        raise ValueError(f"{spec.symbol} has no listed options in the demo")
    days = expirations(spec.symbol, listing, calendar, now)
    if not days:
        return np.zeros(0, dtype=CHAIN_DTYPE)
    expiries = np.array(days, dtype="M8[D]")
    t, clock = _times_to_expiry(spec.symbol, calendar, now, days)
    atm = state.atm_iv(t, expiries, clock)
    rows = [_expiry_rows(spec, spot, d, t[i], atm[i], state) for i, d in enumerate(days)]
    counts = [len(r) for r in rows]
    chain = np.concatenate(rows)
    monthly = np.repeat([is_monthly(d) for d in days], counts)
    _quote(chain, spec, listing, spot, np.repeat(t, counts), seed)
    _interest(chain, spec, np.repeat(t, counts) * 365.0, monthly, spot, seed, session_progress)
    return chain


def _times_to_expiry(
    underlying: str, calendar: TradingCalendar, now: datetime, days: list[date]
) -> tuple[FloatArray, FloatArray]:
    """Return calendar years (365-day) and variance-clock years to each expiry instant.

    An AM-settled expiry stops at its session's open: its variance clock is
    the one to that session's close less the session's regular hours.
    """
    schedule = calendar.schedule(now.astimezone(EXCHANGE_TZ).date(), days[-1])
    stamp = now.timestamp()
    future = schedule.closes > stamp
    opens, closes = schedule.opens[future].astype(float), schedule.closes[future].astype(float)
    at = np.searchsorted(schedule.days[future], np.array(days, dtype="M8[D]"))
    am = np.array([is_am_settled(underlying, d, calendar) for d in days], dtype=bool)
    instant = np.where(am, opens[at], closes[at])
    t = np.maximum((instant - stamp) / SECONDS_PER_YEAR, MIN_YEARS)
    hours = (1.0 - OVERNIGHT_SHARE) * (closes[at] - opens[at]) / FULL_SESSION_SECONDS / 252.0
    clock = trading_years(opens, closes, stamp)[at] - np.where(am, hours, 0.0)
    return t, np.maximum(clock, MIN_YEARS)


def _expiry_rows(
    spec: SymbolSpec, spot: float, expiry: date, t: float, atm: float, state: VolState
) -> ChainArray:
    grid = strikes(ladder_for(spec, spot, t * 365.0), spot, atm * np.sqrt(t))
    rows = np.zeros(2 * len(grid), dtype=CHAIN_DTYPE)
    rows["expiry"] = np.datetime64(expiry, "D")
    rows["strike"] = np.repeat(grid, 2)
    rows["is_call"] = np.tile([True, False], len(grid))
    fwd = pricing.forward(spot, t, RISK_FREE_RATE, spec.dividend_yield)
    rows["iv"] = state.iv(
        np.full(len(rows), t), np.full(len(rows), atm), np.log(rows["strike"] / fwd)
    )
    return rows


def _quote(
    chain: ChainArray,
    spec: SymbolSpec,
    listing: OptionListing,
    spot: float,
    t: FloatArray,
    seed: int,
) -> None:
    """Fill bid, ask, last and delta in place from the model value at the surface IV."""
    args = (
        chain["is_call"],
        spot,
        chain["strike"],
        t,
        RISK_FREE_RATE,
        chain["iv"],
        spec.dividend_yield,
    )
    american = listing.settlement == "american"
    theo = american_price(*args) if american else pricing.price(*args)
    chain["delta"] = pricing.delta(*args)
    far = np.minimum(_sd_away(chain, spot, t), 4.0)
    half = 0.5 * (listing.spread_base * (1.0 + 0.25 * far) * (1.0 + t) + listing.spread_pct * theo)
    _bid_ask(chain, listing, theo, half, _contract_noise(seed, spec.symbol, chain, "last"))


def _sd_away(chain: ChainArray, spot: float, t: FloatArray) -> FloatArray:
    """Return each strike's distance from spot in standard deviations of the expiry's move."""
    away: FloatArray = np.abs(np.log(chain["strike"] / spot)) / (chain["iv"] * np.sqrt(t))
    return away


def _bid_ask(
    chain: ChainArray, listing: OptionListing, theo: FloatArray, half: FloatArray, noise: FloatArray
) -> None:
    """Quote ``half`` either side of theo on the tick grid; last trades inside the market."""
    ticks = listing.ticks
    bid_tick = np.where(theo - half < ticks.threshold, ticks.small, ticks.large)
    ask_tick = np.where(theo + half < ticks.threshold, ticks.small, ticks.large)
    bid = np.maximum(np.floor((theo - half) / bid_tick + 1e-9) * bid_tick, 0.0)
    ask = np.maximum(np.ceil((theo + half) / ask_tick - 1e-9) * ask_tick, bid + ask_tick)
    # Worthless: nobody bids, someone offers at 1-5 cents (one tick where the tick is 0.05).
    worthless = theo < 0.5 * ticks.small
    offer = ticks.small * np.maximum(np.ceil(noise * max(1.0, 0.05 / ticks.small)), 1.0)
    ask = np.where(worthless, offer, ask)
    chain["bid"] = np.round(bid, 2)
    chain["ask"] = np.round(ask, 2)
    mid = 0.5 * (bid + ask)
    last_tick = np.where(mid < ticks.threshold, ticks.small, ticks.large)
    last = np.round((mid + (noise - 0.5) * (ask - bid) * 0.8) / last_tick) * last_tick
    last = np.clip(last, np.maximum(bid, ticks.small), ask)
    chain["last"] = np.round(last, 2)


def _interest(
    chain: ChainArray,
    spec: SymbolSpec,
    dte: FloatArray,
    monthly: BoolArray,
    spot: float,
    seed: int,
    session_progress: float,
) -> None:
    """Set open interest (builds with listing age, peaks at the money) and today's volume."""
    sd_away = _sd_away(chain, spot, dte / 365.0)
    noise = _contract_noise(seed, spec.symbol, chain, "interest")
    base = spec.options.open_interest if spec.options else 0.0
    age = np.where(monthly, 2.5, 0.3 + 0.7 * np.minimum(dte / 30.0, 1.0))
    near = np.exp(-0.5 * (sd_away / 1.5) ** 2) + 0.02
    round_strike = np.where(np.isclose(np.mod(chain["strike"], _round_step(chain)), 0.0), 1.6, 1.0)
    oi = base * age * near * round_strike * np.exp(-dte / 400.0)
    oi = oi * np.exp(0.6 * (noise - 0.5))
    chain["open_interest"] = np.rint(oi).astype(np.int64)
    turnover = 0.05 + 1.5 * np.exp(-dte / 3.0)
    chain["volume"] = np.rint(oi * turnover * (0.5 + noise) * session_progress).astype(np.int64)


def _round_step(chain: ChainArray) -> FloatArray:
    """Return a 'round number' step per row: 10x the smallest strike gap."""
    gaps = np.diff(np.unique(chain["strike"]))
    step = 10.0 * (gaps.min() if len(gaps) else 1.0)
    return np.full(len(chain), step)


def _contract_noise(seed: int, symbol: str, chain: ChainArray, stream: str) -> FloatArray:
    """Return a stable uniform [0, 1) per contract from (seed, symbol, expiry, strike, side)."""
    key = np.rint(chain["strike"] * 1000.0).astype(np.uint64)
    key ^= chain["expiry"].astype(np.int64).astype(np.uint64) << np.uint64(32)
    key ^= chain["is_call"].astype(np.uint64) << np.uint64(63)
    salt = (seed * 0x9E3779B1 + zlib.crc32(f"{symbol}/{stream}".encode()) * 0x85EBCA77) % 2**64
    mixed = _splitmix(_splitmix(key ^ np.uint64(salt)))
    return (mixed >> np.uint64(11)).astype(np.float64) / 2.0**53


def _splitmix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    mixed: npt.NDArray[np.uint64] = x ^ (x >> np.uint64(31))
    return mixed
