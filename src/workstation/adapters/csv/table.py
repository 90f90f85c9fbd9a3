"""Read export text into CSV records, each with the 1-based file line it starts on.

Handles a UTF-8 byte-order mark, CRLF or LF line ends, quoted cells holding
newlines, and blank lines anywhere (trailing ones are common). Files re-saved
by Excel on Windows arrive as cp1252; they are accepted too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from workstation.domain.transactions import ImportFileError, ImportProblem

BOM = "\ufeff"


class Record(NamedTuple):
    """One CSV record: the file line it starts on (1-based) and its cells."""

    line: int
    cells: list[str]


def read_text(path: Path) -> str:
    """Return the file's text (UTF-8, else cp1252); ImportFileError if it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem = f"cannot read the file ({exc.strerror or exc}); check the path"
        raise ImportFileError(ImportProblem(str(path), 0, "", problem)) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV (Comma delimited)" on Windows writes cp1252; every byte decodes.
        return data.decode("cp1252", errors="replace")


def records(text: str, file: str) -> Iterator[Record]:
    """Yield the non-blank records of ``text`` in file order with their starting lines."""
    reader = csv.reader(io.StringIO(text.removeprefix(BOM), newline=""), strict=True)
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if cells and (cells[0].strip() or not _blank(cells)):
                yield Record(start, cells)
    except csv.Error as exc:
        problem = f"the CSV is malformed ({exc}); export the file again"
        raise ImportFileError(ImportProblem(file, reader.line_num, "", problem)) from None


def _blank(cells: list[str]) -> bool:
    return all(not cell or cell.isspace() for cell in cells)
