"""Command specs and the parser: ``/name arg arg --option value``.

Argument kinds carry their own validation so every error says which argument,
what was wrong and what the command expects.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workstation.commands.context import CommandContext
    from workstation.commands.result import CommandResult

_SYMBOL = re.compile(r"^[A-Z][A-Z0-9.]{0,9}(/[A-Z0-9]{1,4})?$")


class CommandError(ValueError):
    """A command that cannot run; the message is written for the trader."""


class CommandSyntaxError(CommandError):
    """The command line does not match the command's grammar."""


class ArgKind(StrEnum):
    """How an argument is parsed."""

    SYMBOL = "symbol"
    INT = "int"
    FLOAT = "float"
    PERCENT = "percent"
    MONEY = "money"
    CHOICE = "choice"
    TEXT = "text"
    RISK_BUDGET = "risk_budget"
    DATE = "date"
    CLOCK = "clock"


@dataclass(frozen=True, slots=True)
class RiskBudget:
    """A risk budget as typed: a fraction of the account (``2%``) or dollars (``$1,000``).

    Exactly one of ``fraction`` (a decimal, 0.02 = 2 %) and ``dollars`` is set.
    """

    fraction: Decimal | None = None
    dollars: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Arg:
    """One positional argument or ``--option``.

    ``variadic`` takes all remaining tokens (a list); ``minimum``/``maximum``
    bound numbers; ``choices`` for CHOICE. PERCENT parses ``2%`` or ``2`` as
    0.02 (a decimal fraction); MONEY parses ``$1,500.50`` as Decimal dollars.
    RISK_BUDGET parses ``2%`` as RiskBudget(fraction=0.02) and ``$1,000`` or
    ``1000`` (no percent sign) as RiskBudget(dollars=1000); both must be > 0.
    DATE parses ``2026-12-09`` as a date; CLOCK parses ``14:00`` (24-hour,
    exchange time) as a time.
    """

    name: str
    kind: ArgKind
    help: str
    required: bool = True
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    variadic: bool = False

    @property
    def metavar(self) -> str:
        """Name as shown in usage lines."""
        shown = "|".join(self.choices) if self.choices else self.name.upper()
        shown = f"{shown}..." if self.variadic else shown
        return shown if self.required else f"[{shown}]"


