"""Tastytrade wire DTOs -> domain objects: accounts, balances, positions, orders, market data.

Transactions are parsed in ``parse_transactions`` (re-exported here). Every
function validates loudly: a field the domain cannot accept raises
BrokerDataError naming the endpoint and the field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple, NoReturn

from workstation.adapters.csv.cells import RowError
from workstation.adapters.csv.contracts import listed_option
from workstation.adapters.http import redact
from workstation.adapters.tastytrade.parse_transactions import (
    BROKER,
    future_option_terms,
    parse_transaction,
)
from workstation.adapters.tastytrade.wire import (
    AccountItem,
    BalanceSnapshotWire,
    BalancesWire,
    ChainExpirationWire,
    MarketMetricWire,
    NestedChainWire,
    OrderWire,
    PositionWire,
    QuoteTokenWire,
    QuoteWire,
    TradingStatusWire,
)
from workstation.domain.account_rules import BrokerAccountStatus
from workstation.domain.accounts import AccountKind
from workstation.domain.brokers import (
    BrokerAccount,
    BrokerBalances,
    BrokerOrder,
    BrokerPosition,
    NetLiqPoint,
    OrderStatus,
)
from workstation.domain.instruments import InstrumentKind
from workstation.domain.quotes import Quote
from workstation.ports.broker import BrokerDataError

__all__ = [
    "BROKER",
    "ChainExpiration",
    "ChainStrike",
    "MarketMetrics",
    "QuoteToken",
    "parse_account",
    "parse_balance_snapshot",
    "parse_balances",
    "parse_chain",
    "parse_market_metrics",
    "parse_order",
    "parse_position",
    "parse_quote",
    "parse_quote_token",
    "parse_trading_status",
    "parse_transaction",
]

ORDER_STATUSES = {
    "Received": OrderStatus.WORKING,
    "Routed": OrderStatus.WORKING,
    "In Flight": OrderStatus.WORKING,
    "Live": OrderStatus.WORKING,
    "Contingent": OrderStatus.WORKING,
    "Filled": OrderStatus.FILLED,
    "Cancelled": OrderStatus.CANCELLED,
    "Expired": OrderStatus.EXPIRED,
    "Rejected": OrderStatus.REJECTED,
}
_DIRECTIONS = {"Long": 1, "Short": -1, "Zero": 0}
_SIMPLE_KINDS = {
    "Equity": InstrumentKind.EQUITY,
    "Future": InstrumentKind.FUTURE,
    "Future Option": InstrumentKind.FUTURE_OPTION,
}


# ------------------------------------------------------------------ accounts


def parse_account(item: AccountItem) -> BrokerAccount:
    """Return a linked account; IRAs by type name, cash accounts by ``margin-or-cash``."""
    wire = item.account
    type_name = (wire.account_type_name or "").upper()
    if "IRA" in type_name:
        kind = AccountKind.IRA
    elif (wire.margin_or_cash or "").strip().lower() == "cash":
        kind = AccountKind.CASH
    else:
        kind = AccountKind.MARGIN
    return BrokerAccount(
        broker=BROKER,
        number=wire.account_number,
        kind=kind,
        nickname=(wire.nickname or "").strip(),
        remote_id=wire.account_number,
    )


def parse_balances(wire: BalancesWire, now: datetime) -> BrokerBalances:
    """Return balances (dollars) as of the broker's ``updated-at``, else ``now``.

    Buying power is the derivative (option) buying power, what an options
    trader sizes against.
    """
    return BrokerBalances(
        broker=BROKER,
        account=wire.account_number,
        as_of=wire.updated_at or now,
        net_liquidating_value=wire.net_liquidating_value,
        cash_balance=wire.cash_balance,
        buying_power=wire.derivative_buying_power,
        maintenance_requirement=wire.maintenance_requirement,
    )


def parse_balance_snapshot(wire: BalanceSnapshotWire) -> NetLiqPoint:
    """Return one end-of-day net liquidating value point (dollars)."""
    return NetLiqPoint(wire.snapshot_date, wire.net_liquidating_value, wire.cash_balance)


def parse_trading_status(wire: TradingStatusWire, now: datetime) -> BrokerAccountStatus:
    """Return the day-trade count and PDT flags the broker reports."""
    return BrokerAccountStatus(
        broker=BROKER,
        account=wire.account_number,
        as_of=wire.updated_at or now,
        day_trade_count=wire.day_trade_count,
        is_pattern_day_trader=wire.is_pattern_day_trader,
        pdt_reset_on=wire.pdt_reset_on,
        source="tastytrade trading-status",
    )


# ------------------------------------------------------------------ positions


def parse_position(wire: PositionWire) -> BrokerPosition:
    """Return a position, quantity signed by ``quantity-direction`` (short negative).

    Options get the padded OCC symbol and their equity/index kind from the root.
    """
    where = f"positions {wire.symbol!r}"
    sign = _DIRECTIONS.get(wire.quantity_direction)
    if sign is None:
        _refuse(where, "quantity-direction", f"{wire.quantity_direction!r} is not Long or Short")
    symbol, instrument, underlying = _position_instrument(wire, where)
    return BrokerPosition(
        broker=BROKER,
        account=wire.account_number,
        symbol=symbol,
        instrument=instrument,
        quantity=abs(wire.quantity) * sign,
        average_price=wire.average_open_price,
        multiplier=wire.multiplier if wire.multiplier else Decimal(1),
        underlying=underlying,
        mark=wire.mark_price if wire.mark_price is not None else wire.close_price,
    )


def _position_instrument(wire: PositionWire, where: str) -> tuple[str, InstrumentKind, str]:
    kind = wire.instrument_type.strip()
    underlying = (wire.underlying_symbol or "").strip()
    try:
        if kind in {"Equity Option", "Index Option"}:
            contract = listed_option(wire.symbol.strip(), "symbol")
            assert contract.instrument is not None
            return contract.symbol, contract.instrument, underlying or contract.underlying
        if kind == "Future Option":
            future_option_terms(wire.symbol)
    except RowError as exc:
        _refuse(where, "symbol", exc.problem)
    instrument = _SIMPLE_KINDS.get(kind)
    if instrument is None:
        _refuse(where, "instrument-type", f"unknown instrument type {kind!r}")
    return wire.symbol.strip(), instrument, underlying or wire.symbol.strip()


# ------------------------------------------------------------------ orders


def parse_order(wire: OrderWire) -> BrokerOrder:
    """Return an order; a status this does not know is UNKNOWN, never REJECTED."""
    return BrokerOrder(
        broker=BROKER,
        account=wire.account_number,
        order_id=str(wire.id),
        status=ORDER_STATUSES.get(wire.status, OrderStatus.UNKNOWN),
        underlying=(wire.underlying_symbol or "").strip(),
        description=_order_description(wire),
        entered_at=wire.received_at,
        raw_status=wire.status,
    )


def _order_description(wire: OrderWire) -> str:
    legs = ", ".join(
        " ".join(
            part
            for part in (leg.action or "", _plain(leg.quantity), " ".join(leg.symbol.split()))
            if part
        )
        for leg in wire.legs
    )
    terms = " ".join(part for part in (wire.order_type or "", wire.time_in_force or "") if part)
    if wire.price is not None:
        effect = wire.price_effect if wire.price_effect in {"Credit", "Debit"} else ""
        terms = f"{terms} @ {_plain(wire.price)} {effect}"
    return " ".join(part for part in (legs, terms.strip()) if part)


def _plain(number: Decimal | None) -> str:
    return "" if number is None else format(number.normalize(), "f")


# ------------------------------------------------------------------ market data


@dataclass(frozen=True, slots=True)
class MarketMetrics:
    """Volatility and liquidity facts of one symbol.

    ``iv_index``, ``iv_rank`` and ``iv_percentile`` are on a 0-1 scale (0.35
    means 35 %, IV index is annualised); ``liquidity_rating`` is tastytrade's
    0-5 stars; ``expiration_ivs`` are (expiry, annualised IV 0-1) pairs.
    """

    symbol: str
    iv_index: float | None
    iv_rank: float | None
    iv_percentile: float | None
    earnings_date: date | None
    beta: float | None
    liquidity_rating: int | None
    expiration_ivs: tuple[tuple[date, float], ...] = ()


def parse_market_metrics(wire: MarketMetricWire) -> MarketMetrics:
    """Return one symbol's metrics (rank and percentile 0-1, as the API sends them)."""
    ivs = tuple(
        (iv.expiration_date, float(iv.implied_volatility))
        for iv in wire.option_expiration_implied_volatilities or ()
        if iv.implied_volatility is not None
    )
    return MarketMetrics(
        symbol=wire.symbol,
        iv_index=_float(wire.implied_volatility_index),
        iv_rank=_float(wire.implied_volatility_index_rank),
        iv_percentile=_float(wire.implied_volatility_percentile),
        earnings_date=wire.earnings.expected_report_date if wire.earnings else None,
        beta=_float(wire.beta),
        liquidity_rating=wire.liquidity_rating,
        expiration_ivs=tuple(sorted(ivs)),
    )


