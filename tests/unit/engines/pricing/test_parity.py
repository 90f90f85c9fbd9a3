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


def test_all_expirations_at_once_match_one_at_a_time():
    from workstation.engines.pricing.parity import implied_forwards

    spot, r = 100.0, 0.04
    t = np.array([0.05, 0.3, 1.0])
    q = np.array([0.00, 0.015, 0.02])
    strikes = np.arange(70.0, 131.0, 2.5)
    expiry_index, strike, is_call, mid = [], [], [], []
    for i in range(3):
        for k in strikes:
            for call in (True, False):
                expiry_index.append(i)
                strike.append(k)
                is_call.append(call)
                mid.append(float(price(call, spot, k, t[i], r, 0.3, q[i])))
    mid = np.array(mid)
    mid[5] = np.nan  # a missing quote is skipped
    args = (np.array(expiry_index), np.array(strike), np.array(is_call))
    forwards, yields = implied_forwards(*args, mid, spot, t, r)
    for i in range(3):
        pick = args[0] == i
        calls = mid[pick][args[2][pick]]
        puts = mid[pick][~args[2][pick]]
        one = implied_forward(strikes, calls, puts, spot, float(t[i]), r)
        assert forwards[i] == pytest.approx(one.forward, rel=1e-12)
        assert yields[i] == pytest.approx(q[i], abs=1e-9)
