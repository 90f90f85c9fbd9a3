"""Schwab wire -> domain: accounts, positions, balances, trading status and orders.

Instruments resolve through the CSV importer's contract helpers
(``adapters/csv/contracts.py``), so an option is named the same padded OCC
symbol whether it came from an export, a sync or a position.
Transactions live in ``transactions.py``, market data in ``market.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from workstation.adapters.csv.cells import RowError
from workstation.adapters.csv.contracts import CASH, Contract, equity, listed_option
from workstation.adapters.schwab import wire
from workstation.domain.account_rules import BrokerAccountStatus
from workstation.domain.accounts import AccountKind
from workstation.domain.brokers import (
    BrokerAccount,
    BrokerBalances,
    BrokerName,
    BrokerOrder,
    BrokerPosition,
    OrderStatus,
)
from workstation.domain.instruments import InstrumentKind
from workstation.ports.broker import BrokerDataError

SCHWAB = BrokerName.SCHWAB.value
ZERO = Decimal(0)
STANDARD_DELIVERABLE = Decimal(100)

#: Asset types held as shares under their ticker (the CSV importer names them the same way).
SHARE_TYPES = frozenset(
    {"EQUITY", "COLLECTIVE_INVESTMENT", "MUTUAL_FUND", "CASH_EQUIVALENT", "FIXED_INCOME"}
)
ACCOUNT_KINDS = {"MARGIN": AccountKind.MARGIN, "CASH": AccountKind.CASH}

_WORKING = OrderStatus.WORKING
ORDER_STATUSES = {
    "WORKING": _WORKING,
    "QUEUED": _WORKING,
    "ACCEPTED": _WORKING,
    "NEW": _WORKING,
    "FILLED": OrderStatus.FILLED,
    "CANCELED": OrderStatus.CANCELLED,
    "REPLACED": OrderStatus.CANCELLED,  # superseded by its replacement, no longer live
    "EXPIRED": OrderStatus.EXPIRED,
    "REJECTED": OrderStatus.REJECTED,
}
_LIVE_PREFIXES = ("PENDING_", "AWAITING_")


def contract_of(instrument: wire.Instrument, endpoint: str) -> Contract:
    """Return the ledger's contract for a Schwab instrument (padded OCC for options).

    Raises BrokerDataError naming ``endpoint`` when the instrument cannot be named.
    """
    asset = instrument.asset_type
    symbol = instrument.symbol.strip()
    if asset == "CURRENCY":
        return CASH
    if not symbol:
        raise BrokerDataError(f"schwab {endpoint}: an {asset} instrument has no symbol")
    if asset in SHARE_TYPES:
        return equity(symbol)
    if asset == "INDEX":
        ticker = symbol.removeprefix("$")
        return Contract(InstrumentKind.INDEX, ticker, ticker)
    if asset == "OPTION":
        try:
            return listed_option(symbol, "symbol", _deliverable_units(instrument))
        except RowError as exc:
            raise BrokerDataError(f"schwab {endpoint}: option symbol: {exc.problem}") from None
    raise BrokerDataError(
        f"schwab {endpoint}: field 'instrument.assetType': {asset!r} is not an instrument "
        "the workstation can hold; please report it"
    )


def _deliverable_units(instrument: wire.Instrument) -> Decimal | None:
    """Return the shares one contract delivers when it is not the standard 100, else None."""
    shares = [
        item.deliverable_units
        for item in instrument.option_deliverables
        if item.deliverable_units is not None
        and (item.deliverable is None or item.deliverable.asset_type != "CURRENCY")
    ]
    if len(shares) != 1 or shares[0] == STANDARD_DELIVERABLE:
        return None
    return shares[0]


def parse_accounts(
    numbers: list[wire.AccountNumber], details: list[wire.AccountEnvelope]
) -> list[BrokerAccount]:
    """Pair each account number with its hash (``remote_id``) and its type, in Schwab's order."""
    kinds = {
        item.securities_account.account_number: _account_kind(item.securities_account)
        for item in details
    }
    accounts = []
    for entry in numbers:
        kind = kinds.get(entry.account_number)
        if kind is None:
            raise BrokerDataError(
                "schwab accounts: an account listed by accountNumbers is missing from "
                "/trader/v1/accounts; try again later"
            )
        accounts.append(
            BrokerAccount(SCHWAB, entry.account_number, kind, remote_id=entry.hash_value)
        )
    return accounts


def _account_kind(account: wire.SecuritiesAccount) -> AccountKind:
    kind = ACCOUNT_KINDS.get(account.type.upper())
    if kind is None:
        raise BrokerDataError(
            f"schwab accounts: field 'securitiesAccount.type': {account.type!r} is not CASH "
            "or MARGIN"
        )
    return kind


