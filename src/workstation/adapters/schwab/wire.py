"""Schwab Trader API wire schemas: the JSON the REST API sends, as pydantic models.

Keys are camelCase (``liquidationValue``); the session decodes JSON numbers
as Decimal, so money and quantities keep every digit. Market-data prices are
floats (the domain's quotes and chains are float). Unknown keys are ignored.
``decode`` validates a payload and turns any mismatch into a BrokerDataError
naming the endpoint and the field. Parsing into domain objects lives in
``parse.py``, ``transactions.py`` and ``market.py``.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.alias_generators import to_camel

from workstation.adapters.http import redact
from workstation.ports.broker import BrokerDataError

T = TypeVar("T")
NAN = math.nan


class Wire(BaseModel):
    """Base of every Schwab DTO: camelCase aliases, unknown keys ignored, frozen."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


def decode(adapter: TypeAdapter[T], payload: Any, endpoint: str) -> T:
    """Validate ``payload`` or raise BrokerDataError naming ``endpoint`` and the first bad field.

    The message never carries the offending value (it could be an account number).
    """
    try:
        return adapter.validate_python(payload)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or "(the whole response)"
        raise BrokerDataError(
            redact(
                f"schwab {endpoint}: field {field!r}: {first['msg']} ({exc.error_count()} "
                "problem(s)); the response does not match the Schwab API"
            )
        ) from None


# ------------------------------------------------------------------ OAuth


class TokenResponse(BaseModel):
    """``POST /v1/oauth/token`` (snake_case on the wire). ``expires_in`` is seconds."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    access_token: str = Field(min_length=1)
    refresh_token: str | None = None
    token_type: str = "Bearer"
    expires_in: int = Field(default=1800, gt=0)
    scope: str = ""
    id_token: str | None = None


class TokenError(BaseModel):
    """The body of a refused token request (``invalid_client``, ``invalid_grant`` ...)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    error: str = "unknown_error"
    error_description: str = ""


# ------------------------------------------------------------------ accounts


class AccountNumber(Wire):
    """``/trader/v1/accounts/accountNumbers`` item: every other call uses ``hash_value``."""

    account_number: str = Field(min_length=1)
    hash_value: str = Field(min_length=1)


class DeliverableAsset(Wire):
    """What an option delivers (``deliverable`` of an optionDeliverables entry)."""

    asset_type: str = ""
    symbol: str = ""


class OptionDeliverable(Wire):
    """One deliverable of an option: ``deliverable_units`` shares (or dollars) per contract."""

    root_symbol: str = ""
    deliverable_units: Decimal | None = None
    deliverable: DeliverableAsset | None = None


class Instrument(Wire):
    """An instrument as positions, transactions and orders describe it.

    ``asset_type`` is EQUITY, COLLECTIVE_INVESTMENT (ETFs), OPTION, INDEX,
    CURRENCY, MUTUAL_FUND, CASH_EQUIVALENT, FIXED_INCOME, ... Options carry
    their OCC-like symbol (``"SPY   260618C00500000"``).
    """

    asset_type: str
    symbol: str = ""
    cusip: str = ""
    description: str = ""
    underlying_symbol: str = ""
    put_call: str | None = None
    strike_price: Decimal | None = None
    expiration_date: AwareDatetime | None = None
    option_premium_multiplier: Decimal | None = None
    option_deliverables: list[OptionDeliverable] = Field(default_factory=list)


class Position(Wire):
    """A position line; quantities are unsigned per side, ``average_price`` per share."""

    long_quantity: Decimal = Decimal(0)
    short_quantity: Decimal = Decimal(0)
    average_price: Decimal | None = None
    market_value: Decimal | None = None
    instrument: Instrument


class Balances(Wire):
    """``currentBalances`` (dollars). Cash accounts name some fields differently."""

    liquidation_value: Decimal | None = None
    cash_balance: Decimal | None = None
    total_cash: Decimal | None = None
    buying_power: Decimal | None = None
    cash_available_for_trading: Decimal | None = None
    maintenance_requirement: Decimal | None = None


class AggregatedBalance(Wire):
    """``aggregatedBalance`` (dollars): a fallback for the liquidation value."""

    current_liquidation_value: Decimal | None = None
    liquidation_value: Decimal | None = None


class SecuritiesAccount(Wire):
    """``securitiesAccount``: type CASH or MARGIN, day-trade facts, positions, balances."""

    type: str
    account_number: str = Field(min_length=1)
    round_trips: int | None = None
    is_day_trader: bool | None = None
    is_closing_only_restricted: bool | None = None
    positions: list[Position] = Field(default_factory=list)
    current_balances: Balances | None = None


class AccountEnvelope(Wire):
    """One item of ``/trader/v1/accounts`` (or the body of ``/trader/v1/accounts/{hash}``)."""

    securities_account: SecuritiesAccount
    aggregated_balance: AggregatedBalance | None = None


# ------------------------------------------------------------------ transactions


class TransferItem(Wire):
    """A line of a transaction: a fee (``fee_type`` set, ``cost`` negative when paid), a cash
    line (asset type CURRENCY), or the instrument line (``amount`` units, ``cost`` dollars,
    ``price`` per share, ``position_effect`` OPENING/CLOSING)."""

    instrument: Instrument
    amount: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    price: Decimal | None = None
    fee_type: str | None = None
    position_effect: str | None = None


