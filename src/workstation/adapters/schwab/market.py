"""Schwab market data wire -> domain: quotes, option chains, expirations and price history.

Market-data prices are floats (dollars per share, index points). Schwab
quotes chain ``volatility`` in PERCENT and sends -999 where it has no value;
the contracts here carry ``iv`` as a decimal (0.185 = 18.5 %) and NaN where
unknown. Indices are ``$SPX`` on the wire and ``SPX`` in the workstation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import numpy as np

from workstation.adapters.csv.cells import RowError
from workstation.adapters.csv.contracts import listed_option
from workstation.adapters.schwab import wire
from workstation.domain.bars import BarSeries, Timeframe, empty_bars, validate_bars
from workstation.domain.chains import CHAIN_DTYPE, ChainSnapshot
from workstation.domain.instruments import INDEX_SYMBOLS
from workstation.domain.occ import OptionRight
from workstation.domain.quotes import Quote
from workstation.engines.bars import resample
from workstation.ports.broker import BrokerDataError

SOURCE = "schwab"
MISSING = -999.0  # Schwab's "no value" in chains
INDEX_PREFIX = "$"
HOURLY_ORIGIN = 1800  # hourly bars start at :30, aligned to the 09:30 ET open

#: Timeframe -> (periodType, frequencyType, frequency) of ``/pricehistory``. Schwab has no
#: hourly bars: H1 is built from 30-minute bars.
HISTORY_PARAMS = {
    Timeframe.M1: ("day", "minute", 1),
    Timeframe.M5: ("day", "minute", 5),
    Timeframe.M15: ("day", "minute", 15),
    Timeframe.H1: ("day", "minute", 30),
    Timeframe.D1: ("year", "daily", 1),
}


def wire_symbol(symbol: str) -> str:
    """Return the symbol Schwab wants: ``$SPX`` for an index, else unchanged."""
    return INDEX_PREFIX + symbol if symbol in INDEX_SYMBOLS else symbol


def workstation_symbol(symbol: str) -> str:
    """Return the workstation's spelling of a Schwab symbol (``$SPX`` -> ``SPX``)."""
    return symbol.removeprefix(INDEX_PREFIX)


# ------------------------------------------------------------------ quotes


def split_quote_errors(payload: Any) -> tuple[Any, list[str]]:
    """Return the quotes map without its ``errors`` entry, and the symbols Schwab refused."""
    if not isinstance(payload, dict) or "errors" not in payload:
        return payload, []
    rest = {key: value for key, value in payload.items() if key != "errors"}
    errors = payload["errors"]
    refused = errors.get("invalidSymbols", []) if isinstance(errors, dict) else []
    return rest, [str(symbol) for symbol in refused]


def parse_quotes(entries: dict[str, wire.QuoteEntry], now: datetime) -> list[Quote]:
    """Return a Quote per entry (NaN bid/ask for indices); ``now`` when Schwab gives no time."""
    quotes = []
    for entry in entries.values():
        block = entry.quote
        if block is None:
            raise BrokerDataError(f"schwab quotes: field '{entry.symbol}.quote' is missing")
        stamp = block.quote_time or block.trade_time
        quotes.append(
            Quote(
                symbol=workstation_symbol(entry.symbol),
                last=block.last_price,
                prev_close=block.close_price,
                ts=now if stamp is None else _from_ms(stamp),
                bid=block.bid_price,
                ask=block.ask_price,
                volume=block.total_volume,
                source=SOURCE,
            )
        )
    return quotes


def _from_ms(milliseconds: int) -> datetime:
    return datetime.fromtimestamp(milliseconds / 1000, UTC)


# ------------------------------------------------------------------ chains


@dataclass(frozen=True, slots=True)
class OptionContract:
    """One listed option as the chain reports it.

    Prices are dollars per share; ``iv`` is a decimal (0.185 = 18.5 %, NaN
    when Schwab has none); greeks per share per contract unit (theta per
    day, vega per 1 vol point as Schwab quotes them); ``strike`` per share.
    """

    symbol: str
    underlying: str
    expiry: date
    strike: Decimal
    right: OptionRight
    bid: float
    ask: float
    last: float
    mark: float
    iv: float
    delta: float
    gamma: float
    theta: float
    vega: float
    open_interest: int
    volume: int
    days_to_expiration: int
    multiplier: Decimal


