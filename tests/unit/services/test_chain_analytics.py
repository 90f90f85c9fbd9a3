"""Chain analytics on demo chains: expiry instants, parity forwards, IV, greeks, moves, rank."""

from __future__ import annotations

import asyncio
import dataclasses
import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from tests.fakes.clock import FixedClock
from workstation.adapters.marketdata.demo.provider import DemoMarketData
from workstation.engines.pricing import bsm
from workstation.engines.sessions import xnys
from workstation.ports.marketdata import IV_HISTORY_DTYPE, IvHistory
from workstation.services.chain_analytics import ChainAnalytics

TUESDAY_MIDDAY = datetime(2026, 11, 24, 16, 37, tzinfo=UTC)
RATE = 0.04


@pytest.fixture(scope="module")
def provider():
    return DemoMarketData(FixedClock(TUESDAY_MIDDAY))


@pytest.fixture(scope="module")
def spx(provider):
    return asyncio.run(provider.option_chain("SPX"))


@pytest.fixture(scope="module")
def spy(provider):
    return asyncio.run(provider.option_chain("SPY"))


def _history(underlying: str, as_of: date) -> IvHistory:
    days = np.arange(np.datetime64("2025-11-01"), np.datetime64(as_of), dtype="M8[D]")
    rows = np.zeros(days.size, dtype=IV_HISTORY_DTYPE)
    rows["date"] = days
    rows["iv"] = np.linspace(0.10, 0.20, days.size)  # a steady rise from 10 % to 20 %
    return IvHistory(underlying, rows)


def test_index_chain_is_european_and_monthlies_settle_in_the_morning(spx):
    view = ChainAnalytics(xnys(), rate=RATE).analyze(spx)
    assert view.model == "BSM (European)"
    monthly = view.expiry(date(2026, 12, 18))
    weekly = view.expiry(date(2026, 12, 11))
    assert monthly.settlement == "AM"
    assert weekly.settlement == "PM"
    open_at = datetime(2026, 12, 18, 14, 30, tzinfo=UTC)  # 09:30 ET
    assert monthly.days == pytest.approx((open_at - TUESDAY_MIDDAY).total_seconds() / 86400)


def test_equity_chain_is_american(spy):
    view = ChainAnalytics(xnys(), rate=RATE).analyze(spy)
    assert view.model == "Bjerksund–Stensland 2002 (American)"
    assert view.style == "american"


def test_forward_and_iv_recover_the_simulated_market(spx):
    view = ChainAnalytics(xnys(), rate=RATE).analyze(spx)
    expiry = view.expiry(date(2026, 12, 11))
    # parity forward vs the carry forward with the implied yield
    assert expiry.forward == pytest.approx(
        view.spot * math.exp((RATE - expiry.dividend_yield) * expiry.t), rel=1e-9
    )
    # at the money the mark's IV is close to the surface IV the simulator quoted around
    rows = spx.expiry_rows(date(2026, 12, 11))
    atm = rows[np.argmin(np.abs(rows["strike"] - expiry.forward))]
    assert expiry.atm_iv == pytest.approx(float(atm["iv"]), abs=0.01)


def test_greeks_have_the_right_signs_and_match_bsm_for_the_index(spx):
    view = ChainAnalytics(xnys(), rate=RATE).analyze(spx, focus=date(2026, 12, 11))
    e = view.expiry(date(2026, 12, 11))
    calls, puts = e.calls, e.puts
    ok = np.isfinite(calls.iv) & np.isfinite(puts.iv)
    assert np.all((calls.delta[ok] > 0) & (calls.delta[ok] < 1))
    assert np.all((puts.delta[ok] < 0) & (puts.delta[ok] > -1))
    assert np.all(calls.gamma[ok] > 0)
    i = e.atm_row
    expected = bsm.greeks(True, view.spot, e.strikes[i], e.t, RATE, calls.iv[i], e.dividend_yield)
    assert calls.delta[i] == pytest.approx(float(expected.delta), rel=1e-12)
    assert calls.theta[i] == pytest.approx(float(expected.theta), rel=1e-12)


