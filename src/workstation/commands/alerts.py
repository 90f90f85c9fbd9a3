"""/alerts: recent alerts and the trader's alert rules — list, add, mute, unmute, delete.

::

    /alerts [list [SYMBOL]]              recent alerts, every rule, muted tickers
    /alerts add SYMBOL above|below|cross PRICE [--cooldown 30m]
    /alerts add SYMBOL ivr above|below RANK    IV rank (0-100) crossing RANK
    /alerts add SYMBOL em DAYS                 price leaving the DAYS-day expected move
    /alerts add SYMBOL EVENT...                structure events: sweep fvg displacement
                                               orb pdr bos choch reclaim reject (or all)
    /alerts mute ID|SYMBOL [30m|1h|2d|today]   (default today: until midnight ET)
    /alerts unmute ID|SYMBOL
    /alerts delete ID

SYMBOL ``*`` watches every watched ticker (muting ``*`` pauses every ticker).
Cooldowns are minutes (``45``), or ``30m`` / ``2h``. The rule types load with
the first alert command (they pull in numpy, which the start-up path avoids).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from workstation.commands.context import CommandContext
from workstation.commands.grammar import (
    Arg,
    ArgKind,
    CommandError,
    CommandSpec,
    CommandSyntaxError,
    parse_value,
)
from workstation.commands.result import CommandResult, Table

if TYPE_CHECKING:
    from workstation.domain.alerts import Alert
    from workstation.domain.playbook import AlertParameters, AlertRule
    from workstation.services.alert_rules import AlertRuleService

EXCHANGE_TIME = ZoneInfo("America/New_York")
RECENT = 10  # alerts shown by /alerts
ALL_EVENTS = ("all", "structure")
ACTIONS = ("list", "add", "mute", "unmute", "delete")
_SPAN = re.compile(r"(\d+)\s*(m|min|h|d)?", re.IGNORECASE)
_UNIT_MINUTES = {"m": 1, "min": 1, "h": 60, "d": 1440}
_SYMBOL_ARG = Arg("symbol", ArgKind.SYMBOL, "a ticker or *")
_PRICE_ARG = Arg("price", ArgKind.FLOAT, "price level in dollars", minimum=0.01)
_RANK_ARG = Arg("rank", ArgKind.FLOAT, "IV rank 0-100", minimum=0, maximum=100)
_DAYS_ARG = Arg("days", ArgKind.INT, "expected-move horizon in days", minimum=1, maximum=365)
_ID_ARG = Arg("id", ArgKind.INT, "an alert rule id (see /alerts)", minimum=1)


# ---------------------------------------------------------------- parsing
def parse_rule(words: list[str], cooldown: str | None) -> AlertRule:
    """Build a rule from ``SYMBOL SPEC...`` and the ``--cooldown`` text; errors name the token."""
    from workstation.domain.playbook import DEFAULT_COOLDOWN_MINUTES, WATCHED, AlertRule

    if len(words) < 2:
        raise _syntax("add", "needs SYMBOL and what to watch, e.g. /alerts add SPY above 600")
    symbol = WATCHED if words[0] == WATCHED else parse_value(_SYMBOL_ARG, words[0], "alerts add")
    minutes = DEFAULT_COOLDOWN_MINUTES if cooldown is None else parse_cooldown(cooldown)
    return AlertRule(symbol, parse_watch(words[1:]), cooldown_minutes=minutes)


def parse_watch(spec: list[str]) -> AlertParameters:
    """Parse what a rule watches: ``above 600``, ``ivr below 20``, ``em 7``, ``sweep fvg``."""
    from workstation.domain.playbook import (
        CrossDirection,
        ExpectedMoveParams,
        IvRankParams,
        PriceCrossParams,
    )

    head, rest = spec[0].lower(), spec[1:]
    if head in ("above", "below", "cross"):
        level = parse_value(_PRICE_ARG, _one(rest, head, "PRICE").lstrip("$"), "alerts add")
        direction = CrossDirection.EITHER if head == "cross" else CrossDirection(head)
        return PriceCrossParams(level, direction)
    if head in ("ivr", "iv"):
        if len(rest) != 2 or rest[0].lower() not in ("above", "below"):
            raise _syntax("add", f"write '{head} above RANK' or '{head} below RANK'")
        rank = parse_value(_RANK_ARG, rest[1], "alerts add")
        return IvRankParams(rank, CrossDirection(rest[0].lower()))
    if head == "em":
        days = _one(rest, head, "DAYS").lower().removesuffix("d")
        return ExpectedMoveParams(parse_value(_DAYS_ARG, days, "alerts add"))
    return _structure_events(spec)


def _structure_events(spec: list[str]) -> AlertParameters:
    from workstation.domain.playbook import EVENT_NAMES, StructureEventParams

    names = [word.lower() for word in spec]
    if any(name in ALL_EVENTS for name in names):
        return StructureEventParams(frozenset(EVENT_NAMES.values()))
    for word, name in zip(spec, names, strict=True):
        if name not in EVENT_NAMES:
            known = "above, below, cross, ivr, em, all, " + ", ".join(EVENT_NAMES)
            raise _syntax("add", f"unknown condition {word!r} (known: {known})")
    return StructureEventParams(frozenset(EVENT_NAMES[name] for name in names))


def _one(rest: list[str], head: str, what: str) -> str:
    if len(rest) != 1:
        got = " ".join(rest) or "nothing"
        raise _syntax("add", f"'{head}' takes one {what}, got {got!r}")
    return rest[0]


def parse_cooldown(token: str) -> int:
    """Minutes from ``45``, ``30m``, ``2h`` or ``1d``."""
    match = _SPAN.fullmatch(token.strip())
    if match is None:
        raise _syntax("add", f"--cooldown must be minutes like 45, 30m or 2h, got {token!r}")
    unit = (match.group(2) or "m").lower()
    return int(match.group(1)) * _UNIT_MINUTES[unit]


def parse_mute_until(token: str | None, now: datetime) -> datetime:
    """When a mute given as ``30m``, ``1h``, ``2d`` or ``today`` (the default) ends."""
    if token is None or token.lower() == "today":
        today = now.astimezone(EXCHANGE_TIME).date()
        return datetime.combine(today + timedelta(days=1), time(0), EXCHANGE_TIME).astimezone(UTC)
    match = _SPAN.fullmatch(token.strip())
    if match is None or match.group(2) is None or int(match.group(1)) == 0:
        raise _syntax("mute", f"for how long: 30m, 1h, 2d or today, got {token!r}")
    return now + timedelta(minutes=int(match.group(1)) * _UNIT_MINUTES[match.group(2).lower()])


def parse_target(token: str, action: str) -> int | str:
    """A rule id (digits) or a ticker (or ``*``)."""
    if token.isdigit():
        return int(parse_value(_ID_ARG, token, f"alerts {action}"))
    return token if token == "*" else str(parse_value(_SYMBOL_ARG, token, f"alerts {action}"))


def _syntax(action: str, problem: str) -> CommandSyntaxError:
    return CommandSyntaxError(f"/alerts {action}: {problem}")


# ---------------------------------------------------------------- running
def _service(ctx: CommandContext) -> AlertRuleService:
    service = ctx.alert_rules
    if service is None:
        raise CommandError("/alerts: alert rules are not available in this workspace")
    return service


async def run_alerts(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Dispatch ``/alerts ACTION ...`` (list when no action is given)."""
    words: list[str] = values["words"]
    action = words[0].lower() if words else "list"
    handler = _HANDLERS.get(action)
    if handler is None:
        raise CommandSyntaxError(f"/alerts: unknown action {words[0]!r} ({', '.join(ACTIONS)})")
    if values["cooldown"] is not None and action != "add":
        raise CommandSyntaxError("/alerts: --cooldown goes with /alerts add")
    return await handler(ctx, words[1:], values)


