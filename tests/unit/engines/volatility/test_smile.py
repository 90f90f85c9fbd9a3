"""Smiles: OTM pick, ATM IV at the forward, 25-delta skew; by hand and as properties."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.engines.volatility.synthetic import (
    EXPIRIES,
    expiry_columns,
    per_contract_forward,
    synthetic_chain,
)
from workstation.domain.chains import CHAIN_DTYPE
from workstation.engines.pricing import bsm
from workstation.engines.volatility import ChainColumns, iv_at_delta, otm_curve, smiles


def _smiles(**kw):
    return smiles(synthetic_chain(), 100.0, forward_per_expiry=[e[3] for e in EXPIRIES], **kw)


def test_three_expiry_chain_gives_exact_atm_and_skew():
    found = _smiles()
    assert [str(s.expiry) for s in found] == [e[0] for e in EXPIRIES]
    for smile, (_, days, atm, fwd) in zip(found, EXPIRIES, strict=True):
        assert smile.days == pytest.approx(days)
        assert smile.forward == fwd
        assert smile.atm_iv == pytest.approx(atm, abs=1e-14)
        assert smile.skew.call_iv == pytest.approx(atm - 0.05, abs=1e-14)
        assert smile.skew.put_iv == pytest.approx(atm + 0.05, abs=1e-14)
        assert smile.skew.risk_reversal == pytest.approx(-0.10, abs=1e-14)
        assert smile.skew.skew_ratio == pytest.approx((atm + 0.05) / (atm - 0.05))
        assert smile.skew.put_skew == pytest.approx(0.05, abs=1e-14)
        assert smile.skew.butterfly == pytest.approx(0.0, abs=1e-14)
        # the 25-delta strikes sit at ln(K/F) = +-0.125
        assert smile.skew.call_strike == pytest.approx(fwd * math.exp(0.125))
        assert smile.skew.put_strike == pytest.approx(fwd * math.exp(-0.125))


def test_smile_uses_only_out_of_the_money_ivs():
    smile = _smiles()[0]
    assert np.all(smile.iv < 0.9)  # no in-the-money IV (0.99) got in
    np.testing.assert_array_equal(smile.strikes, np.arange(80.0, 121.0, 5.0))
    np.testing.assert_allclose(smile.log_moneyness, np.log(smile.strikes / 100.5))
    np.testing.assert_allclose(smile.iv, 0.30 - 0.4 * smile.log_moneyness)


def test_per_contract_forward_gives_the_same_smiles():
    chain = synthetic_chain()
    by_contract = smiles(chain, 100.0, forward=per_contract_forward(chain))
    assert [s.atm_iv for s in by_contract] == pytest.approx([e[2] for e in EXPIRIES])


def test_forward_between_two_strikes_is_interpolated_in_log_moneyness():
    # F = sqrt(100 * 105): exactly halfway between the strikes in ln K,
    # so ATM IV = mean of the 100 put (0.20) and the 105 call (0.18).
    chain = ChainColumns(
        expiry=np.full(4, np.datetime64("2026-12-18")),
        t=np.full(4, 27 / 365),
        strike=[100.0, 100.0, 105.0, 105.0],
        is_call=[True, False, True, False],
        iv=[0.50, 0.20, 0.18, 0.50],
    )
    (smile,) = smiles(chain, 102.0, forward=math.sqrt(100 * 105))
    assert smile.atm_iv == pytest.approx(0.19, abs=1e-15)
    assert smile.iv_at(math.sqrt(100 * 105)) == pytest.approx(0.19)
    assert math.isnan(float(smile.iv_at(110.0)))


def test_strike_at_the_forward_averages_call_and_put():
    strikes, ivs = otm_curve(
        np.array([95.0, 100.0, 100.0, 105.0]),
        np.array([False, True, False, True]),
        np.array([0.25, 0.21, 0.23, 0.19]),
        100.0,
    )
    np.testing.assert_array_equal(strikes, [95.0, 100.0, 105.0])
    np.testing.assert_allclose(ivs, [0.25, 0.22, 0.19])


def test_hand_worked_25_delta_from_quoted_deltas():
    strike = np.array([90.0, 95.0, 105.0, 110.0])
    # calls: 105 -> 0.35, 110 -> 0.20: 0.25 is 2/3 of the way -> 0.19 + 2/3 (0.16 - 0.19) = 0.17
    call_iv, call_k = iv_at_delta(
        strike[2:], np.array([0.35, 0.20]), np.array([0.19, 0.16]), 0.25, 100
    )
    assert call_iv == pytest.approx(0.17)
    assert call_k == pytest.approx(105 * (110 / 105) ** (2 / 3))  # 2/3 of the way in ln K
    # puts: 90 -> -0.15, 95 -> -0.30: -0.25 is 2/3 from 90 -> 0.26 + 2/3 (0.23 - 0.26) = 0.24
    put_iv, put_k = iv_at_delta(
        strike[:2], np.array([-0.15, -0.30]), np.array([0.26, 0.23]), -0.25, 100
    )
    assert put_iv == pytest.approx(0.24)
    assert put_k == pytest.approx(90 * (95 / 90) ** (2 / 3))


def test_delta_exactly_on_target_and_unbracketed_target():
    k, iv = np.array([100.0, 105.0]), np.array([0.2, 0.19])
    assert iv_at_delta(k, np.array([0.4, 0.25]), iv, 0.25, 100.0) == (0.19, 105.0)
    assert all(map(math.isnan, iv_at_delta(k, np.array([0.5, 0.4]), iv, 0.25, 100.0)))


def test_noisy_deltas_take_the_crossing_nearest_the_forward():
    k = np.array([100.0, 105.0, 110.0, 115.0, 120.0])
    d = np.array([0.50, 0.30, 0.20, 0.30, 0.10])  # a bad quote at 115 crosses 0.25 three times
    iv = np.array([0.20, 0.19, 0.17, 0.30, 0.15])
    found, strike = iv_at_delta(k, d, iv, 0.25, 100.0)
    assert strike == pytest.approx(math.sqrt(105 * 110))
    assert found == pytest.approx(0.18)


def test_missing_deltas_are_computed_from_iv_when_r_is_given():
    # flat 20 % smile with no quoted deltas: the 25-delta IV is 20 % and the
    # 25-delta call strike has a BSM delta of 0.25 (to the strike grid's accuracy)
    k = np.repeat(np.arange(70.0, 131.0, 1.0), 2)
    chain = ChainColumns(
        expiry=np.full(k.size, np.datetime64("2027-01-15")),
        t=np.full(k.size, 0.15),
        strike=k,
        is_call=np.tile([True, False], k.size // 2),
        iv=np.full(k.size, 0.20),
    )
    (smile,) = smiles(chain, 100.0, r=0.04, q=0.01)
    assert smile.forward == pytest.approx(100.0 * math.exp(0.03 * 0.15))
    assert smile.atm_iv == pytest.approx(0.20)
    assert smile.skew.risk_reversal == pytest.approx(0.0, abs=1e-15)
    call_delta = bsm.delta(True, 100.0, smile.skew.call_strike, 0.15, 0.04, 0.20, 0.01)
    put_delta = bsm.delta(False, 100.0, smile.skew.put_strike, 0.15, 0.04, 0.20, 0.01)
    assert float(call_delta) == pytest.approx(0.25, abs=2e-3)
    assert float(put_delta) == pytest.approx(-0.25, abs=2e-3)


def test_without_r_missing_deltas_leave_the_skew_nan_but_atm_works():
    chain = ChainColumns(**{**expiry_columns(*EXPIRIES[0]), "delta": np.full(18, np.nan)})
    (smile,) = smiles(chain, 100.0, forward=EXPIRIES[0][3])
    assert smile.atm_iv == pytest.approx(0.30)
    assert math.isnan(smile.skew.call_iv)
    assert math.isnan(smile.skew.risk_reversal)


def test_forward_outside_the_quoted_strikes_gives_nan_atm():
    (smile,) = smiles(ChainColumns(**expiry_columns(*EXPIRIES[0])), 150.0, forward=150.0)
    assert math.isnan(smile.atm_iv)
    assert smile.strikes.size == 9  # all puts are out of the money


def test_empty_chain_gives_no_smiles():
    empty = ChainColumns.from_chain(np.zeros(0, dtype=CHAIN_DTYPE), 0.1)
    assert len(empty) == 0
    assert smiles(empty, 100.0, r=0.04) == ()


def test_all_nan_ivs_give_an_empty_smile_and_nan_numbers():
    cols = expiry_columns(*EXPIRIES[0])
    (smile,) = smiles(ChainColumns(**{**cols, "iv": np.full(18, np.nan)}), 100.0, forward=100.5)
    assert smile.strikes.size == 0
    assert math.isnan(smile.atm_iv)
    assert math.isnan(smile.skew.put_skew)


def test_nan_forward_and_expired_expiry_do_not_crash():
    cols = expiry_columns(*EXPIRIES[0])
    (smile,) = smiles(ChainColumns(**cols), 100.0, forward=np.nan)
    assert math.isnan(smile.atm_iv)
    (expired,) = smiles(ChainColumns(**{**cols, "t": np.zeros(18)}), 100.0, forward=100.5)
    assert math.isnan(expired.atm_iv)


def test_from_chain_reads_chain_rows():
    cols = expiry_columns(*EXPIRIES[1])
    rows = np.zeros(18, dtype=CHAIN_DTYPE)
    for name in ("expiry", "strike", "is_call", "iv", "delta"):
        rows[name] = cols[name]
    (smile,) = smiles(ChainColumns.from_chain(rows, 45 / 365), 100.0, forward=101.5)
    assert smile.atm_iv == pytest.approx(0.20)
    assert smile.skew.risk_reversal == pytest.approx(-0.10)


def test_bad_inputs_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="same length"):
        ChainColumns(
            np.full(2, np.datetime64("2026-12-18")), [0.1], [100.0, 105.0], [1, 0], [0.2, 0.2]
        )
    with pytest.raises(ValueError, match="give forward"):
        smiles(synthetic_chain(), 100.0)
    with pytest.raises(ValueError, match="3 expiries but 2 forwards"):
        smiles(synthetic_chain(), 100.0, forward_per_expiry=[100.0, 101.0])


@given(
    atm=st.floats(0.05, 1.5),
    forward=st.floats(82.0, 118.0),
    slope=st.floats(-0.5, 0.5),
)
def test_atm_iv_lies_between_the_bracketing_otm_ivs(atm, forward, slope):
    k = np.repeat(np.arange(80.0, 121.0, 5.0), 2)
    is_call = np.tile([True, False], k.size // 2)
    iv = atm + slope * np.log(k / 100.0) ** 2 + np.where(is_call, 0.0, 0.01)
    chain = ChainColumns(
        np.full(k.size, np.datetime64("2027-01-15")), np.full(k.size, 0.1), k, is_call, iv
    )
    (smile,) = smiles(chain, 100.0, forward=forward)
    below = smile.iv[smile.strikes <= forward][-1]
    above = smile.iv[smile.strikes >= forward][0]
    assert min(below, above) - 1e-12 <= smile.atm_iv <= max(below, above) + 1e-12


def test_rows_without_an_expiry_are_skipped():
    cols = expiry_columns(*EXPIRIES[0])
    cols["expiry"] = cols["expiry"].copy()
    cols["expiry"][[0, 5]] = np.datetime64("NaT")
    (smile,) = smiles(ChainColumns(**cols), 100.0, forward_per_expiry=[100.5])
    assert smile.atm_iv == pytest.approx(0.30)