def test_expected_move_to_an_expiry_uses_its_atm_iv(spx):
    view = ChainAnalytics(xnys(), rate=RATE).analyze(spx)
    e = view.expiries[4]
    assert e.moves.iv_move == pytest.approx(view.spot * e.atm_iv * math.sqrt(e.days / 365))
    assert e.moves.one_sigma_low == pytest.approx(view.spot - e.moves.iv_move)
    assert e.moves.straddle > 0
    assert e.moves.inside(view.spot)
    assert not e.moves.inside(view.spot + 3 * e.moves.iv_move)


def test_iv_rank_uses_the_stored_history_and_states_its_window(spx):
    view = ChainAnalytics(xnys(), rate=RATE, history=_history).analyze(spx)
    stats = view.iv_stats
    assert stats is not None
    assert stats.observations > 200
    assert stats.window_end <= date(2026, 11, 23)
    expected_rank = 100 * (view.iv30 - stats.low) / (stats.high - stats.low)
    assert stats.rank == pytest.approx(expected_rank)
    assert view.regime is not None


def test_without_history_there_is_no_rank(spx):
    view = ChainAnalytics(xnys(), rate=RATE).analyze(spx)
    assert view.iv_stats is None
    assert view.regime is None


def test_american_focus_expiry_has_american_greeks(spy):
    analytics = ChainAnalytics(xnys(), rate=RATE)
    focus = date(2026, 12, 18)
    view = analytics.analyze(spy, focus=focus)
    e = view.expiry(focus)
    ok = np.isfinite(e.puts.iv)
    assert np.all(np.isfinite(e.puts.delta[ok]))
    assert np.all(e.puts.theo[ok] >= 0)
    assert view.as_of + timedelta(days=e.days) > view.as_of


def test_american_iv_of_in_the_money_puts_recovers_the_simulated_surface(spy):
    """Early exercise is worth most in long-dated ITM puts; a European IV would read low."""
    focus = date(2027, 6, 17)
    e = ChainAnalytics(xnys(), rate=RATE).analyze(spy, focus=focus).expiry(focus)
    puts = spy.expiry_rows(focus)
    puts = puts[~puts["is_call"]]
    itm = (e.strikes > spy.spot * 1.05) & (e.strikes < spy.spot * 1.12)  # deeper: exercise now
    surface = puts["iv"][np.isin(puts["strike"], e.strikes[itm])]
    assert np.max(np.abs(e.puts.iv[itm] - surface)) < 0.005


def test_between_surface_updates_only_the_focus_is_reanalysed(provider, spx):
    analytics = ChainAnalytics(xnys(), rate=RATE)
    focus = date(2026, 12, 11)
    full = analytics.analyze(spx, focus=focus)
    later = dataclasses.replace(spx, as_of=spx.as_of + timedelta(milliseconds=400))
    quick = analytics.analyze(later, focus=focus, previous=full)
    assert quick.surface_as_of == full.surface_as_of  # the surface was kept
    assert quick.as_of == later.as_of
    assert quick.term is full.term
    np.testing.assert_allclose(quick.expiry(focus).calls.iv, full.expiry(focus).calls.iv, rtol=1e-6)
    other = quick.expiries[0]
    assert not other.detailed
    much_later = dataclasses.replace(spx, as_of=spx.as_of + timedelta(seconds=2))
    again = analytics.analyze(much_later, focus=focus, previous=quick)
    assert again.surface_as_of == much_later.as_of  # re-analysed in full


def test_regime_thresholds_are_configurable(spx):
    from workstation.engines.volatility import RegimeBasis, RegimeRule, VolRegime

    strict = RegimeRule(RegimeBasis.RANK, high_at=1.0, low_at=0.0)
    view = ChainAnalytics(xnys(), rate=RATE, history=_history, regime_rule=strict).analyze(spx)
    assert view.regime.regime is VolRegime.HIGH
    assert "≥ 1" in view.regime.reason


def test_skew_metrics_show_put_skew_on_an_index(spx):
    view = ChainAnalytics(xnys(), rate=RATE).analyze(spx)
    e = view.expiry(date(2026, 12, 18))
    assert e.risk_reversal < 0
    assert e.put_call_skew > 1


def test_more_expirations_can_be_analysed_in_detail_at_once(spy):
    days = spy.expirations
    view = ChainAnalytics(xnys(), rate=RATE).analyze(spy, focus=days[0], also=[days[3], days[5]])
    detailed = [e.expiry for e in view.expiries if e.detailed]
    assert detailed == [days[0], days[3], days[5]]
