"""A strategy's delta at entry, from its own fill prices.

For each opening option fill the implied volatility is solved from the fill
price (per share) and the underlying's price that day, and the BSM delta
taken at that volatility; stock counts one per share. The group's entry
delta is the sum of signed quantity x delta x multiplier over its opening
legs, divided by the number of units (the smallest leg size), so a short
16-delta put reads +16 and a balanced iron condor about 0 (shares per unit).
Legs whose price cannot be inverted (no underlying price, price below
intrinsic) make the group's delta unknown rather than wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta

import numpy as np

from workstation.domain.occ import OptionRight
from workstation.domain.trade_groups import Classification
from workstation.domain.transactions import Transaction
from workstation.engines.pricing import bsm
from workstation.engines.pricing.implied import implied_volatility

DAYS_PER_YEAR = 365.0
ONE_DAY = timedelta(days=1)
SpotOn = Callable[[str, date], float | None]


def entry_deltas(
    groups: Classification,
    rows: Mapping[str, Transaction],
    spot_on: SpotOn,
    rate: float = 0.04,
) -> dict[str, float | None]:
    """Return each group's entry delta in shares per unit (None when it cannot be priced)."""
    options: list[tuple[str, Transaction]] = []
    stock: list[tuple[str, Transaction]] = []
    for group in groups.groups:
        for key in group.opening_keys:
            row = rows.get(key)
            if row is None:
                continue
            if row.is_option:
                if row.price is not None:
                    options.append((group.id, row))
            elif row.instrument is not None and row.quantity:
                stock.append((group.id, row))
    deltas = _option_deltas([row for _, row in options], spot_on, rate)
    per_leg: dict[str, list[tuple[float, float] | None]] = {g.id: [] for g in groups.groups}
    for (gid, row), delta in zip(options, deltas, strict=True):
        size = float(row.quantity)
        per_leg[gid].append(None if delta is None else (size * delta * float(row.multiplier), size))
    for gid, row in stock:  # after the options: a group's deltas add up in that order
        per_leg[gid].append((float(row.quantity), float(row.quantity) / 100.0))
    return {gid: _combine(items) for gid, items in per_leg.items()}


def _combine(items: list[tuple[float, float] | None]) -> float | None:
    if not items or any(item is None for item in items):
        return None
    known = [item for item in items if item is not None]
    units = min(abs(size) for _, size in known) or 1.0
    return round(sum(delta for delta, _ in known) / units, 1)


def _option_deltas(options: list[Transaction], spot_on: SpotOn, rate: float) -> list[float | None]:
    if not options:
        return []
    days = _trade_dates(options)
    spots = np.array(
        [spot_on(row.underlying, day) or np.nan for row, day in zip(options, days, strict=True)]
    )
    strikes = np.array([float(row.strike or 0) for row in options])
    premium = np.array([float(row.price or 0) for row in options])
    calls = np.array([row.right is OptionRight.CALL for row in options])
    years = np.array(
        [
            max((row.expiry or day) - day, ONE_DAY).days
            for row, day in zip(options, days, strict=True)
        ],
        dtype=float,
    )
    years = years / DAYS_PER_YEAR
    sigma = implied_volatility(premium, calls, spots, strikes, years, rate)
    delta = bsm.delta(calls, spots, strikes, years, rate, np.where(np.isfinite(sigma), sigma, 0.2))
    return [float(d) if np.isfinite(s) else None for d, s in zip(delta, sigma, strict=True)]


def _trade_dates(rows: list[Transaction]) -> list[date]:
    """Return each row's New York trade date, converting each distinct instant once.

    The legs of one order share their execution time, and the conversion to
    New York time is the slow part of reading a date.
    """
    dates: dict[datetime, date] = {}
    out = []
    for row in rows:
        day = dates.get(row.executed_at)
        if day is None:
            day = dates[row.executed_at] = row.trade_date
        out.append(day)
    return out
