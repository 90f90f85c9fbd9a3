"""Instruments the workstation knows about."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from workstation.domain.occ import OccSymbol, parse_occ

# Index roots whose options are European style and cash settled.
EUROPEAN_INDEX_ROOTS = frozenset(
    {"SPX", "SPXW", "XSP", "NDX", "NDXP", "RUT", "RUTW", "VIX", "VIXW"}
)
INDEX_SYMBOLS = frozenset({"SPX", "NDX", "DJI", "RUT", "VIX", "XSP"})


class InstrumentKind(StrEnum):
    """What kind of thing trades."""

    EQUITY = "equity"
    ETF = "etf"
    INDEX = "index"
    EQUITY_OPTION = "equity_option"
    INDEX_OPTION = "index_option"
    FUTURE = "future"
    FUTURE_OPTION = "future_option"

    @property
    def is_option(self) -> bool:
        """True for options of any kind."""
        return self in _OPTION_KINDS


_WEEKLY_INDEX_ROOTS = {"SPXW": "SPX", "RUTW": "RUT", "VIXW": "VIX", "NDXP": "NDX"}


def underlying_of_root(root: str) -> str:
    """Return the underlying of an option root: the index for its weekly/PM roots (SPXW -> SPX)."""
    return _WEEKLY_INDEX_ROOTS.get(root, root)


_OPTION_KINDS = frozenset(
    {InstrumentKind.EQUITY_OPTION, InstrumentKind.INDEX_OPTION, InstrumentKind.FUTURE_OPTION}
)


@dataclass(frozen=True, slots=True)
class Instrument:
    """A tradable or quotable instrument.

    ``multiplier`` is shares (or index units) per contract: 100 for standard
    equity options, 1 for stock.
    """

    symbol: str
    kind: InstrumentKind
    description: str = ""
    multiplier: Decimal = Decimal(1)
    underlying: str | None = None
    occ: OccSymbol | None = None

    @classmethod
    def option(cls, occ_text: str, description: str = "") -> Instrument:
        """Build an option instrument from an OCC symbol (validated)."""
        occ = parse_occ(occ_text)
        root = occ.root
        kind = (
            InstrumentKind.INDEX_OPTION
            if root in EUROPEAN_INDEX_ROOTS
            else InstrumentKind.EQUITY_OPTION
        )
        underlying = underlying_of_root(root)
        return cls(str(occ), kind, description, Decimal(100), underlying, occ)

    @property
    def is_european(self) -> bool:
        """True when exercise is European (cash-settled index options)."""
        return self.kind is InstrumentKind.INDEX_OPTION
