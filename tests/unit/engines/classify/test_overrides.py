"""The trader's overrides: regroup, rename, tag; stable ids across re-import; stale overrides."""

from __future__ import annotations

import random
from datetime import date

from tests.unit.engines.classify.tape import C, P, Tape, at, keys, opt
from workstation.domain.strategies import StrategyKind as K
from workstation.domain.trade_groups import OverrideField, StaleOverride, StrategyOverrides
from workstation.engines.classify import classify

DEC = date(2026, 12, 18)
DAY = date(2026, 11, 2)
CLOSE_DAY = date(2026, 11, 20)


def _legged_late():
    """A put spread whose long leg came 10 minutes late (two groups by the rules), then closed."""
    tape = Tape()
    short = tape.trade(at(DAY, "10:00"), opt("SPY", P, 450, DEC, -1, 2.5))
    long = tape.trade(at(DAY, "10:10"), opt("SPY", P, 445, DEC, 1, 1.6))
    closed = tape.trade(
        at(CLOSE_DAY, "10:00"), opt("SPY", P, 450, DEC, 1, 0.5), opt("SPY", P, 445, DEC, -1, 0.2)
    )
    return tape, short[0], long[0], closed


def test_regrouping_a_leg_into_another_group_moves_its_closes_and_rederives_the_kind():
    tape, short, long, closed = _legged_late()
    assert [g.kind for g in classify(tape.rows, tape.closes()).groups] == [K.SHORT_PUT, K.LONG_PUT]

    overrides = StrategyOverrides(regroup={long.key: short.key})
    result = classify(tape.rows, tape.closes(), overrides)
    (group,) = result.groups

    assert group.id == short.key
    assert group.kind is K.BULL_PUT_CREDIT
    assert group.opening_keys == (short.key, long.key)
    assert group.closing_keys == keys(closed)
    assert result.group_of[closed[1].key] == short.key
    assert result.stale_overrides == ()


def test_regrouping_into_a_new_id_starts_the_traders_own_group():
    tape, short, long, _ = _legged_late()
    overrides = StrategyOverrides(regroup={short.key: "mine", long.key: "mine"})

    (group,) = classify(tape.rows, tape.closes(), overrides).groups

    assert group.id == "mine"
    assert group.kind is K.BULL_PUT_CREDIT
    assert not group.is_open


def test_a_group_keeps_its_id_when_its_first_row_is_moved_away():
    tape = Tape()
    first = tape.trade(at(DAY, "10:00"), opt("SPY", P, 450, DEC, -1, 2.5))
    second = tape.trade(at(DAY, "10:00:20"), opt("SPY", P, 445, DEC, 1, 1.6))
    overrides = StrategyOverrides(
        regroup={first[0].key: "naked"}, names={first[0].key: "long put hedge"}
    )

    groups = {g.id: g for g in classify(tape.rows, tape.closes(), overrides).groups}

    assert groups[first[0].key].opening_keys == keys(second)
    assert groups[first[0].key].name == "long put hedge"
    assert groups["naked"].kind is K.SHORT_PUT


def test_rename_and_tags_apply_by_group_id():
    tape, short, long, _ = _legged_late()
    overrides = StrategyOverrides(
        names={short.key: "earnings put"}, tags={long.key: ("hedge", "q4")}
    )

    groups = {g.id: g for g in classify(tape.rows, tape.closes(), overrides).groups}

    assert groups[short.key].name == "earnings put"
    assert groups[short.key].renamed
    assert groups[long.key].tags == ("hedge", "q4")
    assert not groups[long.key].renamed
    assert groups[long.key].name == "SPY 445 long put 12/18"


def test_ids_and_overrides_survive_a_reimport_in_another_order():
    tape, short, long, _ = _legged_late()
    tape.trade(at(DAY, "13:00"), opt("QQQ", C, 420, DEC, -1, 3.0), opt("QQQ", C, 430, DEC, 1, 1.2))
    overrides = StrategyOverrides(regroup={long.key: short.key}, tags={short.key: ("core",)})
    before = classify(tape.rows, tape.closes(), overrides)

    shuffled = list(tape.rows)
    random.Random(7).shuffle(shuffled)
    after = classify(shuffled, tape.closes(), overrides)

    assert after == before
    assert [g.id for g in after.groups] == [short.key, tape.rows[-2].key]


def test_overrides_that_refer_to_missing_rows_or_groups_are_reported_and_ignored():
    tape, short, _, closed = _legged_late()
    overrides = StrategyOverrides(
        regroup={"gone": short.key, closed[0].key: short.key},
        names={"old-group": "x"},
        tags={"old-group": ("y",)},
    )

    result = classify(tape.rows, tape.closes(), overrides)

    assert set(result.stale_overrides) == {
        StaleOverride(OverrideField.REGROUP, "gone", "no such transaction"),
        StaleOverride(OverrideField.REGROUP, closed[0].key, "not an opening transaction"),
        StaleOverride(OverrideField.NAMES, "old-group", "no such group"),
        StaleOverride(OverrideField.TAGS, "old-group", "no such group"),
    }
    assert [g.kind for g in result.groups] == [K.SHORT_PUT, K.LONG_PUT]


def test_regrouping_a_rolled_group_away_drops_the_chain_link_it_no_longer_has():
    tape = Tape()
    old = (opt("SPY", P, 450, DEC, -1, 1.5), opt("SPY", P, 445, DEC, 1, 0.9))
    tape.trade(at(DAY, "10:00"), *old)
    jan = date(2027, 1, 15)
    roll = tape.trade(
        at(DEC, "10:00"),
        opt("SPY", P, 450, DEC, 1, 2.0),
        opt("SPY", P, 445, DEC, -1, 1.0),
        opt("SPY", P, 440, jan, -1, 3.0),
        opt("SPY", P, 435, jan, 1, 1.8),
    )
    assert len(classify(tape.rows, tape.closes()).chains) == 1

    merged = StrategyOverrides(regroup={roll[2].key: tape.rows[0].key, roll[3].key: "x"})
    result = classify(tape.rows, tape.closes(), merged)

    assert {g.id for g in result.groups} == {tape.rows[0].key, "x"}
    assert result.chains == ()