@dataclass(frozen=True, slots=True)
class ChainStrike:
    """One strike of one expiration: padded OCC and DXLink streamer symbols per side.

    ``strike`` is dollars per share; ``root`` the OCC root (SPXW for SPX weeklies).
    """

    expiry: date
    strike: Decimal
    call: str
    put: str
    call_streamer: str
    put_streamer: str
    root: str


@dataclass(frozen=True, slots=True)
class ChainExpiration:
    """An expiration of one root: its strikes ascending, days to expiry, AM/PM settlement."""

    expiry: date
    root: str
    days_to_expiration: int | None
    expiration_type: str
    settlement_type: str
    strikes: tuple[ChainStrike, ...]


def parse_chain(chains: Iterable[NestedChainWire]) -> tuple[ChainExpiration, ...]:
    """Return every root's expirations, sorted by expiry then root."""
    expirations = [
        _expiration(chain.root_symbol, expiration)
        for chain in chains
        for expiration in chain.expirations
    ]
    return tuple(sorted(expirations, key=lambda e: (e.expiry, e.root)))


def _expiration(root: str, wire: ChainExpirationWire) -> ChainExpiration:
    strikes = tuple(
        ChainStrike(
            expiry=wire.expiration_date,
            strike=strike.strike_price,
            call=_occ(strike.call, root),
            put=_occ(strike.put, root),
            call_streamer=strike.call_streamer_symbol or "",
            put_streamer=strike.put_streamer_symbol or "",
            root=root,
        )
        for strike in sorted(wire.strikes, key=lambda s: s.strike_price)
    )
    return ChainExpiration(
        expiry=wire.expiration_date,
        root=root,
        days_to_expiration=wire.days_to_expiration,
        expiration_type=wire.expiration_type or "",
        settlement_type=wire.settlement_type or "",
        strikes=strikes,
    )


