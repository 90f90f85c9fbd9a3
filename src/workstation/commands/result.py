"""What a command returns: text for people, JSON for scripts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class Table:
    """A small table: column headers (with units) and rows of display strings."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class CommandResult:
    """The outcome of a command.

    ``title`` is one line; ``lines`` are human-readable statements; ``table``
    is optional; ``data`` is the machine-readable payload for ``--json``;
    ``attachment`` carries the full object (a plan) to a panel in the same
    process and is never serialised.
    """

    title: str
    lines: tuple[str, ...] = ()
    table: Table | None = None
    data: dict[str, Any] = field(default_factory=dict)
    attachment: Any = field(default=None, compare=False)  # in-process only (the GUI), never JSON

    def to_text(self) -> str:
        """Render for a terminal: title, statements, then an aligned table."""
        out = [self.title, *(f"  {line}" for line in self.lines)]
        if self.table is not None:
            out.extend(_format_table(self.table))
        return "\n".join(out)

    def to_json(self) -> str:
        """Render ``data`` as JSON (Decimal as string, dates ISO-8601)."""
        return json.dumps(self.data, default=_json_default, indent=2, sort_keys=True)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


def _format_table(table: Table) -> list[str]:
    widths = [len(h) for h in table.headers]
    for row in table.rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def fmt(cells: tuple[str, ...]) -> str:
        return "  " + "  ".join(
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return [
        fmt(table.headers),
        "  " + "  ".join("-" * w for w in widths),
        *(fmt(r) for r in table.rows),
    ]
