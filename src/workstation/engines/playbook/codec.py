"""Playbook rules and alert-rule parameters as JSON-ready data, checked on the way in.

The shipped playbook (``resources/playbook/default_playbook.json``) and the
trader's stored playbook use one format::

    {"version": 1, "rules": [{"name": "SSL sweep, bullish bias",
      "events": ["sweep"], "side": "sell-side", "bias": "bullish",
      "iv_regime": "any", "vwap": "any", "trend": "any",
      "setup": {"strategy": "bull call debit spread", "direction": "bullish"},
      "reason": "...{level}..."}]}

Events use the short names of ``EVENT_NAMES``; a requirement left out or
``"any"`` means any; ``side`` is one of buy-side / sell-side (sweeps),
bullish / bearish or up / down. Every error names the source, the rule
(index and name) and the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from workstation.domain.playbook import (
    EVENT_NAMES,
    IV_HIGH_AT,
    IV_LOW_AT,
    SHORT_NAMES,
    AlertParameters,
    AlertRuleKind,
    CrossDirection,
    Direction,
    ExpectedMoveParams,
    IvRankParams,
    IvRegime,
    PlaybookError,
    PlaybookRule,
    PriceCrossParams,
    Setup,
    StructureEventParams,
    Trend,
    VwapSide,
)
from workstation.domain.strategies import StrategyKind
from workstation.domain.structure import EventKind
from workstation.engines.playbook.events import side_name

FORMAT_VERSION = 1
ANY = "any"
SIDE_WORDS = {"buy-side": 1, "bullish": 1, "up": 1, "sell-side": -1, "bearish": -1, "down": -1}
_REQUIRED = ("name", "events", "setup", "reason")
_OPTIONAL = ("side", "bias", "iv_regime", "vwap", "trend", "iv_high_at", "iv_low_at", "enabled")

E = TypeVar("E", bound=StrEnum)


# ---------------------------------------------------------------- the playbook
def parse_playbook(document: Any, source: str = "playbook") -> tuple[PlaybookRule, ...]:
    """Read a playbook document (decoded JSON); raise PlaybookError naming source, rule, field."""
    if not isinstance(document, Mapping) or not isinstance(document.get("rules"), list):
        raise PlaybookError(f"{source}: expected an object with a 'rules' list")
    version = document.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise PlaybookError(f"{source}: format version {version!r} (this program reads 1)")
    rules = tuple(
        rule_from_mapping(item, f"{source} rule {index}")
        for index, item in enumerate(document["rules"], start=1)
    )
    check_playbook(rules, source)
    return rules


def check_playbook(rules: Sequence[PlaybookRule], source: str = "playbook") -> None:
    """Refuse an empty playbook or two rules with one name (names identify rules)."""
    if not rules:
        raise PlaybookError(f"{source}: a playbook needs at least one rule (disable, not delete)")
    seen: set[str] = set()
    for rule in rules:
        key = rule.name.strip().casefold()
        if key in seen:
            raise PlaybookError(f"{source}: two rules are named {rule.name!r}; rename one")
        seen.add(key)


def playbook_document(rules: Sequence[PlaybookRule]) -> dict[str, Any]:
    """The playbook as a JSON-ready document (the file format)."""
    return {"version": FORMAT_VERSION, "rules": [rule_to_mapping(rule) for rule in rules]}


def rule_from_mapping(data: Any, where: str) -> PlaybookRule:
    """Build one rule from its JSON object; ``where`` says which (e.g. 'playbook rule 3')."""
    if not isinstance(data, Mapping):
        raise PlaybookError(f"{where}: expected an object, got {type(data).__name__}")
    named = data.get("name")
    where = f"{where} ({named!r})" if isinstance(named, str) else where
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise PlaybookError(f"{where}: unknown field {unknown[0]!r}")
    missing = [field for field in _REQUIRED if field not in data]
    if missing:
        raise PlaybookError(f"{where}: missing field {missing[0]!r}")
    try:
        return _rule(data, where)
    except PlaybookError as exc:
        raise PlaybookError(f"{where}: {exc}") from None


def _rule(data: Mapping[str, Any], where: str) -> PlaybookRule:
    return PlaybookRule(
        name=_text(data, "name"),
        events=_events(data.get("events")),
        setup=_setup(data.get("setup")),
        reason=_text(data, "reason"),
        side=_side(data.get("side", ANY)),
        bias=_choice(data, "bias", Direction),
        iv_regime=_choice(data, "iv_regime", IvRegime),
        vwap=_choice(data, "vwap", VwapSide),
        trend=_choice(data, "trend", Trend),
        iv_high_at=_number(data, "iv_high_at", IV_HIGH_AT),
        iv_low_at=_number(data, "iv_low_at", IV_LOW_AT),
        enabled=_flag(data, "enabled"),
    )


def rule_to_mapping(rule: PlaybookRule) -> dict[str, Any]:
    """One rule as a JSON-ready object (round-trips through ``rule_from_mapping``)."""
    return {
        "name": rule.name,
        "events": event_names(rule.events),
        "side": ANY if rule.side is None else _side_word(rule),
        "bias": _word(rule.bias),
        "iv_regime": _word(rule.iv_regime),
        "vwap": _word(rule.vwap),
        "trend": _word(rule.trend),
        "iv_high_at": rule.iv_high_at,
        "iv_low_at": rule.iv_low_at,
        "setup": {"strategy": rule.setup.strategy.value, "direction": rule.setup.direction.value},
        "reason": rule.reason,
        "enabled": rule.enabled,
    }


def event_names(events: frozenset[EventKind]) -> list[str]:
    """Short names of ``events`` in event-kind order."""
    return [SHORT_NAMES[kind] for kind in sorted(events)]


def _side_word(rule: PlaybookRule) -> str:
    side = rule.side or 0
    return side_name(min(rule.events), side) or ("bullish" if side > 0 else "bearish")


def _word(value: StrEnum | None) -> str:
    return ANY if value is None else value.value


def _field_error(field: str, problem: str) -> PlaybookError:
    return PlaybookError(f"field {field!r}: {problem}")


def _text(data: Mapping[str, Any], field: str) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip():
        raise _field_error(field, "must be non-empty text")
    return value


def _events(value: Any) -> frozenset[EventKind]:
    if not isinstance(value, list) or not value:
        raise _field_error("events", f"must list event names ({', '.join(EVENT_NAMES)})")
    unknown = [name for name in value if name not in EVENT_NAMES]
    if unknown:
        known = ", ".join(EVENT_NAMES)
        raise _field_error("events", f"unknown event {unknown[0]!r} (known: {known})")
    return frozenset(EVENT_NAMES[name] for name in value)


def _side(value: Any) -> int | None:
    if value == ANY:
        return None
    if value not in SIDE_WORDS:
        raise _field_error("side", f"must be one of {', '.join(SIDE_WORDS)} or any, got {value!r}")
    return SIDE_WORDS[value]


def _choice(data: Mapping[str, Any], field: str, kind: type[E]) -> E | None:
    value = data.get(field, ANY)
    if value == ANY:
        return None
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise _field_error(field, f"must be {allowed} or any, got {value!r}") from None


def _number(data: Mapping[str, Any], field: str, default: float) -> float:
    value = data.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _field_error(field, f"must be a number 0-100, got {value!r}")
    return float(value)


def _flag(data: Mapping[str, Any], field: str) -> bool:
    value = data.get(field, True)
    if not isinstance(value, bool):
        raise _field_error(field, f"must be true or false, got {value!r}")
    return value


def _setup(value: Any) -> Setup:
    if not isinstance(value, Mapping) or set(value) != {"strategy", "direction"}:
        raise _field_error("setup", "must be an object with 'strategy' and 'direction'")
    try:
        strategy = StrategyKind(value["strategy"])
    except ValueError:
        known = ", ".join(kind.value for kind in StrategyKind)
        raise _field_error("setup", f"unknown strategy {value['strategy']!r} ({known})") from None
    try:
        direction = Direction(value["direction"])
    except ValueError:
        raise _field_error("setup", f"unknown direction {value['direction']!r}") from None
    return Setup(strategy, direction)


# ---------------------------------------------------------------- alert-rule parameters
def parameters_to_mapping(parameters: AlertParameters) -> dict[str, Any]:
    """An alert rule's parameters as a JSON-ready object."""
    if isinstance(parameters, StructureEventParams):
        return {"events": event_names(parameters.events)}
    if isinstance(parameters, PriceCrossParams):
        return {"level": parameters.level, "direction": parameters.direction.value}
    if isinstance(parameters, IvRankParams):
        return {"threshold": parameters.threshold, "direction": parameters.direction.value}
    return {"days": parameters.days}


def parameters_from_mapping(kind: AlertRuleKind, data: Any, where: str) -> AlertParameters:
    """Read the parameters of an alert rule of ``kind``; raise PlaybookError naming ``where``."""
    if not isinstance(data, Mapping):
        raise PlaybookError(f"{where}: parameters must be an object")
    try:
        return _parameters(kind, data)
    except (KeyError, TypeError, ValueError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise PlaybookError(f"{where}: {kind.value} parameters: {detail}") from None


def _parameters(kind: AlertRuleKind, data: Mapping[str, Any]) -> AlertParameters:
    if kind is AlertRuleKind.STRUCTURE_EVENT:
        return StructureEventParams(_events(data["events"]))
    if kind is AlertRuleKind.PRICE_CROSS:
        return PriceCrossParams(float(data["level"]), CrossDirection(data["direction"]))
    if kind is AlertRuleKind.IV_RANK:
        return IvRankParams(float(data["threshold"]), CrossDirection(data["direction"]))
    return ExpectedMoveParams(int(data["days"]))
