"""Alerts from market structure and quotes: the context each rule sees, and the live step.

Every few seconds (the schedule's structure job) ``step()`` advances the
structure trackers of the watched tickers; their new events go to the
structure rules, and each ticker's latest price to the price / IV rank /
expected-move rules. The context of a ticker is built from its own chart
(session VWAP, the 200-period EMA, the last break of structure) and from its
option chain (IV rank, the one-day expected move), the latter refreshed every
``CHAIN_REFRESH`` because a chain analysis costs far more than a bar.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import numpy as np

from workstation.domain.bars import BarArray
from workstation.domain.playbook import Direction, MarketContext, Trend
from workstation.domain.structure import EventKind, StructArray, Structure
from workstation.engines.sessions import EXCHANGE_TZ
from workstation.ports.clock import Clock
from workstation.ports.marketdata import MarketDataError
from workstation.services.alert_rules import AlertRuleService
from workstation.services.expected_move import ExpectedMoveService
from workstation.services.market_data import MarketDataService
from workstation.services.structure import StructureService

log = logging.getLogger(__name__)

CHAIN_REFRESH = timedelta(minutes=5)
TREND_SPAN = 200  # bars of the EMA that sets the trend
TREND_SLOPE_BARS = 20  # the EMA must have risen (fallen) over this many bars for a trend
_BREAKS = (EventKind.BREAK_OF_STRUCTURE, EventKind.CHANGE_OF_CHARACTER)


@dataclass(frozen=True, slots=True)
class OptionsContext:
    """What a ticker's chain says: IV rank (0-100) and the one-day expected move (dollars)."""

    iv_rank: float | None
    expected_move: float | None
    read_at: datetime


def trend_of(closes: np.ndarray, ema: np.ndarray | None) -> Trend | None:
    """Up when the last close is above a rising EMA, down below a falling one, else sideways.

    None when the EMA is not known yet (fewer bars than its span).
    """
    if ema is None or len(ema) <= TREND_SLOPE_BARS or not len(closes):
        return None
    now, before = float(ema[-1]), float(ema[-1 - TREND_SLOPE_BARS])
    if math.isnan(now) or math.isnan(before):
        return None
    close = float(closes[-1])
    if close > now > before:
        return Trend.UP
    if close < now < before:
        return Trend.DOWN
    return Trend.SIDEWAYS


def bias_of(structure: Structure) -> Direction | None:
    """The direction of the last break of structure or change of character (None: none yet)."""
    breaks = structure.events[np.isin(structure.events["kind"], [int(k) for k in _BREAKS])]
    if not len(breaks):
        return None
    return Direction.BULLISH if int(breaks["side"][-1]) > 0 else Direction.BEARISH


def prior_close(bars: BarArray) -> float | None:
    """The last close before the New York day of the last bar (the expected move's anchor)."""
    if not len(bars):
        return None
    last = datetime.fromtimestamp(int(bars["ts"][-1]), EXCHANGE_TZ)
    midnight = datetime.combine(last.date(), time(), EXCHANGE_TZ).timestamp()
    before = bars["close"][bars["ts"] < midnight]
    return float(before[-1]) if len(before) else None


def chart_context(
    symbol: str, structure: Structure, bars: BarArray, options: OptionsContext | None
) -> MarketContext | None:
    """The context of ``symbol`` after the last closed bar (None before the first bar)."""
    n = len(structure.vwap)
    if n == 0:
        return None
    closes = bars["close"][:n]
    vwap = float(structure.vwap[-1])
    return MarketContext(
        symbol,
        float(closes[-1]),
        bias=bias_of(structure),
        iv_rank=None if options is None else options.iv_rank,
        expected_move=None if options is None else options.expected_move,
        vwap=vwap if math.isfinite(vwap) and vwap > 0 else None,
        trend=trend_of(closes, structure.emas.get(TREND_SPAN)),
        reference_price=prior_close(bars[:n]),
    )


class StructureAlerts:
    """Runs the structure step and hands events and prices to the alert rules."""

    def __init__(
        self,
        structure: StructureService,
        rules: AlertRuleService,
        market: MarketDataService,
        expected_move: ExpectedMoveService,
        clock: Clock,
    ) -> None:
        self.structure, self._rules, self._market = structure, rules, market
        self._moves, self._clock = expected_move, clock
        self._options: dict[str, OptionsContext] = {}
        self._contexts: dict[str, MarketContext] = {}
        structure.evaluate = self.evaluate_events

    async def step(self) -> None:
        """One live step: structure first (events), then every watched ticker's price."""
        await self.structure.step()
        for symbol in self.structure.watched:
            quote = self._market.latest(symbol)
            if quote is None or not math.isfinite(quote.last) or quote.last <= 0:
                continue
            await self._rules.evaluate_quote(symbol, quote.last, self._contexts.get(symbol))

    async def evaluate_events(
        self, symbol: str, events: StructArray, structure: Structure, bars: BarArray
    ) -> object:
        """Hand new structure events of ``symbol`` to the rules with the ticker's context."""
        options = await self._options_of(symbol)
        context = chart_context(symbol, structure, bars, options)
        if context is None:
            return []
        self._contexts[symbol] = context
        return await self._rules.evaluate_structure(symbol, events, context, bars["ts"])

    async def _options_of(self, symbol: str) -> OptionsContext | None:
        now = self._clock.now()
        held = self._options.get(symbol)
        if held is not None and now - held.read_at < CHAIN_REFRESH:
            return held
        try:
            report = await self._moves.expected_move(symbol, 1)
        except (MarketDataError, ValueError, LookupError) as exc:
            log.info("%s: no chain context for alerts (%s)", symbol, exc)
            return held
        rank = report.iv_stats.rank if report.iv_stats is not None else math.nan
        move = report.calendar.move
        options = OptionsContext(
            rank if math.isfinite(rank) else None,
            move if math.isfinite(move) and move > 0 else None,
            now,
        )
        self._options[symbol] = options
        return options