class Transaction(Wire):
    """``/trader/v1/accounts/{hash}/transactions`` item. ``net_amount`` is dollars after fees."""

    activity_id: int
    time: AwareDatetime
    type: str
    status: str = "VALID"
    order_id: int | None = None
    net_amount: Decimal
    description: str = ""
    sub_account: str = ""
    transfer_items: list[TransferItem] = Field(default_factory=list)


# ------------------------------------------------------------------ orders


class OrderLeg(Wire):
    """A leg of an order: BUY_TO_OPEN 1 SPY call ..."""

    instruction: str = ""
    quantity: Decimal = Decimal(0)
    position_effect: str | None = None
    instrument: Instrument


class Order(Wire):
    """``/trader/v1/accounts/{hash}/orders`` item."""

    order_id: int
    status: str
    entered_time: AwareDatetime
    order_type: str = ""
    price: Decimal | None = None
    quantity: Decimal | None = None
    filled_quantity: Decimal | None = None
    complex_order_strategy_type: str = ""
    order_leg_collection: list[OrderLeg] = Field(default_factory=list)


# ------------------------------------------------------------------ market data


class QuoteBlock(Wire):
    """``quote`` of a quotes entry: prices in dollars (points), times in epoch ms."""

    last_price: float = NAN
    close_price: float = NAN
    bid_price: float = NAN
    ask_price: float = NAN
    mark: float = NAN
    total_volume: float = 0.0
    quote_time: int | None = None
    trade_time: int | None = None


class QuoteEntry(Wire):
    """A value of the ``/marketdata/v1/quotes`` map (keyed by symbol)."""

    asset_main_type: str = ""
    symbol: str
    quote: QuoteBlock | None = None


class ChainContract(Wire):
    """One contract of a chain map. ``volatility`` is in PERCENT (18.5 = 18.5 %);
    Schwab sends -999 (or NaN) where it has no value."""

    put_call: str
    symbol: str
    bid: float = NAN
    ask: float = NAN
    last: float = NAN
    mark: float = NAN
    volatility: float = NAN
    delta: float = NAN
    gamma: float = NAN
    theta: float = NAN
    vega: float = NAN
    open_interest: int = 0
    total_volume: int = 0
    strike_price: Decimal
    days_to_expiration: int = 0
    multiplier: Decimal = Decimal(100)
    settlement_type: str = ""
    quote_time_in_long: int | None = None


ExpiryMap = dict[str, dict[str, list[ChainContract]]]


class Chain(Wire):
    """``/marketdata/v1/chains``: maps keyed ``"YYYY-MM-DD:dte"`` -> strike -> [contract]."""

    symbol: str
    status: str = "SUCCESS"
    underlying_price: float = NAN
    is_index: bool = False
    call_exp_date_map: ExpiryMap = Field(default_factory=dict)
    put_exp_date_map: ExpiryMap = Field(default_factory=dict)


class Expiration(Wire):
    """``/marketdata/v1/expirationchain`` item. ``expiration_type`` S/W/Q/M."""

    expiration_date: date
    days_to_expiration: int = 0
    expiration_type: str = ""
    settlement_type: str = ""
    option_roots: str = ""
    standard: bool = True


class ExpirationChain(Wire):
    """The expiration chain of one underlying."""

    expiration_list: list[Expiration] = Field(default_factory=list)


class Candle(Wire):
    """A price-history candle: dollars per share, ``at_ms`` its open time in epoch ms."""

    open: float
    high: float
    low: float
    close: float
    volume: float = 0.0
    at_ms: int = Field(alias="datetime")


class PriceHistory(Wire):
    """``/marketdata/v1/pricehistory``."""

    symbol: str = ""
    empty: bool = False
    candles: list[Candle] = Field(default_factory=list)


# ------------------------------------------------------------------ user preference


class StreamerInfo(Wire):
    """``streamerInfo`` entry: where the streamer lives and the ids its LOGIN needs."""

    streamer_socket_url: str
    schwab_client_customer_id: str
    schwab_client_correl_id: str
    schwab_client_channel: str
    schwab_client_function_id: str


class PreferenceAccount(Wire):
    """An account as ``userPreference`` lists it (with the trader's nickname)."""

    account_number: str
    nick_name: str = ""
    primary_account: bool = False


class UserPreference(Wire):
    """``/trader/v1/userPreference``."""

    accounts: list[PreferenceAccount] = Field(default_factory=list)
    streamer_info: list[StreamerInfo] = Field(default_factory=list)


ACCOUNT_NUMBERS = TypeAdapter(list[AccountNumber])
ACCOUNTS = TypeAdapter(list[AccountEnvelope])
ACCOUNT = TypeAdapter(AccountEnvelope)
TRANSACTIONS = TypeAdapter(list[Transaction])
ORDERS = TypeAdapter(list[Order])
QUOTES = TypeAdapter(dict[str, QuoteEntry])
CHAIN = TypeAdapter(Chain)
EXPIRATION_CHAIN = TypeAdapter(ExpirationChain)
PRICE_HISTORY = TypeAdapter(PriceHistory)
USER_PREFERENCE = TypeAdapter(UserPreference)
TOKEN = TypeAdapter(TokenResponse)
TOKEN_ERROR = TypeAdapter(TokenError)


def epoch_ms(instant: datetime) -> int:
    """Return ``instant`` (aware) as epoch milliseconds, the market-data time unit."""
    return int(instant.timestamp() * 1000)
