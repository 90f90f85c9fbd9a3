"""Statistical shape of the simulated market (seeded, so these are exact repeatable checks)."""

import numpy as np
import pytest

from tests.unit.adapters.marketdata.demo.conftest import SATURDAY


def log_returns(bars: np.ndarray) -> np.ndarray:
    return np.diff(np.log(bars["close"]))


def test_vix_moves_against_the_sp500(weekend_market):
    spx = log_returns(weekend_market.daily_bars("SPX", SATURDAY))
    vix = log_returns(weekend_market.daily_bars("VIX", SATURDAY))
    assert np.corrcoef(spx, vix)[0, 1] < -0.5
    worst = np.argsort(spx)[:10]
    assert np.all(vix[worst] > 0)  # the VIX rises on the ten worst days


def test_vix_stays_in_a_realistic_range(weekend_market):
    vix = weekend_market.tape("VIX", SATURDAY).path.close
    assert np.percentile(vix, 1) > 9.0
    assert 12.0 < np.median(vix) < 22.0
    assert np.percentile(vix, 99) < 80.0


def test_volatility_clusters(weekend_market):
    returns = weekend_market.tape("SPX", SATURDAY).path.returns[1:]
    squared = (returns - returns.mean()) ** 2
    lags = [np.corrcoef(squared[:-k], squared[k:])[0, 1] for k in range(1, 11)]
    # Without clustering each autocorrelation is ~N(0, 1/n): demand 5 standard errors on average.
    assert np.mean(lags) > 5 / np.sqrt(len(squared))
    assert min(lags) > 0


def test_market_returns_have_fat_tails(weekend_market):
    returns = weekend_market.tape("SPX", SATURDAY).path.returns[1:]
    z = (returns - returns.mean()) / returns.std()
    assert np.mean(z**4) > 5.0  # a normal distribution has kurtosis 3
    annual_vol = returns.std() * np.sqrt(252)
    assert 0.12 < annual_vol < 0.22


def test_spy_tracks_spx(weekend_market):
    spy = weekend_market.daily_bars("SPY", SATURDAY)
    spx = weekend_market.daily_bars("SPX", SATURDAY)
    assert np.corrcoef(log_returns(spy), log_returns(spx))[0, 1] > 0.999
    ratio = spy["close"] / spx["close"]
    assert ratio.max() / ratio.min() < 1.005


def test_qqq_and_iwm_track_their_indices(weekend_market):
    for etf, index in (("QQQ", "NDX"), ("IWM", "RUT")):
        a = log_returns(weekend_market.daily_bars(etf, SATURDAY))
        b = log_returns(weekend_market.daily_bars(index, SATURDAY))
        assert np.corrcoef(a, b)[0, 1] > 0.999, etf


def test_stocks_move_with_the_market_by_beta(weekend_market):
    spx = weekend_market.tape("SPX", SATURDAY).path.returns[1:]
    for symbol, low, high in (("MSFT", 0.4, 0.8), ("TSLA", 0.3, 0.7), ("NDX", 0.85, 1.0)):
        returns = weekend_market.tape(symbol, SATURDAY).path.returns[1:]
        assert low < np.corrcoef(spx, returns)[0, 1] < high, symbol


@pytest.mark.parametrize("symbol", ["AAPL", "NVDA", "TSLA"])
def test_earnings_days_jump(weekend_market, symbol):
    path = weekend_market.tape(symbol, SATURDAY).path
    moves = np.abs(path.returns)
    assert path.earnings.sum() >= 40  # four a year since 2016
    assert moves[path.earnings].mean() > 2.0 * moves[~path.earnings].mean()
    assert np.abs(path.gap[path.earnings]).mean() > 3.0 * np.abs(path.gap[~path.earnings]).mean()


def test_volume_is_heavier_on_big_move_days(weekend_market):
    bars = weekend_market.daily_bars("SPY", SATURDAY)
    moves = np.abs(log_returns(bars))
    volume = bars["volume"][1:]
    big = moves > np.percentile(moves, 90)
    assert volume[big].mean() > 1.3 * volume[~big].mean()
