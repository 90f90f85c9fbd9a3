from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from tests.unit.adapters.marketdata.demo.conftest import SATURDAY, TUESDAY_MIDDAY
from workstation.adapters.marketdata.demo.chains import expirations, is_monthly
from workstation.adapters.marketdata.demo.universe import RISK_FREE_RATE, spec_of
from workstation.engines import pricing
from workstation.engines.pricing.american import american_price
from workstation.engines.pricing.expiry import expiry_instant
from workstation.engines.sessions import xnys
from workstation.ports.marketdata import MarketDataError, UnknownSymbol

FINE_STEP = {"SPX": 5.0, "NDX": 10.0, "RUT": 5.0, "SPY": 1.0, "QQQ": 1.0, "AAPL": 2.5, "TSLA": 2.5}


def years_to_expiry(symbol: str, rows: np.ndarray, now: datetime) -> np.ndarray:
    """Years to each row's settlement instant (the open for AM-settled index monthlies)."""
    days = set(rows["expiry"].astype(object))
    instants = {d: expiry_instant(symbol, d, xnys()) for d in days}
    return np.array(
        [
            (instants[d] - now).total_seconds() / (365 * 86400.0)
            for d in rows["expiry"].astype(object)
        ]
    )


def theo(chain, symbol: str, now: datetime) -> np.ndarray:
    rows = chain.rows
    spec = spec_of(symbol)
    t = years_to_expiry(symbol, rows, now)
    model = american_price if chain.settlement == "american" else pricing.price
    args = (rows["is_call"], chain.spot, rows["strike"], t, RISK_FREE_RATE, rows["iv"])
    return model(*args, spec.dividend_yield)


@pytest.mark.parametrize("symbol", ["SPX", "SPY", "AAPL", "NDX"])
@pytest.mark.parametrize("when", ["weekend", "live"])
def test_quotes_bracket_the_theoretical_value(weekend_market, live_market, symbol, when):
    market, now = (weekend_market, SATURDAY) if when == "weekend" else (live_market, TUESDAY_MIDDAY)
    chain = market.chain(symbol, now)
    rows, value = chain.rows, theo(chain, symbol, now)
    assert np.all(rows["bid"] >= 0.0)
    assert np.all(rows["ask"] > rows["bid"])
    assert np.mean((rows["bid"] <= value + 1e-9) & (value <= rows["ask"] + 1e-9)) > 0.99
    assert np.all((rows["last"] >= rows["bid"]) & (rows["last"] <= rows["ask"]))
    calls = rows["is_call"]
    assert np.all((rows["delta"][calls] >= 0) & (rows["delta"][calls] <= 1))
    assert np.all((rows["delta"][~calls] >= -1) & (rows["delta"][~calls] <= 0))


def test_settlement_style(weekend_market):
    assert weekend_market.chain("SPX", SATURDAY).settlement == "european"
    assert weekend_market.chain("RUT", SATURDAY).settlement == "european"
    assert weekend_market.chain("QQQ", SATURDAY).settlement == "american"
    assert weekend_market.chain("TSLA", SATURDAY).source == "demo"


@pytest.mark.parametrize("symbol", ["DJI", "VIX"])
def test_no_chain_for_dji_and_vix(weekend_market, symbol):
    with pytest.raises(MarketDataError, match=symbol):
        weekend_market.chain(symbol, SATURDAY)


def test_unknown_underlying(weekend_market):
    with pytest.raises(UnknownSymbol, match="'FOO'"):
        weekend_market.chain("FOO", SATURDAY)


def test_european_mids_keep_put_call_parity(weekend_market):
    chain = weekend_market.chain("SPX", SATURDAY)
    rows = chain.rows
    calls, puts = rows[rows["is_call"]], rows[~rows["is_call"]]
    assert np.array_equal(calls["strike"], puts["strike"])
    t = years_to_expiry("SPX", calls, SATURDAY)
    parity = chain.spot * np.exp(-0.012 * t) - calls["strike"] * np.exp(-RISK_FREE_RATE * t)
    mid = lambda r: (r["bid"] + r["ask"]) / 2  # noqa: E731
    slack = (calls["ask"] - calls["bid"] + puts["ask"] - puts["bid"]) / 2
    assert np.all(np.abs(mid(calls) - mid(puts) - parity) <= slack + 0.01)


@pytest.mark.parametrize("symbol", sorted(FINE_STEP))
def test_strikes_sit_on_the_listing_grid_and_span_the_move(weekend_market, symbol):
    chain = weekend_market.chain(symbol, SATURDAY)
    step = FINE_STEP[symbol]
    for expiry in chain.expirations:
        strikes = np.unique(chain.expiry_rows(expiry)["strike"])
        assert np.allclose(strikes / step, np.round(strikes / step)), expiry
        assert strikes[0] <= chain.spot * np.exp(-0.08)
        assert strikes[-1] >= chain.spot * np.exp(0.08)
        near = strikes[np.abs(strikes / chain.spot - 1) < 0.02]
        assert np.allclose(
            np.diff(near), step if (expiry - date(2026, 11, 21)).days < 120 else np.diff(near).min()
        )


