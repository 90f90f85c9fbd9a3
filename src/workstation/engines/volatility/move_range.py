"""The expected-move range as price levels, and where strikes sit against it.

Units: prices and moves in dollars per share (index points for indices);
distances in "moves", i.e. multiples of the range's half-width.
Everything broadcasts, so one call handles a whole strike ladder against
one range, or a matrix of strikes against one range per expiry. NaN inputs
give NaN levels and an UNKNOWN position; nothing raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True, eq=False)
class MoveBands:
    """Price levels ``center ± k × move`` (dollars per share).

    ``move`` is a one-standard-deviation move when it comes from IV or from
    1.25 × the straddle, so ``low_1sd``/``high_1sd`` are the ±1σ levels and
    ``low_2sd``/``high_2sd`` the ±2σ levels. The bands are symmetric in
    price (a normal, not lognormal, reading of the move, as platforms show it).
    """

    center: FloatArray
    move: FloatArray

    def low(self, sigmas: float = 1.0) -> FloatArray:
        """Return ``center - sigmas × move``."""
        level: FloatArray = self.center - sigmas * self.move
        return level

    def high(self, sigmas: float = 1.0) -> FloatArray:
        """Return ``center + sigmas × move``."""
        level: FloatArray = self.center + sigmas * self.move
        return level

    @property
    def low_1sd(self) -> FloatArray:
        """Lower one-sigma level."""
        return self.low(1.0)

    @property
    def high_1sd(self) -> FloatArray:
        """Upper one-sigma level."""
        return self.high(1.0)

    @property
    def low_2sd(self) -> FloatArray:
        """Lower two-sigma level."""
        return self.low(2.0)

    @property
    def high_2sd(self) -> FloatArray:
        """Upper two-sigma level."""
        return self.high(2.0)


def move_bands(center: npt.ArrayLike, move: npt.ArrayLike) -> MoveBands:
    """Return bands around ``center`` (usually the spot) for ``move`` (both dollars per share)."""
    c, m = np.broadcast_arrays(np.asarray(center, dtype=np.float64), np.asarray(move, np.float64))
    return MoveBands(c.copy(), m.copy())


class MovePosition(IntEnum):
    """Where a strike sits against an expected-move range (int8 codes in arrays)."""

    BELOW = -1
    INSIDE = 0  # the edges count as inside
    ABOVE = 1
    UNKNOWN = 2  # a NaN input, or low > high


@dataclass(frozen=True, slots=True, eq=False)
class StrikeVsMove:
    """Each strike against the range [low, high].

    ``position`` int8 ``MovePosition`` codes; ``moves_from_center`` signed
    distance from the middle in half-widths (±1 at the edges; NaN when the
    range has no width); ``outside_by`` how far beyond the nearer edge in
    half-widths (0 inside; NaN when unknown or outside a zero-width range).
    """

    position: npt.NDArray[np.int8]
    moves_from_center: FloatArray
    outside_by: FloatArray

    @property
    def inside(self) -> BoolArray:
        """True where the strike is within the range (edges included)."""
        flags: BoolArray = self.position == MovePosition.INSIDE
        return flags


def strike_vs_move(strikes: npt.ArrayLike, low: npt.ArrayLike, high: npt.ArrayLike) -> StrikeVsMove:
    """Say for each strike whether it lies inside the expected-move range and how far out.

    ``strikes``, ``low`` and ``high`` (dollars per share) broadcast together,
    e.g. a strike ladder against ``spot ± move``.
    """
    k, lo, hi = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (strikes, low, high))
    )
    known = np.isfinite(k) & np.isfinite(lo) & np.isfinite(hi) & (lo <= hi)
    position = np.full(k.shape, MovePosition.UNKNOWN, dtype=np.int8)
    position[known] = MovePosition.INSIDE
    position[known & (k < lo)] = MovePosition.BELOW
    position[known & (k > hi)] = MovePosition.ABOVE
    half = 0.5 * (hi - lo)
    with np.errstate(invalid="ignore", divide="ignore"):
        from_center = np.where(known & (half > 0.0), (k - 0.5 * (lo + hi)) / half, np.nan)
        beyond = np.where(half > 0.0, np.maximum(lo - k, k - hi) / half, np.nan)
    outside = np.where(position == MovePosition.INSIDE, 0.0, beyond)
    outside = np.where(known, outside, np.nan)
    return StrikeVsMove(position, from_center, outside)
