"""The exposure report of a book: totals per position, strategy, underlying, expiry, portfolio.

Concentration per underlying has two measures. The delta share nets the
legs within an underlying first (a hedged vertical is small) and compares
|net dollar delta| across underlyings. The capital share compares the
capital tied up: by default the gross market value (sum of |market value|
of every leg, so both sides of a spread count), or, when the caller passes
each position's maximum loss, the sum of those (see ``CapitalBasis``).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

from workstation.domain.exposure import (
    Book,
    CapitalBasis,
    Concentration,
    ExpiryExposure,
    ExposureReport,
    FloatArray,
    GreekTotals,
    GroupExposure,
    LegGreeksArray,
    TotalsArray,
)
from workstation.engines.risk.exposure import group_totals, leg_greeks, portfolio_totals


def exposure_report(book: Book, *, max_loss: npt.ArrayLike | None = None) -> ExposureReport:
    """Return the exposure of ``book`` (units as in ``GreekTotals``).

    ``max_loss`` is optional, one positive USD figure per position label; when
    given, concentration's capital is the max loss, otherwise gross market value.
    """
    greeks = leg_greeks(book)
    legs = book.legs
    basis = CapitalBasis.GROSS_MARKET_VALUE if max_loss is None else CapitalBasis.MAX_LOSS
    return ExposureReport(
        as_of=book.as_of,
        portfolio=GreekTotals.from_row(portfolio_totals(greeks)[0]),
        positions=_groups(greeks, legs["position"], book.positions),
        strategies=_groups(greeks, legs["strategy"], book.strategies),
        underlyings=_groups(greeks, legs["underlying"], book.underlyings),
        by_expiry=by_expiry(book, greeks),
        concentration=concentration(book, greeks, max_loss=max_loss),
        capital_basis=basis,
        unpriced_legs=tuple(int(i) for i in np.flatnonzero(~greeks["priced"])),
    )


def _groups(
    greeks: LegGreeksArray, keys: npt.ArrayLike, labels: tuple[str, ...]
) -> tuple[GroupExposure, ...]:
    """Return one row per label that has legs, in label order."""
    table = group_totals(greeks, keys, len(labels))
    return tuple(
        GroupExposure(label, GreekTotals.from_row(row))
        for label, row in zip(labels, table, strict=True)
        if row["legs"] > 0
    )


def expiry_totals(book: Book, greeks: LegGreeksArray) -> tuple[list[date], TotalsArray]:
    """Return the distinct option expiries (nearest first) and the totals of their legs."""
    option = book.legs["is_option"]
    expiries, keys = np.unique(book.legs["expiry"][option], return_inverse=True)
    table = group_totals(greeks[option], keys, len(expiries))
    dates: list[date] = expiries.tolist()
    return dates, table


def by_expiry(book: Book, greeks: LegGreeksArray) -> tuple[ExpiryExposure, ...]:
    """Return the totals (theta per day, vega per point, ...) of option legs per expiry date."""
    dates, table = expiry_totals(book, greeks)
    today = book.trade_date
    return tuple(
        ExpiryExposure(day, (day - today).days, GreekTotals.from_row(row))
        for day, row in zip(dates, table, strict=True)
    )


def concentration(
    book: Book, greeks: LegGreeksArray, *, max_loss: npt.ArrayLike | None = None
) -> tuple[Concentration, ...]:
    """Return each underlying's share of |net dollar delta| and of capital (see module docstring).

    Shares are 0-1 and 0 when the book's total is 0. An underlying with no
    legs is left out.
    """
    under = book.legs["underlying"]
    count = len(book.underlyings)
    table = group_totals(greeks, under, count)
    net = table["dollar_delta"]
    capital = _capital(book, greeks, max_loss)
    delta_share, capital_share = _shares(np.abs(net)), _shares(capital)
    return tuple(
        Concentration(
            book.underlyings[u],
            float(net[u]),
            float(delta_share[u]),
            float(capital[u]),
            float(capital_share[u]),
        )
        for u in range(count)
        if table["legs"][u] > 0
    )


def _capital(book: Book, greeks: LegGreeksArray, max_loss: npt.ArrayLike | None) -> FloatArray:
    """Return capital per underlying (USD): gross |market value|, or the positions' max loss."""
    under = book.legs["underlying"]
    count = len(book.underlyings)
    if max_loss is None:
        gross = np.abs(np.nan_to_num(greeks["market_value"], nan=0.0))
        return np.bincount(under, weights=gross, minlength=count).astype(np.float64)
    losses = np.asarray(max_loss, dtype=np.float64)
    if losses.shape != (len(book.positions),):
        raise ValueError(f"max_loss needs one value per position ({len(book.positions)})")
    # A position belongs to the underlying of its legs (the last leg's, were they to differ).
    owner = np.full(len(book.positions), -1, dtype=np.intp)
    owner[book.legs["position"]] = under
    held = owner >= 0
    return np.bincount(owner[held], weights=np.abs(losses[held]), minlength=count).astype(
        np.float64
    )


def _shares(values: FloatArray) -> FloatArray:
    total = values.sum()
    if total == 0.0:
        return np.zeros_like(values)
    shares: FloatArray = values / total
    return shares
