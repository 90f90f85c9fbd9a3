"""Term structure: constant-maturity IV in total variance, and the curve's shape."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.engines.volatility.synthetic import EXPIRIES, synthetic_chain
from workstation.engines.volatility import (
    TermShape,
    TermStructure,
    classify_term,
    constant_maturity_iv,
    smiles,
    term_structure,
)


def _term(days, ivs, start="2026-12-01"):
    expiries = np.datetime64(start, "D") + np.asarray(days, dtype=int)
    return TermStructure(expiries, np.asarray(days, float), np.asarray(ivs, float))


def test_synthetic_chain_term_structure_and_30_day_iv():
    found = smiles(synthetic_chain(), 100.0, forward_per_expiry=[e[3] for e in EXPIRIES])
    term = term_structure(list(reversed(found)))  # any order in, nearest first out
    np.testing.assert_allclose(term.days, [15.0, 45.0, 75.0])
    np.testing.assert_allclose(term.atm_iv, [0.30, 0.20, 0.18], atol=1e-14)
    # 30 days is halfway from 15 to 45: w = (0.09*15 + 0.04*45)/2 = 1.575; iv = sqrt(1.575/30)
    assert term.iv30 == pytest.approx(math.sqrt(0.0525), abs=1e-14)
    reading = classify_term(term)
    assert reading.shape is TermShape.BACKWARDATION
    assert reading.front.days == pytest.approx(15.0)
    assert reading.back.days == pytest.approx(75.0)
    assert reading.slope == pytest.approx(-0.12)
    assert reading.reason == (
        "backwardation: front 06 Dec (15d) 30.0% vs back 04 Feb (75d) 18.0%, "
        "slope -12.0 vol pts (flat band ±0.5 vol pts)"
    )


def test_constant_maturity_flat_outside_and_nan_when_unusable():
    days, ivs = np.array([40.0, 10.0]), np.array([0.20, 0.30])  # any order
    assert constant_maturity_iv(days, ivs, 25.0) == pytest.approx(math.sqrt(1.25 / 25))
    np.testing.assert_allclose(
        constant_maturity_iv(days, ivs, [1.0, 10.0, 40.0, 400.0]), [0.3, 0.3, 0.2, 0.2]
    )
    assert np.isnan(constant_maturity_iv(days, ivs, [0.0, -3.0, np.nan])).all()
    assert math.isnan(float(constant_maturity_iv(days, [np.nan, np.nan], 20.0)))
    # a NaN expiry is skipped, not propagated
    assert float(
        constant_maturity_iv([10.0, 20.0, 40.0], [0.3, np.nan, 0.2], 25.0)
    ) == pytest.approx(math.sqrt(0.05))


def test_empty_and_single_expiry_terms():
    empty = term_structure([])
    assert empty.days.size == 0
    assert math.isnan(empty.iv30)
    assert classify_term(empty).shape is TermShape.UNKNOWN
    single = _term([20.0], [0.25])
    assert single.iv30 == 0.25
    reading = classify_term(single)
    assert reading.shape is TermShape.UNKNOWN
    assert math.isnan(reading.slope)
    assert "fewer than two expiries" in reading.reason


@pytest.mark.parametrize(
    ("ivs", "shape"),
    [
        ([0.18, 0.19, 0.21], TermShape.CONTANGO),
        ([0.25, 0.22, 0.20], TermShape.BACKWARDATION),
        ([0.200, 0.203, 0.204], TermShape.FLAT),  # +0.4 vol pts: inside the 0.5 band
        ([0.20, 0.26, 0.21], TermShape.HUMPED),
    ],
)
def test_shapes(ivs, shape):
    assert classify_term(_term([10.0, 40.0, 80.0], ivs)).shape is shape


def test_flat_band_is_a_parameter():
    term = _term([10.0, 80.0], [0.200, 0.204])
    assert classify_term(term).shape is TermShape.FLAT
    assert classify_term(term, flat_band=0.002).shape is TermShape.CONTANGO


def test_front_skips_expiries_under_a_week_and_back_is_nearest_75_days():
    term = _term([2.0, 9.0, 30.0, 70.0, 180.0], [0.50, 0.20, 0.21, 0.22, 0.30])
    reading = classify_term(term)
    assert (reading.front.days, reading.back.days) == (9.0, 70.0)
    assert reading.shape is TermShape.CONTANGO
    assert classify_term(term, front_min_days=1.0).shape is TermShape.BACKWARDATION


def test_humped_reason_names_the_peak():
    reading = classify_term(_term([10.0, 40.0, 80.0], [0.20, 0.26, 0.21]))
    assert reading.peak.days == 40.0
    assert reading.reason.startswith("humped: 10 Jan (40d) 26.0% above both ends")


def test_nan_atm_ivs_are_skipped_when_classifying():
    term = _term([10.0, 40.0, 80.0], [np.nan, 0.20, 0.25])
    reading = classify_term(term)
    assert (reading.front.days, reading.back.days) == (40.0, 80.0)
    assert reading.shape is TermShape.CONTANGO


@given(
    d1=st.floats(1.0, 200.0),
    gap=st.floats(0.5, 200.0),
    share=st.floats(0.0, 1.0),
    v1=st.floats(0.01, 2.0),
    v2=st.floats(0.01, 2.0),
)
def test_constant_maturity_iv_lies_between_the_bracketing_ivs(d1, gap, share, v1, v2):
    d2 = d1 + gap
    horizon = d1 + share * gap
    iv = float(constant_maturity_iv([d1, d2], [v1, v2], horizon))
    assert min(v1, v2) * (1 - 1e-12) <= iv <= max(v1, v2) * (1 + 1e-12)
