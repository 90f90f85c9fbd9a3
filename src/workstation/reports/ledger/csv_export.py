"""CSV exports of the ledger: transactions, closed trades, open lots, P&L by period or group.

Every writer takes a text stream or a path. A path is written atomically (a
hidden temporary file in the same folder, then ``os.replace``), so a failure
never leaves a half-written export; it is encoded UTF-8 with a byte-order mark
because that is what makes spreadsheet programs read non-ASCII text correctly.
Rows end in CRLF (RFC 4180); a stream you pass should be opened with
``newline=""`` so they are not translated. Each writer returns the number of data rows.

Cells are typed, and the type decides how a cell is written:

- ``Decimal`` money, prices and quantities are written as exact plain
  decimals (``-12.50``, never ``-1.25E+1`` and never through float);
  ``int`` and ``float`` (win rate 0-1, delta) as plain numbers. A negative
  number therefore stays a number a spreadsheet can sum.
- ``date`` is ``YYYY-MM-DD``; ``datetime`` is ISO 8601 in New York time with
  its offset (``2026-03-06T10:00:00-05:00``). ``None`` is an empty cell.
- ``str`` is text (symbols, descriptions, names, tags, ids). Formula-injection
  rule: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return is prefixed with a single quote, so a spreadsheet shows it
  as text and never evaluates it (``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``,
  tag ``+1`` -> ``'+1``, delta bucket ``-5 to +5`` -> ``'-5 to +5``).
  Numbers are never text, so the rule cannot turn a negative amount into text.
"""

from __future__ import annotations

import csv
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal, TextIO
from zoneinfo import ZoneInfo

from workstation.domain.pnl import (
    GroupPnl,
    LedgerView,
    LotRow,
    PeriodPnl,
    PnlPeriod,
    TradeRow,
    TradeStatus,
)
from workstation.domain.transactions import Transaction

NEW_YORK = ZoneInfo("America/New_York")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "

Cell = str | Decimal | int | float | date | None
CsvTarget = TextIO | str | os.PathLike[str]
PnlGrouping = Literal["day", "week", "month", "year", "underlying", "strategy", "delta"]
PNL_GROUPINGS: tuple[PnlGrouping, ...] = (
    "day",
    "week",
    "month",
    "year",
    "underlying",
    "strategy",
    "delta",
)


def safe_text(text: str) -> str:
    """Return ``text`` with a leading single quote when a spreadsheet would run it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def csv_cell(value: Cell) -> str:
    """Return one cell as CSV text by its type (see the module docstring for the rules)."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, datetime):
        return value.astimezone(NEW_YORK).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return _plain_number(value)


