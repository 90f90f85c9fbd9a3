"""/settings and /set: see and change workspace settings (planner rules, guardrails, sizing)."""

from __future__ import annotations

from typing import Any

from workstation.commands.context import CommandContext
from workstation.commands.grammar import Arg, ArgKind, CommandError, CommandSpec
from workstation.commands.result import CommandResult, Table


async def run_settings(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """List settings (those whose name contains FILTER)."""
    if ctx.settings_service is None:
        raise CommandError("/settings: settings cannot be changed in this workspace")
    wanted = (values["filter"] or "").lower()
    rows = tuple(row for row in ctx.settings_service.described() if wanted in row[0])
    data = {"settings": {name: value for name, value, _ in rows}}
    return CommandResult(
        f"Settings ({len(rows)})", table=Table(("Name", "Value", "What"), rows), data=data
    )


async def run_set(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Change one setting."""
    from workstation.services.settings import applies_live

    if ctx.settings_service is None:
        raise CommandError("/set: settings cannot be changed in this workspace")
    name, text = values["name"], " ".join(values["value"])
    try:
        updated = await ctx.settings_service.set(name, text)
    except ValueError as exc:
        raise CommandError(f"/set: {exc}") from None
    when = "now" if applies_live(name) else "on the next start"
    shown = updated.model_dump(mode="json")[name]
    return CommandResult(f"{name} = {shown} (applies {when})", data={name: shown})


SPECS = (
    CommandSpec(
        "settings",
        "List the workspace's settings (planner rules, guardrails, sizing, ...)",
        run_settings,
        args=(Arg("filter", ArgKind.TEXT, "only names containing this", required=False),),
        examples=("/settings", "/settings planner"),
    ),
    CommandSpec(
        "set",
        "Change a setting (JSON or text), e.g. /set planner_min_credit 0.2",
        run_set,
        args=(
            Arg("name", ArgKind.TEXT, "the setting's name (see /settings)"),
            Arg("value", ArgKind.TEXT, "the new value", variadic=True),
        ),
        examples=("/set planner_min_credit 0.2", "/set guardrail_tentative_blocks false"),
    ),
)
