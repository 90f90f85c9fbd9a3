"""Warn before a planned trade that, opened and closed today, would flag the account.

The planner and ``/risk`` ask this before an order is placed, so the warning
speaks of what would happen, in plain English, with the window's dates.
"""

from __future__ import annotations

from decimal import Decimal

from workstation.domain.daytrades import (
    MINIMUM_EQUITY,
    PATTERN_THRESHOLD,
    WINDOW_SESSIONS,
    DayTradeStatus,
    PreTradeWarning,
    meets_pattern,
    share_of,
)


def pre_trade_check(
    status: DayTradeStatus,
    *,
    legs: int,
    description: str,
    legs_count_once: bool | None = None,
) -> PreTradeWarning | None:
    """Return a warning when opening and closing the planned trade today would matter.

    ``status`` is the account's standing as of today; ``legs`` the number of
    securities (option series, or 1 for stock) in the planned trade;
    ``description`` how the trader names it ("SPY 2026-12-18 600/605 call
    spread"). Opened and closed today it adds ``legs`` day trades (1 when
    legs count once) and twice as many trades. ``legs_count_once`` defaults
    to how ``status`` was counted. Returns a flagging warning when the count
    would reach the threshold and pass the 6% test, a softer one when it
    would be the 3rd day trade, otherwise None.
    """
    if legs < 1:
        raise ValueError(f"a planned trade has at least one leg, not {legs}")
    once = status.legs_of_one_order_count_once if legs_count_once is None else legs_count_once
    added = 1 if once else legs
    after = status.count + added
    trades_after = status.trades_in_window + 2 * added
    share = share_of(after, trades_after)
    if meets_pattern(after, trades_after):
        return PreTradeWarning(_flag_message(status, description, added), added, after, share, True)
    if after == PATTERN_THRESHOLD - 1:
        return PreTradeWarning(_third_message(status, description), added, after, share, False)
    return None


def _flag_message(status: DayTradeStatus, description: str, added: int) -> str:
    after = status.count + added
    if added > 1:
        what = f"would add {added} day trades, making {after}"
    elif after == PATTERN_THRESHOLD:
        what = f"would be day trade {after} of {PATTERN_THRESHOLD}"
    else:
        what = f"would be day trade {after}"
    flag = (
        "with the account already a pattern day trader"
        if status.is_pattern
        else "and flag the account as a pattern day trader"
    )
    equity = f"; equity is {_usd(status.equity)} USD" if status.equity is not None else ""
    return (
        f"Opening and closing {description} today {what} in {_window(status)} {flag} "
        f"({_usd(MINIMUM_EQUITY)} USD minimum equity{equity})."
    )


def _third_message(status: DayTradeStatus, description: str) -> str:
    return (
        f"Opening and closing {description} today would be day trade "
        f"{PATTERN_THRESHOLD - 1} in {_window(status)}; the next one would flag the account "
        "as a pattern day trader."
    )


def _window(status: DayTradeStatus) -> str:
    return f"the {WINDOW_SESSIONS} sessions {status.window[0]}..{status.window[-1]}"


def _usd(amount: Decimal) -> str:
    # Whole dollars read as "25,000"; cents are kept only when there are some.
    places = ",.0f" if amount == amount.to_integral_value() else ",.2f"
    return format(amount, places)
