"""A book of open position legs as arrays, and the exposure and scenario results over it.

The risk engines are vectorised, so a book is a numpy structured array of
legs (``LEG_DTYPE``) plus per-underlying arrays indexed by the legs'
``underlying`` column. Labels (positions, strategies, underlyings) live in
tuples and the legs point into them with ``i4`` indices.

Units and signs (the ledger's, see :mod:`workstation.domain.lots`):

- ``quantity`` is signed (+ long, - short): contracts for options, shares for
  stock; ``multiplier`` is shares per contract (100 for a standard equity
  option, 1 for stock).
- ``mark`` is dollars per share; ``open_cash`` is the signed cash the open
  quantity brought in at open, like ``Lot.cost``: credit positive, debit
  negative, dollars, before fees. So P/L = market value + open cash.
- ``t`` is years to expiry (``engines.pricing.expiry.years_to_expiry``);
  ``iv`` a decimal (0.20 = 20 %), NaN where unknown; rates and dividend
  yields decimals per year; ``beta`` to the benchmark (SPY).

Exposure numbers are model outputs, so they are floats, with the unit in
each field's docstring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
LegArray = npt.NDArray[Any]
LegGreeksArray = npt.NDArray[Any]
TotalsArray = npt.NDArray[Any]

NEW_YORK = ZoneInfo("America/New_York")

LEG_DTYPE = np.dtype(
    [
        ("position", "i4"),  # index into Book.positions
        ("strategy", "i4"),  # index into Book.strategies
        ("underlying", "i4"),  # index into Book.underlyings and the per-underlying arrays
        ("is_option", "?"),
        ("is_call", "?"),
        ("european", "?"),  # exercise style: True for cash-settled index options
        ("strike", "f8"),  # dollars per share; NaN for stock
        ("expiry", "M8[D]"),  # expiration date; NaT for stock
        ("t", "f8"),  # years to the expiry instant; NaN for stock
        ("quantity", "f8"),  # signed contracts (options) or shares (stock)
        ("multiplier", "f8"),  # shares per contract; 1 for stock
        ("mark", "f8"),  # dollars per share; NaN where unknown
        ("open_cash", "f8"),  # signed dollars at open, credit positive (Lot.cost)
        ("iv", "f8"),  # decimal; NaN where unknown
    ]
)

# Per-leg exposure in position units (see ``leg_greeks`` in engines.risk.exposure).
GREEK_FIELDS = ("delta_shares", "dollar_delta", "beta_delta", "gamma_shares", "theta_day", "vega")
VALUE_FIELDS = ("market_value", "pnl")
LEG_GREEKS_DTYPE = np.dtype(
    [(name, "f8") for name in GREEK_FIELDS + VALUE_FIELDS] + [("dte", "f8"), ("priced", "?")]
)
# One row per group (position, strategy, underlying, expiry or the portfolio).
TOTALS_DTYPE = np.dtype(
    [(name, "f8") for name in GREEK_FIELDS + VALUE_FIELDS]
    + [("legs", "i8"), ("unpriced_legs", "i8"), ("unmarked_legs", "i8"), ("nearest_dte", "f8")]
)


@dataclass(frozen=True, slots=True)
class OptionTerms:
    """The option side of a leg: right, strike (dollars), expiry, t (years), iv (decimal)."""

    is_call: bool
    strike: float
    expiry: date
    t: float
    iv: float
    european: bool = False


@dataclass(frozen=True, slots=True)
class Leg:
    """One leg of an open position, for building a ``LEG_DTYPE`` array (see module docstring).

    ``option`` is None for stock (then ``multiplier`` should be 1).
    """

    position: int
    underlying: int
    quantity: float
    mark: float
    open_cash: float
    multiplier: float = 1.0
    strategy: int = 0
    option: OptionTerms | None = None


def leg_array(legs: list[Leg] | tuple[Leg, ...]) -> LegArray:
    """Return ``legs`` as a ``LEG_DTYPE`` structured array, in order."""
    rows = np.zeros(len(legs), dtype=LEG_DTYPE)
    for i, leg in enumerate(legs):
        rows[i] = _row(leg)
    return rows


def _row(leg: Leg) -> tuple[Any, ...]:
    o = leg.option
    nan = float("nan")
    return (
        leg.position,
        leg.strategy,
        leg.underlying,
        o is not None,
        o is not None and o.is_call,
        o is not None and o.european,
        nan if o is None else o.strike,
        np.datetime64("NaT", "D") if o is None else np.datetime64(o.expiry, "D"),
        nan if o is None else o.t,
        leg.quantity,
        leg.multiplier,
        leg.mark,
        leg.open_cash,
        nan if o is None else o.iv,
    )


@dataclass(frozen=True, slots=True, eq=False)
class Book:
    """Open legs with the labels they point to and the market per underlying.

    Per-underlying arrays have one entry per ``underlyings`` label: ``spot``
    (dollars per share), ``rate`` and ``dividend_yield`` (decimals per year),
    ``beta`` to the benchmark (finite; pass 1.0 explicitly where unknown),
    ``atm_iv`` (decimal, for expected moves; NaN where unknown).
    ``benchmark_price`` is the benchmark's (SPY's) spot in dollars;
    ``as_of`` the aware instant the marks and ``t`` refer to.
    Raises ValueError naming the field if anything is inconsistent.
    """

    legs: LegArray
    positions: tuple[str, ...]
    strategies: tuple[str, ...]
    underlyings: tuple[str, ...]
    spot: FloatArray
    rate: FloatArray
    dividend_yield: FloatArray
    beta: FloatArray
    atm_iv: FloatArray
    benchmark_price: float
    as_of: datetime

    def __post_init__(self) -> None:
        if self.legs.dtype != LEG_DTYPE:
            raise ValueError("Book.legs must be a LEG_DTYPE array (build it with leg_array)")
        if self.as_of.tzinfo is None:
            raise ValueError(f"Book.as_of={self.as_of} has no time zone; pass an aware datetime")
        if not (np.isfinite(self.benchmark_price) and self.benchmark_price > 0):
            raise ValueError(f"Book.benchmark_price={self.benchmark_price} must be positive")
        for name in ("spot", "rate", "dividend_yield", "beta", "atm_iv"):
            _check_per_underlying(self, name)
        _check_indices(self)

    @property
    def trade_date(self) -> date:
        """The New York date of ``as_of`` (the day DTE counts from)."""
        return self.as_of.astimezone(NEW_YORK).date()


def _check_per_underlying(book: Book, name: str) -> None:
    values = np.asarray(getattr(book, name), dtype=np.float64)
    if values.shape != (len(book.underlyings),):
        raise ValueError(f"Book.{name} needs one value per underlying ({len(book.underlyings)})")
    object.__setattr__(book, name, values)
    if name == "beta" and not np.isfinite(values).all():
        missing = [u for u, b in zip(book.underlyings, values, strict=True) if not np.isfinite(b)]
        raise ValueError(f"Book.beta is missing for {missing}; pass 1.0 where unknown")


def _check_indices(book: Book) -> None:
    for column, labels in (
        ("position", book.positions),
        ("strategy", book.strategies),
        ("underlying", book.underlyings),
    ):
        index = book.legs[column]
        if index.size and (index.min() < 0 or index.max() >= len(labels)):
            raise ValueError(f"Book.legs['{column}'] points outside its {len(labels)} labels")


@dataclass(frozen=True, slots=True)
class GreekTotals:
    """Summed exposure of a group of legs.

    delta_shares: share-equivalent delta; dollar_delta: delta_shares × spot
    (USD per 100 % move, i.e. dollars of stock equivalent); beta_delta: SPY
    share equivalents; gamma_shares: change in delta_shares per 1 USD move;
    theta_day: USD per calendar day; vega: USD per volatility point;
    market_value and pnl: USD from marks. Greeks sum the priced legs only and
    values the marked legs only: ``unpriced_legs`` and ``unmarked_legs`` say
    how many of ``legs`` were left out. ``nearest_dte`` is the calendar days
    to the nearest option expiry in the group (None without options).
    """

    delta_shares: float
    dollar_delta: float
    beta_delta: float
    gamma_shares: float
    theta_day: float
    vega: float
    market_value: float
    pnl: float
    legs: int
    unpriced_legs: int
    unmarked_legs: int
    nearest_dte: int | None

    @classmethod
    def from_row(cls, row: Any) -> GreekTotals:
        """Build totals from one ``TOTALS_DTYPE`` row."""
        sums = {name: float(row[name]) for name in GREEK_FIELDS + VALUE_FIELDS}
        dte = float(row["nearest_dte"])
        return cls(
            **sums,
            legs=int(row["legs"]),
            unpriced_legs=int(row["unpriced_legs"]),
            unmarked_legs=int(row["unmarked_legs"]),
            nearest_dte=None if np.isnan(dte) else int(dte),
        )

    @property
    def complete(self) -> bool:
        """True when every leg was priced and marked."""
        return self.unpriced_legs == 0 and self.unmarked_legs == 0


@dataclass(frozen=True, slots=True)
class GroupExposure:
    """Totals of one labelled group (a position, a strategy or an underlying)."""

    label: str
    totals: GreekTotals


@dataclass(frozen=True, slots=True)
class ExpiryExposure:
    """Totals of the option legs expiring on ``expiry`` (``dte`` calendar days from as_of)."""

    expiry: date
    dte: int
    totals: GreekTotals


class CapitalBasis(StrEnum):
    """What the capital share of a concentration row measures."""

    GROSS_MARKET_VALUE = "gross market value"  # sum of |market value| of the legs
    MAX_LOSS = "max loss"  # sum of the positions' maximum losses, as given


@dataclass(frozen=True, slots=True)
class Concentration:
    """How much of the book one underlying is.

    dollar_delta: net USD delta of its legs; delta_share: |dollar_delta| over
    the sum of |dollar_delta| across underlyings (0-1); capital: USD on the
    report's ``CapitalBasis``; capital_share: capital over the total (0-1).
    """

    underlying: str
    dollar_delta: float
    delta_share: float
    capital: float
    capital_share: float


@dataclass(frozen=True, slots=True)
class ExposureReport:
    """Exposure of a book at ``as_of``: groups, expiries, concentration, unpriced legs.

    ``unpriced_legs`` are row indices into ``Book.legs`` whose greeks are
    unknown (no IV, spot or t); their greeks are not in any total.
    """

    as_of: datetime
    portfolio: GreekTotals
    positions: tuple[GroupExposure, ...]
    strategies: tuple[GroupExposure, ...]
    underlyings: tuple[GroupExposure, ...]
    by_expiry: tuple[ExpiryExposure, ...]
    concentration: tuple[Concentration, ...]
    capital_basis: CapitalBasis
    unpriced_legs: tuple[int, ...] = field(default=())


class ScenarioMode(StrEnum):
    """How the moves of a scenario grid are measured."""

    EXPECTED_MOVES = "em"  # multiples of each underlying's own expected move
    PERCENT = "percent"  # percent of spot, the same for every underlying


@dataclass(frozen=True, slots=True, eq=False)
class ScenarioGrid:
    """Portfolio P/L over (move, volatility shift, days forward), in USD.

    P/L is relative to the model value now at the same IVs, so the cell with
    no move, no shift and no days is 0. ``moves`` are multiples of an
    expected move or percent of spot (``mode``); ``vol_shifts`` volatility
    points added to every leg's IV; ``days_forward`` calendar days.
    ``move_sizes[u, d]`` is the dollar move per share of underlying ``u`` for
    a move of 1 at ``days_forward[d]``. ``pnl`` has shape (moves, vol_shifts,
    days_forward); ``by_underlying`` adds a leading underlying axis and sums
    to ``pnl``. ``unpriced_legs`` (row indices) could not be priced in every
    cell and are left out of both.
    """

    mode: ScenarioMode
    underlyings: tuple[str, ...]
    moves: FloatArray
    vol_shifts: FloatArray
    days_forward: FloatArray
    move_sizes: FloatArray
    pnl: FloatArray
    by_underlying: FloatArray
    unpriced_legs: tuple[int, ...]
    em_horizon_days: float | None = None

    def cell(self, move: float, vol_shift: float, days: float) -> float:
        """Return the P/L (USD) at one grid point; KeyError if it is not on the grid."""
        i, j, k = (
            _position(self.moves, move, "move"),
            _position(self.vol_shifts, vol_shift, "vol shift"),
            _position(self.days_forward, days, "days forward"),
        )
        return float(self.pnl[i, j, k])


def _position(axis: FloatArray, value: float, name: str) -> int:
    hits = np.flatnonzero(np.isclose(axis, value, rtol=0.0, atol=1e-12))
    if hits.size == 0:
        raise KeyError(f"{name} {value} is not on the grid {axis.tolist()}")
    return int(hits[0])
