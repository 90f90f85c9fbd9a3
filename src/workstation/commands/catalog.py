"""Every command module, registered once for both the palette and the CLI."""

from __future__ import annotations

from workstation.commands import (
    alerts,
    brokers,
    calendar,
    general,
    ledger,
    market,
    planning,
    playbook,
    risk,
    settings,
    sizing,
)  # fmt: skip
from workstation.commands.registry import CommandRegistry

COMMAND_MODULES = (
    general, market, planning, sizing, calendar, settings, ledger, risk, alerts, playbook,
    brokers,
)  # fmt: skip


def default_registry() -> CommandRegistry:
    """Return a registry holding every command of the workstation."""
    return CommandRegistry(spec for module in COMMAND_MODULES for spec in module.SPECS)
