"""``workstation snapshot``: render the window or one panel offscreen to a PNG."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.app.workspace import WorkspaceTarget
from workstation.services.blocking import run_in_thread

if TYPE_CHECKING:
    from workstation.app.gui import Shell
    from workstation.app.runtime import Runtime

SETTLE_SECONDS = 0.6


DEFAULT_SIZE = (1400, 860)


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1400x860, got {text!r}") from None
    if not (320 <= width <= 8000 and 240 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"size {text} is outside 320x240 – 8000x8000")
    return width, height


def parse(tokens: list[str]) -> argparse.Namespace:
    """Parse ``--out FILE [--panel NAME] [--size WxH]``."""
    parser = argparse.ArgumentParser(
        prog="workstation snapshot", description="Render the window or a panel to PNG."
    )
    parser.add_argument("--out", required=True, type=Path, help="PNG file to write")
    parser.add_argument("--panel", help="panel to render instead of the whole window")
    parser.add_argument(
        "--size",
        type=_size,
        default=None,
        help="window size WxH (default 1400x860); with --panel, the panel is floated at that size",
    )
    parser.add_argument(
        "--palette",
        metavar="LINE",
        help="open the command palette and run LINE (e.g. '/em SPY 7') first",
    )
    parser.add_argument("--theme", choices=("dark", "light"), help="theme for this picture")
    return parser.parse_args(tokens)


def run_snapshot(tokens: list[str], target: WorkspaceTarget) -> int:
    """Open the workspace offscreen, wait for data, grab, write the PNG, exit."""
    try:
        options = parse(tokens)
    except SystemExit as exc:
        return int(exc.code or 0)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from workstation.app.gui import Shell, run_session

    shell = Shell(target, size=options.size or DEFAULT_SIZE)
    if options.theme:
        from workstation.ui.theme import apply_theme

        apply_theme(shell.app, options.theme)
    if options.panel and options.panel not in shell.window.docks:
        known = ", ".join(sorted(shell.window.docks))
        print(
            f"workstation snapshot: no panel {options.panel!r} (panels: {known})", file=sys.stderr
        )
        return 2
    shell.show()
    if options.panel and options.size:  # a panel alone is grabbed at the size asked for
        dock = shell.window.docks[options.panel]
        dock.setFloating(True)
        dock.resize(*options.size)
        dock.show()
    outcome: list[str] = []

    async def grab(shell: Shell, runtime: Runtime) -> None:
        await runtime.market.refresh(runtime.quote_symbols)
        if shell.dashboard.controller is not None:
            shell.dashboard.controller.refresh()
        if options.panel == "pnl":
            await _pnl_loaded(shell, runtime)
        if options.panel == "risk":
            await _risk_loaded(shell, runtime)
        if options.panel == "structure":
            await _structure_loaded(shell, runtime)
        if options.panel == "alerts":
            await _alerts_loaded(shell, runtime)
        if options.palette:
            shell.window.run_command(options.palette)
            running = shell.window.palette_popup.running
            if running is not None:
                await asyncio.wait([running])
        await asyncio.sleep(SETTLE_SECONDS)  # the loop paints meanwhile (no nested processEvents)
        outcome.append(_write(shell, options.panel, options.out))

    code = run_session(shell, then=grab)
    if code or not outcome:
        return code or 1
    print(outcome[0])
    return 0


async def _pnl_loaded(shell: Shell, runtime: Runtime) -> None:
    """Wait for the P&L panel to be built, then load the ledger into it."""
    for _ in range(200):
        if shell.pnl is not None and shell.pnl.controller is not None:
            await runtime.ensure_demo_account(run_in_thread)
            await shell.pnl.controller.load()
            return
        await asyncio.sleep(0.05)


async def _risk_loaded(shell: Shell, runtime: Runtime) -> None:
    """Wait for the Risk panel to be built, then load a report into it."""
    for _ in range(400):
        if shell.risk is not None and shell.risk.controller is not None:
            await shell.risk.controller.load()
            return
        await asyncio.sleep(0.05)


async def _structure_loaded(shell: Shell, runtime: Runtime) -> None:
    """Wait for the Structure panel's first chart to load, stepping the live trackers once."""
    if runtime.structure is not None:
        runtime.structure.structure.watch(runtime.structure_symbols)
        await runtime.structure.step()
    for _ in range(400):
        charts = shell.structure.charts if shell.structure is not None else None
        if charts is not None and charts.controllers:
            for controller in charts.controllers.values():
                await controller.load()
            return
        await asyncio.sleep(0.05)


async def _alerts_loaded(shell: Shell, runtime: Runtime) -> None:
    """Load the stored alerts into the Alerts panel."""
    if shell.alerts is not None and shell.alerts.controller is not None:
        await shell.alerts.controller.load()
        shell.alerts.view.table.selectRow(0)


def _write(shell: Shell, panel: str | None, out: Path) -> str:
    widget = shell.window.docks[panel] if panel else shell.window
    out.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(out), "PNG"):
        raise OSError(f"could not write {out}")
    return str(out)
