"""Equal highs and lows: runs of consecutive swing highs (lows) within a tolerance.

Stops rest above equal highs (buy-side liquidity) and below equal lows
(sell-side). A run starts at a swing (its anchor, price ``a``); the next swing
of the same side joins it when ``|p - a| <= tolerance · a``, and from the
third touch on it must also stay inside the level (at or below it for highs,
at or above for lows), since a swing beyond the level has already traded
through it. The level's price is the outer of its first two touches (the
higher of two highs, the lower of two lows), where the stops sit; it becomes a
level, confirmed, when its second swing is confirmed. Only consecutive swings
of one side form a run: between two consecutive swing highs no bar trades
above the higher of them (else that bar would be a swing high in between), so
a run is never interrupted by price trading through it.

The batch path loops in Python only over swings whose neighbour is close
enough to possibly join (a generous prefilter), not over all swings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workstation.domain.structure import StructArray

IndexArray = npt.NDArray[np.int64]

# kind-independent part of a level row: side, price, first, last, confirmed, touches
EqualRow = list[float]


@dataclass(slots=True)
class EqualRun:
    """The current run of one side's consecutive swings (shared by batch and live paths)."""

    side: int
    tolerance: float
    anchor: float = float("nan")
    anchor_bar: int = -1
    price: float = float("nan")
    touches: int = 0

    def offer(self, bar: int, price: float) -> bool:
        """Take the next swing of this side; True when it joins the run (touches is then >= 2).

        A swing that does not join anchors a new run.
        """
        joins = self.touches > 0 and abs(price - self.anchor) <= self.tolerance * self.anchor
        if joins and self.touches >= 2:
            joins = price <= self.price if self.side > 0 else price >= self.price
        if not joins:
            self.restart(bar, price)
            return False
        if self.touches == 1:
            self.price = max(self.anchor, price) if self.side > 0 else min(self.anchor, price)
        self.touches += 1
        return True

    def restart(self, bar: int, price: float) -> None:
        """Anchor a new run at this swing."""
        self.anchor, self.anchor_bar, self.price, self.touches = price, bar, price, 1

    def level_row(self, bar: int, confirmed: int) -> EqualRow:
        """The level this run became with its second touch at ``bar``."""
        return [self.side, self.price, self.anchor_bar, bar, confirmed, 2]


def equal_levels(swings: StructArray, tolerance: float) -> list[EqualRow]:
    """Return equal-highs and equal-lows levels of ``swings`` as rows, touches as of the end."""
    rows: list[EqualRow] = []
    for side in (-1, 1):
        mine = swings[swings["side"] == side]
        rows.extend(_side_levels(mine, side, tolerance))
    return rows


def _side_levels(swings: StructArray, side: int, tolerance: float) -> list[EqualRow]:
    price = swings["price"]
    # Two swings of a run lie within [a(1-tol), a(1+tol)] of their anchor, hence
    # within 2.5·tol of each other for any tol < 0.1 (with room for rounding).
    # A swing failing this test against its predecessor always anchors a new run.
    near = np.r_[False, np.abs(np.diff(price)) <= 2.5 * tolerance * np.abs(price[:-1]), False]
    alone = near[1:-1] & ~near[:-2] & ~near[2:]
    return _pairs(swings, side, tolerance, np.flatnonzero(alone) + 1) + _chains(
        swings, side, tolerance, np.flatnonzero(near[1:-1] & ~alone) + 1
    )


def _pairs(swings: StructArray, side: int, tolerance: float, second: IndexArray) -> list[EqualRow]:
    """Levels of swings whose only near neighbour is the one before: a run of two at most.

    The same test as EqualRun.offer with a fresh anchor, vectorised.
    """
    anchor, price = swings["price"][second - 1], swings["price"][second]
    ok = np.abs(price - anchor) <= tolerance * anchor
    outer = np.maximum(anchor, price) if side > 0 else np.minimum(anchor, price)
    first, last = swings["bar"][second - 1], swings["bar"][second]
    table = np.column_stack(
        [
            np.full(len(second), side),
            outer,
            first,
            last,
            swings["confirmed"][second],
            np.full(len(second), 2),
        ]
    )
    rows: list[EqualRow] = table[ok].tolist()
    return rows


def _chains(swings: StructArray, side: int, tolerance: float, near: IndexArray) -> list[EqualRow]:
    """Levels along chains of near swings, one swing at a time through EqualRun."""
    bars, confirmed, prices = (swings[f].tolist() for f in ("bar", "confirmed", "price"))
    run = EqualRun(side, tolerance)
    rows: list[EqualRow] = []
    previous = -2
    for j in near.tolist():
        if j != previous + 1:  # swing j-1 failed the prefilter (or is the first): a fresh run
            run.restart(bars[j - 1], prices[j - 1])
        previous = j
        if not run.offer(bars[j], prices[j]):
            continue
        if run.touches == 2:
            rows.append(run.level_row(bars[j], confirmed[j]))
        else:
            rows[-1][3], rows[-1][5] = bars[j], run.touches
    return rows
