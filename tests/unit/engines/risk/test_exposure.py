"""Greeks per leg in position units, their sums per group, expiry and concentration."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.engines.risk.books import (
    AAPL,
    AAPL_EXPIRY,
    AS_OF,
    RATE,
    SPX,
    SPX_EXPIRY,
    SPX_YIELD,
    small_book,
)  # fmt: skip
from workstation.domain.exposure import (
    Book,
    CapitalBasis,
    GreekTotals,
    Leg,
    OptionTerms,
    leg_array,
)
from workstation.engines.pricing import bsm
from workstation.engines.pricing.american import american_greeks
from workstation.engines.risk.exposure import group_totals, leg_greeks, portfolio_totals
from workstation.engines.risk.exposure_report import by_expiry, concentration, exposure_report


def bsm_call_delta(spot: float, strike: float, t: float, r: float, q: float, sigma: float) -> float:
    """e^{-qt} N(d1), worked from the textbook formula."""
    d1 = (math.log(spot / strike) + (r - q + sigma**2 / 2) * t) / (sigma * math.sqrt(t))
    return math.exp(-q * t) * 0.5 * (1 + math.erf(d1 / math.sqrt(2)))


# --------------------------------------------------------------------------- per leg
def test_stock_leg_is_its_shares_in_dollars_and_spy_shares():
    stock = leg_greeks(small_book())[0]
    assert stock["delta_shares"] == 100.0
    assert stock["dollar_delta"] == 20_000.0
    assert stock["beta_delta"] == pytest.approx(20_000.0 * 1.2 / 500.0)  # 48 SPY shares
    assert (stock["gamma_shares"], stock["theta_day"], stock["vega"]) == (0.0, 0.0, 0.0)
    assert stock["market_value"] == 20_000.0
    assert stock["pnl"] == 1_000.0  # 20,000 worth, 19,000 paid
    assert np.isnan(stock["dte"])


def test_european_vertical_delta_is_the_textbook_bsm_delta_in_shares():
    greeks = leg_greeks(small_book())
    t = 45 / 365
    long_call = bsm_call_delta(5000.0, 5000.0, t, RATE, SPX_YIELD, 0.15)
    short_call = bsm_call_delta(5000.0, 5100.0, t, RATE, SPX_YIELD, 0.14)
    assert greeks["delta_shares"][2] == pytest.approx(100 * long_call, rel=1e-12)
    assert greeks["delta_shares"][3] == pytest.approx(-100 * short_call, rel=1e-12)
    assert greeks["dollar_delta"][2] == pytest.approx(100 * long_call * 5000.0, rel=1e-12)
    # SPX beta 1: the vertical's beta delta is its dollar delta in SPY shares.
    net = greeks["dollar_delta"][2] + greeks["dollar_delta"][3]
    assert greeks["beta_delta"][2] + greeks["beta_delta"][3] == pytest.approx(net / 500.0)


def test_option_greeks_are_per_share_greeks_times_quantity_and_multiplier():
    greeks = leg_greeks(small_book())
    _, put = american_greeks(False, 200.0, 190.0, 32 / 365, RATE, 0.30, 0.0)
    _, calls = bsm.price_and_greeks(
        True, 5000.0, np.array([5000.0, 5100.0]), 45 / 365, RATE, np.array([0.15, 0.14]), SPX_YIELD
    )
    size = np.array([-100.0, 100.0, -100.0])
    for name, column in (("delta", "delta_shares"), ("gamma", "gamma_shares")):
        expected = np.concatenate([[getattr(put, name)], getattr(calls, name)]) * size
        np.testing.assert_allclose(greeks[column][1:], expected, rtol=1e-12)
    for name, column in (("theta", "theta_day"), ("vega", "vega")):
        expected = np.concatenate([[getattr(put, name)], getattr(calls, name)]) * size
        np.testing.assert_allclose(greeks[column][1:], expected, rtol=1e-12)
    # A short put is long delta, short gamma, long theta and short vega.
    put_row = greeks[1]
    assert put_row["delta_shares"] > 0 > put_row["gamma_shares"]
    assert put_row["theta_day"] > 0 > put_row["vega"]


def test_market_value_and_pnl_follow_the_ledger_signs():
    greeks = leg_greeks(small_book())
    np.testing.assert_array_equal(greeks["market_value"], [20_000.0, -300.0, 8_000.0, -4_000.0])
    # P/L = market value + open cash (credit positive): short put sold for 400, now 300 to buy.
    np.testing.assert_array_equal(greeks["pnl"], [1_000.0, 100.0, 500.0, -400.0])


def test_dte_counts_calendar_days_from_the_new_york_date():
    greeks = leg_greeks(small_book())
    np.testing.assert_array_equal(greeks["dte"][1:], [32.0, 45.0, 45.0])
    # 02:00 UTC on the 4th is still the 3rd in New York.
    late = replace(small_book(), as_of=datetime(2025, 3, 4, 2, 0, tzinfo=UTC))
    assert leg_greeks(late)["dte"][1] == 32.0


# --------------------------------------------------------------------------- unpriced
def test_leg_without_iv_is_unpriced_not_zero():
    book = small_book(put_iv=float("nan"))
    greeks = leg_greeks(book)
    assert not greeks["priced"][1]
    assert greeks["priced"][[0, 2, 3]].all()
    for name in ("delta_shares", "dollar_delta", "beta_delta", "gamma_shares", "theta_day", "vega"):
        assert np.isnan(greeks[name][1])
    assert greeks["market_value"][1] == -300.0  # the mark still values it


def test_unpriced_legs_are_left_out_of_greek_totals_and_counted():
    book = small_book(put_iv=float("nan"))
    greeks = leg_greeks(book)
    total = GreekTotals.from_row(portfolio_totals(greeks)[0])
    assert total.unpriced_legs == 1
    assert not total.complete
    assert total.delta_shares == pytest.approx(np.nansum(greeks["delta_shares"]))
    assert total.market_value == pytest.approx(greeks["market_value"].sum())
    report = exposure_report(book)
    assert report.unpriced_legs == (1,)
    assert report.positions[1].totals.unpriced_legs == 1


def test_expired_option_needs_no_iv():
    expired = OptionTerms(True, 190.0, date(2025, 2, 28), -3 / 365, float("nan"))
    legs = [
        Leg(position=0, underlying=AAPL, quantity=2, multiplier=100, mark=10.0, open_cash=-500.0,
            option=expired),
    ]  # fmt: skip
    greeks = leg_greeks(small_book(legs=legs))
    assert greeks["priced"][0]
    assert greeks["delta_shares"][0] == 200.0  # in the money at expiry: 1 × 2 × 100
    assert greeks["theta_day"][0] == 0.0


def test_unmarked_leg_is_counted_and_left_out_of_values():
    legs = [
        Leg(position=0, underlying=AAPL, quantity=100, mark=float("nan"), open_cash=-19_000.0),
        Leg(position=1, underlying=SPX, quantity=10, mark=5_000.0, open_cash=-49_000.0),
    ]
    total = GreekTotals.from_row(portfolio_totals(leg_greeks(small_book(legs=legs)))[0])
    assert total.unmarked_legs == 1
    assert total.market_value == 50_000.0
    assert total.pnl == 1_000.0
    assert total.delta_shares == 110.0  # greeks do not need a mark


# --------------------------------------------------------------------------- groups
def test_group_totals_sum_by_key_worked_by_hand():
    greeks = leg_greeks(small_book())
    table = group_totals(greeks, [0, 1, 1, 0], 3)
    assert table["market_value"].tolist() == [16_000.0, 7_700.0, 0.0]
    assert table["legs"].tolist() == [2, 2, 0]
    assert table["nearest_dte"][0] == 45.0
    assert table["nearest_dte"][1] == 32.0
    assert np.isnan(table["nearest_dte"][2])


def test_report_groups_by_position_strategy_and_underlying():
    report = exposure_report(small_book())
    assert [g.label for g in report.positions] == ["AAPL shares", "AAPL 190 put", "SPX 5000/5100"]
    assert [g.label for g in report.underlyings] == ["AAPL", "SPX"]
    assert report.positions[0].totals.nearest_dte is None
    assert report.positions[2].totals.nearest_dte == 45
    assert report.underlyings[1].totals.market_value == 4_000.0
    assert report.portfolio.pnl == 1_200.0
    assert report.portfolio.legs == 4
    assert report.portfolio.complete


def test_by_expiry_rows_are_dated_and_sum_the_option_legs():
    book = small_book()
    greeks = leg_greeks(book)
    rows = by_expiry(book, greeks)
    assert [(r.expiry, r.dte) for r in rows] == [(AAPL_EXPIRY, 32), (SPX_EXPIRY, 45)]
    assert rows[0].totals.theta_day == pytest.approx(greeks["theta_day"][1])
    assert rows[1].totals.vega == pytest.approx(greeks["vega"][2] + greeks["vega"][3])


def test_concentration_worked_by_hand():
    book = small_book()
    greeks = leg_greeks(book)
    aapl_net = greeks["dollar_delta"][0] + greeks["dollar_delta"][1]
    spx_net = greeks["dollar_delta"][2] + greeks["dollar_delta"][3]
    rows = concentration(book, greeks)
    assert rows[0].dollar_delta == pytest.approx(aapl_net)
    assert rows[0].delta_share == pytest.approx(abs(aapl_net) / (abs(aapl_net) + abs(spx_net)))
    # Gross market value: AAPL 20,000 + 300; SPX 8,000 + 4,000.
    assert (rows[0].capital, rows[1].capital) == (20_300.0, 12_000.0)
    assert rows[1].capital_share == pytest.approx(12_000.0 / 32_300.0)


def test_concentration_on_max_loss_when_given():
    report = exposure_report(small_book(), max_loss=[19_000.0, 18_700.0, 3_900.0])
    assert report.capital_basis is CapitalBasis.MAX_LOSS
    aapl, spx = report.concentration
    assert (aapl.capital, spx.capital) == (37_700.0, 3_900.0)
    assert aapl.capital_share == pytest.approx(37_700.0 / 41_600.0)
    with pytest.raises(ValueError, match="one value per position"):
        exposure_report(small_book(), max_loss=[1.0])


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"beta": np.array([1.2, np.nan])}, "beta is missing for \\['SPX'\\]"),
        ({"spot": np.array([200.0])}, "one value per underlying"),
        ({"positions": ("only one",)}, "legs\\['position'\\] points outside"),
        ({"as_of": datetime(2025, 3, 3, 10)}, "no time zone"),  # noqa: DTZ001 - the error under test
        ({"benchmark_price": 0.0}, "benchmark_price"),
    ],
)
def test_book_refuses_inconsistent_inputs(change, message):
    book = small_book()
    fields = {name: getattr(book, name) for name in Book.__dataclass_fields__}
    with pytest.raises(ValueError, match=message):
        Book(**(fields | change))


# --------------------------------------------------------------------------- properties
@st.composite
def random_books(draw):
    """A book of 1-8 stock and option legs over 1-3 underlyings, some without IV."""
    count = draw(st.integers(1, 3))
    legs = [draw(_legs(count)) for _ in range(draw(st.integers(1, 8)))]
    positions = max(leg.position for leg in legs) + 1
    return Book(
        legs=leg_array(legs),
        positions=tuple(f"p{i}" for i in range(positions)),
        strategies=("a", "b", "c"),
        underlyings=tuple(f"u{i}" for i in range(count)),
        spot=np.array(draw(st.lists(st.floats(20, 500), min_size=count, max_size=count))),
        rate=np.full(count, 0.04),
        dividend_yield=np.full(count, 0.01),
        beta=np.array(draw(st.lists(st.floats(-1, 3), min_size=count, max_size=count))),
        atm_iv=np.full(count, 0.25),
        benchmark_price=500.0,
        as_of=AS_OF,
    )


def _legs(underlyings: int) -> st.SearchStrategy[Leg]:
    option = st.builds(
        OptionTerms,
        is_call=st.booleans(),
        strike=st.floats(20, 500),
        expiry=st.sampled_from([AS_OF.date() + timedelta(days=d) for d in (4, 11, 46)]),
        t=st.floats(0.01, 0.2),
        iv=st.one_of(st.floats(0.05, 1.0), st.just(float("nan"))),
        european=st.booleans(),
    )
    return st.builds(
        Leg,
        position=st.integers(0, 4),
        underlying=st.integers(0, underlyings - 1),
        quantity=st.integers(-20, 20).map(float),
        mark=st.floats(0.0, 50.0),
        open_cash=st.floats(-5_000, 5_000),
        multiplier=st.just(100.0),
        strategy=st.integers(0, 2),
        option=st.one_of(st.none(), option),
    )


@settings(max_examples=60, deadline=None)
@given(random_books())
def test_every_grouping_adds_up_to_the_portfolio(book):
    report = exposure_report(book)
    total = report.portfolio
    for groups in (report.positions, report.strategies, report.underlyings):
        for name in ("delta_shares", "dollar_delta", "beta_delta", "theta_day", "vega", "pnl"):
            summed = sum(getattr(g.totals, name) for g in groups)
            assert summed == pytest.approx(getattr(total, name), rel=1e-9, abs=1e-6)
        assert sum(g.totals.legs for g in groups) == total.legs == len(book.legs)
        assert sum(g.totals.unpriced_legs for g in groups) == total.unpriced_legs


@settings(max_examples=60, deadline=None)
@given(random_books())
def test_portfolio_is_the_sum_of_priced_legs_and_expiries_hold_all_theta_and_vega(book):
    greeks = leg_greeks(book)
    total = exposure_report(book).portfolio
    priced = greeks["priced"]
    assert total.unpriced_legs == int((~priced).sum())
    assert total.gamma_shares == pytest.approx(greeks["gamma_shares"][priced].sum(), abs=1e-9)
    rows = by_expiry(book, greeks)
    assert sum(r.totals.theta_day for r in rows) == pytest.approx(total.theta_day, abs=1e-6)
    assert sum(r.totals.vega for r in rows) == pytest.approx(total.vega, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(random_books())
def test_concentration_shares_add_to_one_or_zero(book):
    rows = concentration(book, leg_greeks(book))
    for name in ("delta_share", "capital_share"):
        total = sum(getattr(r, name) for r in rows)
        assert total == pytest.approx(1.0) or total == 0.0
        assert all(0.0 <= getattr(r, name) <= 1.0 for r in rows)