Runner = Callable[["CommandContext", dict[str, Any]], Coroutine[Any, Any, "CommandResult"]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A command: its name, what it does, its arguments and the coroutine that runs it."""

    name: str
    summary: str
    run: Runner
    args: tuple[Arg, ...] = ()
    options: tuple[Arg, ...] = ()
    aliases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    gui_only: bool = False

    @property
    def usage(self) -> str:
        """One-line usage, e.g. ``/em SYMBOL DAYS``."""
        parts = [f"/{self.name}", *(a.metavar for a in self.args)]
        parts += [f"[--{o.name} {o.metavar.strip('[]')}]" for o in self.options]
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Invocation:
    """A parsed command line ready to run."""

    spec: CommandSpec
    values: dict[str, Any] = field(default_factory=dict)


def tokenize(line: str) -> list[str]:
    """Split a command line like a shell (quotes group words); strip a leading ``/``."""
    text = line.strip()
    if text.startswith("/"):
        text = text[1:]
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise CommandSyntaxError(f"cannot read the command line: {exc}") from exc


def parse_value(arg: Arg, token: str, command: str) -> Any:
    """Convert one token for ``arg``; raise CommandSyntaxError naming the argument."""
    try:
        value = _CONVERTERS[arg.kind](arg, token)
    except (ValueError, InvalidOperation) as exc:
        raise CommandSyntaxError(f"/{command}: {arg.name.upper()} {exc}") from None
    _check_bounds(arg, value, command)
    return value


def _check_bounds(arg: Arg, value: Any, command: str) -> None:
    if not isinstance(value, int | float | Decimal):
        return
    if arg.minimum is not None and value < arg.minimum:
        raise CommandSyntaxError(
            f"/{command}: {arg.name.upper()} must be at least {arg.minimum:g}, got {value}"
        )
    if arg.maximum is not None and value > arg.maximum:
        raise CommandSyntaxError(
            f"/{command}: {arg.name.upper()} must be at most {arg.maximum:g}, got {value}"
        )


def _symbol(arg: Arg, token: str) -> str:
    symbol = token.upper()
    if not _SYMBOL.match(symbol):
        raise ValueError(f"must be a ticker symbol like SPY or BRK.B, got {token!r}")
    return symbol


def _int(arg: Arg, token: str) -> int:
    if not re.fullmatch(r"[+-]?\d+", token.replace(",", "")):
        raise ValueError(f"must be a whole number, got {token!r}")
    return int(token.replace(",", ""))


def _float(arg: Arg, token: str) -> float:
    try:
        return float(token.replace(",", ""))
    except ValueError:
        raise ValueError(f"must be a number, got {token!r}") from None


def _percent(arg: Arg, token: str) -> float:
    text = token.removesuffix("%")
    try:
        return float(text) / 100.0
    except ValueError:
        raise ValueError(f"must be a percentage like 2% or 1.5, got {token!r}") from None


def _money(arg: Arg, token: str) -> Decimal:
    text = token.replace("$", "").replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueError(f"must be an amount in dollars like 500 or $1,250.50, got {token!r}")
    return Decimal(text)


def _risk_budget(arg: Arg, token: str) -> RiskBudget:
    text = token.strip().replace(",", "")
    is_percent = text.endswith("%")
    number = text.removesuffix("%") if is_percent else text.removeprefix("$")
    if not re.fullmatch(r"\+?(\d+(\.\d*)?|\.\d+)", number) or Decimal(number) == 0:
        raise ValueError(
            f"must be a positive percentage like 2% or an amount like $500, got {token!r}"
        )
    if is_percent:
        return RiskBudget(fraction=Decimal(number) / 100)
    return RiskBudget(dollars=Decimal(number))


def _date(arg: Arg, token: str) -> date:
    try:
        return date.fromisoformat(token)
    except ValueError:
        raise ValueError(f"must be a date like 2026-12-09, got {token!r}") from None


def _clock(arg: Arg, token: str) -> time:
    if not re.fullmatch(r"\d{1,2}:\d{2}", token):
        raise ValueError(f"must be a 24-hour time like 08:30 or 14:00, got {token!r}")
    hours, minutes = (int(part) for part in token.split(":"))
    if hours > 23 or minutes > 59:
        raise ValueError(f"must be a 24-hour time like 08:30 or 14:00, got {token!r}")
    return time(hours, minutes)


def _choice(arg: Arg, token: str) -> str:
    value = token.lower()
    if value not in arg.choices:
        raise ValueError(f"must be one of {', '.join(arg.choices)}, got {token!r}")
    return value


def _text(arg: Arg, token: str) -> str:
    return token


_CONVERTERS: dict[ArgKind, Callable[[Arg, str], Any]] = {
    ArgKind.SYMBOL: _symbol,
    ArgKind.INT: _int,
    ArgKind.FLOAT: _float,
    ArgKind.PERCENT: _percent,
    ArgKind.MONEY: _money,
    ArgKind.CHOICE: _choice,
    ArgKind.TEXT: _text,
    ArgKind.RISK_BUDGET: _risk_budget,
    ArgKind.DATE: _date,
    ArgKind.CLOCK: _clock,
}


def bind(spec: CommandSpec, tokens: Sequence[str]) -> dict[str, Any]:
    """Bind tokens (after the command name) to the spec's arguments and options."""
    positional, options = _split_options(spec, tokens)
    values: dict[str, Any] = {o.name: o.default for o in spec.options}
    values.update(options)
    queue = list(positional)
    for arg in spec.args:
        if arg.variadic:
            values[arg.name] = [parse_value(arg, t, spec.name) for t in queue]
            queue = []
            if arg.required and not values[arg.name]:
                raise _missing(spec, arg)
        elif queue:
            values[arg.name] = parse_value(arg, queue.pop(0), spec.name)
        elif arg.required:
            raise _missing(spec, arg)
        else:
            values[arg.name] = arg.default
    if queue:
        raise CommandSyntaxError(
            f"/{spec.name}: unexpected {' '.join(queue)!r}. Usage: {spec.usage}"
        )
    return values


def _missing(spec: CommandSpec, arg: Arg) -> CommandSyntaxError:
    return CommandSyntaxError(
        f"/{spec.name}: missing {arg.name.upper()} ({arg.help}). Usage: {spec.usage}"
    )


def _split_options(spec: CommandSpec, tokens: Sequence[str]) -> tuple[list[str], dict[str, Any]]:
    by_name = {o.name: o for o in spec.options}
    positional: list[str] = []
    options: dict[str, Any] = {}
    it = iter(tokens)
    for token in it:
        if not token.startswith("--") or _looks_negative(token):
            positional.append(token)
            continue
        name, _, inline = token[2:].partition("=")
        option = by_name.get(name)
        if option is None:
            known = ", ".join(f"--{n}" for n in by_name) or "none"
            raise CommandSyntaxError(f"/{spec.name}: unknown option --{name} (options: {known})")
        raw = inline or next(it, None)
        if raw is None:
            raise CommandSyntaxError(f"/{spec.name}: --{name} needs a value ({option.help})")
        options[name] = parse_value(option, raw, spec.name)
    return positional, options


def _looks_negative(token: str) -> bool:
    return bool(re.fullmatch(r"-\d[\d,.]*%?", token))
