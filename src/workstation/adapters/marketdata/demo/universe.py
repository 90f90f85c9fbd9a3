"""The demo market's universe: frozen specs of every simulated symbol.

Price levels are anchored on the closes of 2026-01-02 (the walk runs forward
and backward from there). Volatilities, yields and dividend yields are
decimals per year; volumes are shares per day; spreads are dollars.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from workstation.domain.instruments import InstrumentKind
from workstation.ports.marketdata import UnknownSymbol

ANCHOR_SESSION = date(2026, 1, 2)
MARKET_SYMBOL = "SPX"
RISK_FREE_RATE = 0.04  # continuously compounded, per year
UNIVERSE_MARKET_VOL = 0.15  # long-run volatility of the market factor (SPX), per year
VIX_MARKET_CORR = -0.8  # VIX minute moves against the S&P 500's


@dataclass(frozen=True, slots=True)
class StrikeLadder:
    """Strike spacing: ``fine`` near the money, ``coarse`` further out (dollars or points)."""

    fine: float
    coarse: float


@dataclass(frozen=True, slots=True)
class OptionTicks:
    """Minimum price increments of the options: ``small`` below ``threshold``, else ``large``."""

    small: float = 0.01
    large: float = 0.05
    threshold: float = 3.0


@dataclass(frozen=True, slots=True)
class OptionListing:
    """How a symbol's options are listed and quoted in the demo.

    ``strikes`` None means equity rules by price level (see chains.py).
    ``spread_base`` dollars plus ``spread_pct`` of the value is the typical
    width near the money; ``open_interest`` is contracts at the money of a
    monthly.
    """

    settlement: str  # "american" or "european"
    dailies: bool
    ticks: OptionTicks
    spread_base: float
    spread_pct: float
    open_interest: float
    strikes: StrikeLadder | None = None


@dataclass(frozen=True, slots=True)
class Earnings:
    """Quarterly earnings: report dates as (month, day), after the close; move sd (decimal)."""

    dates: tuple[tuple[int, int], ...]
    move: float


@dataclass(frozen=True, slots=True)
class SymbolSpec:
    """One simulated symbol.

    ``vol`` is the long-run total volatility (decimal per year); ``beta`` the
    loading on the market factor (SPX returns); ``tracks`` names the
    index an ETF follows; ``skew`` is (slope, curvature) of the smile per
    standard deviation of log-moneyness (see surface.py).
    """

    symbol: str
    description: str
    kind: InstrumentKind
    anchor_close: float
    vol: float
    beta: float
    dividend_yield: float = 0.0
    volume: float = 0.0
    quote_spread: float = 0.01
    tracks: str | None = None
    expense_ratio: float = 0.0
    earnings: Earnings | None = None
    options: OptionListing | None = None
    skew: tuple[float, float] = (-0.10, 0.20)

    @property
    def is_index(self) -> bool:
        """True for indices (no volume, no bid/ask)."""
        return self.kind is InstrumentKind.INDEX

    @property
    def market_corr(self) -> float:
        """Return the correlation of its minute moves with the market's (-1 to 1)."""
        if self.symbol == "VIX":
            return VIX_MARKET_CORR
        if self.vol <= 0.0:
            return 0.0
        return min(1.0, self.beta * UNIVERSE_MARKET_VOL / self.vol)


_INDEX_TICKS = OptionTicks(0.05, 0.10)
_PENNY_TICKS = OptionTicks(0.01, 0.01)
_EQUITY_TICKS = OptionTicks(0.01, 0.05)
_INDEX_SKEW = (-0.24, 0.26)


def _index_options(
    spread_base: float, oi: float, ladder: StrikeLadder, dailies: bool
) -> OptionListing:
    return OptionListing("european", dailies, _INDEX_TICKS, spread_base, 0.006, oi, ladder)


def _etf_options(oi: float, spread_pct: float) -> OptionListing:
    return OptionListing(
        "american", True, _PENNY_TICKS, 0.01, spread_pct, oi, StrikeLadder(1.0, 5.0)
    )


def _equity_options(spread_base: float, oi: float) -> OptionListing:
    return OptionListing("american", False, _EQUITY_TICKS, spread_base, 0.008, oi)


_I, _E, _S = InstrumentKind.INDEX, InstrumentKind.ETF, InstrumentKind.EQUITY

