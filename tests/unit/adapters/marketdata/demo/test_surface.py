from datetime import UTC, date, datetime

import numpy as np
import pytest

from tests.unit.adapters.marketdata.demo.conftest import SATURDAY, TUESDAY_MIDDAY
from workstation.adapters.marketdata.demo.surface import VolState, term_variance, trading_years
from workstation.ports.marketdata import MarketDataError

EVER = (date(2000, 1, 1), date(2100, 1, 1))


def state(short_vol: float, long_vol: float, events=(), move: float = 0.0) -> VolState:
    days = np.array(events, dtype="M8[D]")
    return VolState(short_vol**2, long_vol**2, -0.24, 0.26, days, np.full(len(days), move))


def test_iv_history_spans_two_years_of_sessions(weekend_market):
    history = weekend_market.iv_history("SPY", *EVER, now=SATURDAY)
    assert 495 <= len(history.rows) <= 505
    assert history.rows["date"][-1] == np.datetime64("2026-11-20")
    iv = history.rows["iv"]
    assert np.mean((iv > 0.10) & (iv < 0.40)) > 0.9


def test_iv_history_moves_with_the_vix(weekend_market):
    iv = weekend_market.iv_history("SPY", *EVER, now=SATURDAY).rows["iv"]
    vix = weekend_market.daily_bars("VIX", SATURDAY)["close"]
    assert np.corrcoef(iv, vix)[0, 1] > 0.95
    assert iv.max() / iv.min() > 1.5  # enough range for a meaningful IV rank


def test_iv_history_is_cut_to_the_asked_dates(weekend_market):
    rows = weekend_market.iv_history("QQQ", date(2026, 11, 1), date(2026, 11, 13), SATURDAY).rows
    assert rows["date"][0] == np.datetime64("2026-11-02")
    assert rows["date"][-1] == np.datetime64("2026-11-13")
    assert len(rows) == 10


def test_live_iv_history_ends_today(live_market):
    rows = live_market.iv_history("SPY", *EVER, now=TUESDAY_MIDDAY).rows
    assert rows["date"][-1] == np.datetime64("2026-11-24")


def test_earnings_lift_then_crush_the_30_day_iv(weekend_market):
    rows = weekend_market.iv_history("NVDA", *EVER, now=SATURDAY).rows
    iv = dict(zip(rows["date"].astype(object), rows["iv"], strict=True))
    # NVDA reports 2026-11-19 after the close; the market reacts on the 20th.
    assert iv[date(2026, 11, 19)] > 1.05 * iv[date(2026, 11, 20)]


def test_no_iv_for_symbols_without_options(weekend_market):
    with pytest.raises(MarketDataError, match="DJI"):
        weekend_market.iv_history("DJI", *EVER, now=SATURDAY)


def test_term_structure_is_in_contango_when_calm_and_inverted_after_a_shock():
    t = np.array([7, 30, 90, 365]) / 365.0
    expiries = np.array(["2026-12-01"] * 4, dtype="M8[D]")
    calm = state(0.11, 0.18).atm_iv(t, expiries)
    shocked = state(0.45, 0.18).atm_iv(t, expiries)
    assert np.all(np.diff(calm) > 0)
    assert np.all(np.diff(shocked) < 0)


def test_term_variance_runs_from_the_short_to_the_long_level():
    t = np.array([1e-6, 50.0])
    variance = term_variance(np.array([0.04, 0.04]), 0.01, t)
    assert variance[0] == pytest.approx(0.04, rel=1e-5)
    assert variance[1] == pytest.approx(0.01, rel=0.02)


def test_puts_are_richer_and_index_skew_is_steeper():
    index = state(0.15, 0.18)
    stock = VolState(0.15**2, 0.18**2, -0.10, 0.20, np.array([], "M8[D]"), np.array([]))
    t, atm = np.full(3, 30 / 365), np.full(3, 0.15)
    k = np.log([0.95, 1.0, 1.05])
    index_iv, stock_iv = index.iv(t, atm, k), stock.iv(t, atm, k)
    assert index_iv[0] > index_iv[1] > index_iv[2]
    assert stock_iv[0] > stock_iv[1]
    assert index_iv[0] - index_iv[2] > stock_iv[0] - stock_iv[2]


def test_skew_scales_with_one_over_root_time():
    s = state(0.15, 0.15)
    k = np.log([0.97])
    short = s.iv(np.array([7 / 365]), np.array([0.15]), k) - 0.15
    long = s.iv(np.array([28 / 365]), np.array([0.15]), k) - 0.15
    assert short > 1.5 * long


def test_expiries_after_earnings_carry_the_event():
    s = state(0.30, 0.30, events=["2027-01-29"], move=0.05)
    t = np.array([30, 90]) / 365.0
    before_and_after = s.atm_iv(t, np.array(["2027-01-15", "2027-02-19"], dtype="M8[D]"))
    plain = state(0.30, 0.30).atm_iv(t, np.array(["2027-01-15", "2027-02-19"], dtype="M8[D]"))
    assert before_and_after[0] == pytest.approx(plain[0])
    assert before_and_after[1] ** 2 * t[1] == pytest.approx(plain[1] ** 2 * t[1] + 0.05**2)


def test_the_variance_clock_counts_trading_hours():
    opens = np.array([datetime(2026, 11, 24, 14, 30, tzinfo=UTC).timestamp()])
    closes = np.array([datetime(2026, 11, 24, 21, 0, tzinfo=UTC).timestamp()])
    at_open = trading_years(opens, closes, opens[0] - 3600)
    midday = trading_years(opens, closes, opens[0] + 3.25 * 3600)
    assert at_open[0] == pytest.approx(1 / 252)
    assert midday[0] == pytest.approx(0.75 * 0.5 / 252)
