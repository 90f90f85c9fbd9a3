"""The pre-trade day-trade warning, on hand-built account standings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from workstation.domain.daytrades import DayTrade, DayTradeMethod, DayTradeStatus
from workstation.engines.risk.daytrade_warning import pre_trade_check

D = Decimal
WINDOW = tuple(date(2026, 11, d) for d in (17, 18, 19, 20, 23))
SPREAD = "SPY 2026-12-18 600/605 call spread"


def _trade(session: date) -> DayTrade:
    return DayTrade(
        account="A",
        symbol="XYZ",
        symbols=("XYZ",),
        underlying="XYZ",
        session=session,
        quantity=D(1),
        open_keys=("b",),
        close_keys=("s",),
        order_ids=(),
        closed_at=datetime(session.year, session.month, session.day, 16, tzinfo=UTC),
        drops_off=date(2026, 11, 30),
    )


def status(
    day_trades: int,
    trades: int,
    *,
    equity: str | None = "18250",
    legs_once: bool = False,
) -> DayTradeStatus:
    """Return a standing as of Mon 23 Nov 2026 with ``day_trades`` among ``trades``."""
    found = tuple(_trade(WINDOW[i % 5]) for i in range(day_trades))
    return DayTradeStatus(
        account="A",
        as_of=WINDOW[-1],
        method=DayTradeMethod.PAIRS,
        legs_of_one_order_count_once=legs_once,
        window=WINDOW,
        day_trades=found,
        trades_in_window=trades,
        equity=D(equity) if equity is not None else None,
        history=found,
    )


def test_the_trade_that_would_be_the_fourth_flags_the_account() -> None:
    warning = pre_trade_check(status(3, 6), legs=1, description=SPREAD, legs_count_once=True)
    assert warning is not None
    assert warning.message == (
        "Opening and closing SPY 2026-12-18 600/605 call spread today would be day trade 4 of 4 "
        "in the 5 sessions 2026-11-17..2026-11-23 and flag the account as a pattern day trader "
        "(25,000 USD minimum equity; equity is 18,250 USD)."
    )
    assert (warning.day_trades_added, warning.count_after, warning.flags) == (1, 4, True)
    assert warning.share_after == D("0.5")  # 4 of 8 trades


def test_a_two_leg_spread_adds_two_day_trades_by_default() -> None:
    warning = pre_trade_check(status(2, 4, equity="30000.5"), legs=2, description=SPREAD)
    assert warning is not None
    assert (warning.day_trades_added, warning.count_after, warning.flags) == (2, 4, True)
    assert "would add 2 day trades, making 4 in the 5 sessions" in warning.message
    assert warning.message.endswith("(25,000 USD minimum equity; equity is 30,000.50 USD).")


def test_the_third_day_trade_gets_the_softer_warning() -> None:
    warning = pre_trade_check(status(2, 4, legs_once=True), legs=2, description="XYZ stock")
    assert warning is not None
    assert (warning.day_trades_added, warning.count_after, warning.flags) == (1, 3, False)
    assert warning.message == (
        "Opening and closing XYZ stock today would be day trade 3 in the 5 sessions "
        "2026-11-17..2026-11-23; the next one would flag the account as a pattern day trader."
    )


def test_no_warning_with_room_to_spare_or_when_the_six_percent_test_fails() -> None:
    assert pre_trade_check(status(1, 2), legs=1, description="XYZ") is None
    assert pre_trade_check(status(0, 0), legs=1, description="XYZ") is None
    # 4 day trades among 102 trades is 3.9%: not a pattern day trader.
    assert pre_trade_check(status(3, 100), legs=1, description="XYZ") is None


def test_an_account_already_flagged_is_told_so_and_equity_may_be_unknown() -> None:
    warning = pre_trade_check(status(4, 8, equity=None), legs=1, description="XYZ")
    assert warning is not None
    assert warning.flags
    assert warning.message == (
        "Opening and closing XYZ today would be day trade 5 in the 5 sessions "
        "2026-11-17..2026-11-23 with the account already a pattern day trader "
        "(25,000 USD minimum equity)."
    )


def test_a_plan_needs_a_leg() -> None:
    with pytest.raises(ValueError, match="at least one leg"):
        pre_trade_check(status(0, 0), legs=0, description="nothing")
