"""Headless commands: ``workstation em SPY 7 --json``."""

from __future__ import annotations

import asyncio
import getpass
import os
import sys

from workstation.app.runtime import open_runtime
from workstation.app.workspace import WorkspaceTarget
from workstation.commands.catalog import default_registry
from workstation.commands.general import help_result
from workstation.commands.grammar import CommandError, Invocation
from workstation.commands.result import CommandResult
from workstation.ports.marketdata import MarketDataError
from workstation.ports.secrets import SecretStoreUnavailable
from workstation.services.blocking import run_in_thread
from workstation.services.events import EventBus
from workstation.storage.errors import StorageError

EXIT_USAGE = 2
EXIT_FAILED = 1


class PassphraseUnavailable(RuntimeError):
    """A passphrase is needed but there is no way to ask for one."""


def cli_passphrase(reason: str) -> str:
    """Get the database passphrase from WORKSTATION_PASSPHRASE or the terminal."""
    from_env = os.environ.get("WORKSTATION_PASSPHRASE")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise PassphraseUnavailable(
            f"{reason} Set WORKSTATION_PASSPHRASE or run the command in a terminal."
        )
    print(reason, file=sys.stderr)
    return getpass.getpass("Workspace passphrase: ")


def run_command(tokens: list[str], target: WorkspaceTarget, as_json: bool) -> int:
    """Parse and run one command; print its result; return the exit code."""
    registry = default_registry()
    try:
        invocation = registry.parse_tokens(tokens)
    except CommandError as exc:
        print(f"workstation: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if invocation.spec.name == "help":
        return _print(help_result(registry, invocation.values["command"]), as_json)
    if invocation.spec.gui_only:
        print(f"workstation: /{invocation.spec.name} works only in the window", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = asyncio.run(_run(invocation, target))
    except (
        CommandError,
        MarketDataError,
        ValueError,
        PassphraseUnavailable,
        StorageError,
        SecretStoreUnavailable,
    ) as exc:
        message = str(exc).removeprefix(f"/{invocation.spec.name}: ")
        print(f"workstation {invocation.spec.name}: {message}", file=sys.stderr)
        return EXIT_FAILED
    return _print(result, as_json)


async def _run(invocation: Invocation, target: WorkspaceTarget) -> CommandResult:
    runtime = await asyncio.to_thread(
        open_runtime, target, EventBus(), run_in_thread, cli_passphrase
    )
    try:
        await runtime.ensure_history(run_in_thread)  # a new or stale workspace fills its history
        await runtime.ensure_demo_account(run_in_thread)  # a new demo workspace gets its account
        return await invocation.spec.run(runtime.context, invocation.values)
    finally:
        await runtime.provider.aclose()
        await asyncio.to_thread(runtime.close)


def _print(result: CommandResult, as_json: bool) -> int:
    print(result.to_json() if as_json else result.to_text())
    return 0
