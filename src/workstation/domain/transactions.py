"""Broker transactions: every row a broker reports, in one shape.

Sign conventions (hold everywhere in the ledger):

- ``quantity`` is signed: positive when the account receives the instrument
  (buy, assignment of a short put, a split's new shares), negative when it
  delivers it (sell, expiration of a long option removes it with ``-n``).
  Contracts for options and futures, shares for stock; zero for cash-only rows.
- ``value`` is the signed cash effect before fees in account currency:
  positive is a credit (cash in), negative a debit. For futures, brokers report
  realized P/L here rather than notional.
- Fees are positive amounts paid (a rebate is negative). ``net_value`` is
  ``value - fees``.
- ``price`` is per share / per unit as quoted (an option premium of 1.25 is
  ``1.25``, not 125).

A row's identity in the store is ``(broker, account, key)``: the broker's own
transaction id when there is one, otherwise a content fingerprint with an
occurrence counter (two byte-identical CSV rows are two real partial fills).
``content_key`` is the same for a CSV row and the API row it describes, so an
import and a sync of the same account never double count. ``sequence`` orders
rows that share an ``executed_at`` (exports that carry dates only) in the
order the broker executed them; it is not part of the content key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import StrEnum

from workstation.domain.event_calendar import EASTERN
from workstation.domain.frozen import quick_constructor
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OccSymbol, OptionRight

ZERO = Decimal(0)
CENT = Decimal("0.01")


class TransactionKind(StrEnum):
    """What a transaction is, in the broker-neutral vocabulary of the ledger."""

    TRADE = "trade"
    ASSIGNMENT = "assignment"
    EXERCISE = "exercise"
    EXPIRATION = "expiration"
    CASH_SETTLEMENT = "cash_settlement"
    DIVIDEND = "dividend"
    INTEREST = "interest"
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"
    FEE = "fee"
    SPLIT = "split"
    SYMBOL_CHANGE = "symbol_change"
    BALANCE_ADJUSTMENT = "balance_adjustment"
    MARK_TO_MARKET = "mark_to_market"

    @property
    def moves_position(self) -> bool:
        """True when the row changes a position (it carries an instrument and a quantity)."""
        return self in _POSITION_KINDS

    @property
    def is_money_movement(self) -> bool:
        """True for cash moving in or out of the account (not trading results)."""
        return self in {TransactionKind.DEPOSIT, TransactionKind.WITHDRAWAL}


_POSITION_KINDS = frozenset(
    {
        TransactionKind.TRADE,
        TransactionKind.ASSIGNMENT,
        TransactionKind.EXERCISE,
        TransactionKind.EXPIRATION,
        TransactionKind.CASH_SETTLEMENT,
        TransactionKind.SPLIT,
        TransactionKind.SYMBOL_CHANGE,
    }
)


class PositionEffect(StrEnum):
    """Whether a fill opens or closes (as the broker labels it; None when it does not say)."""

    OPEN = "open"
    CLOSE = "close"


class TransactionSource(StrEnum):
    """Where a row came from."""

    CSV = "csv"
    API = "api"


class TransactionError(ValueError):
    """A transaction that breaks the model's rules; the message names the field."""


@dataclass(frozen=True, slots=True)
class Transaction:
    """One broker-reported row, normalised. See the module docstring for signs and units.

    ``symbol`` is the instrument's identity in the ledger: the padded OCC form for
    equity and index options, the ticker for stock, the broker's symbol for
    futures and futures options; empty for cash-only rows. ``multiplier`` is
    the contract multiplier (100 for standard equity options, 1 for stock);
    ``deliverable`` the shares one contract delivers on assignment when that
    differs from the multiplier (adjusted options after a split), else None.
    """

    broker: str
    account: str
    key: str
    kind: TransactionKind
    executed_at: datetime
    sub_type: str = ""
    instrument: InstrumentKind | None = None
    symbol: str = ""
    underlying: str = ""
    expiry: date | None = None
    strike: Decimal | None = None
    right: OptionRight | None = None
    multiplier: Decimal = Decimal(1)
    deliverable: Decimal | None = None
    quantity: Decimal = ZERO
    price: Decimal | None = None
    value: Decimal = ZERO
    commission: Decimal = ZERO
    clearing_fee: Decimal = ZERO
    regulatory_fee: Decimal = ZERO
    index_option_fee: Decimal = ZERO
    effect: PositionEffect | None = None
    order_id: str = ""
    reverses_key: str = ""
    description: str = ""
    currency: str = "USD"
    source: TransactionSource = TransactionSource.CSV
    sequence: int = 0
    content_key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.broker or not self.account or not self.key:
            raise self._error("broker, account and key are required")
        if self.executed_at.tzinfo is None:
            raise self._error(f"executed_at {self.executed_at} has no time zone")
        if self.kind.moves_position and self.quantity != ZERO and not self.symbol:
            raise self._error(f"a {self.kind} row with a quantity needs a symbol")
        if self.multiplier <= ZERO:
            raise self._error(f"multiplier {self.multiplier} must be > 0")
        if self.instrument is not None and self.instrument.is_option and self.expiry is None:
            raise self._error("an option row needs an expiry")
        if not self.content_key:
            object.__setattr__(self, "content_key", content_key_of(self))

    def _error(self, problem: str) -> TransactionError:
        return TransactionError(f"transaction {self.key or '?'}: {problem}")

    @property
    def fees(self) -> Decimal:
        """Return all fees paid on the row (commission, clearing, regulatory, index), dollars."""
        return self.commission + self.clearing_fee + self.regulatory_fee + self.index_option_fee

    @property
    def net_value(self) -> Decimal:
        """Return the cash effect after fees, dollars (credit positive)."""
        return self.value - self.fees

    @property
    def is_option(self) -> bool:
        """True when the instrument is an option of any kind."""
        return self.instrument is not None and self.instrument.is_option

    @property
    def shares_per_contract(self) -> Decimal:
        """Return what one unit delivers on assignment/exercise (shares), multiplier if standard."""
        return self.deliverable if self.deliverable is not None else self.multiplier

    @property
    def occ(self) -> OccSymbol | None:
        """Return the OCC symbol for equity and index options, None otherwise."""
        kinds = (InstrumentKind.EQUITY_OPTION, InstrumentKind.INDEX_OPTION)
        if self.instrument not in kinds or self.right is None or self.strike is None:
            return None
        assert self.expiry is not None
        return OccSymbol(self.symbol[:6].strip(), self.expiry, self.right, self.strike)

    @property
    def trade_date(self) -> date:
        """Return the New York calendar date of execution."""
        return self.executed_at.astimezone(EASTERN).date()


