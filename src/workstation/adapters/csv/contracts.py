"""What a row trades: the instrument fields of a Transaction, resolved once per symbol.

Parsers cache a ``Contract`` per distinct set of symbol cells, so a file of
100,000 fills in a few hundred options parses each OCC symbol a few hundred
times, not 100,000.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from workstation.adapters.csv.cells import RowError
from workstation.domain.instruments import Instrument, InstrumentKind
from workstation.domain.occ import InvalidOccSymbol, OccSymbol, OptionRight

ONE = Decimal(1)
# OCC equity and index options: one point of premium is worth $100 per contract.
PREMIUM_MULTIPLIER = Decimal(100)

_RIGHTS = {
    "C": OptionRight.CALL,
    "CALL": OptionRight.CALL,
    "P": OptionRight.PUT,
    "PUT": OptionRight.PUT,
}


_STANDARD_LENGTH = 21  # "SPY   261218P00450000": root padded to 6, YYMMDD, C/P, 8 digits
_ROOT_CHARS = frozenset(string.ascii_uppercase + string.digits + ".")
# Kind (equity or index option) and underlying per OCC root, learned from the
# domain's Instrument.option the first time a root is seen.
_ROOTS: dict[str, tuple[InstrumentKind, str]] = {}


@dataclass(frozen=True, slots=True)
class Contract:
    """The instrument fields of a row (see Transaction) plus how its prices are quoted.

    ``price_divisor`` turns the export's per-contract price into the ledger's
    per-share (per-unit) price: 100 for OCC options, 1 for stock.
    """

    instrument: InstrumentKind | None
    symbol: str
    underlying: str
    expiry: date | None = None
    strike: Decimal | None = None
    right: OptionRight | None = None
    multiplier: Decimal = ONE
    deliverable: Decimal | None = None
    price_divisor: Decimal = ONE


CASH = Contract(None, "", "")


def right_of(text: str, column: str) -> OptionRight:
    """Parse ``C``/``P``/``CALL``/``PUT`` (any case) into an OptionRight."""
    right = _RIGHTS.get(text.strip().upper())
    if right is None:
        raise RowError(column, f"{text!r} is not a call or put (expected CALL or PUT)")
    return right


def equity(symbol: str) -> Contract:
    """Return a stock or ETF contract (multiplier 1, prices per share)."""
    return Contract(InstrumentKind.EQUITY, symbol, symbol)


def listed_option(
    occ_text: str,
    column: str,
    multiplier: Decimal | None = None,
    *,
    underlying: str = "",
    index: bool = False,
) -> Contract:
    """Return an equity or index option from an OCC symbol (padded or compact).

    Index roots (SPX, SPXW, XSP, NDX, NDXP, RUT, RUTW, VIX, VIXW) become
    European cash-settled index options. ``multiplier`` is the export's
    Multiplier cell: an adjusted option shows its deliverable there (e.g.
    150 shares after a 3-for-2 split) while the premium multiplier stays 100,
    so a value other than 100 becomes ``deliverable`` and ``multiplier`` stays 100.
    A non-empty ``underlying`` (the export's own column) replaces the root's;
    ``index`` makes it an index option whatever the root says.
    """
    terms = _standard_terms(occ_text)
    symbol = occ_text
    if terms is None or terms[0] not in _ROOTS:
        terms, symbol = _parsed_terms(occ_text, column)
    root, expiry, right, strike = terms
    kind, root_underlying = _ROOTS[root]
    if index:
        kind = InstrumentKind.INDEX_OPTION
    deliverable = None
    if multiplier is not None and multiplier != PREMIUM_MULTIPLIER:
        deliverable = _positive(multiplier)
    return Contract(
        kind,
        symbol,
        underlying or root_underlying,
        expiry,
        strike,
        right,
        PREMIUM_MULTIPLIER,
        deliverable,
        PREMIUM_MULTIPLIER,
    )


def _standard_terms(text: str) -> tuple[str, date, OptionRight, Decimal] | None:
    """Read the padded 21-character OCC form by position; None when it is not exactly that.

    A fast path for the form brokers export: slicing instead of a regex.
    Anything unusual falls back to the domain's parser and its messages.
    """
    if len(text) != _STANDARD_LENGTH or not text.isascii():
        return None
    if not text[6:12].isdigit() or not text[13:].isdigit():
        return None
    root = text[:6].rstrip()
    right = _RIGHTS.get(text[12])
    if right is None or not root or root[0] == "." or not _ROOT_CHARS.issuperset(root):
        return None
    expiry, strike = _expiry_of(text[6:12]), _strike_of(text[13:])
    if expiry is None or strike is None:
        return None
    return root, expiry, right, strike


# A file's options share a few dozen expiries and strikes: each is parsed once.
@lru_cache(maxsize=4096)
def _expiry_of(yymmdd: str) -> date | None:
    """Return the date of six OCC digits (YYMMDD), None when it is not a calendar date."""
    try:
        return date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _strike_of(digits: str) -> Decimal | None:
    """Return the strike of eight OCC digits (thousandths of a dollar), None for zero."""
    millis = int(digits)
    return Decimal(millis) / 1000 if millis else None


def _parsed_terms(occ_text: str, column: str) -> tuple[tuple[str, date, OptionRight, Decimal], str]:
    """Parse with the domain (any accepted form); return the terms and the padded symbol."""
    try:
        option = Instrument.option(occ_text)
    except InvalidOccSymbol as exc:
        raise RowError(column, str(exc)) from None
    occ = option.occ
    assert occ is not None
    _ROOTS[occ.root] = (option.kind, option.underlying or occ.root)
    return (occ.root, occ.expiry, occ.right, occ.strike), option.symbol


def option_from_parts(
    root: str, expiry: date, right: OptionRight, strike: Decimal, column: str
) -> Contract:
    """Return the listed option with these terms (root as the OCC root, strike per share)."""
    try:
        occ = OccSymbol(root.strip().upper(), expiry, right, strike)
    except InvalidOccSymbol as exc:
        raise RowError(column, str(exc)) from None
    return listed_option(str(occ), column)


def future(symbol: str, underlying: str, multiplier: Decimal | None) -> Contract:
    """Return a futures contract (``/ESZ6``); its price is per unit, as the broker quotes it."""
    return Contract(
        InstrumentKind.FUTURE, symbol, underlying or symbol, multiplier=_positive(multiplier)
    )


def future_option(
    symbol: str,
    underlying: str,
    terms: tuple[date, Decimal, OptionRight],
    multiplier: Decimal | None,
) -> Contract:
    """Return a futures option keeping the broker's symbol; terms are (expiry, strike, right).

    The price divisor is the reported multiplier, so quantity x price x
    multiplier reproduces the reported value even where tastytrade reports
    Multiplier 1 with a value that already includes the contract size.
    """
    expiry, strike, right = terms
    size = _positive(multiplier)
    if not underlying:
        underlying = symbol.split(" ", 1)[0].removeprefix(".")
    return Contract(
        InstrumentKind.FUTURE_OPTION, symbol, underlying, expiry, strike, right, size, None, size
    )


def _positive(multiplier: Decimal | None) -> Decimal:
    if multiplier is None:
        return ONE
    if multiplier <= 0:
        raise RowError("Multiplier", f"{multiplier} is not a positive multiplier")
    return multiplier
