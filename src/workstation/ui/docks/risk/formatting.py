"""How the Risk panel writes greeks, dollars and exit states, and which colour they get.

Greeks are model floats (NaN when unknown, shown as a dash); account money is
Decimal dollars to the cent. Exit states take the theme's red (hit) and amber
(near); P/L takes green for a gain and red for a loss.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtGui import QColor

from workstation.domain.event_calendar import EASTERN
from workstation.domain.exits import RuleState
from workstation.ui.theme import colors

DASH = "—"
CENT = Decimal("0.01")


def number(value: float | None, places: int = 2, *, signed: bool = False) -> str:
    """Return a float with separators and ``places`` decimals, a dash when unknown."""
    if value is None or not math.isfinite(value):
        return DASH
    if round(value, places) == 0:
        value = 0.0  # no "-0.00" from a tiny negative
    return f"{value:+,.{places}f}" if signed else f"{value:,.{places}f}"


def dollars(value: float | None, places: int = 0) -> str:
    """Return a model dollar figure: ``-$8,102`` (whole dollars unless ``places``)."""
    if value is None or not math.isfinite(value):
        return DASH
    if round(value, places) == 0:
        value = 0.0
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{places}f}"


def money(value: Decimal | None) -> str:
    """Return Decimal dollars to the cent: ``-$1,210.50``, a dash when unknown."""
    if value is None:
        return DASH
    cents = value.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents):,.2f}"


def percent(share: float | Decimal | None, places: int = 1) -> str:
    """Return a 0-1 share as a percentage (``15.4%``), a dash when unknown."""
    if share is None or not math.isfinite(float(share)):
        return DASH
    return f"{float(share):.{places}%}"


def moment_text(moment: datetime) -> str:
    """Return ``2026-11-23 10:30 ET`` (New York time)."""
    return f"{moment.astimezone(EASTERN):%Y-%m-%d %H:%M} ET"


def day_text(day: date | None) -> str:
    """Return ``2026-11-23``, a dash for no date."""
    return DASH if day is None else day.isoformat()


def signed_color(value: float | Decimal | None) -> QColor | None:
    """Return green for a gain, red for a loss, None for zero or unknown."""
    if value is None or not math.isfinite(float(value)) or value == 0:
        return None
    return colors().positive if value > 0 else colors().negative


def state_color(state: RuleState) -> QColor | None:
    """Return red for a hit exit rule, amber for a near one, None otherwise."""
    if state is RuleState.HIT:
        return colors().negative
    if state is RuleState.NEAR:
        return colors().stale
    return None