# Builds the same frozen, validated Transaction as ``Transaction(...)`` with the
# same arguments in about a third of the time (see domain.frozen), for code
# that builds rows by the hundred thousand: CSV parsers, reading the store.
build_transaction = quick_constructor(Transaction)


def content_key_of(row: Transaction) -> str:
    """Return a source-independent fingerprint of what a row says (no occurrence counter).

    Uses the account, the second of execution (UTC), kind, symbol, signed
    quantity, value to the cent and order id; fees are left out because a CSV
    export folds fee kinds together that the API reports separately.
    """
    # timespec="seconds" drops the microseconds, as the key always has.
    instant = row.executed_at.astimezone(UTC).isoformat(timespec="seconds")
    parts = (
        row.broker,
        row.account,
        instant,
        row.kind,  # a StrEnum: joins as its value
        row.symbol,
        _plain(row.quantity),
        _plain(row.value.quantize(CENT)),
        row.order_id,
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def trade_date_content_key(row: Transaction, close: time) -> str:
    """Return the content key an export that carries only trade dates gives this row.

    Schwab's CSV export stamps every row at the close (``close``, New York
    time) of its trade date and has no order id; the API row of the same
    fill carries both. Keying the API row the export's way lets an import and
    a sync of the same account recognise each other.
    """
    moment = datetime.combine(row.trade_date, close, EASTERN)
    return content_key_of(replace(row, executed_at=moment, order_id="", content_key="-"))


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def occurrence_keys(rows: list[Transaction]) -> list[str]:
    """Return a key per row: its content key plus a counter for byte-identical repeats.

    The n-th row (1-based) with a given content key gets ``fp:<content>#n``, so
    two identical partial fills in one file are both kept and re-importing the
    same file reproduces the same keys.
    """
    seen: dict[str, int] = {}
    keys = []
    for row in rows:
        n = seen.get(row.content_key, 0) + 1
        seen[row.content_key] = n
        keys.append(f"fp:{row.content_key}#{n}")
    return keys


def assign_file_keys(rows: list[Transaction]) -> None:
    """Give rows a parser has just built their final keys and ``sequence`` = position.

    Sets the fields in place rather than rebuilding every row (a 100,000-row
    export would be built twice): only for rows no one else holds yet, the
    way ``__post_init__`` sets ``content_key``. Keys are ``occurrence_keys``.
    """
    for sequence, (row, key) in enumerate(zip(rows, occurrence_keys(rows), strict=True)):
        object.__setattr__(row, "key", key)
        object.__setattr__(row, "sequence", sequence)


def ledger_order(row: Transaction) -> tuple[datetime, int, int, str]:
    """Return the sort key the ledger processes rows in (a total order).

    By execution time, then the broker's sequence, then opens before closes at
    the same instant (a day trade in a date-only export), then the key, so the
    result never depends on the order rows were stored or inserted.
    """
    effect_rank = 0 if row.effect is PositionEffect.OPEN else 1
    return (row.executed_at, row.sequence, effect_rank, row.key)


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """Why a file cannot be imported, and exactly where: file, 1-based line, column."""

    file: str
    line: int
    column: str
    problem: str

    def __str__(self) -> str:
        """Return ``file:line: column 'X': problem``."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        column = f" column {self.column!r}:" if self.column else ""
        return f"{where}:{column} {self.problem}"


class ImportFileError(ValueError):
    """A file that cannot be imported; ``problem`` says file, line, column and what is wrong."""

    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True, slots=True)
class StatementFile:
    """Every row of one broker export, parsed and keyed, ready to store.

    ``format`` names the export generation that was detected (e.g.
    ``tastytrade-current``); ``rows`` are in chronological order (exports
    list newest first) with their final keys and ``sequence``.
    """

    path: str
    broker: str
    format: str
    rows: tuple[Transaction, ...]

    @property
    def accounts(self) -> tuple[str, ...]:
        """Return the accounts the rows belong to, sorted."""
        return tuple(sorted({row.account for row in self.rows}))

    @property
    def date_range(self) -> tuple[date, date] | None:
        """Return the first and last trade dates (New York), None for an empty file."""
        if not self.rows:
            return None
        days = [row.trade_date for row in self.rows]
        return min(days), max(days)
