"""How the P&L panel writes money, rates and dates, and which colour a result gets.

Money is Decimal dollars rounded half-up to the cent for display, with
thousands separators and a leading minus sign: ``-$1,210.50``. Dates are New
York calendar dates; times are shown in New York time with "ET".
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtGui import QColor

from workstation.domain.event_calendar import EASTERN
from workstation.ui.theme import colors

CENT = Decimal("0.01")
ZERO = Decimal(0)
DASH = "—"


def money(value: Decimal, *, signed: bool = False) -> str:
    """Return dollars to the cent with separators: ``-$1,210.50`` (``+$212.40`` when ``signed``)."""
    cents = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if cents == ZERO:
        cents = ZERO.quantize(CENT)  # no "-$0.00" from a tiny negative
    sign = "-" if cents < ZERO else ("+" if signed and cents > ZERO else "")
    return f"{sign}${abs(cents):,.2f}"


def compact_money(value: Decimal) -> str:
    """Return whole dollars, or thousands/millions from $100,000 up: ``-$1,211``, ``$123.4k``."""
    size = abs(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if value < ZERO and size else ""
    for unit, suffix in ((Decimal(10_000_000), "M"), (Decimal(100_000), "k")):
        if size >= unit:
            scale = Decimal(1_000_000) if suffix == "M" else Decimal(1000)
            short = (size / scale).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            return f"{sign}${short:,.1f}{suffix}"
    return f"{sign}${size:,.0f}"


def percent(rate: float | None) -> str:
    """Return a 0-1 rate as a percentage with one decimal (``66.7%``), a dash when unknown."""
    return DASH if rate is None else f"{rate:.1%}"


def ratio(value: float | None) -> str:
    """Return a ratio with two decimals (``1.85``), a dash when unknown."""
    return DASH if value is None else f"{value:,.2f}"


def quantity(value: Decimal) -> str:
    """Return a signed quantity without trailing zeros: ``-1``, ``+100``, ``0.5``."""
    text = format(value.normalize(), "f")
    return text if value <= ZERO else f"+{text}"


def price(value: Decimal | None) -> str:
    """Return a per-share price with two to four decimals, a dash when unknown."""
    if value is None:
        return DASH
    exponent = value.normalize().as_tuple().exponent
    places = max(2, min(4, -exponent)) if isinstance(exponent, int) else 2
    return f"{value:,.{places}f}"


def ny_date(moment: datetime) -> date:
    """Return the New York calendar date of an aware moment."""
    return moment.astimezone(EASTERN).date()


def day_text(day: date | None) -> str:
    """Return ``2026-03-06``, empty for no date."""
    return "" if day is None else day.isoformat()


def moment_text(moment: datetime) -> str:
    """Return ``2026-11-20 16:00 ET`` (New York time)."""
    return f"{moment.astimezone(EASTERN):%Y-%m-%d %H:%M} ET"


def pnl_color(value: Decimal | None) -> QColor | None:
    """Return the theme's green for a gain, red for a loss, None for zero or unknown."""
    if value is None or value == ZERO:
        return None
    return colors().positive if value > ZERO else colors().negative
