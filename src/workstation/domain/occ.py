"""OCC option symbols (OSI): ``ROOT  YYMMDDCSSSSSDDD``.

The standard form pads the root to six characters; the strike is eight digits,
five before and three after the decimal point, in dollars per share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

_PATTERN = re.compile(
    r"^(?P<root>[A-Z0-9][A-Z0-9.]{0,5}?)\s*"
    r"(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})"
    r"(?P<right>[CP])(?P<strike>\d{8})$"
)
MAX_STRIKE = Decimal("99999.999")


class InvalidOccSymbol(ValueError):
    """An OCC option symbol that cannot be parsed; the message says which part is wrong."""


class OptionRight(StrEnum):
    """Call or put."""

    CALL = "C"
    PUT = "P"


@dataclass(frozen=True, slots=True)
class OccSymbol:
    """A parsed OCC option symbol. ``strike`` is in dollars per share."""

    root: str
    expiry: date
    right: OptionRight
    strike: Decimal

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9.]{0,5}", self.root):
            raise InvalidOccSymbol(f"root {self.root!r} must be 1-6 upper-case letters/digits")
        if not Decimal(0) < self.strike <= MAX_STRIKE:
            raise InvalidOccSymbol(f"strike {self.strike} must be in (0, {MAX_STRIKE}]")
        if self.strike != self.strike.quantize(Decimal("0.001")):
            raise InvalidOccSymbol(f"strike {self.strike} has more than 3 decimals")

    @property
    def is_call(self) -> bool:
        """True for calls."""
        return self.right is OptionRight.CALL

    def __str__(self) -> str:
        """Return the standard 21-character form, root padded to six."""
        millis = int(self.strike * 1000)
        return f"{self.root:<6}{self.expiry:%y%m%d}{self.right.value}{millis:08d}"

    @property
    def compact(self) -> str:
        """Return the unpadded form (``SPY261218C00500000``)."""
        return str(self).replace(" ", "")


def parse_occ(text: str) -> OccSymbol:
    """Parse a standard (padded) or compact OCC symbol; raise InvalidOccSymbol saying why."""
    raw = text.strip().upper()
    match = _PATTERN.match(raw)
    if match is None:
        raise InvalidOccSymbol(
            f"{text!r} is not an OCC option symbol (expected ROOT + YYMMDD + C/P + 8-digit strike)"
        )
    try:
        expiry = date(2000 + int(match["yy"]), int(match["mm"]), int(match["dd"]))
    except ValueError as exc:
        raise InvalidOccSymbol(
            f"{text!r}: expiry {match['yy']}{match['mm']}{match['dd']} is not a calendar date"
        ) from exc
    strike = Decimal(int(match["strike"])) / 1000
    if strike == 0:
        raise InvalidOccSymbol(f"{text!r}: strike is zero")
    return OccSymbol(match["root"], expiry, OptionRight(match["right"]), strike)