@dataclass(frozen=True, slots=True)
class OptionChain:
    """Every contract Schwab returned for one underlying at ``as_of``; ``spot`` in dollars."""

    underlying: str
    as_of: datetime
    spot: float
    is_index: bool
    contracts: tuple[OptionContract, ...]

    def snapshot(self) -> ChainSnapshot:
        """Return the chain as the domain's array snapshot (one row per contract)."""
        rows = np.zeros(len(self.contracts), dtype=CHAIN_DTYPE)
        for i, item in enumerate(self.contracts):
            rows[i] = (
                np.datetime64(item.expiry, "D"),
                float(item.strike),
                item.right is OptionRight.CALL,
                item.bid,
                item.ask,
                item.last,
                item.iv,
                item.delta,
                item.open_interest,
                item.volume,
            )
        settlement = "european" if self.is_index else "american"
        return ChainSnapshot(self.underlying, self.as_of, self.spot, rows, settlement, SOURCE)


def parse_chain(chain: wire.Chain, as_of: datetime) -> OptionChain:
    """Return the chain's contracts, calls then puts, by expiry and strike."""
    if chain.status.upper() != "SUCCESS":
        raise BrokerDataError(f"schwab chains: status {chain.status!r} for {chain.symbol!r}")
    contracts = [
        _contract(item, _expiry_of(key))
        for side in (chain.call_exp_date_map, chain.put_exp_date_map)
        for key, strikes in side.items()
        for items in strikes.values()
        for item in items
    ]
    contracts.sort(key=lambda c: (c.right is OptionRight.PUT, c.expiry, c.strike))
    return OptionChain(
        underlying=workstation_symbol(chain.symbol),
        as_of=as_of,
        spot=chain.underlying_price,
        is_index=chain.is_index,
        contracts=tuple(contracts),
    )


def _expiry_of(key: str) -> date:
    """Read an expiry map key ``"2026-06-18:30"`` (date, then days to expiration)."""
    try:
        return date.fromisoformat(key.split(":", 1)[0])
    except ValueError:
        raise BrokerDataError(f"schwab chains: expiry key {key!r} is not YYYY-MM-DD:days") from None


def _contract(item: wire.ChainContract, expiry: date) -> OptionContract:
    try:
        contract = listed_option(item.symbol.strip(), "symbol")
    except RowError as exc:
        raise BrokerDataError(f"schwab chains: field 'symbol': {exc.problem}") from None
    if contract.expiry != expiry or contract.strike != item.strike_price:
        raise BrokerDataError(
            f"schwab chains: contract {item.symbol!r} is filed under {expiry} strike "
            f"{item.strike_price}, which its symbol contradicts"
        )
    assert contract.right is not None
    assert contract.strike is not None
    return OptionContract(
        symbol=contract.symbol,
        underlying=contract.underlying,
        expiry=expiry,
        strike=contract.strike,
        right=contract.right,
        bid=_known(item.bid),
        ask=_known(item.ask),
        last=_known(item.last),
        mark=_known(item.mark),
        iv=_known(item.volatility) / 100.0,
        delta=_known(item.delta),
        gamma=_known(item.gamma),
        theta=_known(item.theta),
        vega=_known(item.vega),
        open_interest=item.open_interest,
        volume=item.total_volume,
        days_to_expiration=item.days_to_expiration,
        multiplier=item.multiplier,
    )


def _known(value: float) -> float:
    """Return ``value``, or NaN for Schwab's -999 placeholder and other non-finite values."""
    return math.nan if value == MISSING or not math.isfinite(value) else value


# ------------------------------------------------------------------ expirations, bars


@dataclass(frozen=True, slots=True)
class Expiry:
    """A listed expiration: ``cycle`` is Schwab's type (S standard monthly, W weekly,
    Q quarterly, M end of month); ``days`` calendar days from today."""

    day: date
    days: int
    cycle: str
    standard: bool


def parse_expirations(chain: wire.ExpirationChain) -> list[Expiry]:
    """Return the expirations, nearest first."""
    items = {
        item.expiration_date: Expiry(
            item.expiration_date, item.days_to_expiration, item.expiration_type, item.standard
        )
        for item in chain.expiration_list
    }
    return [items[day] for day in sorted(items)]


def parse_price_history(history: wire.PriceHistory, symbol: str, timeframe: Timeframe) -> BarSeries:
    """Return the candles as bars (``ts`` epoch seconds), hourly ones built from 30-minute bars."""
    candles = sorted(history.candles, key=lambda candle: candle.at_ms)
    bars = empty_bars(len(candles))
    for i, candle in enumerate(candles):
        bars[i] = (
            candle.at_ms // 1000,
            candle.open,
            candle.high,
            candle.low,
            candle.close,
            candle.volume,
        )
    if timeframe is Timeframe.H1:
        bars = resample(bars, Timeframe.H1.seconds, HOURLY_ORIGIN)
    try:
        validate_bars(bars, f"schwab pricehistory {symbol} {timeframe}")
    except ValueError as exc:
        raise BrokerDataError(str(exc)) from None
    return BarSeries(symbol, timeframe, bars)