async def _list(ctx: CommandContext, words: list[str], values: dict[str, Any]) -> CommandResult:
    if len(words) > 1:
        raise _syntax("list", f"takes at most one SYMBOL, got {' '.join(words)!r}")
    symbol = parse_target(words[0], "list") if words else None
    if isinstance(symbol, int):
        raise _syntax("list", f"takes a SYMBOL, not a rule id ({symbol})")
    service, now = _service(ctx), ctx.clock.now()
    rules = await service.rules(symbol)
    mutes = {s: until for s, until in (await service.symbol_mutes()).items() if until > now}
    recent = [] if ctx.alerts is None else await ctx.alerts.recent(RECENT)
    lines = [f"{s} muted until {_clock(until)}" for s, until in sorted(mutes.items())]
    lines += [f"{_clock(a.fired_at)} {a.symbol or '-'}: {a.title}" for a in recent]
    table = Table(
        ("ID", "Ticker", "Watches", "Cooldown (min)", "State"),
        tuple(_row(rule, now) for rule in rules),
    )
    data = {
        "rules": [rule_data(rule) for rule in rules],
        "alerts": [_alert_data(alert) for alert in recent],
        "muted_symbols": mutes,
    }
    return CommandResult(
        f"Alerts: {len(rules)} rules, {len(recent)} recent", tuple(lines), table, data
    )


