"""Properties of the guardrails over random calendars and windows (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.engines.guardrails.events import et
from workstation.domain.event_calendar import CalendarEvent, EventKind, EventStatus
from workstation.domain.strategies import StrategyKind
from workstation.engines.guardrails import (
    DEFAULT_POLICY,
    AlternativeKind,
    Severity,
    check_trade,
    events_in_window,
    macro_quiet,
)
from workstation.engines.sessions import xnys

ORIGIN = et(2026, 11, 23)  # Monday 00:00 ET
SPAN_MINUTES = 60 * 24 * 60  # sixty days
SYMBOLS = ("SPY", "AAPL")


def minutes_after_origin(minutes: int) -> datetime:
    return ORIGIN + timedelta(minutes=minutes)


@st.composite
def calendar_events(draw: st.DrawFn) -> CalendarEvent:
    kind = draw(
        st.sampled_from([EventKind.FOMC, EventKind.CPI, EventKind.JOBS, EventKind.EARNINGS])
    )
    at = minutes_after_origin(draw(st.integers(0, SPAN_MINUTES)))
    symbol = draw(st.sampled_from(SYMBOLS)) if kind is EventKind.EARNINGS else None
    status = draw(st.sampled_from(list(EventStatus)))
    return CalendarEvent(f"{kind}-{at.timestamp():.0f}", kind, "event", at, status, symbol=symbol)


@st.composite
def nested_windows(draw: st.DrawFn) -> tuple[datetime, datetime, datetime, datetime]:
    """An outer window and an inner one inside it: start <= inner_start <= inner_end <= end."""
    points = sorted(draw(st.lists(st.integers(0, SPAN_MINUTES), min_size=4, max_size=4)))
    start, inner_start, inner_end, end = (minutes_after_origin(p) for p in points)
    return start, inner_start, inner_end, end


kinds = st.sampled_from(list(StrategyKind))
event_lists = st.lists(calendar_events(), max_size=12)


@given(kinds, event_lists, nested_windows())
def test_shrinking_the_window_never_adds_findings(kind, events, windows):
    start, inner_start, inner_end, end = windows
    outer = check_trade(kind, start, end, events, underlying="SPY")
    inner = check_trade(kind, inner_start, inner_end, events, underlying="SPY")
    outer_events = {(f.event.id, f.severity) for f in outer.findings}
    assert {(f.event.id, f.severity) for f in inner.findings} <= outer_events
    assert inner.blocked <= outer.blocked


@given(kinds, event_lists, nested_windows())
def test_blocks_come_only_from_short_premium_and_bring_alternatives(kind, events, windows):
    start, _, _, end = windows
    verdict = check_trade(kind, start, end, events, underlying="SPY")
    assert verdict.blocked == any(f.severity is Severity.BLOCK for f in verdict.findings)
    if verdict.blocked:
        assert kind in DEFAULT_POLICY.blocked
        assert {a.kind for a in verdict.alternatives} >= {AlternativeKind.DEBIT}
    else:
        assert verdict.alternatives == ()
    for finding in verdict.findings:
        assert start <= finding.event.at <= end
        assert finding.event.status is not EventStatus.CANCELLED
        assert finding.event.symbol in (None, "SPY")


@settings(deadline=None)
@given(event_lists, nested_windows())
def test_the_shorter_expiry_always_settles_inside_the_window_before_the_first_block(
    events, windows
):
    start, _, _, end = windows
    listed = xnys().sessions(date(2026, 11, 23), date(2027, 2, 26))
    verdict = check_trade(
        StrategyKind.SHORT_PUT, start, end, events, underlying="SPY", expirations=listed
    )
    shorter = [a for a in verdict.alternatives if a.kind is AlternativeKind.SHORTER_DTE]
    for alternative in shorter:
        assert alternative.settles_at is not None
        assert start < alternative.settles_at < verdict.blocking[0].event.at


@given(event_lists, st.integers(0, SPAN_MINUTES), st.integers(0, SPAN_MINUTES))
def test_events_in_window_keeps_exactly_the_events_between_the_bounds(events, a, b):
    start, end = sorted((minutes_after_origin(a), minutes_after_origin(b)))
    inside = events_in_window(events, start, end)
    assert inside == sorted(inside, key=lambda e: (e.at, e.id))
    assert len(inside) == sum(start <= e.at <= end for e in events)


@settings(deadline=None)
@given(event_lists, st.integers(0, SPAN_MINUTES))
def test_an_active_quiet_window_contains_now_and_belongs_to_a_macro_release(events, minutes):
    now = minutes_after_origin(minutes)
    window = macro_quiet(now, events, xnys())
    if window is not None:
        assert window.contains(now)
        assert window.event.is_macro
        assert window.event.status is not EventStatus.CANCELLED
        assert window.starts <= window.event.at < window.ends
        assert window.ends - window.starts < timedelta(days=6)
