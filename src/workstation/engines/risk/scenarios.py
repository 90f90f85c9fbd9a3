"""Portfolio P/L over a grid of underlying moves, volatility shifts and days forward.

Every cell reprices every option leg with the pricing engine (BSM for
European legs, Bjerksund–Stensland 2002 for American ones), broadcast over
legs × moves × vol shifts × days in one call per exercise style. P/L is the
scenario value minus the model value now at the same IVs (not minus the
marks), so the cell with no move, no shift and no days is exactly 0 and the
grid shows what the scenario does, not how far the marks sit from the model.

Conventions:

- Moves (``ScenarioMode.EXPECTED_MOVES``): underlying u moves by
  ``move × EM_u`` dollars with EM_u = spot × atm_iv × sqrt(h / 365), the
  one-standard-deviation move over h calendar days. h is the column's
  ``days_forward`` floored at 1 (a move on day 0 is one day's expected
  move), unless ``em_horizon_days`` fixes one horizon for every column.
  An underlying without an ATM IV cannot be moved: its legs are unpriced.
- Moves (``ScenarioMode.PERCENT``): every underlying moves by move % of spot.
- A move below zero is clipped to a spot of 0.
- Volatility shifts are points added to every leg's IV (a parallel shift),
  floored at ``MIN_VOLATILITY``; the same floor applies to the baseline.
- Days forward shorten t by days / 365; a leg whose expiry falls inside the
  horizon settles at intrinsic at the moved spot. Rates, dividend yields
  and stock carry are left out; stock P/L is quantity × multiplier × move.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from workstation.domain.exposure import Book, FloatArray, ScenarioGrid, ScenarioMode
from workstation.engines.pricing.models import ExerciseStyle, theoretical_prices
from workstation.engines.risk.exposure import missing_inputs, pricing_volatility
from workstation.engines.volatility.expected_move import expected_move

DEFAULT_EM_MOVES = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)  # expected moves
DEFAULT_PERCENT_MOVES = (-10.0, -5.0, -2.0, 0.0, 2.0, 5.0, 10.0)  # percent of spot
DEFAULT_VOL_SHIFTS = (-10.0, -5.0, 0.0, 5.0, 10.0)  # volatility points
DEFAULT_DAYS_FORWARD = (0.0, 7.0, 14.0)  # calendar days
MIN_VOLATILITY = 0.01  # a shifted IV never goes below 1 %
DAYS_PER_YEAR = 365.0
POINT = 0.01


def scenario_grid(
    book: Book,
    moves: Sequence[float] = DEFAULT_EM_MOVES,
    vol_shifts: Sequence[float] = DEFAULT_VOL_SHIFTS,
    days_forward: Sequence[float] = DEFAULT_DAYS_FORWARD,
    *,
    mode: ScenarioMode | str = ScenarioMode.EXPECTED_MOVES,
    em_horizon_days: float | None = None,
) -> ScenarioGrid:
    """Return the book's P/L (USD) for every (move, vol shift, days forward) cell.

    ``mode`` is "em" (moves in expected moves) or "percent" (moves in % of
    spot). See the module docstring for the units of each axis and the baseline.
    """
    mode = ScenarioMode(mode)
    m, v, d = (np.asarray(x, dtype=np.float64) for x in (moves, vol_shifts, days_forward))
    sizes = move_sizes(book, d, mode, em_horizon_days)
    leg_pnl = _leg_pnl(book, m, v, d, sizes)
    unpriced = ~np.isfinite(leg_pnl).all(axis=(1, 2, 3))
    leg_pnl[unpriced] = 0.0
    by_underlying = np.zeros((len(book.underlyings), m.size, v.size, d.size))
    np.add.at(by_underlying, book.legs["underlying"], leg_pnl)
    return ScenarioGrid(
        mode=mode,
        underlyings=book.underlyings,
        moves=m,
        vol_shifts=v,
        days_forward=d,
        move_sizes=sizes,
        pnl=by_underlying.sum(axis=0),
        by_underlying=by_underlying,
        unpriced_legs=tuple(int(i) for i in np.flatnonzero(unpriced)),
        em_horizon_days=em_horizon_days if mode is ScenarioMode.EXPECTED_MOVES else None,
    )


def move_sizes(
    book: Book, days: FloatArray, mode: ScenarioMode, em_horizon_days: float | None = None
) -> FloatArray:
    """Return the dollar move per share for a move of 1, shape (underlyings, days)."""
    spot = book.spot[:, None]
    if mode is ScenarioMode.PERCENT:
        return np.broadcast_to(spot * POINT, (spot.shape[0], days.size)).copy()
    horizon = (
        np.maximum(days, 1.0) if em_horizon_days is None else np.full(days.size, em_horizon_days)
    )
    return expected_move(spot, book.atm_iv[:, None], horizon[None, :], DAYS_PER_YEAR)


def _leg_pnl(
    book: Book, moves: FloatArray, shifts: FloatArray, days: FloatArray, sizes: FloatArray
) -> FloatArray:
    """Return each leg's P/L (USD), shape (legs, moves, vol shifts, days)."""
    legs = book.legs
    under = legs["underlying"]
    spot_now = book.spot[under]
    # (legs, moves, 1, days): the underlying's price in each scenario.
    spot = (
        spot_now[:, None, None, None] + moves[None, :, None, None] * sizes[under][:, None, None, :]
    )
    spot = np.maximum(spot, 0.0)
    size = (legs["quantity"] * legs["multiplier"])[:, None, None, None]
    shape = (len(legs), moves.size, shifts.size, days.size)
    change = np.broadcast_to(spot - spot_now[:, None, None, None], shape).copy()
    option = legs["is_option"]
    for style in ExerciseStyle:
        rows = np.flatnonzero(option & (legs["european"] == (style is ExerciseStyle.EUROPEAN)))
        if rows.size:
            change[rows] = _option_change(book, rows, style, spot[rows], shifts, days)
    change[missing_inputs(book)] = np.nan
    pnl: FloatArray = size * change
    return pnl


def _option_change(
    book: Book,
    rows: npt.NDArray[np.intp],
    style: ExerciseStyle,
    spot: FloatArray,
    shifts: FloatArray,
    days: FloatArray,
) -> FloatArray:
    """Return scenario value minus value now (dollars per share) of the option legs ``rows``."""
    legs = book.legs[rows]
    under = legs["underlying"]
    call, strike, r, q = (
        legs["is_call"],
        legs["strike"],
        book.rate[under],
        book.dividend_yield[under],
    )
    iv = pricing_volatility(legs)
    sigma_now = np.maximum(iv, MIN_VOLATILITY)
    now = theoretical_prices(style, call, book.spot[under], strike, legs["t"], r, sigma_now, q)
    sigma = np.maximum(iv[:, None] + shifts[None, :] * POINT, MIN_VOLATILITY)
    t = legs["t"][:, None] - days[None, :] / DAYS_PER_YEAR
    # A spot clipped to 0 makes log(0) inside the model; its limit (intrinsic) is what we want.
    with np.errstate(divide="ignore", invalid="ignore"):
        later = theoretical_prices(
            style,
            _axes(call, 4),
            spot,
            _axes(strike, 4),
            t[:, None, None, :],
            _axes(r, 4),
            sigma[:, None, :, None],
            _axes(q, 4),
        )
    change: FloatArray = later - now[:, None, None, None]
    return change


def _axes(values: npt.NDArray[np.generic], ndim: int) -> npt.NDArray[np.generic]:
    """Return a leg column shaped (legs, 1, ..., 1) to broadcast over the grid axes."""
    return values.reshape((-1,) + (1,) * (ndim - 1))