def _plain_number(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # A negative zero reads as a loss in a spreadsheet's sign formatting.
        return format(abs(value) if value.is_zero() else value, "f")
    if isinstance(value, float):
        return repr(round(value, 4))
    return str(value)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a hidden temporary path next to ``path``; move it over ``path`` if the block succeeds.

    On any failure the temporary file is removed and an existing ``path`` is
    left exactly as it was.
    """
    final = Path(path)
    temporary = final.with_name(f".{final.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield temporary
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, final)
    except BaseException:
        with suppress(FileNotFoundError):
            temporary.unlink()
        raise


def write_table(header: Sequence[str], rows: Iterable[Sequence[Cell]], out: CsvTarget) -> int:
    """Write a header and typed rows as CSV to a stream or (atomically) a path; return row count."""
    if isinstance(out, str | os.PathLike):
        with (
            atomic_path(out) as temporary,
            temporary.open("w", encoding="utf-8-sig", newline="") as handle,
        ):
            return _write_rows(header, rows, handle)
    return _write_rows(header, rows, out)


def _write_rows(header: Sequence[str], rows: Iterable[Sequence[Cell]], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        count += 1
    return count


# ---------------------------------------------------------------- transactions

_TRANSACTION_COLUMNS: tuple[tuple[str, Callable[[Transaction], Cell]], ...] = (
    ("trade_date", lambda t: t.trade_date),
    ("executed_at", lambda t: t.executed_at),
    ("broker", lambda t: t.broker),
    ("account", lambda t: t.account),
    ("kind", lambda t: t.kind.value),
    ("sub_type", lambda t: t.sub_type),
    ("instrument", lambda t: t.instrument.value if t.instrument else None),
    ("symbol", lambda t: t.symbol),
    ("underlying", lambda t: t.underlying),
    ("expiry", lambda t: t.expiry),
    ("strike", lambda t: t.strike),
    ("right", lambda t: t.right.value if t.right else None),
    ("multiplier", lambda t: t.multiplier),
    ("deliverable", lambda t: t.deliverable),
    ("quantity", lambda t: t.quantity),
    ("price", lambda t: t.price),
    ("value", lambda t: t.value),
    ("commission", lambda t: t.commission),
    ("clearing_fee", lambda t: t.clearing_fee),
    ("regulatory_fee", lambda t: t.regulatory_fee),
    ("index_option_fee", lambda t: t.index_option_fee),
    ("fees", lambda t: t.fees),
    ("net_value", lambda t: t.net_value),
    ("effect", lambda t: t.effect.value if t.effect else None),
    ("order_id", lambda t: t.order_id),
    ("description", lambda t: t.description),
    ("currency", lambda t: t.currency),
    ("source", lambda t: t.source.value),
    ("sequence", lambda t: t.sequence),
    ("key", lambda t: t.key),
    ("reverses_key", lambda t: t.reverses_key),
)
TRANSACTION_HEADER = tuple(name for name, _ in _TRANSACTION_COLUMNS)


def write_transactions_csv(rows: Iterable[Transaction], out: CsvTarget) -> int:
    """Write broker transactions, one per line in the order given; return the row count.

    Signs and units are the ledger's: ``quantity`` signed (+ received),
    ``value`` dollars credit-positive before fees, fees positive dollars paid,
    ``price`` per share/unit.
    """
    table = ([get(row) for _, get in _TRANSACTION_COLUMNS] for row in rows)
    return write_table(TRANSACTION_HEADER, table, out)


# ---------------------------------------------------------------- closed trades

CLOSED_TRADE_HEADER = (
    "trade_id",
    "account",
    "underlying",
    "strategy",
    "kind",
    "opened",
    "closed",
    "days_held",
    "realized_net",
    "realized_gross",
    "fees",
    "entry_delta",
    "roll_chain",
    "rolls",
    "chain_realized",
    "tags",
    "legs",
)


def closed_trades(view: LedgerView) -> list[TradeRow]:
    """Return the fully closed trades of ``view`` by closing time, then id."""
    done = [t for t in view.trades if t.status is TradeStatus.CLOSED and t.closed_at is not None]
    return sorted(done, key=lambda t: (t.closed_at or t.opened_at, t.id))


def _closed_trade_row(trade: TradeRow) -> list[Cell]:
    assert trade.closed_at is not None
    opened, closed = _ny_date(trade.opened_at), _ny_date(trade.closed_at)
    return [
        trade.id,
        trade.account,
        trade.underlying,
        trade.name,
        trade.kind,
        opened,
        closed,
        (closed - opened).days,
        trade.realized,
        trade.realized + trade.fees,
        trade.fees,
        trade.entry_delta,
        trade.roll_chain,
        trade.rolls,
        trade.chain_realized,
        LIST_SEPARATOR.join(trade.tags),
        LIST_SEPARATOR.join(trade.legs),
    ]


def write_closed_trades_csv(view: LedgerView, out: CsvTarget) -> int:
    """Write one line per closed trade with its realized P&L (dollars); return the row count.

    ``realized_net`` is after fees, ``realized_gross`` before (net + fees);
    ``opened``/``closed`` are New York dates; ``entry_delta`` is shares per
    unit at entry; ``tags`` and ``legs`` are joined with ``"; "``.
    """
    return write_table(CLOSED_TRADE_HEADER, map(_closed_trade_row, closed_trades(view)), out)


# ---------------------------------------------------------------- open lots

OPEN_LOT_HEADER = (
    "account",
    "underlying",
    "strategy",
    "symbol",
    "opened_at",
    "quantity",
    "price",
    "cost",
    "mark",
    "unrealized",
    "open_key",
)


def write_open_lots_csv(view: LedgerView, out: CsvTarget) -> int:
    """Write the open lots with the trade each belongs to; return the row count.

    ``quantity`` is signed (+ long), ``price`` and ``mark`` per share/unit,
    ``cost`` and ``unrealized`` dollars; an unmarked lot has empty mark and
    unrealized cells.
    """
    owner = {lot.open_key: trade for trade in view.trades for lot in trade.lots}
    return write_table(OPEN_LOT_HEADER, (_lot_row(lot, owner) for lot in view.open_lots), out)


def _lot_row(lot: LotRow, owner: dict[str, TradeRow]) -> list[Cell]:
    trade = owner.get(lot.open_key)
    return [
        trade.account if trade else None,
        trade.underlying if trade else None,
        trade.name if trade else None,
        lot.symbol,
        lot.opened_at,
        lot.quantity,
        lot.price,
        lot.cost,
        lot.mark,
        lot.unrealized,
        lot.open_key,
    ]


# ---------------------------------------------------------------- P&L by period / group

PERIOD_HEADER = ("period_start", "net", "gross", "fees", "closes")
GROUP_COLUMNS = ("realized", "unrealized", "total", "fees", "trades", "winners", "losers")
_GROUP_LABEL = {"underlying": "underlying", "strategy": "strategy", "delta": "entry_delta_bucket"}


def write_pnl_by_csv(view: LedgerView, by: PnlGrouping, out: CsvTarget) -> int:
    """Write realized P&L by period (day/week/month/year) or P&L by group; return the row count.

    Periods are named by their first day (weeks start Monday, New York
    dates); ``net`` is after fees. Groups (underlying, strategy, delta at
    entry) carry realized, unrealized and total dollars and ``win_rate`` 0-1
    (empty when no trade in the group has closed).
    """
    if by in _GROUP_LABEL:
        groups = {"underlying": view.by_underlying, "strategy": view.by_strategy}
        header = (_GROUP_LABEL[by], *GROUP_COLUMNS, "win_rate")
        rows = groups.get(by, view.by_delta)
        return write_table(header, map(_group_row, rows), out)
    if by not in PNL_GROUPINGS:
        raise ValueError(f"P&L grouping must be one of {', '.join(PNL_GROUPINGS)}, got {by!r}")
    periods = view.periods.get(PnlPeriod(by), ())
    return write_table(PERIOD_HEADER, map(_period_row, periods), out)


def _period_row(period: PeriodPnl) -> list[Cell]:
    return [period.start, period.net, period.gross, period.fees, period.closes]


def _group_row(group: GroupPnl) -> list[Cell]:
    return [
        group.label,
        group.realized,
        group.unrealized,
        group.total,
        group.fees,
        group.trades,
        group.winners,
        group.losers,
        group.win_rate,
    ]


def _ny_date(moment: datetime) -> date:
    return moment.astimezone(NEW_YORK).date()
