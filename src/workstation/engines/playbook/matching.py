"""Match a structure event and its market context against the playbook.

A rule fits when the event's kind is one of its events, the event's side is
the one it wants (if any) and every context requirement it sets holds: the
trader's bias, the IV regime by the rule's IV-rank thresholds (an unknown IV
rank fits no IV requirement), price above/below VWAP (price exactly on VWAP,
or an unknown VWAP, fits neither) and the trend. Fitting rules are returned
most specific first (most requirements set), then in playbook order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workstation.domain.playbook import (
    IvRegime,
    MarketContext,
    PlaybookRule,
    Suggestion,
)
from workstation.engines.playbook.events import SeenEvent, bar_clock, money

UNKNOWN = "n/a"  # how a template shows a value the context does not have


def match_setups(
    event: Any,
    context: MarketContext,
    rules: Sequence[PlaybookRule],
    bar_time: int | None = None,
) -> list[Suggestion]:
    """Return the setups the playbook suggests for ``event`` in ``context``, best first.

    ``event`` is an EVENT_DTYPE record (or a SeenEvent); ``bar_time`` is the
    open time of its bar in epoch seconds, used in the wording only. Disabled
    rules never match. Each suggestion's reasons are the rule's own reason,
    then the event, then every requirement it checked, with the numbers.
    """
    seen = event if isinstance(event, SeenEvent) else SeenEvent.from_record(event)
    fitting = [
        (position, rule)
        for position, rule in enumerate(rules)
        if rule.enabled and fits(rule, seen, context)
    ]
    fitting.sort(key=lambda pair: (-pair[1].specificity, pair[0]))
    return [_suggest(rule, seen, context, bar_time) for _, rule in fitting]


def fits(rule: PlaybookRule, event: SeenEvent, context: MarketContext) -> bool:
    """Tell whether ``rule`` applies to ``event`` in ``context``."""
    if event.kind not in rule.events or rule.side not in (None, event.side):
        return False
    if rule.bias is not None and context.bias is not rule.bias:
        return False
    if rule.iv_regime is not None and _iv_regime(rule, context) is not rule.iv_regime:
        return False
    if rule.vwap is not None and context.vwap_side is not rule.vwap:
        return False
    return rule.trend is None or context.trend is rule.trend


def _iv_regime(rule: PlaybookRule, context: MarketContext) -> IvRegime | None:
    return None if context.iv_rank is None else rule.iv_regime_of(context.iv_rank)


def _suggest(
    rule: PlaybookRule, event: SeenEvent, context: MarketContext, bar_time: int | None
) -> Suggestion:
    headline = rule.reason.format(**template_fields(rule, event, context, bar_time))
    reasons = (headline, event_line(event, bar_time), *_context_lines(rule, context))
    return Suggestion(rule.name, rule.setup.strategy, rule.setup.direction, reasons)


def event_line(event: SeenEvent, bar_time: int | None) -> str:
    """The event with its level and bar time: 'sell-side liquidity sweep at 588.20 (... ET)'.

    The bar's index is named only when its time is unknown.
    """
    when = f" on bar {event.bar}" if bar_time is None else f" ({bar_clock(bar_time)})"
    return f"{event.phrase} at {money(event.price)}{when}"


def _context_lines(rule: PlaybookRule, context: MarketContext) -> list[str]:
    lines = []
    if rule.bias is not None:
        lines.append(f"bias is {rule.bias.value}")
    if rule.iv_regime is not None and context.iv_rank is not None:
        lines.append(_iv_line(rule, context.iv_rank))
    if rule.vwap is not None and context.vwap is not None:
        gap = money(abs(context.price - context.vwap))
        side = rule.vwap.value
        lines.append(f"price {money(context.price)} is {side} VWAP {money(context.vwap)} by {gap}")
    if rule.trend is not None:
        lines.append(f"trend is {rule.trend.value}")
    if context.expected_move is not None:
        days = context.expected_move_days
        span = "1 day" if days == 1 else f"{days} days"
        lines.append(f"expected move ±{money(context.expected_move)} over {span}")
    return lines


def _iv_line(rule: PlaybookRule, iv_rank: float) -> str:
    regime = rule.iv_regime_of(iv_rank)
    if regime is IvRegime.HIGH:
        bound = f"≥ {rule.iv_high_at:g}"
    elif regime is IvRegime.LOW:
        bound = f"≤ {rule.iv_low_at:g}"
    else:
        bound = f"between {rule.iv_low_at:g} and {rule.iv_high_at:g}"
    return f"IV rank {iv_rank:.0f} is {regime.value} ({bound})"


def template_fields(
    rule: PlaybookRule, event: SeenEvent, context: MarketContext, bar_time: int | None
) -> dict[str, str]:
    """The values a reason template's placeholders take, already formatted."""

    def shown(value: float | None, fmt: str = "{:,.2f}") -> str:
        return UNKNOWN if value is None else fmt.format(value)

    return {
        "symbol": context.symbol,
        "event": event.phrase,
        "level": money(event.price),
        "price": money(context.price),
        "bar": str(event.bar),
        "bar_time": UNKNOWN if bar_time is None else bar_clock(bar_time),
        "bias": UNKNOWN if context.bias is None else context.bias.value,
        "trend": UNKNOWN if context.trend is None else context.trend.value,
        "iv_rank": shown(context.iv_rank, "{:.0f}"),
        "vwap": shown(context.vwap),
        "expected_move": shown(context.expected_move),
        "strategy": rule.setup.strategy.value,
        "direction": rule.setup.direction.value,
    }
