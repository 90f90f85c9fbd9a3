"""General commands: /help, /backup, /workspace."""

from __future__ import annotations

from typing import Any

from workstation.commands.context import CommandContext
from workstation.commands.grammar import Arg, ArgKind, CommandError, CommandSpec
from workstation.commands.registry import CommandRegistry
from workstation.commands.result import CommandResult, Table


async def run_help(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """List commands, or explain one."""
    return help_result(ctx.registry, values["command"])


def help_result(registry: CommandRegistry, name: str | None) -> CommandResult:
    """Describe every command, or the one called ``name``."""
    if name:
        spec = registry.get(name.lstrip("/"))
        if spec is None:
            raise CommandError(f"/help: no command called /{name.lstrip('/')}")
        lines = [
            spec.usage,
            *(f"{a.name.upper()}: {a.help}" for a in spec.args),
            *(f"--{o.name}: {o.help}" for o in spec.options),
            *(f"e.g. {e}" for e in spec.examples),
        ]
        return CommandResult(
            f"/{spec.name} — {spec.summary}",
            tuple(lines),
            data={"name": spec.name, "usage": spec.usage},
        )
    specs = registry.all()
    table = Table(("Command", "What it does"), tuple((s.usage, s.summary) for s in specs))
    return CommandResult(
        "Commands",
        table=table,
        data={
            "commands": [{"name": s.name, "usage": s.usage, "summary": s.summary} for s in specs]
        },
    )


async def run_backup(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Write a backup of the workspace database now."""
    if ctx.maintenance is None:
        raise CommandError("/backup: no workspace database is open")
    path = await ctx.maintenance.backup("manual")
    return CommandResult("Backup written", (str(path),), data={"path": str(path)})


async def run_workspace(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Describe the open workspace."""
    ws = ctx.workspace
    lines = (
        f"Folder {ws.path}",
        f"Kind {ws.kind}",
        "Database encrypted (SQLCipher)" if ws.encrypted else "Database not encrypted",
        f"Market data: {ctx.market.provider_name}",
    )
    return CommandResult(
        f"Workspace {ws.name}",
        lines,
        data={
            "name": ws.name,
            "path": ws.path,
            "kind": ws.kind,
            "encrypted": ws.encrypted,
            "market_data": ctx.market.provider_name,
        },
    )


SPECS = (
    CommandSpec(
        "help",
        "List commands or explain one",
        run_help,
        args=(Arg("command", ArgKind.TEXT, "a command name", required=False),),
        aliases=("?",),
        examples=("/help", "/help em"),
    ),
    CommandSpec("backup", "Back up the workspace database now", run_backup),
    CommandSpec("workspace", "Show the open workspace", run_workspace, aliases=("ws",)),
)
