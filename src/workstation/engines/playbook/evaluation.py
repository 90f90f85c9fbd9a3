"""Alert candidates: what each alert rule would fire on, before cooldowns and mutes.

Pure functions over rules, events and quotes; no I/O. A candidate carries its
condition key, which identifies one occurrence so that it alerts once, ever:

- structure: ``alert-rule:<id>:<SYMBOL>:<event>:<bar ts>:<side>:<level>`` — the
  same event at the same bar never alerts twice;
- quotes: ``alert-rule:<id>:<SYMBOL>:<kind>:<direction>:<bar ts>`` where the
  bar is the one-minute bar holding the quote.

Crossings compare the previous value with the current one. Crossing above a
level means previous < level <= current; crossing below, previous > level >=
current: touching the level counts, moving off it does not (a value that sits
exactly on the level has already crossed). Price leaves the expected-move
band when it was strictly inside (reference - move, reference + move) and now
touches or passes an edge.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from workstation.domain.playbook import (
    SHORT_NAMES,
    AlertRule,
    CrossDirection,
    ExpectedMoveParams,
    IvRankParams,
    MarketContext,
    PlaybookRule,
    PriceCrossParams,
    StructureEventParams,
    Suggestion,
)
from workstation.engines.playbook.events import SeenEvent, money
from workstation.engines.playbook.matching import event_line, match_setups

SOURCE_STRUCTURE = "structure"
SOURCE_PRICE = "price"
SOURCE_IV = "iv"
SOURCE_EXPECTED_MOVE = "expected_move"


@dataclass(frozen=True, slots=True)
class AlertCandidate:
    """An alert a rule would raise.

    ``at`` is when it happened in market time (a structure event: its bar's
    open; a quote: the quote's time): cooldowns are measured on it, so the
    same events give the same decisions whenever they are evaluated.
    ``bar_ts`` is the open of the bar it points at, in epoch seconds (UTC).
    """

    rule_id: int
    symbol: str
    source: str
    condition_key: str
    title: str
    body: str
    bar_ts: int
    at: datetime
    context: Mapping[str, Any] = field(default_factory=dict)  # JSON-ready: what fired
    suggestions: tuple[Suggestion, ...] = ()


# ---------------------------------------------------------------- structure events
def structure_candidates(
    rules: Iterable[AlertRule],
    events: Iterable[Any],
    bar_times: Sequence[int] | Any,
    context: MarketContext,
    playbook: Sequence[PlaybookRule] = (),
    timeframe: str = "1m",
) -> list[AlertCandidate]:
    """Return a candidate per (event, structure rule watching the context's ticker and kind).

    ``events`` are EVENT_DTYPE records (or SeenEvents) in bar order;
    ``bar_times[i]`` is the open time (epoch seconds) of bar ``i``. Each
    candidate carries the playbook's suggestions for its event; ``timeframe``
    names the bars (the chart an alert opens). Events first, then rules by id.
    """
    symbol = context.symbol
    watching = sorted(
        (
            r
            for r in rules
            if isinstance(r.parameters, StructureEventParams) and r.applies_to(symbol)
        ),
        key=lambda rule: rule.id,
    )
    found: list[AlertCandidate] = []
    if not watching:
        return found
    for record in events:
        event = record if isinstance(record, SeenEvent) else SeenEvent.from_record(record)
        firing = [r for r in watching if _watches(r, event)]
        if not firing:
            continue
        bar_ts = _bar_time(bar_times, event)
        suggestions = tuple(match_setups(event, context, playbook, bar_ts))
        found += [_structure(r, event, (bar_ts, timeframe), context, suggestions) for r in firing]
    return found


def _watches(rule: AlertRule, event: SeenEvent) -> bool:
    return (
        isinstance(rule.parameters, StructureEventParams) and event.kind in rule.parameters.events
    )


def _bar_time(bar_times: Sequence[int] | Any, event: SeenEvent) -> int:
    if not 0 <= event.bar < len(bar_times):
        raise ValueError(
            f"{event.phrase} at bar {event.bar}: no bar time (have {len(bar_times)} bars)"
        )
    return int(bar_times[event.bar])


def _structure(
    rule: AlertRule,
    event: SeenEvent,
    bar: tuple[int, str],
    context: MarketContext,
    suggestions: tuple[Suggestion, ...],
) -> AlertCandidate:
    (bar_ts, timeframe), symbol = bar, context.symbol
    name = SHORT_NAMES[event.kind]
    key = f"alert-rule:{rule.id}:{symbol}:{name}:{bar_ts}:{event.side:+d}:{event.price:.4f}"
    body = f"{event_line(event, bar_ts)}; price {money(context.price)}."
    if suggestions:
        first = suggestions[0]
        more = f" (+{len(suggestions) - 1} more)" if len(suggestions) > 1 else ""
        body += f" Setup: {first.strategy.value}{more} — {first.reasons[0]}"
    facts = {
        "event": name, "event_label": event.phrase, "side": event.side, "level": event.price,
        "bar": event.bar, "ref": event.ref, "timeframe": timeframe,
        "setup": suggestion_data(suggestions[0]) if suggestions else None,
        "suggestions": [suggestion_data(s) for s in suggestions],
    }  # fmt: skip
    return AlertCandidate(
        rule.id, symbol, SOURCE_STRUCTURE, key,
        f"{symbol}: {event.phrase} at {money(event.price)}", body, bar_ts,
        datetime.fromtimestamp(bar_ts, UTC), _context(rule, context, bar_ts, facts), suggestions,
    )  # fmt: skip


def suggestion_data(suggestion: Suggestion) -> dict[str, Any]:
    """A suggestion as JSON-ready data (``bias`` repeats ``direction`` for the planner)."""
    return {
        "rule": suggestion.rule,
        "strategy": suggestion.strategy.value,
        "direction": suggestion.direction.value,
        "bias": suggestion.direction.value,
        "reasons": list(suggestion.reasons),
    }


def _context(
    rule: AlertRule, context: MarketContext, bar_ts: int, facts: Mapping[str, Any]
) -> dict[str, Any]:
    """An alert's context: the rule, the ticker, the price, the bar (open, epoch s) and facts."""
    return {
        "rule_id": rule.id, "rule_kind": rule.kind.value, "symbol": context.symbol,
        "price": context.price, "bar_ts": bar_ts, "timeframe": "1m", **facts,
    }  # fmt: skip


# ---------------------------------------------------------------- quotes
def quote_candidates(
    rules: Iterable[AlertRule],
    previous: MarketContext | None,
    current: MarketContext,
    at: datetime,
) -> list[AlertCandidate]:
    """Return candidates for price, IV-rank and expected-move rules watching ``current.symbol``.

    ``previous`` is the last context seen for the ticker (None: nothing can
    have crossed yet); ``at`` is the quote's time. Rules by id.
    """
    if previous is None:
        return []
    found = []
    for rule in sorted(rules, key=lambda r: r.id):
        if rule.applies_to(current.symbol):
            candidate = _quote_candidate(rule, previous, current, at)
            if candidate is not None:
                found.append(candidate)
    return found


def minute_bar(at: datetime) -> int:
    """The open time (epoch seconds) of the one-minute bar holding ``at``."""
    return math.floor(at.timestamp() / 60) * 60


def crossing(previous: float, current: float, level: float) -> CrossDirection | None:
    """Which way the move from ``previous`` to ``current`` crossed ``level``, if it did."""
    if previous < level <= current:
        return CrossDirection.ABOVE
    if previous > level >= current:
        return CrossDirection.BELOW
    return None


def band_exit(previous: float, current: float, lower: float, upper: float) -> CrossDirection | None:
    """Which edge price left the band (lower, upper) through, if it was inside and left."""
    if not lower < previous < upper:
        return None
    if current >= upper:
        return CrossDirection.ABOVE
    if current <= lower:
        return CrossDirection.BELOW
    return None


def expected_move_band(context: MarketContext, days: int) -> tuple[float, float, float] | None:
    """Return (lower, upper, move) of reference ± the ``days``-day move in dollars, if known.

    The context's move over ``expected_move_days`` is scaled by the square
    root of time, as the expected-move engine defines it (S·σ·√(days/365)).
    """
    if context.expected_move is None or context.reference_price is None:
        return None
    move = context.expected_move * math.sqrt(days / context.expected_move_days)
    return context.reference_price - move, context.reference_price + move, move


def _quote_candidate(
    rule: AlertRule, previous: MarketContext, current: MarketContext, at: datetime
) -> AlertCandidate | None:
    p = rule.parameters
    if isinstance(p, PriceCrossParams):
        return _price_cross(rule, p, previous, current, at)
    if isinstance(p, IvRankParams):
        return _iv_cross(rule, p, previous, current, at)
    if isinstance(p, ExpectedMoveParams):
        return _move_exit(rule, p, previous, current, at)
    return None


def _quote(
    rule: AlertRule, current: MarketContext, source: str, went: CrossDirection, title: str,
    body: str, facts: Mapping[str, Any], at: datetime,
) -> AlertCandidate:  # fmt: skip
    """A quote candidate keyed by rule, ticker, kind, direction and the quote's minute bar."""
    bar_ts, symbol = minute_bar(at), current.symbol
    key = f"alert-rule:{rule.id}:{symbol}:{rule.kind.value}:{went.value}:{bar_ts}"
    context = _context(rule, current, bar_ts, facts)
    return AlertCandidate(rule.id, symbol, source, key, title, body, bar_ts, at, context)


def _price_cross(
    rule: AlertRule, p: PriceCrossParams, previous: MarketContext, current: MarketContext,
    at: datetime,
) -> AlertCandidate | None:  # fmt: skip
    went = crossing(previous.price, current.price, p.level)
    if went is None or not p.direction.accepts(went):
        return None
    symbol, level = current.symbol, money(p.level)
    body = f"{symbol} traded {money(current.price)} (from {money(previous.price)}), "
    body += f"crossing {went.value} {level}."
    facts = {"level": p.level, "direction": went.value, "from": previous.price}
    title = f"{symbol} crossed {went.value} {level}"
    return _quote(rule, current, SOURCE_PRICE, went, title, body, facts, at)


def _iv_cross(
    rule: AlertRule, p: IvRankParams, previous: MarketContext, current: MarketContext,
    at: datetime,
) -> AlertCandidate | None:  # fmt: skip
    if previous.iv_rank is None or current.iv_rank is None:
        return None
    went = crossing(previous.iv_rank, current.iv_rank, p.threshold)
    if went is None or not p.direction.accepts(went):
        return None
    symbol = current.symbol
    body = f"IV rank {current.iv_rank:.1f} (from {previous.iv_rank:.1f}) crossed {went.value} "
    body += f"{p.threshold:g}; price {money(current.price)}."
    facts = {"threshold": p.threshold, "direction": went.value, "iv_rank": current.iv_rank,
             "from": previous.iv_rank}  # fmt: skip
    title = f"{symbol} IV rank crossed {went.value} {p.threshold:g}"
    return _quote(rule, current, SOURCE_IV, went, title, body, facts, at)


def _move_exit(
    rule: AlertRule, p: ExpectedMoveParams, previous: MarketContext, current: MarketContext,
    at: datetime,
) -> AlertCandidate | None:  # fmt: skip
    band = expected_move_band(current, p.days)
    if band is None:
        return None
    lower, upper, move = band
    went = band_exit(previous.price, current.price, lower, upper)
    if went is None:
        return None
    symbol, reference = current.symbol, current.reference_price or 0.0
    body = f"{symbol} at {money(current.price)} is {went.value} its {p.days}-day expected move "
    body += f"{money(lower)}–{money(upper)} ({money(reference)} ± {money(move)})."
    facts = {"days": p.days, "direction": went.value, "reference": reference, "move": move,
             "lower": lower, "upper": upper, "from": previous.price}  # fmt: skip
    title = f"{symbol} left its {p.days}-day expected move ({went.value})"
    return _quote(rule, current, SOURCE_EXPECTED_MOVE, went, title, body, facts, at)