_SPECS = (
    SymbolSpec(
        "SPX",
        "S&P 500 Index",
        _I,
        anchor_close=6850.0,
        vol=0.15,
        beta=1.0,
        dividend_yield=0.012,
        options=_index_options(0.10, 8000, StrikeLadder(5, 25), True),
        skew=_INDEX_SKEW,
    ),
    SymbolSpec(
        "NDX",
        "Nasdaq-100 Index",
        _I,
        anchor_close=25200.0,
        vol=0.20,
        beta=1.25,
        dividend_yield=0.006,
        options=_index_options(0.50, 800, StrikeLadder(10, 50), True),
        skew=_INDEX_SKEW,
    ),
    SymbolSpec(
        "DJI",
        "Dow Jones Industrial Average",
        _I,
        anchor_close=48000.0,
        vol=0.145,
        beta=0.9,
        dividend_yield=0.017,
    ),
    SymbolSpec(
        "RUT",
        "Russell 2000 Index",
        _I,
        anchor_close=2480.0,
        vol=0.22,
        beta=1.25,
        dividend_yield=0.011,
        options=_index_options(0.20, 1500, StrikeLadder(5, 25), False),
        skew=_INDEX_SKEW,
    ),
    SymbolSpec("VIX", "Cboe Volatility Index", _I, anchor_close=15.0, vol=0.0, beta=0.0),
    SymbolSpec(
        "SPY",
        "SPDR S&P 500 ETF Trust",
        _E,
        anchor_close=6850.0 / 10.03,
        vol=0.15,
        beta=1.0,
        dividend_yield=0.012,
        volume=60e6,
        tracks="SPX",
        expense_ratio=0.000945,
        options=_etf_options(40000, 0.004),
        skew=_INDEX_SKEW,
    ),
    SymbolSpec(
        "QQQ",
        "Invesco QQQ Trust",
        _E,
        anchor_close=25200.0 / 41.0,
        vol=0.20,
        beta=1.25,
        dividend_yield=0.006,
        volume=45e6,
        tracks="NDX",
        expense_ratio=0.0020,
        options=_etf_options(25000, 0.005),
        skew=_INDEX_SKEW,
    ),
    SymbolSpec(
        "IWM",
        "iShares Russell 2000 ETF",
        _E,
        anchor_close=2480.0 / 9.9,
        vol=0.22,
        beta=1.25,
        dividend_yield=0.011,
        volume=30e6,
        tracks="RUT",
        expense_ratio=0.0019,
        options=_etf_options(20000, 0.008),
        skew=_INDEX_SKEW,
    ),
    SymbolSpec(
        "AAPL",
        "Apple Inc.",
        _S,
        anchor_close=270.0,
        vol=0.28,
        beta=1.1,
        dividend_yield=0.004,
        volume=50e6,
        earnings=Earnings(((1, 29), (4, 30), (7, 30), (10, 29)), 0.04),
        options=_equity_options(0.02, 20000),
    ),
    SymbolSpec(
        "MSFT",
        "Microsoft Corp.",
        _S,
        anchor_close=480.0,
        vol=0.25,
        beta=1.0,
        dividend_yield=0.007,
        volume=22e6,
        quote_spread=0.02,
        earnings=Earnings(((1, 28), (4, 29), (7, 29), (10, 28)), 0.045),
        options=_equity_options(0.03, 8000),
    ),
    SymbolSpec(
        "NVDA",
        "NVIDIA Corp.",
        _S,
        anchor_close=188.0,
        vol=0.50,
        beta=1.7,
        dividend_yield=0.0002,
        volume=170e6,
        earnings=Earnings(((2, 25), (5, 27), (8, 26), (11, 19)), 0.07),
        options=_equity_options(0.02, 40000),
    ),
    SymbolSpec(
        "TSLA",
        "Tesla, Inc.",
        _S,
        anchor_close=440.0,
        vol=0.60,
        beta=1.9,
        volume=90e6,
        quote_spread=0.03,
        earnings=Earnings(((1, 28), (4, 22), (7, 22), (10, 21)), 0.09),
        options=_equity_options(0.03, 25000),
    ),
    SymbolSpec(
        "AMZN",
        "Amazon.com, Inc.",
        _S,
        anchor_close=228.0,
        vol=0.32,
        beta=1.2,
        volume=40e6,
        earnings=Earnings(((2, 5), (4, 30), (7, 30), (10, 29)), 0.06),
        options=_equity_options(0.02, 15000),
    ),
)

UNIVERSE = MappingProxyType({s.symbol: s for s in _SPECS})
UNDERLYINGS = ("SPY", "QQQ", "IWM", "AAPL", "MSFT", "NVDA", "TSLA", "AMZN")
INDICES = ("SPX", "NDX", "DJI", "RUT", "VIX")


def spec_of(symbol: str) -> SymbolSpec:
    """Return the spec of ``symbol`` (case-insensitive) or raise UnknownSymbol naming it."""
    spec = UNIVERSE.get(symbol.strip().upper())
    if spec is None:
        known = ", ".join(UNIVERSE)
        raise UnknownSymbol(f"demo market data: unknown symbol {symbol!r} (the demo has {known})")
    return spec
