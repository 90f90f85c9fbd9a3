"""Read a whole broker export into a keyed, chronological StatementFile.

Any problem stops the import with ImportFileError naming the file, the
1-based line, the column and what to do; nothing is returned half-read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from pathlib import Path
from typing import TypeVar

from workstation.adapters.csv.cells import RowError
from workstation.adapters.csv.detect import (
    SCHWAB_HISTORY,
    TASTYTRADE_LEGACY,
    ExportFormat,
    clean_header,
    detect,
)
from workstation.adapters.csv.schwab import SchwabParser
from workstation.adapters.csv.table import Record, read_text, records
from workstation.adapters.csv.tastytrade import TastytradeWebParser
from workstation.adapters.csv.tastytrade_legacy import TastytradeLegacyParser
from workstation.domain.transactions import (
    ImportFileError,
    ImportProblem,
    StatementFile,
    Transaction,
    TransactionError,
    assign_file_keys,
)

RowParser = Callable[[list[str]], Transaction | None]
T = TypeVar("T")
# Schwab exports have been seen to start with a title line before the header.
_MAX_TITLE_LINES = 2


def read_statement(
    path: Path, *, broker: str | None = None, account: str | None = None
) -> StatementFile:
    """Read a broker CSV export from ``path`` (implements the StatementReader port).

    ``broker`` ("tastytrade" or "schwab") is detected from the header names
    when None. ``account`` is required for exports without an account column
    (tastytrade web and current, Schwab). Raises ImportFileError naming file,
    line and column for anything the file does not hold as expected.
    """
    return parse_statement(read_text(path), name=str(path), broker=broker, account=account)


def parse_statement(
    text: str, *, name: str, broker: str | None = None, account: str | None = None
) -> StatementFile:
    """Parse export ``text`` (``name`` is used in error messages) into a StatementFile.

    Rows come out oldest first (exports list the newest first) with
    ``sequence`` 0, 1, 2... in that order, and keys ``fp:<content_key>#n``
    where n counts repeats of identical content, so byte-identical partial
    fills are both kept and parsing the same text again gives the same keys.
    """
    wanted_broker = _normalised(broker)
    wanted_account = _normalised_account(account)
    lines = records(text, name)
    export, header, header_line = _header(lines, name, wanted_broker)
    parse = _guarded(name, header_line, lambda: _parser(export, header, wanted_account))
    rows = _parse_rows(lines, parse, name)
    return StatementFile(name, export.broker, export.name, _keyed(_chronological(rows)))


def _normalised(broker: str | None) -> str | None:
    return (broker.strip().lower() or None) if broker is not None else None


def _normalised_account(account: str | None) -> str | None:
    if account is None or not account.strip():
        return None
    return account.strip()


def _header(
    lines: Iterator[Record], name: str, broker: str | None
) -> tuple[ExportFormat, list[str], int]:
    record = next(lines, None)
    skipped = 0
    while record is not None and _is_title(record.cells) and skipped < _MAX_TITLE_LINES:
        record, skipped = next(lines, None), skipped + 1
    if record is None:
        problem = "the file has no header row; export the transaction history again"
        raise ImportFileError(ImportProblem(name, 0, "", problem))
    header = clean_header(record.cells)
    return _guarded(name, record.line, lambda: detect(header, broker)), header, record.line


def _is_title(cells: Sequence[str]) -> bool:
    # "Transactions for account ... as of ..." has one non-empty cell.
    return sum(1 for cell in cells if cell.strip()) == 1


def _parser(export: ExportFormat, header: list[str], account: str | None) -> RowParser:
    if export is SCHWAB_HISTORY:
        return SchwabParser(header, account)
    if export is TASTYTRADE_LEGACY:
        return TastytradeLegacyParser(header, account)
    return TastytradeWebParser(header, account)


def _guarded(name: str, line: int, step: Callable[[], T]) -> T:
    try:
        return step()
    except RowError as exc:
        raise ImportFileError(ImportProblem(name, line, exc.column, exc.problem)) from None


def _parse_rows(lines: Iterator[Record], parse: RowParser, name: str) -> list[Transaction]:
    rows = []
    for record in lines:
        try:
            row = parse(record.cells)
        except RowError as exc:
            problem = ImportProblem(name, record.line, exc.column, exc.problem)
            raise ImportFileError(problem) from None
        except TransactionError as exc:
            problem = ImportProblem(name, record.line, "", f"{exc}; export the file again")
            raise ImportFileError(problem) from None
        if row is not None:
            rows.append(row)
    return rows


def _chronological(rows: list[Transaction]) -> list[Transaction]:
    """Return the rows oldest first, keeping the export's order within one instant.

    Exports list the newest first, so the file is reversed (unless it clearly
    runs oldest first); the stable sort then only moves rows that were out of
    place, and rows sharing a timestamp keep the broker's execution order.
    """
    if rows and rows[0].executed_at >= rows[-1].executed_at:
        rows = rows[::-1]
    return sorted(rows, key=attrgetter("executed_at"))


def _keyed(rows: list[Transaction]) -> tuple[Transaction, ...]:
    """Return the rows with their final keys and ``sequence`` = position."""
    assign_file_keys(rows)
    return tuple(rows)
