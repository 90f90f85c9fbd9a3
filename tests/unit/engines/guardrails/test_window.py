"""events_in_window, trade_window and the labels messages are made of."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.unit.engines.guardrails.events import CPI_DEC, FOMC_DEC, NOW, earnings, et
from workstation.domain.occ import OptionRight
from workstation.domain.strategies import OptionLeg, StockLeg, Strategy, StrategyKind
from workstation.engines.guardrails import et_label, event_label, events_in_window, trade_window
from workstation.engines.sessions import xnys


def test_events_on_both_boundaries_are_inside_and_come_back_sorted():
    events = [CPI_DEC, FOMC_DEC]
    assert events_in_window(events, FOMC_DEC.at, CPI_DEC.at) == [FOMC_DEC, CPI_DEC]
    tick = timedelta(microseconds=1)
    assert events_in_window(events, FOMC_DEC.at + tick, CPI_DEC.at) == [CPI_DEC]
    assert events_in_window(events, FOMC_DEC.at, CPI_DEC.at - tick) == [FOMC_DEC]
    assert events_in_window(events, NOW, NOW) == []


def test_window_instants_may_be_in_any_time_zone():
    start = et(2026, 12, 9, 14)  # UTC
    eastern = start.astimezone(FOMC_DEC.eastern.tzinfo)
    assert events_in_window([FOMC_DEC], eastern, eastern) == [FOMC_DEC]


def test_a_backwards_or_naive_window_is_refused():
    with pytest.raises(ValueError, match="before its start"):
        events_in_window([], CPI_DEC.at, FOMC_DEC.at)
    with pytest.raises(ValueError, match="window end 2026-12-10T00:00:00 has no time zone"):
        events_in_window([], NOW, datetime(2026, 12, 10))  # noqa: DTZ001


def spread(expiry_far: date) -> Strategy:
    legs = (
        OptionLeg(OptionRight.PUT, Decimal(500), date(2026, 12, 4), -1, Decimal("1.20")),
        OptionLeg(OptionRight.PUT, Decimal(495), expiry_far, 1, Decimal("0.80")),
    )
    return Strategy("SPY", StrategyKind.PUT_DIAGONAL, legs)


def test_the_trade_window_ends_at_the_last_legs_expiry_instant():
    start, end = trade_window(spread(date(2026, 12, 18)), NOW, xnys())
    assert (start, end) == (NOW, et(2026, 12, 18, 16))
    # The day after Thanksgiving closes at 13:00 ET.
    put = OptionLeg(OptionRight.PUT, Decimal(500), date(2026, 11, 27), 1, Decimal("2.10"))
    long_put = Strategy("SPY", StrategyKind.LONG_PUT, (put,))
    assert trade_window(long_put, NOW, xnys())[1] == et(2026, 11, 27, 13)


def test_a_stock_only_or_expired_strategy_has_no_window():
    stock = Strategy("SPY", StrategyKind.CUSTOM, (StockLeg(100, Decimal(600)),))
    with pytest.raises(ValueError, match="no option legs"):
        trade_window(stock, NOW, xnys())
    later = datetime(2027, 1, 4, tzinfo=UTC)
    with pytest.raises(ValueError, match="before its start"):
        trade_window(spread(date(2026, 12, 18)), later, xnys())


def test_labels_use_exchange_time_and_say_when_a_date_is_tentative():
    assert et_label(datetime(2026, 7, 1, 12, 30, tzinfo=UTC)) == "Wed 01 Jul 2026 08:30 ET"
    assert event_label(FOMC_DEC) == "FOMC decision Wed 09 Dec 2026 14:00 ET"
    assert event_label(CPI_DEC) == "CPI release Thu 10 Dec 2026 08:30 ET (tentative date)"
    assert event_label(earnings("MSFT", 2027, 1, 27)) == "MSFT earnings Wed 27 Jan 2027 16:05 ET"
