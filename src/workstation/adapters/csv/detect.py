"""Recognise which broker and export generation a header belongs to, by column names.

Never by position or count: brokers add, drop and reorder columns between
generations, and users reorder them in spreadsheets. A header matches a
format when every required column is present; extra columns are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from workstation.adapters.csv.cells import RowError

TASTYTRADE = "tastytrade"
SCHWAB = "schwab"
BROKERS = (TASTYTRADE, SCHWAB)

_WEB_COLUMNS = (
    "Date",
    "Type",
    "Action",
    "Symbol",
    "Instrument Type",
    "Description",
    "Value",
    "Quantity",
    "Average Price",
    "Commissions",
    "Fees",
    "Multiplier",
    "Root Symbol",
    "Underlying Symbol",
    "Expiration Date",
    "Strike Price",
    "Call or Put",
    "Order #",
)


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One export generation: its name, broker and the columns it must have."""

    name: str
    broker: str
    title: str
    required: tuple[str, ...]
    has_account: bool = False

    def missing(self, header: Sequence[str]) -> list[str]:
        """Return the required columns ``header`` lacks, in the format's own order."""
        present = set(header)
        return [column for column in self.required if column not in present]


TASTYTRADE_CURRENT = ExportFormat(
    "tastytrade-current", TASTYTRADE, "tastytrade (current)", ("Sub Type", *_WEB_COLUMNS)
)
TASTYTRADE_WEB = ExportFormat(
    "tastytrade-web", TASTYTRADE, "tastytrade (web, 2021-2024)", _WEB_COLUMNS
)
TASTYTRADE_LEGACY = ExportFormat(
    "tastytrade-legacy",
    TASTYTRADE,
    "tastytrade (legacy desktop)",
    (
        "Date/Time",
        "Transaction Code",
        "Transaction Subcode",
        "Symbol",
        "Buy/Sell",
        "Open/Close",
        "Quantity",
        "Expiration Date",
        "Strike",
        "Call/Put",
        "Price",
        "Fees",
        "Amount",
        "Description",
        "Account Reference",
    ),
    has_account=True,
)
SCHWAB_HISTORY = ExportFormat(
    "schwab-history",
    SCHWAB,
    "Schwab transaction history",
    ("Date", "Action", "Symbol", "Description", "Quantity", "Price", "Fees & Comm", "Amount"),
)
# Most specific first: the current tastytrade header also contains every web column.
FORMATS = (TASTYTRADE_CURRENT, TASTYTRADE_WEB, TASTYTRADE_LEGACY, SCHWAB_HISTORY)

# Below this many known columns a header is not treated as a damaged known export.
_RECOGNISABLE = 4


def clean_header(cells: Sequence[str]) -> list[str]:
    """Return the header names with surrounding spaces (and a stray BOM) removed."""
    return [cell.strip().removeprefix("\ufeff").strip() for cell in cells]


def detect(header: Sequence[str], broker: str | None) -> ExportFormat:
    """Return the export format ``header`` belongs to; RowError naming a missing column.

    With ``broker`` given, only that broker's formats are accepted and a
    header of the other broker is refused with a message saying so.
    """
    if broker is not None and broker not in BROKERS:
        raise RowError("", f"unknown broker {broker!r}; use one of: {', '.join(BROKERS)}")
    match = next((fmt for fmt in FORMATS if not fmt.missing(header)), None)
    if match is not None and broker in {None, match.broker}:
        return match
    if match is not None:
        raise RowError(
            "",
            f"this is a {match.title} export, but broker {broker!r} was given; "
            f"pass --broker {match.broker} or leave --broker out",
        )
    raise _closest_miss(header, broker)


def _closest_miss(header: Sequence[str], broker: str | None) -> RowError:
    candidates = [fmt for fmt in FORMATS if broker in {None, fmt.broker}]
    best = max(candidates, key=lambda fmt: len(fmt.required) - len(fmt.missing(header)))
    known = len(best.required) - len(best.missing(header))
    if known < _RECOGNISABLE:
        names = ", ".join(fmt.title for fmt in candidates)
        return RowError(
            "",
            f"the header is not one of the transaction exports this reads ({names}); "
            "export the account's transaction history as CSV and import that file",
        )
    column = best.missing(header)[0]
    return RowError(
        column,
        f"the {best.title} header has no {column!r} column; "
        "export the transaction history again and import the file unedited",
    )


class Layout:
    """Where the columns a parser reads sit in each record of one file.

    ``pick(cells)`` returns the wanted cells in the order asked for. A wanted
    column the header lacks (an optional one) reads as an empty cell.
    """

    def __init__(self, header: Sequence[str], wanted: Sequence[str]) -> None:
        seen: set[str] = set()
        for name in header:
            if name and name in seen and name in wanted:
                raise RowError(name, f"the header has two {name!r} columns; keep one")
            seen.add(name)
        index = {name: position for position, name in enumerate(header)}
        self.width = len(header)
        self.padded = any(name not in index for name in wanted)
        self._pick = itemgetter(*(index.get(name, self.width) for name in wanted))

    def pick(self, cells: list[str]) -> tuple[str, ...]:
        """Return the wanted cells of one record; RowError if the record is cut short."""
        if len(cells) != self.width:
            self._check_width(cells)
        if self.padded:
            cells.append("")
        picked: tuple[str, ...] = self._pick(cells)
        return picked

    def _check_width(self, cells: list[str]) -> None:
        if len(cells) < self.width:
            raise RowError(
                "",
                f"the row has {len(cells)} cells but the header has {self.width}; "
                "the file looks cut or edited: export it again",
            )
        if any(cell.strip() for cell in cells[self.width :]):
            raise RowError(
                "",
                f"the row has {len(cells)} cells but the header has {self.width}; "
                "a cell may hold an unquoted comma: export the file again",
            )
        del cells[self.width :]
