"""Tastytrade wire schemas: the JSON the REST API sends, as pydantic models.

Keys are dasherized (``net-liquidating-value``), numbers arrive as strings
and become Decimal, amounts are unsigned with a ``<field>-effect`` sibling
(Credit / Debit / None). ``decode`` validates a payload against a model and
turns any mismatch into a BrokerDataError naming the endpoint and the field.
Parsing into domain objects lives in ``parse.py``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from workstation.adapters.http import redact
from workstation.ports.broker import BrokerDataError

Effect = Literal["Credit", "Debit", "None"]
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def dasherize(name: str) -> str:
    """Return the API's spelling of a Python field name (``net_value`` -> ``net-value``)."""
    return name.replace("_", "-")


class Wire(BaseModel):
    """Base of every tastytrade DTO: dasherized aliases, unknown keys ignored, frozen."""

    model_config = ConfigDict(
        alias_generator=dasherize, populate_by_name=True, extra="ignore", frozen=True
    )


# ------------------------------------------------------------------ envelopes


class Pagination(Wire):
    """Where a list page sits: ``page_offset`` is 0-based."""

    per_page: int
    page_offset: int
    total_items: int | None = None
    total_pages: int


class Items(Wire, Generic[T]):
    """The ``data`` of a list response."""

    items: list[T]


class ListEnvelope(Wire, Generic[T]):
    """``{"data": {"items": [...]}, "pagination": {...}}`` (pagination absent when unpaged)."""

    data: Items[T]
    pagination: Pagination | None = None


class Envelope(Wire, Generic[T]):
    """``{"data": {...}}``: a single object."""

    data: T


class ErrorDetail(Wire):
    """One entry of an error's ``errors`` list."""

    code: str | None = None
    message: str | None = None
    domain: str | None = None
    reason: str | None = None


class ErrorBody(Wire):
    """The API's error object."""

    code: str | None = None
    message: str | None = None
    errors: list[ErrorDetail] | None = None


class ErrorEnvelope(Wire):
    """``{"error": {"code", "message", "errors"}}``."""

    error: ErrorBody


class TokenResponse(BaseModel):
    """``POST /oauth/token`` answer (snake_case keys, unlike the rest of the API).

    ``expires_in`` is seconds; ``refresh_token`` is present when the grant
    rotated it or on an authorization-code exchange.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    refresh_token: str | None = None


# ------------------------------------------------------------------ accounts


class AccountWire(Wire):
    """An account as ``/customers/me/accounts`` describes it."""

    account_number: str
    nickname: str | None = None
    account_type_name: str | None = None
    margin_or_cash: str | None = None
    is_closed: bool = False
    opened_at: AwareDatetime | None = None


class AccountItem(Wire):
    """One item of ``/customers/me/accounts``."""

    account: AccountWire
    authority_level: str | None = None


class BalancesWire(Wire):
    """``/accounts/{acct}/balances/USD``; dollars."""

    account_number: str
    net_liquidating_value: Decimal
    cash_balance: Decimal | None = None
    derivative_buying_power: Decimal | None = None
    equity_buying_power: Decimal | None = None
    maintenance_requirement: Decimal | None = None
    updated_at: AwareDatetime | None = None


class BalanceSnapshotWire(Wire):
    """One end-of-day item of ``/accounts/{acct}/balance-snapshots``; dollars."""

    account_number: str
    snapshot_date: date
    net_liquidating_value: Decimal
    cash_balance: Decimal | None = None
    time_of_day: str | None = None


class PositionWire(Wire):
    """One item of ``/accounts/{acct}/positions``.

    ``quantity`` is unsigned (direction in ``quantity_direction``);
    ``average_open_price`` and ``close_price`` are per share / unit.
    """

    account_number: str
    symbol: str
    instrument_type: str
    underlying_symbol: str | None = None
    quantity: Decimal
    quantity_direction: str
    average_open_price: Decimal | None = None
    close_price: Decimal | None = None
    mark_price: Decimal | None = None
    multiplier: Decimal | None = None
    expires_at: AwareDatetime | None = None
    streamer_symbol: str | None = None


class TradingStatusWire(Wire):
    """``/accounts/{acct}/trading-status``: day-trade count and PDT flags."""

    account_number: str
    day_trade_count: int | None = None
    is_pattern_day_trader: bool | None = None
    pdt_reset_on: date | None = None
    updated_at: AwareDatetime | None = None


# ------------------------------------------------------------------ transactions


class TransactionWire(Wire):
    """One item of ``/accounts/{acct}/transactions``.

    Amounts (dollars) are unsigned, each with its ``-effect``. ``price`` is
    per share / unit as quoted; ``quantity`` is unsigned (direction in ``action``).
    """

    id: int
    account_number: str
    transaction_type: str
    transaction_sub_type: str
    description: str = ""
    executed_at: AwareDatetime
    transaction_date: date | None = None
    action: str | None = None
    symbol: str | None = None
    underlying_symbol: str | None = None
    instrument_type: str | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    value: Decimal
    value_effect: Effect | None = None
    net_value: Decimal | None = None
    net_value_effect: Effect | None = None
    commission: Decimal | None = None
    commission_effect: Effect | None = None
    clearing_fees: Decimal | None = None
    clearing_fees_effect: Effect | None = None
    regulatory_fees: Decimal | None = None
    regulatory_fees_effect: Effect | None = None
    proprietary_index_option_fees: Decimal | None = None
    proprietary_index_option_fees_effect: Effect | None = None
    is_estimated_fee: bool = False
    order_id: int | None = None
    leg_count: int | None = None
    reverses_id: int | None = None
    currency: str | None = None


# ------------------------------------------------------------------ orders


class OrderLegWire(Wire):
    """One leg of an order."""

    symbol: str
    instrument_type: str | None = None
    action: str | None = None
    quantity: Decimal | None = None


class OrderWire(Wire):
    """One item of ``/accounts/{acct}/orders``; ``price`` per share with its effect."""

    id: int
    account_number: str
    status: str
    underlying_symbol: str | None = None
    order_type: str | None = None
    time_in_force: str | None = None
    price: Decimal | None = None
    price_effect: Effect | None = None
    received_at: AwareDatetime
    legs: list[OrderLegWire] = []


# ------------------------------------------------------------------ market data


class ChainStrikeWire(Wire):
    """A strike of a nested chain: OCC symbols and DXLink streamer symbols per side."""

    strike_price: Decimal
    call: str
    put: str
    call_streamer_symbol: str | None = None
    put_streamer_symbol: str | None = None


class ChainExpirationWire(Wire):
    """An expiration of a nested chain."""

    expiration_date: date
    days_to_expiration: int | None = None
    expiration_type: str | None = None
    settlement_type: str | None = None
    strikes: list[ChainStrikeWire]


class NestedChainWire(Wire):
    """One root's chain from ``/option-chains/{sym}/nested`` (SPX has SPX and SPXW)."""

    underlying_symbol: str
    root_symbol: str
    option_chain_type: str | None = None
    shares_per_contract: int | None = None
    expirations: list[ChainExpirationWire]


