"""The market a risk report is priced in: spot, chain, beta and dividends per underlying.

Spot comes from the option chain (what the marks were taken from) or, for
stock held without options, from a quote. Beta is the trader's override when
set, else the provider's, else measured from stored daily closes against
SPY, else assumed 1.0 — and the source is kept so the panel can say which.
A symbol the market data cannot price is reported, not dropped.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from workstation.domain.bars import Timeframe
from workstation.domain.chains import ChainSnapshot
from workstation.domain.metrics import SymbolMetrics
from workstation.engines.risk.beta import beta as measured_beta
from workstation.ports.marketdata import MarketDataError
from workstation.services.blocking import BlockingRunner, run_in_thread
from workstation.services.market_data import MarketDataService
from workstation.storage.bars import BarStore

log = logging.getLogger(__name__)

BENCHMARK = "SPY"


@dataclass(frozen=True, slots=True)
class UnderlyingMarket:
    """One underlying's market for risk: prices in dollars per share, yields decimals per year.

    ``chain`` is None for stock held without options (or when the chain
    could not be read; then ``problem`` says why). ``beta_source`` names where
    the beta came from: "your setting", the provider, "daily closes" or
    "assumed".
    """

    symbol: str
    spot: float
    chain: ChainSnapshot | None
    beta: float
    beta_source: str
    dividend_yield: float
    next_ex_dividend: date | None
    dividend: Decimal | None
    problem: str = ""


@dataclass(frozen=True, slots=True)
class RiskMarketSnapshot:
    """Every underlying's market and the benchmark's (SPY's) price in dollars."""

    underlyings: Mapping[str, UnderlyingMarket]
    benchmark_price: float
    problems: tuple[str, ...]


class RiskMarket:
    """Reads what the risk engines need from the workstation's market data."""

    def __init__(
        self, market: MarketDataService, bars: BarStore, run: BlockingRunner = run_in_thread
    ) -> None:
        self._market = market
        self._bars = bars
        self._run = run  # stored closes are read off the event loop

    async def snapshot(
        self,
        optioned: Iterable[str],
        stock_only: Iterable[str],
        today: date,
        beta_overrides: Mapping[str, float],
    ) -> RiskMarketSnapshot:
        """Return the market of every underlying (``optioned`` ones with their chains)."""
        found: dict[str, UnderlyingMarket] = {}
        problems: list[str] = []
        chains = {s: await self._chain(s, problems) for s in sorted(set(optioned))}
        quoted = sorted(set(stock_only) - chains.keys() | {BENCHMARK})
        spots = await self._spots(quoted, problems)
        for symbol in sorted(chains.keys() | set(stock_only)):
            chain = chains.get(symbol)
            spot = chain.spot if chain is not None else spots.get(symbol, math.nan)
            metrics = await self._metrics(symbol, today)
            beta = await self._beta(symbol, metrics, beta_overrides)
            found[symbol] = _underlying(symbol, spot, chain, metrics, beta)
        spy_chain = chains.get(BENCHMARK)
        benchmark = spy_chain.spot if spy_chain is not None else spots.get(BENCHMARK, math.nan)
        return RiskMarketSnapshot(found, benchmark, tuple(problems))

    async def _chain(self, symbol: str, problems: list[str]) -> ChainSnapshot | None:
        try:
            return await self._market.option_chain(symbol)
        except MarketDataError as exc:
            problems.append(f"{symbol}: no option chain ({exc}); its options are not priced")
            return None

    async def _spots(self, symbols: list[str], problems: list[str]) -> dict[str, float]:
        spots: dict[str, float] = {}
        for symbol in symbols:
            try:
                (quote,) = await self._market.refresh([symbol])
            except (MarketDataError, ValueError) as exc:
                problems.append(f"{symbol}: no quote ({exc})")
                continue
            spots[symbol] = quote.last
        return spots

    async def _metrics(self, symbol: str, today: date) -> SymbolMetrics:
        try:
            return await self._market.metrics(symbol, today)
        except MarketDataError as exc:
            log.warning("no metrics for %s: %s", symbol, exc)
            return SymbolMetrics(symbol)

    async def _beta(
        self, symbol: str, metrics: SymbolMetrics, overrides: Mapping[str, float]
    ) -> tuple[float, str]:
        if symbol in overrides:
            return overrides[symbol], "your setting"
        if math.isfinite(metrics.beta):
            return metrics.beta, metrics.source or "provider"
        measured = await self._run(self._measured_beta, symbol)
        if math.isfinite(measured):
            return measured, "daily closes"
        return 1.0, "assumed"

    def _measured_beta(self, symbol: str) -> float:
        """Beta from stored daily closes aligned by session with SPY's (NaN when too few)."""
        asset = self._bars.read(symbol, Timeframe.D1)
        bench = self._bars.read(BENCHMARK, Timeframe.D1)
        common, ia, ib = np.intersect1d(asset["ts"], bench["ts"], return_indices=True)
        if common.size == 0:
            return math.nan
        return measured_beta(asset["close"][ia], bench["close"][ib])


def _underlying(
    symbol: str,
    spot: float,
    chain: ChainSnapshot | None,
    metrics: SymbolMetrics,
    beta: tuple[float, str],
) -> UnderlyingMarket:
    problem = "" if math.isfinite(spot) and spot > 0 else f"{symbol}: no price"
    return UnderlyingMarket(
        symbol, spot, chain, beta[0], beta[1], metrics.dividend_yield,
        metrics.next_ex_dividend, metrics.dividend_amount, problem,
    )  # fmt: skip
