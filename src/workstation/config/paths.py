"""Where workspaces live by default."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "VolarisWorkstation"
APP_AUTHOR = "Volaris"


def user_data_root() -> Path:
    """Return the per-user data folder that holds workspaces."""
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_workspace_dir() -> Path:
    """Return the folder of the default (real) workspace."""
    return user_data_root() / "workspaces" / "default"


def demo_workspace_dir() -> Path:
    """Return the folder of the demo workspace."""
    return user_data_root() / "workspaces" / "demo"


def resources_dir() -> Path:
    """Return the folder of bundled resources (themes, icons, data).

    In a PyInstaller bundle it sits beside the executable's payload; in a
    source checkout or editable install it is the repository's ``resources/``.
    """
    import os
    import sys

    override = os.environ.get("WORKSTATION_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[3] / "resources"