class EarningsWire(Wire):
    """The ``earnings`` part of a market-metrics item."""

    expected_report_date: date | None = None


class ExpirationIvWire(Wire):
    """Implied volatility (0-1) of one expiration."""

    expiration_date: date
    implied_volatility: Decimal | None = None


class MarketMetricWire(Wire):
    """One item of ``/market-metrics``: IV index, rank and percentile on a 0-1 scale."""

    symbol: str
    implied_volatility_index: Decimal | None = None
    implied_volatility_index_rank: Decimal | None = None
    implied_volatility_percentile: Decimal | None = None
    liquidity_rating: int | None = None
    beta: Decimal | None = None
    earnings: EarningsWire | None = None
    option_expiration_implied_volatilities: list[ExpirationIvWire] | None = None


class QuoteWire(Wire):
    """One item of ``/market-data/by-type``; prices per share (points for indices)."""

    symbol: str
    instrument_type: str | None = None
    updated_at: AwareDatetime | None = None
    bid: Decimal | None = None
    ask: Decimal | None = None
    mid: Decimal | None = None
    mark: Decimal | None = None
    last: Decimal | None = None
    prev_close: Decimal | None = None
    volume: Decimal | None = None


class QuoteTokenWire(Wire):
    """``/api-quote-tokens``: a DXLink token (valid about 24 h), its URL and data level."""

    token: str
    dxlink_url: str
    level: str | None = None
    expires_at: AwareDatetime | None = None


# ------------------------------------------------------------------ decoding


def decode(model: type[M], payload: Any, endpoint: str) -> M:
    """Validate ``payload`` as ``model``; BrokerDataError names ``endpoint`` and the field."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise BrokerDataError(describe_invalid(exc, endpoint)) from None


def describe_invalid(exc: ValidationError, endpoint: str) -> str:
    """Return one redacted line naming the first bad field of a response and why."""
    first = exc.errors(include_url=False, include_input=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or "(body)"
    more = exc.error_count() - 1
    extra = f" (and {more} more)" if more else ""
    return redact(f"tastytrade {endpoint}: field {field!r}: {first['msg']}{extra}")


def error_text(payload: Any) -> str:
    """Return the API error's code and message from an error body, or "" when it has none."""
    if not isinstance(payload, dict):
        return ""
    error = payload.get("error")
    if isinstance(error, str):  # the OAuth endpoint answers {"error": "invalid_grant"}
        return error
    try:
        body = ErrorEnvelope.model_validate(payload).error
    except ValidationError:
        return ""
    return ": ".join(part for part in (body.code, body.message) if part)
