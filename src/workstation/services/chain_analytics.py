"""Analyse an option chain: IV, greeks and theoretical value per contract, the smile,
term structure, IV rank and expected moves per expiration.

Time to expiry comes from each expiration's real settlement instant (16:00
ET, the half-day close, or the AM settlement of standard index monthlies).
Forwards come from put-call parity per expiration, so the dividend yield is
implied by the market rather than guessed. Equity and ETF options use the
American model (Bjerksund–Stensland 2002), cash-settled index options
European BSM; the view names the model. For American chains the greeks and
theoretical values of the focused expiration use the American model; the
other expirations' greeks use BSM at the American IV (they feed only the
smile's deltas, where the difference is second order).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from workstation.domain.chains import ChainArray, ChainSnapshot
from workstation.domain.quotes import Quote
from workstation.engines.pricing.expiry import expiry_instant, is_am_settled, years_to_expiry
from workstation.engines.pricing.models import (
    ExerciseStyle,
    exercise_style,
    implied_volatilities,
    model_for,
)
from workstation.engines.pricing.parity import implied_forwards
from workstation.engines.sessions import TradingCalendar
from workstation.engines.volatility import (
    ChainColumns,
    IvStats,
    RegimeReading,
    RegimeRule,
    Smile,
    atm_straddles,
    classify_term,
    iv_stats,
    smiles,
    term_structure,
    vol_regime,
)
from workstation.ports.marketdata import IvHistory
from workstation.services.chain_sides import (
    expiry_moves,
    model_values,
    side_columns,
    strike_ladder,
)
from workstation.services.chain_view import ChainView, ExpiryDetail, ExpiryView

FloatArray = npt.NDArray[np.float64]
NEW_YORK = ZoneInfo("America/New_York")
DEFAULT_RATE = 0.04
HistoryReader = Callable[[str, date], IvHistory | None]


@dataclass(frozen=True, slots=True)
class _Expiry:
    """One expiration's scalars: years to its instant, forward, yield, ATM straddle."""

    day: date
    t: float
    forward: float
    dividend_yield: float
    straddle: float
    straddle_strike: float


@dataclass(frozen=True, slots=True, eq=False)
class _Contracts:
    """Per-row inputs and results, rows sorted by expiry, strike, calls first."""

    rows: ChainArray
    t: FloatArray
    q: FloatArray
    mark: FloatArray
    iv: FloatArray


