import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.engines.indicators import ema, typical_price, vwap


def test_ema_by_hand():
    # span 3: alpha 0.5; seeded at 10: 10, 10.5 (x=11), 11.75 (x=13)
    assert ema([10.0, 11.0, 13.0], 3)[2] == pytest.approx(11.75)
    assert np.isnan(ema([10.0, 11.0, 13.0], 3)[:2]).all()


@given(st.lists(st.floats(1, 1000), min_size=1, max_size=300), st.integers(1, 50))
def test_ema_stays_within_the_range_of_closes(closes, span):
    out = ema(closes, span)
    known = out[~np.isnan(out)]
    assert np.all(known >= min(closes) - 1e-9)
    assert np.all(known <= max(closes) + 1e-9)


def test_ema_rejects_a_zero_span():
    with pytest.raises(ValueError, match="span"):
        ema([1.0], 0)


def test_vwap_weights_by_volume():
    assert vwap([10.0, 20.0], [300, 100]) == pytest.approx(12.5)
    assert math.isnan(vwap([10.0], [0]))
    assert typical_price([12.0], [9.0], [12.0])[0] == pytest.approx(11.0)
