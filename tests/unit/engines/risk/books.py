"""A small hand-made book shared by the exposure and scenario tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from workstation.domain.exposure import Book, Leg, OptionTerms, leg_array

AS_OF = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)  # 10:00 in New York, Monday 3 March
AAPL_EXPIRY, SPX_EXPIRY = date(2025, 4, 4), date(2025, 4, 17)  # 32 and 45 days out
AAPL, SPX = 0, 1
RATE, SPX_YIELD = 0.04, 0.013
SPY_PRICE = 500.0


def small_book(*, put_iv: float = 0.30, legs: list[Leg] | None = None) -> Book:
    """Long 100 AAPL, a short AAPL 190 put, a long SPX 5000/5100 call vertical."""
    aapl_t, spx_t = 32 / 365, 45 / 365
    default = [
        Leg(position=0, underlying=AAPL, quantity=100, mark=200.0, open_cash=-19_000.0),
        Leg(
            position=1,
            strategy=1,
            underlying=AAPL,
            quantity=-1,
            multiplier=100,
            mark=3.0,
            open_cash=400.0,
            option=OptionTerms(False, 190.0, AAPL_EXPIRY, aapl_t, put_iv),
        ),
        Leg(
            position=2,
            strategy=2,
            underlying=SPX,
            quantity=1,
            multiplier=100,
            mark=80.0,
            open_cash=-7_500.0,
            option=OptionTerms(True, 5000.0, SPX_EXPIRY, spx_t, 0.15, european=True),
        ),
        Leg(
            position=2,
            strategy=2,
            underlying=SPX,
            quantity=-1,
            multiplier=100,
            mark=40.0,
            open_cash=3_600.0,
            option=OptionTerms(True, 5100.0, SPX_EXPIRY, spx_t, 0.14, european=True),
        ),
    ]
    return Book(
        legs=leg_array(default if legs is None else legs),
        positions=("AAPL shares", "AAPL 190 put", "SPX 5000/5100"),
        strategies=("stock", "short put", "bull call vertical"),
        underlyings=("AAPL", "SPX"),
        spot=np.array([200.0, 5_000.0]),
        rate=np.array([RATE, RATE]),
        dividend_yield=np.array([0.0, SPX_YIELD]),
        beta=np.array([1.2, 1.0]),
        atm_iv=np.array([0.28, 0.15]),
        benchmark_price=SPY_PRICE,
        as_of=AS_OF,
    )
