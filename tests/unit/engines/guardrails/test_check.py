"""check_trade: findings, blocks and defensive alternatives for a trade window."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.unit.engines.guardrails.events import (
    CPI_DEC,
    DEC_EXPIRY_CLOSE,
    FOMC_DEC,
    NOW,
    earnings,
    et,
    weekly_fridays,
)
from workstation.domain.event_calendar import EventKind, EventStatus
from workstation.domain.strategies import StrategyKind as K
from workstation.engines.guardrails import (
    AlternativeKind,
    GuardrailPolicy,
    Severity,
    check_trade,
)
from workstation.engines.sessions import TradingCalendar, xnys


@pytest.fixture(scope="module")
def cal() -> TradingCalendar:
    return xnys()


@pytest.fixture(scope="module")
def dailies(cal: TradingCalendar) -> list[date]:
    """SPY-like listing: an expiration every session."""
    return cal.sessions(date(2026, 11, 23), date(2027, 3, 19))


def spy(kind: K, events, policy: GuardrailPolicy | None = None, **options):
    policy = policy or GuardrailPolicy()
    return check_trade(kind, NOW, DEC_EXPIRY_CLOSE, events, policy, underlying="SPY", **options)


def test_fomc_inside_the_window_blocks_a_bull_put_credit_spread(dailies, cal):
    verdict = spy(K.BULL_PUT_CREDIT, [FOMC_DEC], expirations=dailies, calendar=cal)
    assert verdict.blocked
    [finding] = verdict.findings
    assert finding.severity is Severity.BLOCK
    assert finding.event is FOMC_DEC
    assert finding.message == (
        "FOMC decision Wed 09 Dec 2026 14:00 ET is inside the trade window "
        "(ends Fri 18 Dec 2026 16:00 ET): bull put credit spread blocked"
    )
    assert verdict.blocking == (finding,)


def test_with_dailies_the_shorter_expiry_is_the_day_before_the_decision(dailies, cal):
    verdict = spy(K.BULL_PUT_CREDIT, [FOMC_DEC], expirations=dailies, calendar=cal)
    shorter, neutral, debit = verdict.alternatives
    assert shorter.kind is AlternativeKind.SHORTER_DTE
    assert shorter.strategy is K.BULL_PUT_CREDIT
    assert shorter.expiry == date(2026, 12, 8)
    assert shorter.settles_at == et(2026, 12, 8, 16)
    assert "Tue 08 Dec 2026 16:00 ET" in shorter.reason
    assert (neutral.kind, neutral.strategy) == (AlternativeKind.NEUTRAL, K.IRON_CONDOR)
    assert (debit.kind, debit.strategy) == (AlternativeKind.DEBIT, K.BULL_CALL_DEBIT)


def test_with_weeklies_the_shorter_expiry_is_the_friday_before(cal):
    fridays = weekly_fridays(date(2026, 11, 23), date(2027, 3, 19))
    verdict = spy(K.BULL_PUT_CREDIT, [FOMC_DEC], expirations=fridays, calendar=cal)
    shorter = verdict.alternatives[0]
    assert (shorter.kind, shorter.expiry) == (AlternativeKind.SHORTER_DTE, date(2026, 12, 4))


def test_the_shorter_expiry_settles_before_the_first_blocking_event(dailies, cal):
    verdict = spy(K.BEAR_CALL_CREDIT, [CPI_DEC, FOMC_DEC], expirations=dailies, calendar=cal)
    assert [f.event for f in verdict.blocking] == [FOMC_DEC, CPI_DEC]
    shorter = verdict.alternatives[0]
    assert shorter.expiry == date(2026, 12, 8)
    assert verdict.alternatives[-1].strategy is K.BEAR_PUT_DEBIT


def test_an_am_settled_expiry_on_the_decision_day_settles_before_it(cal):
    # VIX options settle at the open (09:30 ET), before the 14:00 ET statement.
    wednesday = [date(2026, 12, 2), date(2026, 12, 9)]
    verdict = check_trade(
        K.SHORT_CALL,
        NOW,
        et(2026, 12, 16, 9, 30),
        [FOMC_DEC],
        underlying="VIX",
        expirations=wednesday,
        calendar=cal,
    )
    assert verdict.alternatives[0].expiry == date(2026, 12, 9)
    assert verdict.alternatives[0].settles_at == et(2026, 12, 9, 9, 30)
    # The same dates PM-settled (SPY) stop at 16:00 ET, after the statement.
    spy_verdict = spy(K.SHORT_CALL, [FOMC_DEC], expirations=wednesday, calendar=cal)
    assert spy_verdict.alternatives[0].expiry == date(2026, 12, 2)


def test_no_listed_expiry_before_the_event_means_no_shorter_suggestion(cal):
    verdict = spy(K.SHORT_PUT, [FOMC_DEC], expirations=[date(2026, 12, 18)], calendar=cal)
    assert [a.kind for a in verdict.alternatives] == [
        AlternativeKind.NEUTRAL,
        AlternativeKind.DEBIT,
    ]
    assert spy(K.SHORT_PUT, [FOMC_DEC]).alternatives == verdict.alternatives


def test_a_neutral_short_premium_gets_a_butterfly_as_its_debit_alternative():
    verdict = spy(K.SHORT_STRANGLE, [FOMC_DEC])
    assert [(a.kind, a.strategy) for a in verdict.alternatives] == [
        (AlternativeKind.NEUTRAL, K.IRON_CONDOR),
        (AlternativeKind.DEBIT, K.CALL_BUTTERFLY),
    ]


@pytest.mark.parametrize("kind", [K.IRON_CONDOR, K.IRON_BUTTERFLY, K.COVERED_CALL, K.CUSTOM])
def test_neutral_defined_risk_covered_and_custom_structures_are_warned(kind):
    verdict = spy(kind, [FOMC_DEC])
    assert not verdict.blocked
    assert [f.severity for f in verdict.findings] == [Severity.WARN]
    assert verdict.alternatives == ()


def test_earnings_inside_the_window_flag_iv_crush_for_a_long_call():
    report = earnings("AAPL", 2027, 1, 28)
    verdict = check_trade(
        K.LONG_CALL, NOW, et(2027, 2, 19, 16), [report, FOMC_DEC], underlying="aapl"
    )
    assert not verdict.blocked
    by_event = {f.event.kind: f for f in verdict.findings}
    assert by_event[EventKind.EARNINGS].severity is Severity.WARN
    assert by_event[EventKind.EARNINGS].message == (
        "AAPL earnings Thu 28 Jan 2027 16:05 ET is inside the trade window "
        "(ends Fri 19 Feb 2027 16:00 ET): IV-crush risk for the long call: implied "
        "volatility usually drops right after the report"
    )
    assert by_event[EventKind.FOMC].severity is Severity.NOTE


def test_earnings_block_short_premium_and_policy_can_soften_them():
    report = earnings("NVDA", 2026, 12, 2)
    blocked = check_trade(K.CASH_SECURED_PUT, NOW, DEC_EXPIRY_CLOSE, [report], underlying="NVDA")
    assert blocked.blocked
    softer = GuardrailPolicy(block_on_earnings=False)
    warned = check_trade(
        K.CASH_SECURED_PUT, NOW, DEC_EXPIRY_CLOSE, [report], softer, underlying="NVDA"
    )
    assert [f.severity for f in warned.findings] == [Severity.WARN]


def test_other_symbols_earnings_and_cancelled_events_do_not_count():
    events = [earnings("AAPL", 2026, 12, 2), replace(FOMC_DEC, status=EventStatus.CANCELLED)]
    verdict = spy(K.BULL_PUT_CREDIT, events)
    assert verdict.findings == ()
    assert not verdict.blocked


def test_which_macro_kinds_count_is_configurable():
    fomc_only = GuardrailPolicy(macro_kinds=frozenset({EventKind.FOMC}))
    verdict = spy(K.BULL_PUT_CREDIT, [CPI_DEC, FOMC_DEC], fomc_only)
    assert [f.event for f in verdict.findings] == [FOMC_DEC]


def test_tentative_dates_can_warn_instead_of_block():
    lenient = GuardrailPolicy(tentative_blocks=False)
    verdict = spy(K.BULL_PUT_CREDIT, [CPI_DEC, FOMC_DEC], lenient)
    severities = {f.event.id: f.severity for f in verdict.findings}
    assert severities == {"fomc-2026-12": Severity.BLOCK, "cpi-2026-11": Severity.WARN}
    assert "(tentative date)" in verdict.findings[1].message


@pytest.mark.parametrize(
    ("end", "inside"),
    [
        (FOMC_DEC.at, True),
        (FOMC_DEC.at - timedelta(microseconds=1), False),
    ],
)
def test_an_event_exactly_at_the_window_end_is_inside(end, inside):
    verdict = check_trade(K.SHORT_PUT, NOW, end, [FOMC_DEC], underlying="SPY")
    assert verdict.blocked is inside


def test_an_event_exactly_at_the_window_start_is_inside():
    verdict = check_trade(K.SHORT_PUT, FOMC_DEC.at, DEC_EXPIRY_CLOSE, [FOMC_DEC], underlying="SPY")
    assert verdict.blocked
    after = FOMC_DEC.at + timedelta(microseconds=1)
    assert not check_trade(
        K.SHORT_PUT, after, DEC_EXPIRY_CLOSE, [FOMC_DEC], underlying="SPY"
    ).blocked


def test_bad_windows_and_symbols_are_refused():
    with pytest.raises(ValueError, match=r"window end .* is before its start"):
        check_trade(K.SHORT_PUT, DEC_EXPIRY_CLOSE, NOW, [], underlying="SPY")
    with pytest.raises(ValueError, match=r"window start .* has no time zone"):
        check_trade(K.SHORT_PUT, NOW.replace(tzinfo=None), DEC_EXPIRY_CLOSE, [], underlying="SPY")
    with pytest.raises(ValueError, match="underlying: the symbol is empty"):
        check_trade(K.SHORT_PUT, NOW, DEC_EXPIRY_CLOSE, [], underlying=" ")
