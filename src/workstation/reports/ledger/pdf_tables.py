"""Tables of the P&L statement: the ledger table style, cell text, fitting names to columns.

Figures are the ledger's Decimal dollars, printed rounded half-up to cents
with thousands separators; a negative figure is printed in red.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.pdfmetrics import (  # type: ignore[import-untyped, unused-ignore]
    stringWidth,
)
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    LongTable,
    Table,
    TableStyle,
)

from workstation.reports.ledger.pdf_charts import BOLD, CENT, FONT, INK, LOSS, NAVY

ZEBRA = colors.HexColor("#f4f6f9")


def ledger_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    total: Sequence[Any] | None = None,
    *,
    numbers_from: int = 1,
    long: bool = False,
) -> Any:
    """Return a table with a navy header, zebra rows, right-aligned figures, negatives in red."""
    body = [*rows, total] if total is not None else list(rows)
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT, 8),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("FONT", (0, 0), (-1, 0), BOLD, 7.5),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("BACKGROUND", (0, 0), (-1, 0), NAVY),
            ("ROWBACKGROUNDS", (0, 1), (-1, len(rows)), [colors.white, ZEBRA]),
            ("ALIGN", (numbers_from, 0), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.2),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, NAVY),
        ]
    )
    if total is not None:
        style.add("FONT", (0, -1), (-1, -1), BOLD, 8)
        style.add("LINEABOVE", (0, -1), (-1, -1), 0.8, NAVY)
    cells = [list(header)]
    for r, row in enumerate(body, start=1):
        cells.append([cell_text(value) for value in row])
        for c, value in enumerate(row):
            if isinstance(value, Decimal) and value.quantize(CENT) != 0:
                style.add("TEXTCOLOR", (c, r), (c, r), LOSS if value < 0 else INK)
    kind = LongTable if long else Table
    table = kind(cells, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(style)
    return table


def cell_text(value: Any) -> str:
    """Return a table cell's text: cents for money, separators for counts, a dash for None."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}".replace("-0.00", "0.00")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def plain_grid(valign: str) -> Any:
    """Return the style of a layout grid: no padding at the left, ``valign`` in every cell."""
    return TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), valign),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]
    )


def fit_text(text: str, width: float, size: float = 8) -> str:
    """Return ``text`` cut with an ellipsis so it fits ``width`` points in the table font."""
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def name_with_rolls(name: str, rolls: int, width: float) -> str:
    """Return the trade's name fitted to ``width`` with its roll count kept visible."""
    if not rolls:
        return fit_text(name, width)
    suffix = f" (rolled {rolls}×)"
    return fit_text(name, width - stringWidth(suffix, FONT, 8)) + suffix