def parse_balances(
    account: BrokerAccount, envelope: wire.AccountEnvelope, as_of: datetime
) -> BrokerBalances:
    """Return the account's current balances (dollars) from ``currentBalances``."""
    current = envelope.securities_account.current_balances
    if current is None:
        raise BrokerDataError(
            "schwab account: field 'securitiesAccount.currentBalances' is missing"
        )
    net_liq = current.liquidation_value
    if net_liq is None and envelope.aggregated_balance is not None:
        aggregated = envelope.aggregated_balance
        net_liq = aggregated.liquidation_value or aggregated.current_liquidation_value
    if net_liq is None:
        raise BrokerDataError(
            "schwab account: field 'securitiesAccount.currentBalances.liquidationValue' is missing"
        )
    return BrokerBalances(
        broker=SCHWAB,
        account=account.number,
        as_of=as_of,
        net_liquidating_value=net_liq,
        cash_balance=_first(current.cash_balance, current.total_cash),
        buying_power=_first(current.buying_power, current.cash_available_for_trading),
        maintenance_requirement=current.maintenance_requirement,
    )


def _first(*values: Decimal | None) -> Decimal | None:
    return next((value for value in values if value is not None), None)


def parse_trading_status(
    account: BrokerAccount, envelope: wire.AccountEnvelope, as_of: datetime
) -> BrokerAccountStatus | None:
    """Return day-trade facts when the payload has ``roundTrips``/``isDayTrader``, else None."""
    details = envelope.securities_account
    if details.round_trips is None and details.is_day_trader is None:
        return None
    balances = None
    if details.current_balances is not None:
        balances = parse_balances(account, envelope, as_of)
    return BrokerAccountStatus(
        broker=SCHWAB,
        account=account.number,
        as_of=as_of,
        day_trade_count=details.round_trips,
        is_pattern_day_trader=details.is_day_trader,
        net_liquidating_value=balances.net_liquidating_value if balances else None,
        cash_balance=balances.cash_balance if balances else None,
        maintenance_requirement=balances.maintenance_requirement if balances else None,
        buying_power=balances.buying_power if balances else None,
        source="schwab accounts",
    )


def parse_positions(account: BrokerAccount, envelope: wire.AccountEnvelope) -> list[BrokerPosition]:
    """Return the open positions: quantity = long - short, average price per share."""
    positions = []
    for line in envelope.securities_account.positions:
        contract = contract_of(line.instrument, "positions")
        if contract.instrument is None:
            continue  # a cash sweep line, not a position
        quantity = line.long_quantity - line.short_quantity
        positions.append(
            BrokerPosition(
                broker=SCHWAB,
                account=account.number,
                symbol=contract.symbol,
                instrument=contract.instrument,
                quantity=quantity,
                average_price=line.average_price,
                multiplier=contract.multiplier,
                underlying=contract.underlying,
                mark=_mark(line, quantity, contract.multiplier),
            )
        )
    return positions


def _mark(line: wire.Position, quantity: Decimal, multiplier: Decimal) -> Decimal | None:
    """Return the per-share mark implied by the market value, None when it cannot be told."""
    if line.market_value is None or quantity == ZERO:
        return None
    return abs(line.market_value / (quantity * multiplier))


def order_status(raw: str) -> OrderStatus:
    """Map a Schwab order status to the domain's; anything unrecognised is UNKNOWN."""
    status = ORDER_STATUSES.get(raw.upper())
    if status is not None:
        return status
    if raw.upper().startswith(_LIVE_PREFIXES):
        return OrderStatus.WORKING
    return OrderStatus.UNKNOWN


def parse_orders(account: BrokerAccount, orders: list[wire.Order]) -> list[BrokerOrder]:
    """Return the orders, oldest entered first."""
    parsed = [
        BrokerOrder(
            broker=SCHWAB,
            account=account.number,
            order_id=str(order.order_id),
            status=order_status(order.status),
            underlying=_order_underlying(order),
            description=describe_order(order),
            entered_at=order.entered_time.astimezone(UTC),
            raw_status=order.status,
        )
        for order in orders
    ]
    return sorted(parsed, key=lambda order: (order.entered_at, order.order_id))


def _order_underlying(order: wire.Order) -> str:
    for leg in order.order_leg_collection:
        instrument = leg.instrument
        return (instrument.underlying_symbol or instrument.symbol.split(" ", 1)[0]).strip()
    return ""


def describe_order(order: wire.Order) -> str:
    """Return a one-line description: ``BUY_TO_OPEN 1 SPY   260618C00500000; LIMIT 1.25``."""
    legs = "; ".join(
        f"{leg.instruction} {_plain(leg.quantity)} {leg.instrument.symbol}"
        for leg in order.order_leg_collection
    )
    price = f" {_plain(order.price)}" if order.price is not None else ""
    return f"{legs}; {order.order_type}{price}".strip("; ")


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")
