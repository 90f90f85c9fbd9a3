"""FallbackMarketData: each request answered by the first provider that can."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime

import pytest

from workstation.adapters.marketdata.live import FallbackMarketData
from workstation.domain.bars import BarSeries, Timeframe, empty_bars
from workstation.domain.chains import ChainSnapshot
from workstation.domain.event_calendar import CalendarEvent
from workstation.domain.metrics import SymbolMetrics
from workstation.domain.quotes import Quote
from workstation.ports.marketdata import IvHistory, MarketDataError, UnknownSymbol

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
DAY = date(2026, 11, 20)


class Partial:
    """A provider that knows ``symbols`` and serves only the requests in ``serves``."""

    def __init__(self, name: str, symbols: set[str], serves: set[str]) -> None:
        self.name, self.symbols, self.serves = name, symbols, serves
        self.asked: list[str] = []
        self.closed = False

    def _check(self, request: str, symbol: str) -> None:
        self.asked.append(request)
        if request not in self.serves:
            raise MarketDataError(f"{self.name} does not provide {request}")
        if symbol not in self.symbols:
            raise UnknownSymbol(f"{self.name}: unknown symbol {symbol}")

    async def quotes(self, symbols: Sequence[str]) -> list[Quote]:
        self.asked.append("quotes")
        known = [s for s in symbols if s in self.symbols]
        if not known:
            raise UnknownSymbol(f"{self.name}: unknown symbol {', '.join(symbols)}")
        return [Quote(s, 100.0, 99.0, NOW, source=self.name) for s in known]

    async def bars(
        self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime
    ) -> BarSeries:
        self._check("bars", symbol)
        return BarSeries(symbol, timeframe, empty_bars(0))

    async def option_chain(self, underlying: str) -> ChainSnapshot:
        raise NotImplementedError

    async def iv_history(self, underlying: str, start: date, end: date) -> IvHistory:
        self._check("iv", underlying)
        raise NotImplementedError

    async def earnings(self, symbol: str, start: date, end: date) -> list[CalendarEvent]:
        self._check("earnings", symbol)
        return []

    async def metrics(self, symbol: str, on: date) -> SymbolMetrics:
        self._check("metrics", symbol)
        return SymbolMetrics(symbol, 1.1, source=self.name)

    async def stream(self, symbols: Sequence[str]) -> AsyncIterator[list[Quote]]:
        yield [Quote(s, 1.0, 1.0, NOW, source=self.name) for s in symbols]

    async def aclose(self) -> None:
        self.closed = True


@pytest.fixture
def pair() -> tuple[Partial, Partial, FallbackMarketData]:
    schwab = Partial("schwab", {"SPY", "SPX"}, {"quotes", "bars"})
    tasty = Partial("tastytrade", {"SPY", "AAPL"}, {"quotes", "earnings", "metrics"})
    return schwab, tasty, FallbackMarketData([schwab, tasty])


async def test_the_first_provider_answers_what_it_can(
    pair: tuple[Partial, Partial, FallbackMarketData],
) -> None:
    _schwab, tasty, market = pair
    assert market.name == "schwab+tastytrade"
    (quote,) = await market.quotes(["SPY"])
    assert quote.source == "schwab"
    assert tasty.asked == []
    await market.bars("SPY", Timeframe.D1, NOW, NOW)
    assert tasty.asked == []


async def test_what_it_lacks_comes_from_the_next(
    pair: tuple[Partial, Partial, FallbackMarketData],
) -> None:
    schwab, _tasty, market = pair
    assert (await market.metrics("SPY", DAY)).source == "tastytrade"
    assert await market.earnings("SPY", DAY, DAY) == []
    (quote,) = await market.quotes(["AAPL"])  # unknown to schwab
    assert quote.source == "tastytrade"
    assert schwab.asked == ["metrics", "earnings", "quotes"]


async def test_quotes_take_each_symbol_from_the_first_provider_that_knows_it(
    pair: tuple[Partial, Partial, FallbackMarketData],
) -> None:
    _schwab, tasty, market = pair
    quotes = await market.quotes(["AAPL", "SPX", "ZZZ", "SPY"])
    assert [(q.symbol, q.source) for q in quotes] == [
        ("AAPL", "tastytrade"), ("SPX", "schwab"), ("SPY", "schwab"),
    ]  # fmt: skip
    assert tasty.asked == ["quotes"]


async def test_unknown_everywhere_is_unknown_and_names_each_provider(
    pair: tuple[Partial, Partial, FallbackMarketData],
) -> None:
    _, _, market = pair
    with pytest.raises(UnknownSymbol, match="schwab: unknown symbol ZZZ; tastytrade: unknown"):
        await market.quotes(["ZZZ"])


async def test_a_mix_of_failures_is_a_market_data_error(
    pair: tuple[Partial, Partial, FallbackMarketData],
) -> None:
    _, _, market = pair
    with pytest.raises(MarketDataError) as caught:
        await market.iv_history("SPY", DAY, DAY)
    assert not isinstance(caught.value, UnknownSymbol)
    assert "schwab does not provide iv" in str(caught.value)
    assert "tastytrade does not provide iv" in str(caught.value)


async def test_stream_comes_from_the_first_and_close_closes_all(
    pair: tuple[Partial, Partial, FallbackMarketData],
) -> None:
    schwab, tasty, market = pair
    batch = await anext(aiter(market.stream(["SPY"])))
    assert batch[0].source == "schwab"
    await market.aclose()
    assert schwab.closed
    assert tasty.closed


def test_at_least_one_provider() -> None:
    with pytest.raises(ValueError, match="at least one"):
        FallbackMarketData([])
