"""Cell parsing for broker CSV exports: numbers, money and dates, refusing junk.

Every parser takes the cell text and the column header and raises ``RowError``
naming that column when the text is not what the export should hold, so the
caller can add the file line and tell the user exactly where to look.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

ZERO = Decimal(0)
NEW_YORK = ZoneInfo("America/New_York")
NONE_MARKERS = frozenset({"", "--"})
# Thousands separators only in their proper places: "1,2,3" and "1,625.9,9" are junk.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
T = TypeVar("T")


class RowError(ValueError):
    """A cell that cannot be read; ``column`` is its header, ``problem`` says what to do."""

    def __init__(self, column: str, problem: str) -> None:
        super().__init__(f"column {column!r}: {problem}")
        self.column = column
        self.problem = problem


class ParsedColumn(dict[str, T]):
    """One column's cells of one file, each distinct text parsed once: ``cells[text]``.

    Exports repeat the same amounts, prices and fees constantly and parsing a
    cell is pure, so the first parse of a text serves every later row. A bad
    cell raises RowError (naming ``column``) each time it is read, as nothing
    is stored for it. Keep one per parser, so nothing outlives its file.
    """

    def __init__(self, parse: Callable[[str, str], T], column: str) -> None:
        super().__init__()
        self._parse = parse
        self._column = column

    def __missing__(self, text: str) -> T:
        value = self[text] = self._parse(text, self._column)
        return value


def number(text: str, column: str) -> Decimal:
    """Parse a plain or thousands-separated decimal (``-1,625.99``); RowError on junk."""
    raw = text.strip()
    if "," in raw:
        if _GROUPED.fullmatch(raw) is None:
            raise RowError(column, f"{text!r} is not a number (expected e.g. -1,625.99)")
        raw = raw.replace(",", "")
    try:
        # Decimal() also reads '1_000', 'NaN' and 'Infinity'; no export writes those.
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or "_" in raw or not value.is_finite():
        raise RowError(column, f"{text!r} is not a number (expected e.g. -1,625.99)")
    return value


def amount(text: str, column: str) -> Decimal:
    """Parse a signed amount where empty or ``--`` means zero (dollars)."""
    if text in NONE_MARKERS or text.isspace():
        return ZERO
    return number(text, column)


def optional_number(text: str, column: str) -> Decimal | None:
    """Parse a number where empty or ``--`` means "not given" (None)."""
    if text in NONE_MARKERS or text.isspace():
        return None
    return number(text, column)


def unsigned(text: str, column: str) -> Decimal:
    """Parse a quantity that must not carry a sign (direction comes from another column)."""
    quantity = amount(text, column)
    if quantity < ZERO:
        raise RowError(
            column, f"{text!r} is negative; this export gives the direction in another column"
        )
    return quantity


def dollars(text: str, column: str) -> Decimal:
    """Parse Schwab-style money: ``$1,234.56``, ``-$12.00``, ``$-12.00``, ``($12.00)``.

    Empty or ``--`` is zero. Returns dollars, negative for debits.
    """
    raw = text.strip()
    if raw in NONE_MARKERS:
        return ZERO
    negative = raw.startswith("(") and raw.endswith(")")
    body = raw[1:-1].strip() if negative else raw
    sign, body = _leading_sign(body)
    if body.startswith("$"):
        body = body[1:]
        if sign == "":
            sign, body = _leading_sign(body)
    if not body or not (body[0].isdigit() or body[0] == "."):
        raise RowError(column, f"{text!r} is not an amount (expected e.g. $1,234.56 or -$12.00)")
    if negative and sign:
        raise RowError(column, f"{text!r} has two signs")
    value = number(body, column)
    return -value if negative or sign == "-" else value


def _leading_sign(body: str) -> tuple[str, str]:
    if body[:1] in {"-", "+"}:
        return body[0], body[1:]
    return "", body


def iso_timestamp(text: str, column: str) -> datetime:
    """Parse an ISO timestamp with a UTC offset (``2026-04-01T09:16:26-0700``), keeping it."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise RowError(
            column, f"{text!r} is not a date and time (expected e.g. 2026-04-01T09:16:26-0700)"
        ) from None
    if moment.tzinfo is None:
        raise RowError(column, f"{text!r} has no UTC offset (expected e.g. -0700 at the end)")
    return moment


@lru_cache(maxsize=4096)
def month_day_year(text: str, column: str) -> date:
    """Parse ``m/d/yy`` or ``m/d/yyyy`` (two-digit years are 20yy)."""
    parts = text.strip().split("/")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise RowError(column, f"{text!r} is not a date (expected month/day/year, e.g. 2/20/26)")
    month, day, year = (int(part) for part in parts)
    if len(parts[2]) == 2:
        year += 2000
    elif len(parts[2]) != 4:
        raise RowError(column, f"{text!r}: the year must have 2 or 4 digits")
    try:
        return date(year, month, day)
    except ValueError:
        raise RowError(column, f"{text!r} is not a calendar date") from None


def new_york_time(text: str, column: str) -> datetime:
    """Parse a legacy ``04/01/2026 9:16 AM`` local time as America/New_York."""
    raw = " ".join(text.split())
    for pattern in ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%y %I:%M %p"):
        try:
            return datetime.strptime(raw, pattern).replace(tzinfo=NEW_YORK)
        except ValueError:
            continue
    raise RowError(column, f"{text!r} is not a date and time (expected e.g. 04/01/2026 9:16 AM)")
