"""The demo account's book: cash, positions and every export row, written as Tastytrade writes them.

The book records what happened in the broker's vocabulary (current
generation of the transaction-history CSV): ``Value`` signed credit
positive, ``Quantity`` unsigned with the direction in ``Action``,
``Average Price`` per contract for options and per share for stock, signed
like ``Value``, ``Commissions`` and ``Fees`` negative (``--`` for no
commission), ``Total`` their sum. Rows are kept in execution order; the
export lists them newest first.

Fee schedule (dollars): options $1.00 per contract to open, capped at $10
per leg, $0 to close; clearing $0.10 and regulatory $0.02 per contract on
every option fill; $0.65 per contract index-option fee on SPX, NDX and RUT
options; stock clearing $0.0008 per share plus the SEC fee on sales; on
assignment and exercise the stock leg pays the stock fees, no commission.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum

from workstation.adapters.csv.tastytrade import COLUMNS as TASTYTRADE_COLUMNS
from workstation.adapters.marketdata.demo.account_market import Contract
from workstation.domain.occ import OptionRight
from workstation.domain.strategies import StrategyKind, strike_text
from workstation.engines.sessions import EXCHANGE_TZ

ZERO = Decimal(0)
CENT = Decimal("0.01")
OPTION_MULTIPLIER = 100
COMMISSION_PER_CONTRACT = Decimal("1.00")
COMMISSION_CAP_PER_LEG = Decimal("10.00")
CLEARING_PER_CONTRACT = Decimal("0.10")
REGULATORY_PER_CONTRACT = Decimal("0.02")
INDEX_FEE_PER_CONTRACT = Decimal("0.65")
INDEX_UNDERLYINGS = frozenset({"SPX", "NDX", "RUT"})
STOCK_CLEARING_PER_SHARE = Decimal("0.0008")
SEC_FEE_RATE = Decimal("0.0000278")  # of the proceeds of a sale
CASH_FLOOR = Decimal(2_000)  # the trader keeps this much cash free when paying out, dollars

# The current-generation export's columns, in order: one definition, the importer's.
HEADER: tuple[str, ...] = tuple(TASTYTRADE_COLUMNS)

TRADE, RECEIVE_DELIVER, MONEY_MOVEMENT = "Trade", "Receive Deliver", "Money Movement"
EQUITY, EQUITY_OPTION = "Equity", "Equity Option"


class Action(StrEnum):
    """The direction of a fill as the export's ``Action`` column writes it."""

    BUY_TO_OPEN = "BUY_TO_OPEN"
    SELL_TO_OPEN = "SELL_TO_OPEN"
    BUY_TO_CLOSE = "BUY_TO_CLOSE"
    SELL_TO_CLOSE = "SELL_TO_CLOSE"

    @property
    def is_buy(self) -> bool:
        """True when the account receives the instrument."""
        return self.value.startswith("BUY")

    @property
    def opens(self) -> bool:
        """True for the opening actions."""
        return self.value.endswith("OPEN")

    @property
    def sub_type(self) -> str:
        """Return the ``Sub Type`` of a trade with this action (``Buy to Open`` ...)."""
        verb, _, effect = self.value.split("_")
        return f"{verb.capitalize()} to {effect.capitalize()}"


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One row of the export; money in dollars, signs as the broker writes them (see module).

    ``contract`` fills the option columns (root, underlying, expiry, strike,
    call or put); ``commissions`` None is written ``--``.
    """

    at: datetime
    type: str
    sub_type: str
    description: str
    value: Decimal = ZERO
    action: str = ""
    symbol: str = ""
    instrument: str = ""
    quantity: Decimal = ZERO
    average_price: Decimal | None = None
    commissions: Decimal | None = None
    fees: Decimal = ZERO
    multiplier: int | None = None
    contract: Contract | None = None
    order: str = ""

    @property
    def total(self) -> Decimal:
        """Return Value + Commissions + Fees (the row's cash effect), dollars."""
        return self.value + (self.commissions or ZERO) + self.fees


def actions_for(held: Decimal, change: Decimal) -> list[tuple[Action, Decimal]]:
    """Return the actions (with unsigned quantities) that move a position ``held`` by ``change``.

    A change that crosses zero is split into a close and an open, as brokers report it.
    """
    if change > 0:
        closing = min(change, max(-held, ZERO))
        parts = [(Action.BUY_TO_CLOSE, closing), (Action.BUY_TO_OPEN, change - closing)]
    else:
        closing = min(-change, max(held, ZERO))
        parts = [(Action.SELL_TO_CLOSE, closing), (Action.SELL_TO_OPEN, -change - closing)]
    return [(action, quantity) for action, quantity in parts if quantity > 0]


def option_fees(contract: Contract, action: Action, quantity: Decimal) -> tuple[Decimal, Decimal]:
    """Return (commission, fees) of an option fill as positive dollars (see the schedule)."""
    commission = min(COMMISSION_PER_CONTRACT * quantity, COMMISSION_CAP_PER_LEG)
    per_contract = CLEARING_PER_CONTRACT + REGULATORY_PER_CONTRACT
    if contract.underlying in INDEX_UNDERLYINGS:
        per_contract += INDEX_FEE_PER_CONTRACT
    return (commission if action.opens else ZERO), per_contract * quantity


def stock_fees(action: Action, quantity: Decimal, price: Decimal) -> Decimal:
    """Return the fees of a stock fill as positive dollars: clearing, plus the SEC fee on sales."""
    fees = _up(STOCK_CLEARING_PER_SHARE * quantity)
    if not action.is_buy:
        fees += _up(SEC_FEE_RATE * price * quantity)
    return fees


class Book:
    """Cash, positions (signed: contracts per OCC symbol, shares per ticker) and the rows so far."""

    def __init__(self, first_order: int) -> None:
        self.cash = ZERO
        self.positions: dict[str, Decimal] = {}
        self.rows: list[ExportRow] = []
        self.labels: dict[str, StrategyKind] = {}
        self._next_order = first_order

    def new_order(self, gap: int) -> str:
        """Return a fresh order number, ``gap`` after the previous one (orders are time-ordered)."""
        self._next_order += max(gap, 1)
        return str(self._next_order)

    def held(self, symbol: str) -> Decimal:
        """Return the signed position in ``symbol`` (0 when flat)."""
        return self.positions.get(symbol, ZERO)

    # ------------------------------------------------------------ trades
    def option_fill(
        self,
        order: str,
        at: datetime,
        contract: Contract,
        change: int,
        price: Decimal,
        parts: int = 1,
    ) -> list[int]:
        """Fill ``change`` contracts (signed) at ``price`` per share; return the rows' positions.

        ``parts`` identical rows share the fill: partial fills of one order at
        one price and instant, as the broker's export shows them.
        """
        symbol, recorded = str(contract.occ), []
        for action, quantity in actions_for(self.held(symbol), Decimal(change)):
            piece = quantity / parts
            commission, fees = option_fees(contract, action, piece)
            row = ExportRow(
                at,
                TRADE,
                action.sub_type,
                "",
                action=action.value,
                symbol=symbol,
                instrument=EQUITY_OPTION,
                quantity=piece,
                commissions=-commission,
                fees=-fees,
                multiplier=OPTION_MULTIPLIER,
                contract=contract,
                order=order,
            )
            for _ in range(parts):
                recorded.append(len(self.rows))
                self._record(_priced(row, price))
        return recorded

    def reprice(self, rows: list[int], price: Decimal) -> None:
        """Set the fill price of option trade ``rows`` to ``price`` per share (cash follows)."""
        for k in rows:
            old = self.rows[k]
            new = _priced(old, price)
            self.rows[k] = new
            self.cash += new.total - old.total

    def stock_fill(
        self, order: str, at: datetime, symbol: str, change: Decimal, price: Decimal
    ) -> None:
        """Buy (change > 0) or sell shares of ``symbol`` at ``price`` per share."""
        for action, quantity in actions_for(self.held(symbol), change):
            verb = "Bought" if action.is_buy else "Sold"
            text = f"{verb} {_count(quantity)} {symbol} @ {price:.2f}"
            self._record(_stock_row(at, TRADE, action, symbol, quantity, price, text, order))

    # ------------------------------------------------------------ end of an option's life
    def expire(self, at: datetime, contract: Contract) -> None:
        """Remove the whole position in ``contract`` as expired worthless."""
        held = self.held(str(contract.occ))
        action = Action.BUY_TO_CLOSE if held < 0 else Action.SELL_TO_CLOSE
        text = f"Removal of {_count(abs(held))}.0 {_name(contract)} due to expiration."
        self._record(_removal(at, "Expiration", action, contract, abs(held), text))

    def deliver(self, at: datetime, contract: Contract) -> None:
        """Exercise (long) or be assigned (short) the whole position in ``contract`` for stock.

        The stock moves at the strike: a call buys it for the long and sells it
        for the short, a put the other way round.
        """
        held = self.held(str(contract.occ))
        short, count = held < 0, abs(held)
        action = Action.BUY_TO_CLOSE if short else Action.SELL_TO_CLOSE
        sub_type = "Assignment" if short else "Exercise"
        text = f"Removal of option due to {sub_type.lower()}"
        self._record(_removal(at, sub_type, action, contract, count, text))
        shares = count * OPTION_MULTIPLIER * (1 if contract.is_call != short else -1)
        underlying, strike = contract.underlying, contract.strike
        for stock_action, amount in actions_for(self.held(underlying), shares):
            text = f"{stock_action.sub_type} {_count(amount)} {underlying} @ {strike:.2f}"
            row = _stock_row(at, RECEIVE_DELIVER, stock_action, underlying, amount, strike, text)
            self._record(row)

    def cash_settle(self, at: datetime, contract: Contract, settlement: Decimal) -> None:
        """Settle an in-the-money index option in cash at ``settlement`` (index points)."""
        held = self.held(str(contract.occ))
        short, count = held < 0, abs(held)
        strike = contract.strike
        intrinsic = settlement - strike if contract.is_call else strike - settlement
        per_contract = (max(intrinsic, ZERO) * OPTION_MULTIPLIER).quantize(CENT)
        signed = -per_contract if short else per_contract
        sub_type = "Cash Settled Assignment" if short else "Cash Settled Exercise"
        action = Action.BUY_TO_CLOSE if short else Action.SELL_TO_CLOSE
        text = f"Cash settlement of {_count(count)}.0 {_name(contract)} at {settlement:.2f}"
        row = _removal(at, sub_type, action, contract, count, text)
        self._record(replace(row, value=signed * count, average_price=signed))

    # ------------------------------------------------------------ cash and corporate actions
    def money(
        self, at: datetime, sub_type: str, description: str, amount: Decimal, symbol: str = ""
    ) -> None:
        """Record cash in (+) or out (-) of the account: deposits, interest, dividends, fees."""
        instrument = EQUITY if symbol else ""
        row = ExportRow(at, MONEY_MOVEMENT, sub_type, description, amount, symbol=symbol)
        self._record(replace(row, instrument=instrument))

    def forward_split(
        self, at: datetime, symbol: str, new_for_old: tuple[int, int], price: Decimal
    ) -> None:
        """Split ``symbol`` new-for-old; pay the fractional share in cash at ``price`` per share.

        The old quantity is removed and the new whole quantity added at no
        value; a fraction left over comes as a separate cash row (quantity 0).
        """
        new, old = new_for_old
        held = self.held(symbol)
        exact = held * new / old
        whole = exact.to_integral_value(rounding=ROUND_FLOOR)
        label = f"FORWARD SPLIT {new} FOR {old}"
        base = ExportRow(at, RECEIVE_DELIVER, "Forward Split", label, symbol=symbol)
        base = replace(base, instrument=EQUITY, multiplier=1)
        for action, amount, verb in (
            (Action.SELL_TO_CLOSE, held, "Close"),
            (Action.BUY_TO_OPEN, whole, "Open"),
        ):
            text = f"{label}: {verb} {_count(amount)}.0 {symbol}"
            row = replace(base, description=text, action=action.value, quantity=amount)
            self._record(replace(row, average_price=ZERO))
        if exact > whole:
            cash = ((exact - whole) * price).quantize(CENT)
            fraction = _count(exact - whole)
            text = f"{label}: Cash in lieu of {fraction} {symbol} (rounding correction)"
            self._record(replace(base, description=text, value=cash))

    # ------------------------------------------------------------ bookkeeping
    def _record(self, row: ExportRow) -> None:
        self.rows.append(row)
        self.cash += row.total
        if row.action and row.symbol:
            change = row.quantity if Action(row.action).is_buy else -row.quantity
            position = self.held(row.symbol) + change
            if position == 0:
                self.positions.pop(row.symbol, None)
            else:
                self.positions[row.symbol] = position


def _priced(row: ExportRow, price: Decimal) -> ExportRow:
    """Return an option trade row filled at ``price`` per share: value, average, description."""
    assert row.contract is not None
    action = Action(row.action)
    verb = "Bought" if action.is_buy else "Sold"
    text = f"{verb} {_count(row.quantity)} {_name(row.contract)} @ {price:.2f}"
    value = _signed(action, price * OPTION_MULTIPLIER * row.quantity)
    average = _signed(action, price * OPTION_MULTIPLIER)
    return replace(row, description=text, value=value, average_price=average)


def _stock_row(
    at: datetime,
    kind: str,
    action: Action,
    symbol: str,
    quantity: Decimal,
    price: Decimal,
    description: str,
    order: str = "",
) -> ExportRow:
    """Return a stock row: a trade (commission 0.00) or a delivery (commission ``--``)."""
    return ExportRow(
        at,
        kind,
        action.sub_type,
        description,
        value=_signed(action, (price * quantity).quantize(CENT)),
        action=action.value,
        symbol=symbol,
        instrument=EQUITY,
        quantity=quantity,
        average_price=_signed(action, price),
        commissions=ZERO if kind == TRADE else None,
        fees=-stock_fees(action, quantity, price),
        multiplier=1,
        order=order,
    )


def _removal(
    at: datetime, sub_type: str, action: Action, contract: Contract, count: Decimal, text: str
) -> ExportRow:
    """Return the row removing ``count`` contracts at no value (expiry, exercise, assignment)."""
    return ExportRow(
        at,
        RECEIVE_DELIVER,
        sub_type,
        text,
        action=action.value,
        symbol=str(contract.occ),
        instrument=EQUITY_OPTION,
        quantity=count,
        average_price=ZERO,
        multiplier=OPTION_MULTIPLIER,
        contract=contract,
    )


def _signed(action: Action, amount: Decimal) -> Decimal:
    """Return ``amount`` as the export signs it: a buy debits (negative), a sale credits."""
    return -amount if action.is_buy else amount


def _up(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_CEILING)


def _count(quantity: Decimal) -> str:
    return format(quantity.normalize(), "f")


def _name(contract: Contract) -> str:
    """Return e.g. ``SPY 12/18/26 Put 450.00`` (how descriptions name a contract)."""
    right = "Call" if contract.right is OptionRight.CALL else "Put"
    return f"{contract.root} {contract.expiry:%m/%d/%y} {right} {contract.strike:.2f}"


# ---------------------------------------------------------------- the CSV text
def export_csv(rows: list[ExportRow]) -> str:
    """Return the current-generation Tastytrade CSV of ``rows``: header, then newest first.

    Rows that share a timestamp keep their execution order reversed, as the
    broker's export lists them.
    """
    ordered = sorted(enumerate(rows), key=lambda pair: (pair[1].at, pair[0]), reverse=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(_cells(row) for _, row in ordered)
    return out.getvalue()


def _cells(row: ExportRow) -> list[str]:
    contract = row.contract
    has_quantity = row.type != MONEY_MOVEMENT
    return [
        row.at.astimezone(EXCHANGE_TZ).strftime("%Y-%m-%dT%H:%M:%S%z"),
        row.type,
        row.sub_type,
        row.action,
        row.symbol,
        row.instrument,
        row.description,
        money_text(row.value),
        _count(row.quantity) if has_quantity else "0",
        "" if row.average_price is None else money_text(row.average_price),
        "--" if row.commissions is None else money_text(row.commissions),
        money_text(row.fees),
        "" if row.multiplier is None else str(row.multiplier),
        contract.root if contract else "",
        contract.underlying if contract else "",
        expiry_text(contract.expiry) if contract else "",
        strike_text(contract.strike) if contract else "",
        ("CALL" if contract.is_call else "PUT") if contract else "",
        row.order,
        money_text(row.total),
        "USD",
    ]


def money_text(amount: Decimal) -> str:
    """Return dollars with thousands separators and two decimals: ``-1,625.99``, never ``-0.00``."""
    text = f"{amount.quantize(CENT):,.2f}"
    return "0.00" if text == "-0.00" else text


def expiry_text(day: date) -> str:
    """Return an expiration as the export writes it: ``m/d/yy`` without padding."""
    return f"{day.month}/{day.day}/{day:%y}"
