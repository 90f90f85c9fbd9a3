import numpy as np
import pytest

from workstation.engines.pricing import price
from workstation.engines.pricing.parity import implied_forward


def test_forward_and_dividend_yield_are_recovered_from_european_prices():
    spot, t, r, q = 100.0, 0.5, 0.045, 0.012
    strikes = np.arange(80.0, 121.0, 2.5)
    calls = price(True, spot, strikes, t, r, 0.25, q)
    puts = price(False, spot, strikes, t, r, 0.25, q)
    found = implied_forward(strikes, calls, puts, spot, t, r)
    assert found.forward == pytest.approx(spot * np.exp((r - q) * t), rel=1e-12)
    assert found.dividend_yield == pytest.approx(q, abs=1e-10)
    assert found.strikes_used == 12


def test_one_stale_quote_does_not_move_the_median():
    spot, t, r = 100.0, 0.25, 0.04
    strikes = np.arange(90.0, 111.0, 1.0)
    calls = price(True, spot, strikes, t, r, 0.2)
    puts = price(False, spot, strikes, t, r, 0.2)
    calls[10] += 3.0  # a stale call at the money
    found = implied_forward(strikes, calls, puts, spot, t, r)
    assert found.forward == pytest.approx(spot * np.exp(r * t), rel=1e-12)


def test_no_two_sided_strike_falls_back_to_the_carry_forward():
    found = implied_forward(
        np.array([100.0]), np.array([np.nan]), np.array([2.0]), 100.0, 1.0, 0.05
    )
    assert found.forward == pytest.approx(100.0 * np.exp(0.05))
    assert found.strikes_used == 0