class ChainAnalytics:
    """Turns a ChainSnapshot into a ChainView."""

    def __init__(
        self,
        calendar: TradingCalendar,
        *,
        rate: float = DEFAULT_RATE,
        history: HistoryReader | None = None,
        regime_rule: RegimeRule | None = None,
    ) -> None:
        self._calendar = calendar
        self.rate = rate
        self._history = history
        self._regime_rule = regime_rule or RegimeRule()

    def analyze(
        self,
        chain: ChainSnapshot,
        quote: Quote | None = None,
        focus: date | None = None,
        previous: ChainView | None = None,
        also: Collection[date] = (),
    ) -> ChainView:
        """Return the analysed chain; ``focus`` is the expiration shown in detail.

        ``also`` names further expirations to analyse in detail (the planner
        needs several); it forces a full analysis.

        With a ``previous`` view of the same underlying whose surface is younger
        than ``SURFACE_MAX_AGE``, only the focused expiration is re-analysed
        (its quotes, IVs, greeks and smile) and the other expirations keep
        their surface numbers, with their expected moves moved to the new spot.
        """
        if not also and _reusable(previous, chain, focus):
            assert previous is not None  # checked by _reusable
            assert focus is not None
            return self._refresh_focus(previous, chain, quote, focus)
        return self._analyze_all(chain, quote, focus, frozenset(also))

    def _analyze_all(
        self,
        chain: ChainSnapshot,
        quote: Quote | None,
        focus: date | None,
        also: frozenset[date] = frozenset(),
    ) -> ChainView:
        style = exercise_style(chain.underlying)
        spot = quote.last if quote is not None else chain.spot
        prev_close = quote.prev_close if quote is not None else math.nan
        rows = _sorted(chain.rows)
        expiries = np.unique(rows["expiry"])
        t_exp = self._years(chain.underlying, expiries, chain.as_of)
        forwards, yields = self._forwards(rows, expiries, t_exp, spot)
        contracts = self._contracts(rows, expiries, t_exp, yields, spot, style)
        chain_smiles = smiles(
            ChainColumns(
                rows["expiry"], contracts.t, rows["strike"], rows["is_call"], contracts.iv
            ),
            spot,
            forward_per_expiry=forwards,
            r=self.rate,
            q=float(np.nanmedian(yields)) if yields.size else 0.0,
        )
        focus = focus if focus is not None else _default_focus(expiries)
        detailed = {focus, *also}
        straddles = atm_straddles(
            rows["expiry"], rows["strike"], rows["is_call"], contracts.mark, spot
        )
        views = tuple(
            self._expiry_view(
                chain.underlying,
                _Expiry(
                    day.astype(object),
                    float(t_exp[i]),
                    float(forwards[i]),
                    float(yields[i]),
                    float(straddles.price[i]),
                    float(straddles.strike[i]),
                ),
                contracts,
                chain_smiles[i],
                spot,
                style,
                chain.as_of,
                detailed=day.astype(object) in detailed,
            )
            for i, day in enumerate(expiries)
        )
        term = term_structure(chain_smiles)
        reading = classify_term(term)
        iv30 = term.iv30
        stats, regime = self._rank(chain.underlying, iv30, chain.as_of)
        return ChainView(
            chain.underlying,
            chain.as_of,
            spot,
            prev_close,
            model_for(style).value,
            style.value,
            self.rate,
            chain.source,
            len(rows),
            views,
            term,
            reading,
            iv30,
            stats,
            regime,
            chain.as_of,
        )

    def _refresh_focus(
        self, previous: ChainView, chain: ChainSnapshot, quote: Quote | None, focus: date
    ) -> ChainView:
        """Re-analyse only the focused expiration; keep the rest of the surface."""
        style = exercise_style(chain.underlying)
        spot = quote.last if quote is not None else chain.spot
        day = np.datetime64(focus, "D")
        rows = _sorted(chain.rows[chain.rows["expiry"] == day])
        t = self._years(chain.underlying, np.array([day]), chain.as_of)
        forward, dividend_yield = self._forwards(rows, np.array([day]), t, spot)
        contracts = self._contracts(rows, np.array([day]), t, dividend_yield, spot, style)
        smile = smiles(
            ChainColumns(
                rows["expiry"], contracts.t, rows["strike"], rows["is_call"], contracts.iv
            ),
            spot,
            forward_per_expiry=forward,
            r=self.rate,
            q=float(dividend_yield[0]),
        )[0]
        straddle = atm_straddles(
            rows["expiry"], rows["strike"], rows["is_call"], contracts.mark, spot
        )
        summary = _Expiry(
            focus,
            float(t[0]),
            float(forward[0]),
            float(dividend_yield[0]),
            float(straddle.price[0]),
            float(straddle.strike[0]),
        )
        fresh = self._expiry_view(
            chain.underlying, summary, contracts, smile, spot, style, chain.as_of, detailed=True
        )
        views = tuple(fresh if v.expiry == focus else _moved(v, spot) for v in previous.expiries)
        prev_close = quote.prev_close if quote is not None else previous.prev_close
        return replace(
            previous,
            as_of=chain.as_of,
            spot=spot,
            prev_close=prev_close,
            contracts=len(chain.rows),
            expiries=views,
            source=chain.source,
        )

    # ------------------------------------------------------------------ inputs
    def _years(
        self, underlying: str, expiries: npt.NDArray[np.datetime64], now: datetime
    ) -> FloatArray:
        instants = [expiry_instant(underlying, d.astype(object), self._calendar) for d in expiries]
        return np.asarray(years_to_expiry(now, instants), dtype=np.float64)

    def _forwards(
        self, rows: ChainArray, expiries: npt.NDArray[np.datetime64], t_exp: FloatArray, spot: float
    ) -> tuple[FloatArray, FloatArray]:
        index = np.searchsorted(expiries, rows["expiry"])
        return implied_forwards(
            index, rows["strike"], rows["is_call"], _mark(rows), spot, t_exp, self.rate
        )

    def _contracts(
        self,
        rows: ChainArray,
        expiries: npt.NDArray[np.datetime64],
        t_exp: FloatArray,
        yields: FloatArray,
        spot: float,
        style: ExerciseStyle,
    ) -> _Contracts:
        index = np.searchsorted(expiries, rows["expiry"])
        t, q = t_exp[index], yields[index]
        mark = _mark(rows)
        iv = implied_volatilities(
            style, mark, rows["is_call"], spot, rows["strike"], t, self.rate, q
        ).sigma
        return _Contracts(rows, t, q, mark, iv)

    # ------------------------------------------------------------------ one expiry
    def _expiry_view(
        self,
        underlying: str,
        e: _Expiry,
        contracts: _Contracts,
        smile: Smile,
        spot: float,
        style: ExerciseStyle,
        now: datetime,
        *,
        detailed: bool,
    ) -> ExpiryView:
        """Summary of every expiration; strikes, quotes and greeks only for the focused one."""
        sessions = self._sessions_until(e.day, now)
        moves = expiry_moves(
            spot, smile.atm_iv, e.t * 365.0, sessions, e.straddle, e.straddle_strike
        )
        settlement = "AM" if is_am_settled(underlying, e.day, self._calendar) else "PM"
        detail = self._detail(e, contracts, smile, spot, style) if detailed else None
        return ExpiryView(
            e.day,
            e.t * 365.0,
            sessions,
            settlement,
            e.t,
            e.forward,
            e.dividend_yield,
            detail,
            smile.atm_iv,
            smile.skew.risk_reversal,
            smile.skew.skew_ratio,
            moves,
        )

    def _detail(
        self, e: _Expiry, contracts: _Contracts, smile: Smile, spot: float, style: ExerciseStyle
    ) -> ExpiryDetail:
        day, expiry = np.datetime64(e.day, "D"), contracts.rows["expiry"]  # rows sorted by expiry
        pick = slice(
            int(np.searchsorted(expiry, day, "left")), int(np.searchsorted(expiry, day, "right"))
        )
        rows = contracts.rows[pick]
        iv, mark, q = contracts.iv[pick], contracts.mark[pick], contracts.q[pick]
        values = model_values(style, rows, iv, spot, e.t, self.rate, q, smile)
        ladder = strike_ladder(rows)
        return ExpiryDetail(
            ladder,
            side_columns(ladder, rows, True, mark, iv, values),
            side_columns(ladder, rows, False, mark, iv, values),
        )

    def _sessions_until(self, day: date, now: datetime) -> int:
        today = now.astimezone(NEW_YORK).date()
        if day < today:
            return 0
        sessions = self._calendar.sessions(today, day)
        if sessions and sessions[0] == today and now >= self._calendar.session_bounds(today)[1]:
            sessions = sessions[1:]
        return len(sessions)

    def _rank(
        self, underlying: str, iv30: float, now: datetime
    ) -> tuple[IvStats | None, RegimeReading | None]:
        if self._history is None or not math.isfinite(iv30):
            return None, None
        as_of = now.astimezone(NEW_YORK).date()
        history = self._history(underlying, as_of)
        if history is None or len(history.rows) == 0:
            return None, None
        stats = iv_stats(history.rows["date"], history.rows["iv"], iv30, as_of=as_of)
        return stats, vol_regime(stats, self._regime_rule)


