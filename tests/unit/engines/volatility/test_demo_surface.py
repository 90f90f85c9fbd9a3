"""The surface engines on a realistic chain: SPY from the demo market on a Tuesday midday."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from tests.fakes.clock import FixedClock
from workstation.adapters.marketdata.demo.provider import DemoMarketData
from workstation.adapters.marketdata.demo.universe import RISK_FREE_RATE, spec_of
from workstation.engines.volatility import (
    ChainColumns,
    TermShape,
    atm_straddles,
    classify_term,
    horizon_moves,
    smiles,
    straddle_moves,
    term_structure,
)

TUESDAY_MIDDAY = datetime(2026, 11, 24, 16, 37, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
async def spy():
    return await DemoMarketData(FixedClock(TUESDAY_MIDDAY)).option_chain("SPY")


def _years_to_close(expiries: np.ndarray) -> np.ndarray:
    """Years (365-day) from now to 16:00 New York on each expiry date (close enough here)."""
    closes = {
        e: datetime.combine(e.astype(object), time(16), NEW_YORK) for e in np.unique(expiries)
    }
    seconds = np.array([(closes[e] - TUESDAY_MIDDAY).total_seconds() for e in expiries])
    return seconds / (365.0 * 86400.0)


async def test_spy_shows_put_skew_and_a_sensible_atm_iv(spy):
    chain = ChainColumns.from_chain(spy.rows, _years_to_close(spy.rows["expiry"]))
    found = smiles(chain, spy.spot, r=RISK_FREE_RATE, q=spec_of("SPY").dividend_yield)
    assert len(found) == len(spy.expirations)
    usable = [s for s in found if s.days >= 7]
    assert usable
    for smile in usable:
        assert 0.05 < smile.atm_iv < 0.60, smile.expiry
        assert smile.skew.risk_reversal < 0.0, smile.expiry  # puts richer than calls
        assert smile.skew.skew_ratio > 1.0
        assert smile.skew.put_skew > 0.0
        assert smile.skew.put_strike < smile.forward < smile.skew.call_strike

    term = term_structure(found)
    assert 0.05 < term.iv30 < 0.60
    assert classify_term(term).shape is not TermShape.UNKNOWN


async def test_spy_expected_moves_from_iv_and_straddle_agree_roughly(spy):
    chain = ChainColumns.from_chain(spy.rows, _years_to_close(spy.rows["expiry"]))
    found = smiles(chain, spy.spot, r=RISK_FREE_RATE, q=spec_of("SPY").dividend_yield)
    term = term_structure(found)
    mid = 0.5 * (spy.rows["bid"] + spy.rows["ask"])
    straddles = atm_straddles(
        spy.rows["expiry"], spy.rows["strike"], spy.rows["is_call"], mid, spy.spot
    )
    np.testing.assert_array_equal(straddles.expiries, term.expiries)
    near_month = int(np.argmin(np.abs(term.days - 30.0)))
    from_iv = horizon_moves(spy.spot, term.atm_iv[near_month], term.days[near_month], 21.0)
    from_straddle = straddle_moves(spy.spot, straddles.price[near_month])
    # 1.25 x straddle approximates one sigma: within 15 % of S IV sqrt(t) on a skewed chain
    ratio = float(from_straddle.one_sigma.move / from_iv.calendar.move)
    assert 0.85 < ratio < 1.15
