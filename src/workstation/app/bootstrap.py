"""Composition root entry: route a parsed command line to the GUI, a snapshot or the CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workstation.app.logging_setup import setup_logging
from workstation.app.tuning import responsive_gil, tune_malloc
from workstation.app.workspace import resolve_workspace

if TYPE_CHECKING:
    from workstation.__main__ import LaunchArgs


def run(args: LaunchArgs) -> int:
    """Run what the command line asks for; return the process exit code."""
    tune_malloc()
    target = resolve_workspace(args.data_dir, args.demo)
    target.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    setup_logging(args.log_level, target.folder / "logs")
    if not args.command:
        from workstation.app.gui import launch

        responsive_gil()
        return launch(
            target, quit_after=args.quit_after, exit_on_first_paint=args.exit_on_first_paint
        )
    if args.command[0] == "snapshot":
        from workstation.app.snapshot import run_snapshot

        return run_snapshot(args.command[1:], target)
    from workstation.app.cli import run_command

    return run_command(args.command, target, args.json)
