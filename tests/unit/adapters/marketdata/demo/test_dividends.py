"""The demo's quarterly dividends and betas, as the risk panel reads them."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from workstation.adapters.marketdata.demo.dividends import next_ex_dividend, quarterly_amount
from workstation.adapters.marketdata.demo.provider import DemoMarketData
from workstation.adapters.marketdata.demo.universe import spec_of
from workstation.engines.sessions import xnys
from workstation.ports.clock import ShiftedClock
from workstation.ports.marketdata import UnknownSymbol


@pytest.mark.parametrize(
    ("symbol", "on", "expected"),
    [
        ("SPY", date(2026, 11, 23), date(2026, 12, 18)),  # third Friday of December
        ("SPY", date(2026, 12, 18), date(2026, 12, 18)),  # on the day: still ahead
        ("SPY", date(2026, 12, 19), date(2027, 3, 19)),
        ("AAPL", date(2026, 11, 23), date(2027, 2, 12)),  # second Friday of February
        ("AAPL", date(2026, 3, 1), date(2026, 5, 8)),
        ("SPX", date(2026, 11, 23), None),  # an index pays nothing
        ("TSLA", date(2026, 11, 23), None),  # no dividend
    ],
)
def test_ex_dividend_dates(symbol: str, on: date, expected: date | None) -> None:
    assert next_ex_dividend(spec_of(symbol), on, xnys()) == expected


def test_a_holiday_friday_moves_to_the_session_before() -> None:
    # Juneteenth 2026 is the third Friday of June: the market is closed, so Thursday.
    assert next_ex_dividend(spec_of("SPY"), date(2026, 6, 1), xnys()) == date(2026, 6, 18)


def test_amount_is_a_quarter_of_the_yield_in_cents() -> None:
    assert quarterly_amount(spec_of("SPY"), 600.0) == Decimal("1.80")  # 600 * 1.2 % / 4


def test_provider_reports_beta_and_next_dividend() -> None:
    provider = DemoMarketData(ShiftedClock(datetime(2026, 11, 23, 15, 30, tzinfo=UTC)))
    spy = asyncio.run(provider.metrics("spy", date(2026, 11, 23)))
    assert spy.beta == 1.0
    assert spy.next_ex_dividend == date(2026, 12, 18)
    assert spy.dividend_amount is not None
    assert spy.dividend_amount > 0
    assert asyncio.run(provider.metrics("TSLA", date(2026, 11, 23))).beta == spec_of("TSLA").beta
    with pytest.raises(UnknownSymbol, match="XYZ"):
        asyncio.run(provider.metrics("XYZ", date(2026, 11, 23)))
