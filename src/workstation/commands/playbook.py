"""/playbook: the setups structure alerts suggest — list, enable, disable, export, import, reset.

::

    /playbook                        every rule: events, context it needs, setup, on/off
    /playbook enable|disable NAME    switch one rule (NAME as listed, quotes for spaces)
    /playbook export FILE            write the playbook as JSON to edit
    /playbook import FILE            replace the playbook with a JSON file (validated first)
    /playbook reset                  back to the shipped defaults

The playbook lives in the workspace; an import that fails validation names
the rule and field and leaves the stored playbook as it was.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.commands.context import CommandContext
from workstation.commands.grammar import Arg, ArgKind, CommandError, CommandSpec, CommandSyntaxError
from workstation.commands.result import CommandResult, Table

if TYPE_CHECKING:
    from workstation.domain.playbook import PlaybookRule
    from workstation.services.alert_rules import AlertRuleService

ACTIONS = ("list", "enable", "disable", "export", "import", "reset")


def _service(ctx: CommandContext) -> AlertRuleService:
    if ctx.alert_rules is None:
        raise CommandError("/playbook: alert rules are not available in this workspace")
    return ctx.alert_rules


async def run_playbook(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Dispatch ``/playbook ACTION ...`` (list when no action is given)."""
    from workstation.domain.playbook import PlaybookError

    words: list[str] = values["words"]
    action = words[0].lower() if words else "list"
    if action not in ACTIONS:
        raise CommandSyntaxError(f"/playbook: unknown action {words[0]!r} ({', '.join(ACTIONS)})")
    argument = " ".join(words[1:]).strip().strip("'\"")
    if action in {"enable", "disable", "export", "import"} and not argument:
        raise CommandSyntaxError(f"/playbook {action}: name the {_what(action)}")
    service = _service(ctx)
    try:
        if action in {"enable", "disable"}:
            return await _switch(service, argument, on=action == "enable")
        if action == "export":
            return await _export(service, Path(argument).expanduser())
        if action == "import":
            return await _import(service, Path(argument).expanduser())
        if action == "reset":
            defaults = await service.reset_playbook()
            return _listing("Playbook reset to the shipped defaults", defaults)
    except PlaybookError as exc:
        raise CommandError(f"/playbook {action}: {exc}") from None
    return _listing("Playbook", await service.playbook())


def _what(action: str) -> str:
    return "rule" if action in {"enable", "disable"} else "JSON file"


async def _switch(service: AlertRuleService, name: str, *, on: bool) -> CommandResult:
    rules = list(await service.playbook())
    index = next((i for i, r in enumerate(rules) if r.name.lower() == name.lower()), None)
    if index is None:
        known = ", ".join(repr(r.name) for r in rules)
        raise CommandError(f"/playbook: no rule named {name!r} (rules: {known})")
    rules[index] = replace(rules[index], enabled=on)
    stored = await service.replace_playbook(rules)
    return _listing(f"Playbook rule {rules[index].name!r} {'on' if on else 'off'}", stored)


async def _export(service: AlertRuleService, path: Path) -> CommandResult:
    from workstation.engines.playbook import playbook_document

    rules = await service.playbook()
    text = json.dumps(playbook_document(rules), indent=2) + "\n"
    _write_atomically(path, text)
    return CommandResult(
        f"Playbook written to {path}",
        (f"{len(rules)} rules; edit the file, then /playbook import {path}",),
        data={"path": str(path), "rules": len(rules)},
    )


async def _import(service: AlertRuleService, path: Path) -> CommandResult:
    from workstation.engines.playbook import parse_playbook

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"/playbook import: cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"/playbook import: {path} line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    rules = parse_playbook(document, str(path))
    return _listing(f"Playbook imported from {path}", await service.replace_playbook(rules))


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so a failure leaves no half file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CommandError(f"/playbook export: cannot write {path}: {exc.strerror}") from None


def _listing(title: str, rules: tuple[PlaybookRule, ...]) -> CommandResult:
    from workstation.engines.playbook import rule_to_mapping

    rows = tuple(_row(rule_to_mapping(rule)) for rule in rules)
    table = Table(("Rule", "Events", "Needs", "Setup", "State"), rows)
    data = {"rules": [rule_to_mapping(rule) for rule in rules]}
    return CommandResult(f"{title}: {len(rules)} rules", (), table, data)


def _row(rule: dict[str, Any]) -> tuple[str, ...]:
    needs = [f"{key} {rule[key]}" for key in ("side", "bias", "iv_regime", "vwap", "trend")
             if rule.get(key) not in (None, "any")]  # fmt: skip
    setup = rule.get("setup", {})
    setup_text = f"{setup.get('strategy', '')} ({setup.get('direction', '')})"
    state = "on" if rule.get("enabled", True) else "off"
    return (rule["name"], " ".join(rule["events"]), ", ".join(needs) or "-", setup_text, state)


SPECS = (
    CommandSpec(
        "playbook",
        "The setups structure alerts suggest: list, enable/disable a rule, export to JSON, "
        "import an edited file, reset to the defaults",
        run_playbook,
        args=(
            Arg("words", ArgKind.TEXT, "list | enable NAME | disable NAME | export FILE "
                "| import FILE | reset", required=False, variadic=True),
        ),
        examples=(
            "/playbook", "/playbook disable VWAP reclaim in an uptrend",
            "/playbook export ~/playbook.json",
            "/playbook import ~/playbook.json", "/playbook reset",
        ),
    ),
)  # fmt: skip
