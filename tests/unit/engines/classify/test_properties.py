"""Invariants over generated histories: every row placed once, cash conserved, order-free."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.engines.classify.history import History, year_of_trading
from workstation.domain.trade_groups import Classification, StrategyOverrides
from workstation.engines.classify import classify

histories = st.builds(
    year_of_trading,
    seed=st.integers(0, 10_000),
    per_day=st.floats(1.0, 6.0),
    days=st.integers(5, 45),
)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _moving(history: History):
    return [row for row in history.rows if row.kind.moves_position and row.quantity]


@SETTINGS
@given(histories)
def test_every_position_row_is_in_a_group_and_the_cash_adds_up(history):
    result = classify(history.rows, history.closes)
    moving = _moving(history)

    assert {row.key for row in moving} == set(result.group_of)
    placed = Counter(key for group in result.groups for key in group.all_keys)
    shared = {key for key, times in placed.items() if times > 1}  # closes split across groups
    assert set(placed) == {row.key for row in moving}
    assert not shared & {key for group in result.groups for key in group.opening_keys}
    total = sum((group.cash_flow for group in result.groups), Decimal(0))
    assert total == sum(row.net_value for row in moving)


@SETTINGS
@given(histories)
def test_groups_are_well_formed(history):
    result = classify(history.rows, history.closes)

    for group in result.groups:
        assert group.id == group.all_keys[0]
        assert set(group.all_keys) == set(group.opening_keys) | set(group.closing_keys)
        assert group.closed_at is None or group.closed_at >= group.opened_at
        assert result.group_of[group.id] == group.id
    _chains_add_up(result)


def _chains_add_up(result: Classification) -> None:
    by_id = {group.id: group for group in result.groups}
    for chain in result.chains:
        assert chain.id == chain.group_ids[0]
        assert chain.rolls >= len(chain.group_ids) - 1
        assert chain.cash_flow == sum(by_id[g].cash_flow for g in chain.group_ids)
        assert all(by_id[g].roll_chain == chain.id for g in chain.group_ids)


@SETTINGS
@given(histories, st.randoms(use_true_random=False))
def test_the_order_rows_arrive_in_does_not_matter(history, shuffle):
    rows = list(history.rows)
    shuffle.shuffle(rows)

    assert classify(rows, history.closes) == classify(history.rows, history.closes)


@SETTINGS
@given(histories)
def test_regrouping_every_row_where_it_already_is_changes_nothing(history):
    result = classify(history.rows, history.closes)
    same = {key: group.id for group in result.groups for key in group.opening_keys}

    again = classify(history.rows, history.closes, StrategyOverrides(regroup=same))

    assert again == result


def test_a_regrouped_history_still_conserves_cash():
    history = year_of_trading(21, days=60)
    result = classify(history.rows, history.closes)
    keys = [key for group in result.groups for key in group.opening_keys]
    picks = random.Random(3).sample(keys, 40)
    overrides = StrategyOverrides(regroup={key: f"mine-{i % 5}" for i, key in enumerate(picks)})

    moved = classify(history.rows, history.closes, overrides)

    assert sum(g.cash_flow for g in moved.groups) == sum(g.cash_flow for g in result.groups)
    assert {g.id for g in moved.groups} >= {f"mine-{i}" for i in range(5)}
    assert set(moved.group_of) == set(result.group_of)
