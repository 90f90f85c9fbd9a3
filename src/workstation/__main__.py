"""``workstation``: the GUI with no command; a headless command otherwise.

workstation [--demo] [--data-dir DIR]            open the GUI
workstation [--demo] em SPY 7 [--json]           run a command headless
workstation snapshot --out main.png [--panel NAME] [--size WxH]
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

USAGE = """usage: workstation [--demo] [--data-dir DIR] [--json] [COMMAND [ARGS...]]

With no COMMAND, opens the workstation window. With a COMMAND, runs it headless
and prints the result (--json for machine-readable output). Commands use the
same grammar as the palette: `workstation em SPY 7` == `/em SPY 7`.

options:
  --demo            open the demo workspace (simulated market, no account needed)
  --data-dir DIR    workspace folder (default: the per-user data folder)
  --json            print command results as JSON
  --log-level LVL   DEBUG, INFO, WARNING (default WARNING on the console)
  --version         print the version and exit
  -h, --help        show this help

commands:
  help              list every command (`workstation help em` explains one)
  snapshot          render the window or one panel to PNG:
                    snapshot --out FILE [--panel NAME] [--size WxH]
"""


class UsageError(ValueError):
    """The command line is malformed."""


@dataclass
class LaunchArgs:
    """Parsed command line: global options plus the command's own tokens."""

    demo: bool = False
    data_dir: Path | None = None
    json: bool = False
    log_level: str | None = None
    quit_after: float | None = None
    exit_on_first_paint: bool = False
    command: list[str] = field(default_factory=list)


_VALUE_OPTIONS = {"--data-dir", "--log-level", "--quit-after"}


def parse_args(argv: list[str]) -> LaunchArgs:
    """Take global options from anywhere on the line; everything else is the command."""
    args = LaunchArgs()
    tokens = iter(argv)
    for token in tokens:
        name, eq, inline = token.partition("=")
        if name in _VALUE_OPTIONS:
            value = inline if eq else next(tokens, None)
            if value is None:
                raise UsageError(f"{name} needs a value")
            _set_value(args, name, value)
        elif token == "--demo":
            args.demo = True
        elif token == "--json":
            args.json = True
        elif token == "--exit-on-first-paint":  # cold-start benchmark
            args.exit_on_first_paint = True
        else:
            args.command.append(token)
    return args


def _set_value(args: LaunchArgs, name: str, value: str) -> None:
    if name == "--data-dir":
        args.data_dir = Path(value).expanduser()
    elif name == "--log-level":
        args.log_level = value.upper()
    else:
        try:
            args.quit_after = float(value)
        except ValueError:
            raise UsageError(f"--quit-after needs seconds, got {value!r}") from None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``workstation`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if argv and argv[0] == "--version":
        from workstation import __version__

        print(f"workstation {__version__}")
        return 0
    try:
        args = parse_args(argv)
    except UsageError as exc:
        print(f"workstation: {exc}\n\n{USAGE}", file=sys.stderr)
        return 2
    from workstation.app.bootstrap import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