async def _add(ctx: CommandContext, words: list[str], values: dict[str, Any]) -> CommandResult:
    from workstation.domain.playbook import PlaybookError

    try:
        rule = parse_rule(words, values["cooldown"])
    except PlaybookError as exc:
        raise CommandError(f"/alerts add: {exc}") from None
    stored = await _service(ctx).add(rule)
    title = f"Alert rule #{stored.id}: {stored.symbol} {describe(stored)}"
    lines = (f"cooldown {stored.cooldown_minutes} min between fires for one ticker",)
    return CommandResult(title, lines, data={"rule": rule_data(stored)})


async def _mute(ctx: CommandContext, words: list[str], values: dict[str, Any]) -> CommandResult:
    if not 1 <= len(words) <= 2:
        raise _syntax("mute", "write /alerts mute ID|SYMBOL [30m|1h|2d|today]")
    target = parse_target(words[0], "mute")
    until = parse_mute_until(words[1] if len(words) > 1 else None, ctx.clock.now())
    service = _service(ctx)
    if isinstance(target, int):
        if not await service.mute(target, until):
            raise CommandError(f"/alerts mute: no alert rule #{target} (see /alerts)")
        label = f"rule #{target}"
    else:
        await service.mute_symbol(target, until)
        label = target
    data = {"target": target, "muted_until": until}
    return CommandResult(f"Muted {label} until {_clock(until)}", data=data)


async def _unmute(ctx: CommandContext, words: list[str], values: dict[str, Any]) -> CommandResult:
    if len(words) != 1:
        raise _syntax("unmute", "write /alerts unmute ID|SYMBOL")
    target = parse_target(words[0], "unmute")
    service = _service(ctx)
    if isinstance(target, int):
        if not await service.unmute(target):
            raise CommandError(f"/alerts unmute: no alert rule #{target} (see /alerts)")
        return CommandResult(f"Unmuted rule #{target}", data={"target": target, "lifted": 1})
    lifted = await service.unmute_symbol(target)
    title = f"Unmuted {target}" if lifted else f"{target} was not muted"
    return CommandResult(title, data={"target": target, "lifted": lifted})


async def _delete(ctx: CommandContext, words: list[str], values: dict[str, Any]) -> CommandResult:
    if len(words) != 1 or not words[0].isdigit():
        got = " ".join(words) or "nothing"
        raise _syntax("delete", f"takes one rule ID (see /alerts), got {got!r}")
    rule_id = int(parse_value(_ID_ARG, words[0], "alerts delete"))
    if not await _service(ctx).delete(rule_id):
        raise CommandError(f"/alerts delete: no alert rule #{rule_id} (see /alerts)")
    return CommandResult(f"Deleted alert rule #{rule_id}", data={"deleted": rule_id})


