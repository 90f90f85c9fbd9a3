"""The pure layers import no Qt (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import importlib, pkgutil, sys
import workstation.{package} as package
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    if ".migrations" not in info.name:  # alembic scripts run only inside alembic
        importlib.import_module(info.name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "qasync",
                                                          "pyqtgraph"))
print(",".join(qt))
"""


@pytest.mark.parametrize(
    "package", ["domain", "engines", "commands", "services", "storage", "ports", "config", "jobs"]
)
def test_pure_layers_never_load_qt(package):
    done = subprocess.run(
        [sys.executable, "-c", CHECK.format(package=package)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == "", f"workstation.{package} pulled in {done.stdout}"
