"""Per-expiration helpers of the chain analytics: aligning calls and puts on one strike
ladder, model greeks and theoretical values, expected moves."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workstation.domain.chains import ChainArray
from workstation.engines.pricing import Greeks
from workstation.engines.pricing.models import (
    ExerciseStyle,
    theoretical_prices,
    theoretical_prices_and_greeks,
)
from workstation.engines.volatility import Smile, expected_move
from workstation.services.chain_view import ExpiryMoves, SideColumns

FloatArray = npt.NDArray[np.float64]
TRADING_DAYS_PER_YEAR = 252.0
PLATFORM_FACTOR = 0.85


@dataclass(frozen=True, slots=True, eq=False)
class ModelValues:
    """Greeks (per share, Greeks units) and theoretical value per row; NaN without an IV."""

    greeks: Greeks
    theo: FloatArray


def model_values(
    style: ExerciseStyle,
    rows: ChainArray,
    iv: FloatArray,
    spot: float,
    t: float,
    r: float,
    q: FloatArray,
    smile: Smile,
) -> ModelValues:
    """Greeks at each contract's own IV; theoretical value at the smile's IV for its strike.

    A contract whose price has no IV (no time value left, e.g. deep in the money)
    takes its greeks at the smile's IV for that strike instead.
    """
    args = (rows["is_call"], spot, rows["strike"], t, r)
    smile_iv = smile.iv_at(rows["strike"])
    sigma = np.where(np.isfinite(iv), iv, smile_iv)
    _, found = theoretical_prices_and_greeks(style, *args, sigma, q)
    theo = theoretical_prices(style, *args, smile_iv, q)
    return ModelValues(found, np.where(np.isfinite(smile_iv), theo, np.nan))


def strike_ladder(rows: ChainArray) -> FloatArray:
    """Distinct strikes of one expiration, ascending."""
    ladder: FloatArray = np.unique(rows["strike"])
    return ladder


def on_ladder(ladder: FloatArray, strikes: FloatArray, values: npt.ArrayLike) -> FloatArray:
    """Place per-row ``values`` at their strikes on ``ladder`` (NaN where absent)."""
    out = np.full(ladder.shape, np.nan)
    out[np.searchsorted(ladder, strikes)] = values
    return out


def side_columns(
    ladder: FloatArray,
    rows: ChainArray,
    calls: bool,
    mark: FloatArray,
    iv: FloatArray,
    values: ModelValues,
) -> SideColumns:
    """Return one side's columns aligned with ``ladder``."""
    pick = rows["is_call"] == calls
    strikes = rows["strike"][pick]

    def put(column: npt.ArrayLike) -> FloatArray:
        return on_ladder(ladder, strikes, np.asarray(column)[pick])

    g = values.greeks
    return SideColumns(
        bid=put(rows["bid"]),
        ask=put(rows["ask"]),
        mark=put(mark),
        last=put(rows["last"]),
        iv=put(iv),
        delta=put(g.delta),
        gamma=put(g.gamma),
        theta=put(g.theta),
        vega=put(g.vega),
        theo=put(values.theo),
        open_interest=put(rows["open_interest"].astype(np.float64)),
        volume=put(rows["volume"].astype(np.float64)),
    )


def expiry_moves(
    spot: float, atm_iv: float, days: float, sessions: int, straddle: float, straddle_strike: float
) -> ExpiryMoves:
    """Expected moves to one expiration in both conventions, and from its ATM straddle."""
    iv_move = float(expected_move(spot, atm_iv, days))
    trading = float(expected_move(spot, atm_iv, sessions, TRADING_DAYS_PER_YEAR))
    return ExpiryMoves(
        iv_move,
        trading,
        straddle,
        straddle_strike,
        PLATFORM_FACTOR * straddle,
        spot - iv_move,
        spot + iv_move,
        spot - 2 * iv_move,
        spot + 2 * iv_move,
    )