Handler = Callable[[CommandContext, list[str], dict[str, Any]], Awaitable[CommandResult]]
_HANDLERS: dict[str, Handler] = {
    "list": _list, "add": _add, "mute": _mute, "unmute": _unmute, "delete": _delete,
}  # fmt: skip


# ---------------------------------------------------------------- wording
def describe(rule: AlertRule) -> str:
    """What a rule watches in words: 'price crosses above 600.00', 'sweep or fvg'."""
    from workstation.domain.playbook import (
        SHORT_NAMES,
        CrossDirection,
        IvRankParams,
        PriceCrossParams,
        StructureEventParams,
    )

    p = rule.parameters
    if isinstance(p, PriceCrossParams):
        way = "crosses" if p.direction is CrossDirection.EITHER else f"crosses {p.direction.value}"
        return f"price {way} {p.level:,.2f}"
    if isinstance(p, IvRankParams):
        way = "crosses" if p.direction is CrossDirection.EITHER else f"crosses {p.direction.value}"
        return f"IV rank {way} {p.threshold:g}"
    if isinstance(p, StructureEventParams):
        return "structure: " + ", ".join(SHORT_NAMES[kind] for kind in sorted(p.events))
    return f"leaves the {p.days}-day expected move"


def rule_data(rule: AlertRule) -> dict[str, Any]:
    """A rule as JSON-ready data (for ``--json``)."""
    from workstation.engines.playbook import parameters_to_mapping

    return {
        "id": rule.id, "symbol": rule.symbol, "kind": rule.kind.value,
        "parameters": parameters_to_mapping(rule.parameters), "description": describe(rule),
        "cooldown_minutes": rule.cooldown_minutes, "enabled": rule.enabled,
        "muted_until": rule.muted_until, "created_at": rule.created_at,
    }  # fmt: skip


def _row(rule: AlertRule, now: datetime) -> tuple[str, ...]:
    if not rule.enabled:
        state = "off"
    elif rule.is_muted(now) and rule.muted_until is not None:
        state = f"muted until {_clock(rule.muted_until)}"
    else:
        state = "on"
    return (str(rule.id), rule.symbol, describe(rule), str(rule.cooldown_minutes), state)


def _alert_data(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id, "fired_at": alert.fired_at, "source": alert.source,
        "symbol": alert.symbol, "title": alert.title, "body": alert.body,
        "condition_key": alert.condition_key, "context": dict(alert.context),
    }  # fmt: skip


def _clock(instant: datetime) -> str:
    return f"{instant.astimezone(EXCHANGE_TIME):%Y-%m-%d %H:%M} ET"


SPECS = (
    CommandSpec(
        "alerts",
        "Recent alerts and alert rules: list, add (price, IV rank, expected move, structure), "
        "mute, unmute, delete",
        run_alerts,
        args=(
            Arg("words", ArgKind.TEXT, "list | add SYMBOL SPEC | mute ID|SYMBOL [30m|1h|today] "
                "| unmute ID|SYMBOL | delete ID", required=False, variadic=True),
        ),
        options=(
            Arg("cooldown", ArgKind.TEXT, "least time between fires: 45, 30m, 2h",
                required=False),
        ),
        examples=(
            "/alerts", "/alerts add SPY above 600", "/alerts add SPY below 590.5",
            "/alerts add QQQ sweep", "/alerts add SPY ivr above 50", "/alerts add SPY em 7",
            "/alerts add * sweep choch --cooldown 30m", "/alerts mute SPY 1h",
            "/alerts unmute SPY", "/alerts delete 3",
        ),
    ),
)  # fmt: skip
