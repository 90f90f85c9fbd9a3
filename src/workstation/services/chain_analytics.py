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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
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
from workstation.engines.pricing.parity import implied_forward
from workstation.engines.sessions import TradingCalendar
from workstation.engines.volatility import (
    ChainColumns,
    IvStats,
    RegimeReading,
    RegimeRule,
    Smile,
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
    on_ladder,
    side_columns,
    strike_ladder,
)
from workstation.services.chain_view import ChainView, ExpiryView

FloatArray = npt.NDArray[np.float64]
NEW_YORK = ZoneInfo("America/New_York")
DEFAULT_RATE = 0.04
HistoryReader = Callable[[str, date], IvHistory | None]


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
        self, chain: ChainSnapshot, quote: Quote | None = None, focus: date | None = None
    ) -> ChainView:
        """Return the analysed chain; ``focus`` is the expiration shown in detail."""
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
        views = tuple(
            self._expiry_view(
                chain.underlying,
                day.astype(object),
                float(t_exp[i]),
                float(forwards[i]),
                float(yields[i]),
                contracts,
                chain_smiles[i],
                spot,
                style,
                chain.as_of,
                detailed=day.astype(object) == focus,
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
            views,
            term,
            reading,
            iv30,
            stats,
            regime,
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
        forwards = np.empty(expiries.size)
        yields = np.empty(expiries.size)
        for i, day in enumerate(expiries):
            group = rows[rows["expiry"] == day]
            ladder, mark = strike_ladder(group), _mark(group)
            calls, puts = group["is_call"], ~group["is_call"]
            found = implied_forward(
                ladder,
                on_ladder(ladder, group["strike"][calls], mark[calls]),
                on_ladder(ladder, group["strike"][puts], mark[puts]),
                spot,
                float(t_exp[i]),
                self.rate,
            )
            forwards[i], yields[i] = found.forward, found.dividend_yield
        return forwards, yields

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
        day: date,
        t: float,
        forward: float,
        dividend_yield: float,
        contracts: _Contracts,
        smile: Smile,
        spot: float,
        style: ExerciseStyle,
        now: datetime,
        *,
        detailed: bool,
    ) -> ExpiryView:
        pick = contracts.rows["expiry"] == np.datetime64(day, "D")
        rows = contracts.rows[pick]
        iv, mark, q = contracts.iv[pick], contracts.mark[pick], contracts.q[pick]
        model_style = style if detailed else ExerciseStyle.EUROPEAN
        values = model_values(model_style, rows, iv, spot, t, self.rate, q, smile)
        ladder = strike_ladder(rows)
        sessions = self._sessions_until(day, now)
        moves = expiry_moves(spot, smile.atm_iv, t * 365.0, sessions, rows, mark)
        settlement = "AM" if is_am_settled(underlying, day, self._calendar) else "PM"
        return ExpiryView(
            day,
            t * 365.0,
            sessions,
            settlement,
            t,
            forward,
            dividend_yield,
            ladder,
            side_columns(ladder, rows, True, mark, iv, values),
            side_columns(ladder, rows, False, mark, iv, values),
            smile.atm_iv,
            smile.skew.risk_reversal,
            moves,
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