def test_far_strikes_are_wider_apart(weekend_market):
    strikes = np.unique(
        weekend_market.chain("SPX", SATURDAY).expiry_rows(date(2026, 12, 18))["strike"]
    )
    gaps = np.diff(strikes)
    assert gaps.min() == 5.0
    assert gaps.max() == 25.0


def test_worthless_options_bid_zero_and_offer_a_few_cents(weekend_market):
    for symbol, asks in (("SPY", {0.01, 0.02, 0.03, 0.04, 0.05}), ("SPX", {0.05})):
        rows = weekend_market.chain(symbol, SATURDAY).rows
        worthless = rows[np.abs(rows["delta"]) < 1e-6]
        assert len(worthless) > 10
        assert np.all(worthless["bid"] == 0.0)
        assert set(np.round(worthless["ask"], 2)) <= asks


def test_prices_respect_the_tick_size(weekend_market):
    spx = weekend_market.chain("SPX", SATURDAY).rows
    for column in ("bid", "ask"):
        cents = np.round(spx[column] * 100).astype(int)
        assert np.all(cents % 5 == 0)
        assert np.all(cents[spx[column] >= 3.1] % 10 == 0)
    aapl = weekend_market.chain("AAPL", SATURDAY).rows
    cents = np.round(aapl["ask"] * 100).astype(int)
    assert np.all(cents[aapl["ask"] > 3.05] % 5 == 0)


def test_expirations_are_sessions_out_to_a_year(weekend_market):
    days = weekend_market.chain("SPX", SATURDAY).expirations
    assert all(xnys().is_session(d) for d in days)
    assert date(2026, 11, 23) in days  # a Monday daily
    assert date(2026, 12, 24) in days  # Christmas Friday moves to Thursday
    assert date(2026, 12, 31) in days  # New Year's Day Friday moves to Thursday
    monthlies = [d for d in days if is_monthly(d)]
    assert len(monthlies) == 12
    assert monthlies[-1] == date(2027, 11, 19)
    assert max(days) - date(2026, 11, 21) <= timedelta(days=365)


def test_single_stocks_list_weeklies_and_monthlies_only(weekend_market):
    days = weekend_market.chain("AAPL", SATURDAY).expirations
    assert all(d.weekday() == 4 or not xnys().is_session(d + timedelta(days=1)) for d in days)
    assert date(2026, 11, 27) in days
    assert date(2026, 11, 23) not in days


def test_am_settled_monthlies_stop_trading_the_session_before():
    spx, spy = spec_of("SPX").options, spec_of("SPY").options
    thursday_evening = datetime(2026, 12, 17, 21, 30, tzinfo=UTC)  # after the close
    friday_early = datetime(2026, 12, 18, 14, 0, tzinfo=UTC)  # 09:00 ET, before the open
    friday_open = datetime(2026, 12, 18, 14, 30, 1, tzinfo=UTC)  # just after the open
    monthly = date(2026, 12, 18)
    assert monthly in expirations("SPX", spx, xnys(), friday_early)
    assert monthly not in expirations("SPX", spx, xnys(), friday_open)
    assert monthly in expirations("SPY", spy, xnys(), friday_open)
    assert monthly in expirations("SPX", spx, xnys(), thursday_evening)


def test_expired_contracts_are_not_listed():
    spx = spec_of("SPX").options
    during = expirations("SPX", spx, xnys(), TUESDAY_MIDDAY)
    after_close = expirations("SPX", spx, xnys(), datetime(2026, 11, 24, 21, 0, 1, tzinfo=UTC))
    assert during[0] == date(2026, 11, 24)
    assert after_close[0] == date(2026, 11, 25)


def test_open_interest_concentrates_near_the_money(weekend_market):
    chain = weekend_market.chain("SPY", SATURDAY)
    rows = chain.expiry_rows(date(2026, 12, 18))
    near = rows[np.abs(rows["strike"] / chain.spot - 1) < 0.01]
    far_calls = rows[rows["is_call"] & (rows["strike"] > chain.spot * 1.08)]  # ~2 sd out
    assert near["open_interest"].mean() > 5 * far_calls["open_interest"].mean()
    busiest = rows["strike"][np.argmax(rows["open_interest"])]
    assert abs(busiest / chain.spot - 1) < 0.05
    monthly = rows["open_interest"].sum()
    weekly = chain.expiry_rows(date(2026, 12, 11))["open_interest"].sum()
    assert monthly > weekly
