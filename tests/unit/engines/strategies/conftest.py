"""Shared fixtures: a fixed quote sheet (hand-computable premiums) and a market."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from workstation.domain.occ import OptionRight
from workstation.engines.pricing import bsm
from workstation.engines.pricing.expiry import expiry_instant
from workstation.engines.sessions import xnys
from workstation.engines.strategies import LegQuote, MarketContext

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday 10:00 ET
DEC = date(2026, 12, 18)
JAN = date(2027, 1, 15)
SPOT = 500.0
C, P = OptionRight.CALL, OptionRight.PUT

# Premiums per share chosen so every payoff can be worked out by hand.
SHEET = {
    (P, 460): 0.50, (P, 470): 1.00, (P, 480): 2.00, (P, 490): 4.00, (P, 500): 7.00,
    (C, 490): 12.00, (C, 500): 6.00, (C, 510): 3.00, (C, 520): 1.50, (C, 530): 0.80,
    (C, 540): 0.40,
}  # fmt: skip


def sheet(right: OptionRight, strike: float, expiry: date) -> LegQuote:
    """Quote from SHEET (IV 20 % for every contract)."""
    return LegQuote(SHEET[(right, int(strike))], 0.20)


def model(right: OptionRight, strike: float, expiry: date) -> LegQuote:
    """Quote at the BSM value with IV 20 %, r 4 %, no dividend (fair prices)."""
    t = years(expiry)
    return LegQuote(float(bsm.price(right is C, SPOT, strike, t, 0.04, 0.20)), 0.20)


def years(expiry: date) -> float:
    """Years from NOW to the 16:00 ET close of ``expiry`` (SPY settles PM)."""
    return (expiry_instant("SPY", expiry, xnys()) - NOW).total_seconds() / (365 * 86400.0)


MARKET = MarketContext("SPY", SPOT, NOW, rate=0.04, dividend_yield=0.0, sigma=0.20, calendar=xnys())


@pytest.fixture
def market() -> MarketContext:
    return MARKET
