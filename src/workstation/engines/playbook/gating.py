"""Which alert candidates may fire now: enabled, not muted, not seen before, not cooling down.

A rule fires for a ticker at most once per cooldown, measured on the
candidates' own times (``AlertCandidate.at``: a structure event's bar, a
quote's time): a candidate is held back while ``at < last fire + cooldown``
(a fire exactly one cooldown later is allowed; an event older than the last
fire is held back). So evaluating the same events again, at any later time,
decides the same. A condition key that has already alerted (in the store, or
earlier in the same batch) never alerts again. Mutes are checked at ``now``.
Candidates are admitted in order, so the first of a batch wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from workstation.domain.playbook import WATCHED, AlertRule
from workstation.engines.playbook.evaluation import AlertCandidate


@dataclass(frozen=True, slots=True)
class FiringState:
    """What the store knows: last fire per (rule id, ticker), muted tickers, keys alerted."""

    last_fired: Mapping[tuple[int, str], datetime] = field(default_factory=dict)
    symbol_mutes: Mapping[str, datetime] = field(default_factory=dict)  # ticker or * -> until
    already_alerted: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Admission:
    """Candidates that may fire, and those held back with the reason why."""

    admitted: tuple[AlertCandidate, ...]
    suppressed: tuple[tuple[AlertCandidate, str], ...]


def admit(
    candidates: Iterable[AlertCandidate],
    rules: Mapping[int, AlertRule],
    state: FiringState,
    now: datetime,
) -> Admission:
    """Split ``candidates`` (in order) into those that fire and those held back.

    Mutes are checked at ``now``; cooldowns on each candidate's ``at``.
    """
    last = dict(state.last_fired)
    keys = set(state.already_alerted)
    admitted: list[AlertCandidate] = []
    suppressed: list[tuple[AlertCandidate, str]] = []
    for candidate in candidates:
        reason = _hold_back(candidate, rules.get(candidate.rule_id), state, last, keys, now)
        if reason is not None:
            suppressed.append((candidate, reason))
            continue
        admitted.append(candidate)
        fired = (candidate.rule_id, candidate.symbol)
        last[fired] = max(candidate.at, last.get(fired, candidate.at))
        keys.add(candidate.condition_key)
    return Admission(tuple(admitted), tuple(suppressed))


def _hold_back(
    candidate: AlertCandidate,
    rule: AlertRule | None,
    state: FiringState,
    last: Mapping[tuple[int, str], datetime],
    keys: set[str],
    now: datetime,
) -> str | None:
    """Say why ``candidate`` may not fire, or None when it may."""
    if rule is None:
        return f"rule {candidate.rule_id} no longer exists"
    silenced = _silenced(rule, candidate.symbol, state, now)
    if silenced is not None:
        return silenced
    if candidate.condition_key in keys:
        return "already alerted"
    fired = last.get((rule.id, candidate.symbol))
    if fired is not None and candidate.at < fired + rule.cooldown:
        minutes = rule.cooldown_minutes
        return f"cooling down: fired at {fired:%H:%M %Z}, cooldown {minutes} min"
    return None


def _silenced(rule: AlertRule, symbol: str, state: FiringState, now: datetime) -> str | None:
    """Say why the trader silenced ``rule`` for ``symbol`` (disabled, muted), or None."""
    if not rule.enabled:
        return f"rule {rule.id} is disabled"
    if rule.is_muted(now):
        return f"rule {rule.id} is muted until {rule.muted_until:%Y-%m-%d %H:%M %Z}"
    for muted in (symbol, WATCHED):  # muting "*" silences every ticker
        until = state.symbol_mutes.get(muted)
        if until is not None and now < until:
            return f"{muted} is muted until {until:%Y-%m-%d %H:%M %Z}"
    return None