def _occ(symbol: str, root: str) -> str:
    try:
        return listed_option(symbol.strip(), "symbol").symbol
    except RowError as exc:
        _refuse(f"option-chains {root}", "call/put", exc.problem)


def parse_quote(wire: QuoteWire, now: datetime) -> Quote:
    """Return a quote (floats, dollars per share); last falls back to mark, then mid."""
    last = next((p for p in (wire.last, wire.mark, wire.mid) if p is not None), None)
    return Quote(
        symbol=wire.symbol,
        last=_float_or(last, math.nan),
        prev_close=_float_or(wire.prev_close, math.nan),
        ts=wire.updated_at or now,
        bid=_float_or(wire.bid, math.nan),
        ask=_float_or(wire.ask, math.nan),
        volume=_float_or(wire.volume, 0.0),
        source=BROKER,
    )


class QuoteToken(NamedTuple):
    """A DXLink streamer token (valid about 24 hours), its websocket URL and data level."""

    token: str
    dxlink_url: str
    level: str


def parse_quote_token(wire: QuoteTokenWire) -> QuoteToken:
    """Return the streamer token, URL and level."""
    return QuoteToken(wire.token, wire.dxlink_url, wire.level or "")


# ------------------------------------------------------------------ helpers


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _float_or(value: Decimal | None, default: float) -> float:
    return default if value is None else float(value)


def _refuse(where: str, field: str, problem: str) -> NoReturn:
    raise BrokerDataError(redact(f"tastytrade {where}: field {field!r}: {problem}"))
