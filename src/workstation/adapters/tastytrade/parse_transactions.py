"""Tastytrade transaction items -> ledger Transactions, matching the CSV importer row for row.

The instrument, kind and direction of a row are resolved with the CSV
importer's own vocabulary and contract helpers, so an API row and the CSV
row of the same fill get the same symbol, signed quantity and value, and
therefore the same ``content_key``: an import and a sync never double count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date
from decimal import Decimal
from typing import TypeVar

from workstation.adapters.csv.cells import RowError
from workstation.adapters.csv.contracts import (
    CASH,
    Contract,
    equity,
    future,
    future_option,
    listed_option,
)
from workstation.adapters.csv.rows import check_trade_cash
from workstation.adapters.csv.tastytrade_kinds import (
    ACTIONS,
    Direction,
    effect_of_label,
    kind_of_sub_type,
)
from workstation.adapters.http import redact
from workstation.adapters.tastytrade.wire import Effect, TransactionWire
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import (
    PositionEffect,
    Transaction,
    TransactionError,
    TransactionSource,
)
from workstation.ports.broker import BrokerDataError

BROKER = "tastytrade"
ZERO = Decimal(0)
T = TypeVar("T")

#: The API spells actions as labels ("Buy to Open"); exports as codes (BUY_TO_OPEN).
DIRECTIONS: dict[str, Direction] = {
    **{direction.label: direction for direction in ACTIONS.values()},
    **ACTIONS,
}
_FUTURE_OPTION_RIGHTS = {"C": OptionRight.CALL, "P": OptionRight.PUT}


def parse_transaction(item: TransactionWire) -> Transaction:
    """Return the ledger row of one API transaction item.

    Value is signed by ``value-effect`` (Credit +, Debit -); fees are positive
    amounts paid (a Credit fee is a rebate, negative); quantity is signed by
    the action (received +, delivered -). Raises BrokerDataError naming the
    item id and the field when the item breaks the model.
    """
    where = f"transactions item id {item.id}"
    direction = _checked(where, "action", lambda: _direction(item.action))
    kind = _checked(
        where,
        "transaction-sub-type",
        lambda: kind_of_sub_type(item.transaction_sub_type, "transaction-sub-type"),
    )
    contract = _checked(where, "instrument-type", lambda: _contract(item))
    quantity = _quantity(item, direction, where)
    value = signed(item.value, item.value_effect, where, "value")
    _checked(
        where,
        "value",
        lambda: check_trade_cash(kind, contract.instrument, quantity, value, "value"),
    )
    try:
        return Transaction(
            broker=BROKER,
            account=item.account_number,
            key=str(item.id),
            kind=kind,
            executed_at=item.executed_at.astimezone(UTC),
            sub_type=item.transaction_sub_type,
            instrument=contract.instrument,
            symbol=contract.symbol,
            underlying=contract.underlying,
            expiry=contract.expiry,
            strike=contract.strike,
            right=contract.right,
            multiplier=_multiplier(contract, item, quantity),
            deliverable=contract.deliverable,
            quantity=quantity,
            price=abs(item.price) if item.price is not None and contract.instrument else None,
            value=value,
            commission=fee(item.commission, item.commission_effect, where, "commission"),
            clearing_fee=fee(item.clearing_fees, item.clearing_fees_effect, where, "clearing-fees"),
            regulatory_fee=fee(
                item.regulatory_fees, item.regulatory_fees_effect, where, "regulatory-fees"
            ),
            index_option_fee=fee(
                item.proprietary_index_option_fees,
                item.proprietary_index_option_fees_effect,
                where,
                "proprietary-index-option-fees",
            ),
            effect=_effect(direction, item.transaction_sub_type),
            order_id=str(item.order_id) if item.order_id is not None else "",
            reverses_key=str(item.reverses_id) if item.reverses_id is not None else "",
            description=item.description.strip(),
            currency=(item.currency or "USD").strip().upper(),
            source=TransactionSource.API,
        )
    except TransactionError as exc:
        raise BrokerDataError(redact(f"tastytrade {where}: {exc}")) from None


def signed(amount: Decimal | None, effect: Effect | None, where: str, field: str) -> Decimal:
    """Return ``amount`` (dollars) signed by its effect: Credit +, Debit -.

    A zero or absent amount is zero whatever its effect; a non-zero amount
    without Credit/Debit is refused (the direction of the cash is unknown).
    """
    if amount is None or amount == ZERO:
        return ZERO
    if effect == "Credit":
        return abs(amount)
    if effect == "Debit":
        return -abs(amount)
    raise BrokerDataError(
        f"tastytrade {where}: field '{field}-effect' is {effect!r} for a non-zero "
        f"'{field}' of {amount}; expected Credit or Debit"
    )


def fee(amount: Decimal | None, effect: Effect | None, where: str, field: str) -> Decimal:
    """Return a fee as a positive amount paid (dollars): a Debit is paid, a Credit a rebate."""
    return -signed(amount, effect, where, field)


def _checked(where: str, field: str, step: Callable[[], T]) -> T:
    """Run a CSV-vocabulary step, turning its RowError into BrokerDataError naming the field."""
    try:
        return step()
    except RowError as exc:
        named = exc.column or field
        raise BrokerDataError(
            redact(f"tastytrade {where}: field {named!r}: {exc.problem}")
        ) from None


def _direction(action: str | None) -> Direction | None:
    text = (action or "").strip()
    if not text:
        return None
    found = DIRECTIONS.get(text)
    if found is None:
        raise RowError("action", f"unknown action {action!r} (expected e.g. 'Buy to Open')")
    return found


def _quantity(item: TransactionWire, direction: Direction | None, where: str) -> Decimal:
    quantity = item.quantity or ZERO
    if quantity < ZERO:
        raise BrokerDataError(
            f"tastytrade {where}: field 'quantity' is negative ({quantity}); "
            "the API gives the direction in 'action'"
        )
    if direction is None:
        if quantity:
            raise BrokerDataError(
                f"tastytrade {where}: field 'action' is missing for a quantity of {quantity}"
            )
        return ZERO
    return quantity if direction.sign > 0 else -quantity


def _effect(direction: Direction | None, sub_type: str) -> PositionEffect | None:
    # Futures actions (Buy/Sell) do not say open or close; the sub type may.
    if direction is not None and direction.effect is not None:
        return direction.effect
    return effect_of_label(sub_type)


def _contract(item: TransactionWire) -> Contract:
    kind = (item.instrument_type or "").strip()
    symbol = (item.symbol or "").strip()
    underlying = (item.underlying_symbol or "").strip()
    if kind == "Equity":
        return equity(symbol)
    if kind in {"Equity Option", "Index Option"}:
        return _listed_option(symbol, underlying, index=kind == "Index Option")
    if kind == "Future":
        return future(symbol, underlying, None)
    if kind == "Future Option":
        return future_option(symbol, underlying, future_option_terms(symbol), None)
    if kind == "Cryptocurrency":
        raise RowError(
            "instrument-type",
            "cryptocurrency transactions cannot be synced yet (the ledger has no crypto "
            "instrument); this account's history cannot be read until they are supported",
        )
    if kind:
        raise RowError("instrument-type", f"unknown instrument type {kind!r}")
    return CASH if not symbol else Contract(None, symbol, underlying or symbol)


def _listed_option(symbol: str, underlying: str, *, index: bool) -> Contract:
    contract = listed_option(symbol, "symbol")
    # Tastytrade reports most index options as "Equity Option"; the root decides.
    instrument = InstrumentKind.INDEX_OPTION if index else contract.instrument
    return replace(contract, underlying=underlying or contract.underlying, instrument=instrument)


def future_option_terms(symbol: str) -> tuple[date, Decimal, OptionRight]:
    """Read (expiry, strike, right) from a futures option symbol (``./ESH6 E2AG6 260213P6800``).

    The last word is YYMMDD, C or P, and the strike in the future's points.
    """
    words = symbol.split()
    code = words[-1] if len(words) > 1 else ""
    right = _FUTURE_OPTION_RIGHTS.get(code[6:7])
    try:
        expiry = date(2000 + int(code[0:2]), int(code[2:4]), int(code[4:6]))
        strike = Decimal(code[7:])
    except (ValueError, ArithmeticError):
        right = None
    else:
        if not strike.is_finite() or strike <= ZERO:
            right = None
    if right is None:
        raise RowError(
            "symbol", f"{symbol!r} is not a futures option symbol (e.g. ./ESH6 E2AG6 260213P6800)"
        )
    return expiry, strike, right


def _multiplier(contract: Contract, item: TransactionWire, quantity: Decimal) -> Decimal:
    """Return the contract size; a futures option's is implied by value / (price x quantity).

    Transaction items carry no multiplier; for futures options the value
    includes the contract size, so it is recovered from the fill (whole units).
    """
    if contract.instrument is not InstrumentKind.FUTURE_OPTION:
        return contract.multiplier
    if not item.price or not quantity or not item.value:
        return contract.multiplier
    implied = (abs(item.value) / (abs(item.price) * abs(quantity))).to_integral_value()
    return implied if implied >= 1 else contract.multiplier
