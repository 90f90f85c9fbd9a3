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