# ---------------------------------------------------------------------- helpers
SURFACE_MAX_AGE = timedelta(seconds=1)  # the whole surface is re-analysed at least this often


def _reusable(previous: ChainView | None, chain: ChainSnapshot, focus: date | None) -> bool:
    """True when the previous view's surface can stand and only the focus needs work."""
    return (
        previous is not None
        and focus is not None
        and previous.underlying == chain.underlying
        and chain.as_of - previous.surface_as_of < SURFACE_MAX_AGE
        and chain.as_of >= previous.surface_as_of
        and previous.expiry(focus) is not None
    )


def _moved(view: ExpiryView, spot: float) -> ExpiryView:
    """An expiration's summary with its expected-move levels around the new spot."""
    m = view.moves
    moves = expiry_moves(spot, view.atm_iv, view.days, view.sessions, m.straddle, m.straddle_strike)
    return replace(view, moves=moves, detail=None)


def _sorted(rows: ChainArray) -> ChainArray:
    order = np.lexsort((~rows["is_call"], rows["strike"], rows["expiry"]))
    ordered: ChainArray = rows[order]
    return ordered


def _default_focus(expiries: npt.NDArray[np.datetime64]) -> date | None:
    return expiries[0].astype(object) if expiries.size else None


def _mark(rows: ChainArray) -> FloatArray:
    """Mid of bid and ask where the market is two-sided and not crossed; NaN otherwise."""
    bid, ask = rows["bid"], rows["ask"]
    good = (ask > 0) & (bid >= 0) & (ask >= bid)
    mark: FloatArray = np.where(good, 0.5 * (bid + ask), np.nan)
    return mark
