"""Which workspace folder a launch opens, and of what kind.

Runs before the first paint, so it peeks at the manifest with plain json; the
store validates the manifest properly when it opens the workspace.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from workstation.config.paths import default_workspace_dir, demo_workspace_dir

Kind = Literal["demo", "real"]


@dataclass(frozen=True, slots=True)
class WorkspaceTarget:
    """A workspace folder and its kind ("demo" is plain and simulated; "real" is encrypted)."""

    folder: Path
    kind: Kind

    @property
    def name(self) -> str:
        """Short name shown in the status bar."""
        return self.folder.name


def resolve_workspace(data_dir: Path | None, demo: bool) -> WorkspaceTarget:
    """Pick the folder (``--data-dir`` or the per-user default) and its kind.

    An existing workspace keeps the kind its manifest records; a new one is a
    demo workspace with ``--demo`` and a real one otherwise.
    """
    folder = (data_dir or (demo_workspace_dir() if demo else default_workspace_dir())).resolve()
    recorded = _recorded_kind(folder)
    return WorkspaceTarget(folder, recorded or ("demo" if demo else "real"))


def _recorded_kind(folder: Path) -> Kind | None:
    try:
        kind = json.loads((folder / "workspace.json").read_text(encoding="utf-8")).get("kind")
    except (OSError, ValueError, AttributeError):
        return None
    return kind if kind in ("demo", "real") else None
