from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from tests.unit.adapters.marketdata.demo.conftest import AFTER_HALF_DAY, SATURDAY, TUESDAY_MIDDAY
from workstation.adapters.marketdata.demo.universe import UNIVERSE
from workstation.domain.bars import Timeframe, validate_bars
from workstation.engines.sessions import xnys
from workstation.ports.marketdata import UnknownSymbol

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def session_of(ts: np.ndarray) -> np.ndarray:
    """Return the exchange date of each bar (sessions open after 13:30 UTC)."""
    return (ts // 86400).astype("M8[D]")


@pytest.mark.parametrize("symbol", sorted(UNIVERSE))
def test_bars_are_consistent_for_every_symbol(weekend_market, symbol):
    for timeframe in (Timeframe.M1, Timeframe.M5, Timeframe.H1, Timeframe.D1):
        bars = weekend_market.bars(symbol, timeframe, *EVER, now=SATURDAY)
        validate_bars(bars, f"{symbol} {timeframe}")
        assert np.all(bars["low"] > 0)
        assert np.all(np.round(bars["close"], 2) == bars["close"])


def test_daily_bars_cover_two_years_of_sessions(weekend_market):
    bars = weekend_market.daily_bars("SPY", SATURDAY)
    days = session_of(bars["ts"])
    expected = xnys().sessions(date(2024, 11, 20), date(2026, 11, 20))
    assert days.astype(object).tolist() == expected
    opens = xnys().schedule(expected[0], expected[-1]).opens
    assert np.array_equal(bars["ts"], opens)


def test_minute_bars_are_the_last_30_sessions_on_real_hours(weekend_market):
    bars = weekend_market.minute_bars("QQQ", SATURDAY)
    days, counts = np.unique(session_of(bars["ts"]), return_counts=True)
    assert days.astype(object).tolist() == xnys().sessions_back(date(2026, 11, 20), 30)
    assert set(counts) == {390}
    schedule = xnys().schedule(days[0].astype(object), days[-1].astype(object))
    assert np.array_equal(bars["ts"][::390], schedule.opens)


def test_half_day_has_210_minutes_and_thanksgiving_none(december_market):
    bars = december_market.minute_bars("SPY", AFTER_HALF_DAY)
    days = session_of(bars["ts"])
    assert np.count_nonzero(days == np.datetime64("2026-11-27")) == 210
    assert np.count_nonzero(days == np.datetime64("2026-11-26")) == 0
    half_day = bars[days == np.datetime64("2026-11-27")]
    assert half_day["ts"][-1] + 60 == int(datetime(2026, 11, 27, 18, tzinfo=UTC).timestamp())
    daily = december_market.daily_bars("SPY", AFTER_HALF_DAY)
    assert np.datetime64("2026-11-26") not in session_of(daily["ts"])


@pytest.mark.parametrize("symbol", ["SPX", "SPY", "AAPL", "VIX", "TSLA"])
def test_daily_bar_is_the_aggregate_of_its_minutes(december_market, symbol):
    minutes = december_market.minute_bars(symbol, AFTER_HALF_DAY)
    daily = december_market.daily_bars(symbol, AFTER_HALF_DAY)
    days = session_of(minutes["ts"])
    by_day = {d: daily[i] for i, d in enumerate(session_of(daily["ts"]))}
    for day in np.unique(days):
        m, d = minutes[days == day], by_day[day]
        assert d["open"] == m["open"][0]
        assert d["high"] == m["high"].max()
        assert d["low"] == m["low"].min()
        assert d["close"] == m["close"][-1]
        assert d["volume"] == m["volume"].sum()


def test_during_the_session_bars_stop_at_now(live_market):
    now = TUESDAY_MIDDAY
    minutes = live_market.minute_bars("AAPL", now)
    assert minutes["ts"][-1] <= now.timestamp() < minutes["ts"][-1] + 60
    today = minutes[session_of(minutes["ts"]) == np.datetime64("2026-11-24")]
    assert len(today) == 128  # 127 whole minutes since 09:30 ET and the running one
    daily = live_market.daily_bars("AAPL", now)
    assert daily["ts"][-1] == today["ts"][0]
    assert daily["close"][-1] == today["close"][-1]
    assert daily["high"][-1] == today["high"].max()
    assert daily["volume"][-1] == today["volume"].sum()
    validate_bars(minutes, "AAPL live minutes")


def test_bars_of_past_sessions_do_not_depend_on_the_time_of_day(live_market, weekend_market):
    live = live_market.daily_bars("NVDA", TUESDAY_MIDDAY)
    weekend = weekend_market.daily_bars("NVDA", SATURDAY)
    common = np.intersect1d(live["ts"], weekend["ts"])
    assert len(common) > 490
    assert np.array_equal(
        live[np.isin(live["ts"], common)], weekend[np.isin(weekend["ts"], common)]
    )


def test_requests_return_only_what_exists(weekend_market):
    start = datetime(2010, 1, 1, tzinfo=UTC)
    assert (
        len(weekend_market.bars("SPY", Timeframe.D1, start, start + timedelta(days=30), SATURDAY))
        == 0
    )
    week = weekend_market.bars(
        "SPY",
        Timeframe.M1,
        datetime(2026, 11, 16, tzinfo=UTC),
        datetime(2026, 11, 18, tzinfo=UTC),
        SATURDAY,
    )
    assert len(week) == 2 * 390
    assert week["ts"][0] == int(datetime(2026, 11, 16, 14, 30, tzinfo=UTC).timestamp())


def test_five_minute_bars_aggregate_the_minutes(weekend_market):
    minutes = weekend_market.minute_bars("IWM", SATURDAY)[:390]
    five = weekend_market.bars("IWM", Timeframe.M5, *EVER, now=SATURDAY)[:78]
    assert np.array_equal(five["ts"], minutes["ts"][::5])
    assert np.array_equal(five["high"], minutes["high"].reshape(78, 5).max(axis=1))
    assert np.array_equal(five["volume"], minutes["volume"].reshape(78, 5).sum(axis=1))


def test_volumes_are_realistic(weekend_market):
    for symbol, low, high in (("SPY", 30e6, 120e6), ("AAPL", 25e6, 100e6), ("TSLA", 45e6, 180e6)):
        median = np.median(weekend_market.daily_bars(symbol, SATURDAY)["volume"])
        assert low < median < high, symbol
    for index in ("SPX", "NDX", "DJI", "RUT", "VIX"):
        assert not weekend_market.daily_bars(index, SATURDAY)["volume"].any()


def test_volume_is_u_shaped_through_the_day(weekend_market):
    minutes = weekend_market.minute_bars("SPY", SATURDAY)["volume"].reshape(30, 390)
    profile = minutes.mean(axis=0)
    midday = profile[150:240].mean()
    assert profile[:15].mean() > 1.8 * midday
    assert profile[-15:].mean() > 1.8 * midday


def test_sessions_open_with_a_gap(weekend_market):
    bars = weekend_market.daily_bars("MSFT", SATURDAY)
    gaps = bars["open"][1:] != bars["close"][:-1]
    assert gaps.mean() > 0.9


def test_price_levels_are_anchored_on_the_first_session_of_2026(weekend_market):
    anchors = {"SPX": 6850.0, "NDX": 25200.0, "AAPL": 270.0, "TSLA": 440.0, "DJI": 48000.0}
    for symbol, level in anchors.items():
        bars = weekend_market.daily_bars(symbol, SATURDAY)
        close = bars["close"][session_of(bars["ts"]) == np.datetime64("2026-01-02")]
        assert close[0] == pytest.approx(level, abs=0.006), symbol
    spy = weekend_market.daily_bars("SPY", SATURDAY)["close"][-1]
    spx = weekend_market.daily_bars("SPX", SATURDAY)["close"][-1]
    assert spy == pytest.approx(spx / 10.03, rel=0.002)


def test_unknown_symbol_is_named(weekend_market):
    with pytest.raises(UnknownSymbol, match="'ZZZZ'"):
        weekend_market.daily_bars("ZZZZ", SATURDAY)
