"""Properties: an evaluation repeated never alerts twice; fires keep their cooldown apart."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.engines.playbook.builders import BAR_TIMES, events, shipped_playbook, spy
from workstation.domain.playbook import (
    AlertRule,
    CrossDirection,
    PriceCrossParams,
    StructureEventParams,
)
from workstation.domain.structure import EventKind
from workstation.engines.playbook import (
    FiringState,
    admit,
    crossing,
    quote_candidates,
    structure_candidates,
)

START = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)

prices = st.floats(min_value=590.0, max_value=610.0, allow_nan=False).map(lambda p: round(p, 1))
event_rows = st.lists(
    st.tuples(
        st.integers(0, 389),
        st.sampled_from(list(EventKind)),
        st.sampled_from([-1, 1]),
        st.floats(580.0, 600.0, allow_nan=False),
    ),
    max_size=12,
)


class Workspace:
    """The store's side of firing: keys alerted and last fire per (rule, ticker)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.last: dict[tuple[int, str], datetime] = {}
        self.fires: list[tuple[int, str, datetime]] = []

    def fire(self, candidates, rules, now):
        state = FiringState(dict(self.last), {}, frozenset(self.keys))
        admitted = admit(candidates, {r.id: r for r in rules}, state, now).admitted
        for c in admitted:
            self.keys.add(c.condition_key)
            self.last[(c.rule_id, c.symbol)] = max(c.at, self.last.get((c.rule_id, c.symbol), c.at))
            self.fires.append((c.rule_id, c.symbol, c.at))
        return admitted


@settings(max_examples=60, deadline=None)
@given(rows=event_rows, cooldown=st.integers(0, 30), later=st.integers(0, 600))
def test_the_same_structure_events_never_alert_twice(rows, cooldown, later):
    rules = [AlertRule("*", StructureEventParams(frozenset(EventKind)), cooldown, id=1)]
    found = events(*((bar, kind, side, price, -1) for bar, kind, side, price in rows))
    workspace = Workspace()
    candidates = structure_candidates(rules, found, BAR_TIMES, spy(), shipped_playbook())
    first = workspace.fire(candidates, rules, START)
    again = structure_candidates(rules, found, BAR_TIMES, spy(), shipped_playbook())
    assert again == candidates  # pure: same inputs, same candidates
    assert workspace.fire(again, rules, START + timedelta(minutes=later)) == ()
    assert len(first) <= len({c.condition_key for c in candidates})


@settings(max_examples=80, deadline=None)
@given(
    ticks=st.lists(st.tuples(st.integers(1, 400), prices), min_size=2, max_size=40),
    cooldown=st.integers(0, 20),
    level=prices,
)
def test_fires_for_a_ticker_are_never_closer_than_the_cooldown(ticks, cooldown, level):
    rules = [AlertRule("*", PriceCrossParams(level, CrossDirection.EITHER), cooldown, id=1)]
    workspace, now, previous = Workspace(), START, None
    for seconds, price in ticks:
        now += timedelta(seconds=seconds)
        current = spy(price)
        workspace.fire(quote_candidates(rules, previous, current, now), rules, now)
        previous = current
    times = [at for _, _, at in workspace.fires]
    assert all(b - a >= timedelta(minutes=cooldown) for a, b in itertools.pairwise(times))


@settings(max_examples=200, deadline=None)
@given(previous=prices, current=prices, level=prices)
def test_crossing_is_mirror_symmetric(previous, current, level):
    up = crossing(previous, current, level)
    down = crossing(-previous, -current, -level)
    mirrored = {
        CrossDirection.ABOVE: CrossDirection.BELOW,
        CrossDirection.BELOW: CrossDirection.ABOVE,
    }
    assert down == (None if up is None else mirrored[up])
